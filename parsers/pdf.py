"""PDF → SourceDocument with pdfplumber.

Ruled tables come from pdfplumber's table finder (cells, merged-cell spans, wrapped text
inside a cell joined by the finder). Everything else on the page becomes free text lines
of positioned word runs; the grid infers columns for unruled tables from those positions.
Words are grouped into lines by vertical overlap, not by exact baseline, because reports
often set a number on its own baseline inside a sentence ("本年收入合计 万元" / "2946.25").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect

from parsers.errors import NoTextLayer, UnreadableReport
from parsers.layout import Fragment, SourceDocument, SourceLine


@dataclass(frozen=True)
class PdfSettings:
    """Explicit knobs, pdfplumber style. Tolerances are in PDF points."""

    word_x_tolerance: float = 3.0
    line_overlap: float = 0.5
    table_settings: dict = field(
        default_factory=lambda: {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 3}
    )
    min_table_rows: int = 2
    min_table_cols: int = 2


def parse_pdf(path: Path, settings: PdfSettings = PdfSettings()) -> SourceDocument:
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises many types for broken files
        if _is_encryption_error(exc):
            raise UnreadableReport(f"{path.name}: the PDF is encrypted (password protected)") from exc
        detail = str(exc) or exc.__class__.__name__
        raise UnreadableReport(f"{path.name}: not a readable PDF, the file is damaged ({detail})") from exc
    with pdf:
        doc = SourceDocument(format="pdf", page_count=len(pdf.pages))
        try:
            for number, page in enumerate(pdf.pages, start=1):
                doc.pages.append(_page_lines(page, number, settings))
        except UnreadableReport:
            raise
        except Exception as exc:
            raise UnreadableReport(f"{path.name}: the PDF is damaged ({exc.__class__.__name__}: {exc})") from exc
    if doc.page_count == 0:
        raise UnreadableReport(f"{path.name}: the PDF has no pages")
    if not any(doc.pages):
        raise NoTextLayer(f"{path.name}: no text layer — a scanned PDF needs OCR before kemu can read it")
    return doc


def _is_encryption_error(exc: Exception) -> bool:
    causes = [exc, *exc.args, exc.__context__]
    return any(isinstance(c, PDFPasswordIncorrect) for c in causes) or "encrypt" in str(exc).lower()


def _page_lines(page, number: int, settings: PdfSettings) -> list[SourceLine]:
    tables = [
        t
        for t in page.find_tables(settings.table_settings)
        if len(t.rows) >= settings.min_table_rows and len(t.columns) >= settings.min_table_cols
    ]
    lines: list[SourceLine] = []
    free = page
    for region, table in enumerate(tables):
        lines.extend(_table_lines(table, number, region))
        free = free.outside_bbox(table.bbox)
    words = free.extract_words(keep_blank_chars=True, x_tolerance=settings.word_x_tolerance, use_text_flow=False)
    lines.extend(_free_lines(words, number, settings.line_overlap))
    lines.sort(key=lambda line: (line.bbox[1] if line.bbox else 0, line.bbox[0] if line.bbox else 0))
    for index, line in enumerate(lines, start=1):
        line.number = index
    return lines


def _table_lines(table, page: int, region: int) -> list[SourceLine]:
    """One line per ruled row; a merged cell's span is the number of column starts it covers."""
    starts = sorted({round(cell[0], 1) for row in table.rows for cell in row.cells if cell})
    out = []
    for row, texts in zip(table.rows, table.extract()):
        fragments = []
        for col, (bbox, text) in enumerate(zip(row.cells, texts)):
            if text is None or bbox is None:
                continue
            span = max(1, sum(1 for x in starts if bbox[0] - 1 <= x < bbox[2] - 1))
            fragments.append(Fragment(text.strip(), col, tuple(bbox), span))
        if any(f.text for f in fragments):
            out.append(SourceLine(page, 0, fragments, region, tuple(row.bbox)))
    return out


def _free_lines(words: list[dict], page: int, min_overlap: float) -> list[SourceLine]:
    bands: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if not word["text"].strip():
            continue
        band = bands[-1] if bands else None
        if band is not None and _overlaps(band, word, min_overlap):
            band.append(word)
        else:
            bands.append([word])
    lines = []
    for band in bands:
        band.sort(key=lambda w: w["x0"])
        fragments = [Fragment(w["text"].strip(), None, (w["x0"], w["top"], w["x1"], w["bottom"])) for w in band]
        bbox = (min(w["x0"] for w in band), min(w["top"] for w in band), max(w["x1"] for w in band), max(w["bottom"] for w in band))
        lines.append(SourceLine(page, 0, fragments, None, bbox))
    return lines


def _overlaps(band: list[dict], word: dict, min_overlap: float) -> bool:
    top = min(w["top"] for w in band)
    bottom = max(w["bottom"] for w in band)
    inter = min(bottom, word["bottom"]) - max(top, word["top"])
    height = min(bottom - top, word["bottom"] - word["top"])
    return height > 0 and inter / height >= min_overlap
