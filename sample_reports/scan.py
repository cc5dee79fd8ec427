#!/usr/bin/env python3
"""Turn a PDF with a text layer into an image-only PDF: a simulated scan, for OCR tests.

Usage: python sample_reports/scan.py IN.pdf OUT.pdf [--dpi 200] [--pages 1,3-5] [--rotate 90] [--renderer pdfium]

Each page is painted from what the PDF states (its ruling lines and rectangles, then every
character at its box in a CJK font) rather than rendered by PDFium, because the generated
samples use a CJK font that is not embedded and renders blank on a machine without CJK
fonts. The font comes from the first CJK font found (a `paperang-p2-fonts-cjk` install, the
usual Debian font folders); without one, ``NoCjkFont`` says so. The output has no text
layer, so kemu must OCR it; ``--rotate`` turns pages (clockwise) as a sideways scan would be.
PDFs that embed their fonts (published reports) can be rendered by PDFium instead (``--renderer``).
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from functools import lru_cache
from pathlib import Path

import pdfplumber
from PIL import Image, ImageDraw, ImageFilter, ImageFont

_FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


class NoCjkFont(RuntimeError):
    """No font with Chinese glyphs is installed, so a page cannot be painted."""


@lru_cache(maxsize=1)
def cjk_font_file() -> Path:
    spec = importlib.util.find_spec("paperang_p2_fonts_cjk")
    candidates = [Path(p) / "fonts" / "wqy-microhei.ttc" for p in (spec.submodule_search_locations or [])] if spec else []
    candidates += [Path(p) for p in _FONT_FILES]
    found = next((p for p in candidates if p.is_file()), None)
    if found is None:
        raise NoCjkFont('no CJK font found: pip install paperang-p2-fonts-cjk (or apt-get install fonts-wqy-microhei)')
    return found


@lru_cache(maxsize=64)
def _font(pixels: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(cjk_font_file()), max(4, pixels))


def paint_page(page, dpi: int) -> Image.Image:
    """One page as a greyscale image: rulings, then characters, lightly blurred like a print."""
    scale = dpi / 72
    image = Image.new("L", (round(float(page.width) * scale), round(float(page.height) * scale)), 255)
    draw = ImageDraw.Draw(image)
    for edge in page.edges:
        box = [edge["x0"] * scale, edge["top"] * scale, edge["x1"] * scale, edge["bottom"] * scale]
        draw.rectangle(box, fill=0)
    for char in page.chars:
        if not char["text"].strip():
            continue
        size = round(float(char["size"]) * scale)
        centre_y = (char["top"] + char["bottom"]) / 2 * scale
        draw.text((char["x0"] * scale, centre_y), char["text"], font=_font(size), fill=0, anchor="lm")
    return image.filter(ImageFilter.GaussianBlur(0.6))


def render_page(source: Path, number: int, dpi: int) -> Image.Image:
    """A page rendered by PDFium: right for PDFs that embed their fonts (published reports do)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(source))
    try:
        return pdf[number - 1].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()


def scan_pdf(
    source: Path, target: Path, dpi: int = 200, pages: list[int] | None = None, rotate: int = 0, renderer: str = "paint"
) -> int:
    """Write an image-only copy of ``source`` (1-based ``pages``, all by default); returns the page count.

    ``renderer``: "paint" draws from the text layer (any PDF, a CJK font needed), "pdfium" renders.
    """
    with pdfplumber.open(source) as pdf:
        chosen = pages or list(range(1, len(pdf.pages) + 1))
        if renderer == "pdfium":
            images = [render_page(source, n, dpi) for n in chosen]
        else:
            images = [paint_page(pdf.pages[n - 1], dpi) for n in chosen]
    images = [image.rotate(-rotate, expand=True) for image in images]
    fixed = time.gmtime(946684800)  # 2000-01-01: the same pages give the same bytes, so OCR's page cache serves re-runs
    images[0].save(target, "PDF", resolution=dpi, save_all=True, append_images=images[1:], title="scan", creationDate=fixed, modDate=fixed)
    return len(images)


def truth_for_pages(truth: dict, pages: list[int]) -> dict:
    """The ground truth of the tables printed wholly on ``pages``, renumbered as in a scan of them."""
    position = {page: index for index, page in enumerate(pages, start=1)}
    tables = [
        {**table, "pages": [position[p] for p in table["pages"]]}
        for table in truth["tables"]
        if all(p in position for p in table["pages"])
    ]
    return {**truth, "tables": tables}


def page_list(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        out.extend(range(int(first), int(last or first) + 1))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--pages", type=page_list, default=None, help="1-based pages, e.g. 1,3-5")
    parser.add_argument("--rotate", type=int, choices=(0, 90, 180, 270), default=0)
    parser.add_argument("--renderer", choices=("paint", "pdfium"), default="paint")
    args = parser.parse_args()
    count = scan_pdf(args.source, args.target, args.dpi, args.pages, args.rotate, args.renderer)
    print(f"{args.target}: {count} image-only pages at {args.dpi} dpi")


if __name__ == "__main__":
    main()
