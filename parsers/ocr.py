"""Scanned PDF pages → the same ``SourceDocument`` every other format produces.

A page without a text layer whose content is a picture is a scan. It is rendered with
PDFium, turned upright (pages are often scanned sideways or upside down), read by the OCR
engine into words with boxes and confidences, and the words become lines of fragments in
PDF points, grouped by vertical overlap like PDF text. Fragments carry no column: the grid's
unruled-table geometry finds columns from where the words sit, so every table rule serves
scans too. Each fragment keeps the engine's confidence (its least sure character), which
reaches the cell's provenance; the ``ocr`` check turns unsure cells into review items.

The engine is the optional ``ocr`` extra (``pip install -e ".[ocr]"``); without it a scan is
rejected with a sentence that says how to install it. Readings are cached per page
(``ocr_cache``) and a progress callback hears of every page (``ocr_progress``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from parsers import ocr_cache
from parsers.errors import NoTextLayer, UnreadableReport
from parsers.layout import Fragment, SourceDocument, SourceLine
from parsers.ocr_digits import normalize_amount_text
from parsers.ocr_engine import OcrWord, engine_installed

INSTALL_HINT = 'pip install -e ".[ocr]"'
#: Format of a PDF some of whose pages were read by OCR (extract JSON ``format``).
OCR_FORMAT = "pdf/ocr"

Progress = Callable[[int, int], None]  # (pages done, pages to read); called before the first page too
_listeners: ContextVar[tuple[Progress, ...]] = ContextVar("ocr_progress", default=())


@dataclass(frozen=True)
class OcrSettings:
    """``dpi``: render resolution; ``image_share``: how much of an empty page a picture must
    cover for the page to count as a scan (blank separator pages are not OCR'd);
    ``line_overlap``: vertical overlap share that puts two words on one printed line."""

    dpi: int = 200
    image_share: float = 0.3
    line_overlap: float = 0.5


@contextmanager
def ocr_progress(callback: Progress) -> Iterator[None]:
    """Tell ``callback`` (besides any listener already set) of every OCR'd page while the block runs."""
    token = _listeners.set((*_listeners.get(), callback))
    try:
        yield
    finally:
        _listeners.reset(token)


def _notify(done: int, total: int) -> None:
    for listener in _listeners.get():
        listener(done, total)


def read_scanned_pages(path: Path, doc: SourceDocument | None, settings: OcrSettings = OcrSettings()) -> SourceDocument:
    """OCR the pages of ``path`` that are scans into ``doc``; ``doc`` is None when no page has text.

    A document without scanned pages comes back unchanged. Without the OCR extra, a document
    that is all scan is rejected with the install command; a mixed one keeps its text pages.
    """
    import pypdfium2 as pdfium

    if doc is not None and all(doc.pages):
        return doc
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise UnreadableReport(f"{path.name}: not a readable PDF, the file is damaged ({exc})") from exc
    try:
        texts = doc.pages if doc is not None else [[] for _ in range(len(pdf))]
        scans = [n for n in range(1, len(pdf) + 1) if not texts[n - 1] and _is_scan(pdf[n - 1], settings)]
        if not scans:
            if doc is None:
                raise NoTextLayer(f"{path.name}: no text layer and no scanned image on any page — nothing to read")
            return doc
        if not engine_installed():
            if doc is None:
                raise NoTextLayer(f"{path.name}: no text layer — a scanned PDF; to read it with OCR install the extra: {INSTALL_HINT}")
            return doc
        pages = [list(lines) for lines in texts]
        sha256 = _sha256(path)
        _notify(0, len(scans))
        for done, number in enumerate(scans, start=1):
            pages[number - 1] = page_lines(read_page(pdf, number, sha256, settings), number, settings)
            _notify(done, len(scans))
    finally:
        pdf.close()
    return SourceDocument(format=OCR_FORMAT, pages=pages, page_count=len(pages))


def read_page(pdf, number: int, sha256: str, settings: OcrSettings) -> ocr_cache.PageReading:
    """The cached reading of page ``number`` (1-based), or a fresh one: render, turn upright, OCR."""
    from parsers.ocr_engine import engine_version, read_words, upright_turns

    engine = engine_version()
    cached = ocr_cache.load(sha256, number, settings.dpi, engine)
    if cached is not None:
        return cached
    image = render_page(pdf[number - 1], settings.dpi)
    turns = upright_turns(image)
    if turns:
        image = _turn(image, turns)
    reading = ocr_cache.PageReading(turns, image.shape[1], image.shape[0], tuple(read_words(image)))
    ocr_cache.store(sha256, number, settings.dpi, engine, reading)
    return reading


def render_page(page, dpi: int):
    """The page as an RGB array at ``dpi``, as displayed (its /Rotate applied)."""
    import numpy as np

    return np.asarray(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("RGB"))


def _turn(image, turns: int):
    import numpy as np

    return np.ascontiguousarray(np.rot90(image, turns))


def page_lines(reading: ocr_cache.PageReading, page: int, settings: OcrSettings) -> list[SourceLine]:
    """Words → one SourceLine per printed line, in PDF points of the upright page."""
    scale = settings.dpi / 72
    bands: list[list[OcrWord]] = []
    for word in sorted(reading.words, key=lambda w: (w.box[1] + w.box[3]) / 2):
        band = next((b for b in reversed(bands[-3:]) if _same_line(b, word, settings.line_overlap)), None)
        if band is None:
            bands.append([word])
        else:
            band.append(word)
    lines = []
    for band in bands:
        band.sort(key=lambda w: w.box[0])
        fragments = [_fragment(w, scale) for w in band]
        boxes = [f.bbox for f in fragments]
        bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
        lines.append(SourceLine(page, 0, fragments, None, bbox))
    lines.sort(key=lambda line: (line.bbox[1], line.bbox[0]))
    for index, line in enumerate(lines, start=1):
        line.number = index
    return lines


def _fragment(word: OcrWord, scale: float) -> Fragment:
    text = normalize_amount_text(word.text)
    bbox = tuple(round(v / scale, 2) for v in word.box)
    return Fragment(text, None, bbox, confidence=round(word.confidence, 4))


def _same_line(band: list[OcrWord], word: OcrWord, min_overlap: float) -> bool:
    top = min(w.box[1] for w in band)
    bottom = max(w.box[3] for w in band)
    inter = min(bottom, word.box[3]) - max(top, word.box[1])
    height = min(bottom - top, word.box[3] - word.box[1])
    return height > 0 and inter / height >= min_overlap


def _is_scan(page, settings: OcrSettings) -> bool:
    """A page is a scan when pictures cover a fair share of it (a blank page is not)."""
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    covered = 0.0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        covered += max(0.0, right - left) * max(0.0, top - bottom)
    return covered >= settings.image_share * width * height


def _sha256(path: Path) -> str:
    from parsers.report import file_sha256

    return file_sha256(path)
