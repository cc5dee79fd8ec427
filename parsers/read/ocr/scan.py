"""Scanned PDF pages → the same ``SourceDocument`` every other format produces.

A page without a text layer whose content is a picture is a scan. It is rendered with
PDFium, turned upright (pages are often scanned sideways or upside down), read by the OCR
engine into words with boxes and confidences, and the words become lines of fragments in
PDF points, grouped by vertical overlap like PDF text. Fragments carry no column: the grid's
unruled-table geometry finds columns from where the words sit, so every table rule serves
scans too. Each fragment keeps the engine's confidence (its least sure character), which
reaches the cell's provenance; the ``ocr`` check turns unsure cells into review items.

The engine is the optional ``ocr`` extra (``pip install -e ".[ocr]"``); without it a scan is
rejected with a sentence that says how to install it. ``KEMU_OCR=off`` turns OCR off (a
batch that must stay fast rejects scans as before). Readings are cached per page
(``ocr_cache``) and every page is reported to the reading progress listeners (``parsers.read.progress``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from parsers.read.ocr import cache as ocr_cache
from parsers.errors import NoTextLayer, UnreadableReport
from parsers.read.layout import Fragment, SourceDocument, SourceLine
from parsers.model import file_sha256
from parsers.read.ocr.digits import normalize_amount_text
from parsers.read.progress import OCR, report_progress

if TYPE_CHECKING:  # the engine and the ruling finder load when a page is OCR'd, not with every command
    from parsers.read.ocr.words import OcrWord
    from parsers.read.ocr.rulings import Cell

INSTALL_HINT = 'pip install -e ".[ocr]"'
#: Below this OCR confidence a reading goes to review (docs/ocr.md says how it was chosen).
LOW_CONFIDENCE = 0.9
#: Format of a PDF some of whose pages were read by OCR (extract JSON ``format``).
OCR_FORMAT = "pdf/ocr"


@dataclass(frozen=True)
class OcrSettings:
    """``dpi``: render resolution; ``image_share``: how much of an empty page a picture must
    cover for the page to count as a scan (blank separator pages are not OCR'd);
    ``line_overlap``: vertical overlap share that puts two words on one printed line;
    ``probe_pages``: a document that is all scan and whose first pages read like no report
    (no report title, table title or 公开NN表 mark) is not read further: it will be rejected
    as not a report by what those pages say, without OCR'ing a long letter page by page."""

    dpi: int = 200
    image_share: float = 0.3
    line_overlap: float = 0.5
    probe_pages: int = 3


def read_scanned_pages(
    path: Path, doc: SourceDocument | None, looks_like_report: Callable[[str], bool], settings: OcrSettings = OcrSettings()
) -> SourceDocument:
    """OCR the pages of ``path`` that are scans into ``doc``; ``doc`` is None when no page has text.

    ``looks_like_report`` judges the probe pages' text (the pipeline passes identification's
    sniff: reading never imports a later stage).

    ``doc`` has a page without text (``read_source`` asks only then). A document without
    scanned pages comes back unchanged. Without the OCR extra, a document
    that is all scan is rejected with the install command; a mixed one keeps its text pages.
    """
    texts, scans = _scanned_pages(path, doc, settings)
    if not scans:
        if doc is None:
            raise NoTextLayer(f"{path.name}: no text layer and no scanned image on any page — nothing to read")
        return doc
    if not engine_installed() or os.environ.get("KEMU_OCR") == "off":
        if doc is None:
            how = "OCR is turned off (KEMU_OCR=off)" if engine_installed() else f"to read it with OCR install the extra: {INSTALL_HINT}"
            raise NoTextLayer(f"{path.name}: no text layer — a scanned PDF; {how}")
        return doc
    import pypdfium2 as pdfium  # here, not above: only pages to OCR are rendered, and loading it costs start-up

    from parsers.read.library_logs import quiet_reader_logs

    quiet_reader_logs()
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise UnreadableReport(f"{path.name}: not a readable PDF, the file is damaged ({exc})") from exc
    try:
        pages = [list(lines) for lines in texts]
        sha256 = file_sha256(path)
        report_progress(0, len(scans), OCR)
        turns = 0
        for done, number in enumerate(scans, start=1):
            reading = read_page(pdf, number, sha256, settings, turns)
            turns = reading.turns
            pages[number - 1] = page_lines(reading, number, settings)
            report_progress(done, len(scans), OCR)
            if doc is None and done == settings.probe_pages < len(scans) and not looks_like_report(_text(pages)):
                report_progress(len(scans), len(scans), OCR)  # nothing more will be read
                break
    finally:
        pdf.close()
    return SourceDocument(format=OCR_FORMAT, pages=pages, page_count=len(pages))


def engine_installed() -> bool:
    """Whether the ``ocr`` extra is installed (asked without loading it)."""
    from importlib.util import find_spec

    return find_spec("rapidocr_onnxruntime") is not None


def read_page(pdf, number: int, sha256: str, settings: OcrSettings, guess: int = 0) -> ocr_cache.PageReading:
    """The cached reading of page ``number`` (1-based), or a fresh one: render, turn upright
    (tried first turned by ``guess``, the previous page's turns), detect the lines, cut them
    at table rulings, read them."""
    from parsers.read.ocr.engine import engine_version, read_lines, upright_lines

    engine = engine_version()
    cached = ocr_cache.load(sha256, number, settings.dpi, engine)
    if cached is not None:
        return cached
    turns, image, lines = upright_lines(render_page(pdf[number - 1], settings.dpi), guess)
    from parsers.read.ocr.rulings import column_rulings, enclosures, find_rulings, split_at_rulings

    rulings = find_rulings(image)
    words = read_lines(image, split_at_rulings(lines, rulings))
    boxes = enclosures(words, rulings)
    reading = ocr_cache.PageReading(turns, image.shape[1], image.shape[0], tuple(words), tuple(boxes), column_rulings(rulings))
    ocr_cache.store(sha256, number, settings.dpi, engine, reading)
    return reading


def render_page(page, dpi: int):
    """The page as an RGB array at ``dpi``, as displayed (its /Rotate applied)."""
    import numpy as np

    return np.asarray(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("RGB"))


def page_lines(reading: ocr_cache.PageReading, page: int, settings: OcrSettings) -> list[SourceLine]:
    """Words → one SourceLine per ruled table row and per printed line of free text, in PDF
    points of the upright page; amounts with OCR digit confusions are normalised here."""
    scale = settings.dpi / 72
    words = [replace(w, text=normalize_amount_text(w.text)) for w in reading.words]
    from parsers.read.ocr.rulings import group_cells

    cells, free = group_cells(words, list(reading.enclosures), reading.columns)
    lines = _ruled_lines(cells, page, scale) + _free_lines(free, page, scale, settings.line_overlap)
    lines.sort(key=lambda line: (line.bbox[1], line.bbox[0]))
    for index, line in enumerate(lines, start=1):
        line.number = index
    return lines


def _ruled_lines(cells: list[Cell], page: int, scale: float) -> list[SourceLine]:
    """One line per ruled row; fragments know their column and span, as in a PDF's ruled table."""
    from parsers.read.ocr.rulings import cell_text

    rows: dict[tuple[int, int], list[Cell]] = {}
    for cell in cells:
        rows.setdefault((cell.region, cell.row), []).append(cell)
    lines = []
    for (region, _), row in rows.items():
        row.sort(key=lambda c: c.col)
        fragments = [
            Fragment(cell_text(c), c.col, _points(c.box, scale), c.span, round(min(w.confidence for w in c.words), 4) if c.words else None) for c in row
        ]
        lines.append(SourceLine(page, 0, fragments, region, _union([f.bbox for f in fragments])))
    return lines


def _free_lines(words: list[OcrWord], page: int, scale: float, min_overlap: float) -> list[SourceLine]:
    """Words outside ruled cells, grouped into printed lines by vertical overlap."""
    from parsers.read.ocr.engine import split_glued_amount

    bands: list[list[OcrWord]] = []
    pieces = [piece for word in words for piece in split_glued_amount(word)]
    for word in sorted(pieces, key=lambda w: (w.box[1] + w.box[3]) / 2):
        band = next((b for b in reversed(bands[-3:]) if _same_line(b, word, min_overlap)), None)
        if band is None:
            bands.append([word])
        else:
            band.append(word)
    lines = []
    for band in bands:
        band.sort(key=lambda w: w.box[0])
        fragments = [Fragment(w.text, None, _points(_ink(w.box), scale), confidence=round(w.confidence, 4)) for w in band]
        lines.append(SourceLine(page, 0, fragments, None, _union([f.bbox for f in fragments])))
    return lines


#: Share of a detected line's height that the characters fill: the detector's box has a margin.
INK_HEIGHT = 0.75


def _ink(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The box of the characters themselves, as a PDF's glyph boxes are: the grid tells a name
    wrapped in its cell from the next row by the gap between lines, measured on glyph boxes,
    and the detector's margins would halve that gap."""
    x0, top, x1, bottom = box
    margin = (bottom - top) * (1 - INK_HEIGHT) / 2
    return (x0, top + margin, x1, bottom - margin)


def _points(box, scale: float) -> tuple[float, float, float, float]:
    return tuple(round(v / scale, 2) for v in box)


def _union(boxes: list) -> tuple[float, float, float, float]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _text(pages: list[list[SourceLine]]) -> str:
    return "\n".join(line.text for lines in pages for line in lines)


def _same_line(band: list[OcrWord], word: OcrWord, min_overlap: float) -> bool:
    top = min(w.box[1] for w in band)
    bottom = max(w.box[3] for w in band)
    inter = min(bottom, word.box[3]) - max(top, word.box[1])
    height = min(bottom - top, word.box[3] - word.box[1])
    return height > 0 and inter / height >= min_overlap


def _scanned_pages(path: Path, doc: SourceDocument | None, settings: OcrSettings) -> tuple[list, list[int]]:
    """Every page's text lines (none where ``doc`` is None) and the numbers of the pages that
    are scans: no text, and pictures over a fair share of the page (a blank page is no scan).
    Asked through kemu's own PDFium reader: pypdfium2 loads only when there is a page to OCR."""
    from parsers.read import pdfium_library
    from parsers.read.pdfium_page import pictures_cover

    try:
        document = pdfium_library.open_document(path)
    except pdfium_library.PdfiumError as exc:
        raise UnreadableReport(f"{path.name}: not a readable PDF, the file is damaged ({exc})") from exc
    try:
        count = pdfium_library.page_count(document)
        texts = doc.pages if doc is not None else [[] for _ in range(count)]
        return texts, [n for n in range(1, count + 1) if not texts[n - 1] and pictures_cover(document, n - 1, settings.image_share)]
    finally:
        pdfium_library.close_document(document)
