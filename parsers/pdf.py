"""PDF → SourceDocument: characters and rules from PDFium, table cells from pdfplumber's geometry.

PDFium (``parsers.pdfium_page``) gives each page's characters and the horizontal and
vertical segments of its paths. pdfplumber's table geometry (edges → intersections →
cells → tables, in ``pdfplumber.table``) turns those edges into ruled tables with exact
merged-cell spans. Characters inside a ruled cell become that cell's text; every other
character joins a free text line, grouped by vertical overlap of baseline-anchored boxes
rather than by exact baseline, because reports often set a number on its own baseline
inside a sentence ("本年收入合计 万元" / "2946.25"). The grid infers columns of unruled
tables from the positions of those word runs.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
from pdfplumber.table import TableFinder

from parsers.errors import NoTextLayer, UnreadableReport
from parsers.layout import Fragment, SourceDocument, SourceLine
from parsers.pdf_pdfminer import PdfminerPages
from parsers.pdfium_page import Glyph, PageContent, read_page


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
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise UnreadableReport(f"{path.name}: the PDF is encrypted (password protected)") from exc
        raise UnreadableReport(f"{path.name}: not a readable PDF, the file is damaged ({exc})") from exc
    fallback = PdfminerPages(path)
    try:
        doc = SourceDocument(format="pdf", page_count=len(document))
        for index in range(len(document)):
            content = read_page(document, index)
            if content.unmeasured_fonts:
                lines = fallback.lines(content.number, settings)
                doc.readers.setdefault("pdfminer", []).append(content.number)
            else:
                lines = page_lines(content, settings)
                doc.readers.setdefault("pdfium", []).append(content.number)
            doc.pages.append(_reading_order(lines))
    except UnreadableReport:
        raise
    except pdfium.PdfiumError as exc:
        raise UnreadableReport(f"{path.name}: the PDF is damaged ({exc})") from exc
    except Exception as exc:  # pdfminer raises many types on pages it cannot parse
        raise UnreadableReport(f"{path.name}: the PDF is damaged ({exc.__class__.__name__}: {exc})") from exc
    finally:
        document.close()
        fallback.close()
    if doc.page_count == 0:
        raise UnreadableReport(f"{path.name}: the PDF has no pages")
    if not any(doc.pages):
        raise NoTextLayer(f"{path.name}: no text layer — a scanned PDF needs OCR before kemu can read it")
    return doc


class _PageGeometry:
    """The attributes of a pdfplumber page that its table finder reads."""

    def __init__(self, content: PageContent) -> None:
        self.edges = content.edges
        self.bbox = content.bbox


def page_lines(content: PageContent, settings: PdfSettings) -> list[SourceLine]:
    """Ruled rows first-class (cells know their column); all other characters as text lines."""
    tables = []
    if content.edges:
        tables = [
            t
            for t in TableFinder(_PageGeometry(content), settings.table_settings).tables
            if len(t.rows) >= settings.min_table_rows and len(t.columns) >= settings.min_table_cols
        ]
    free = content.glyphs
    lines: list[SourceLine] = []
    for region, table in enumerate(tables):
        inside, free = _split(free, table.bbox)
        lines.extend(_table_lines(table, inside, content.number, region, settings))
    lines.extend(_free_lines(free, content.number, settings))
    return lines


def _reading_order(lines: list[SourceLine]) -> list[SourceLine]:
    """Top to bottom, left to right; ``number`` is the 1-based line number on the page."""
    lines.sort(key=lambda line: (line.bbox[1] if line.bbox else 0, line.bbox[0] if line.bbox else 0))
    for index, line in enumerate(lines, start=1):
        line.number = index
    return lines


def _inside(glyph: Glyph, bbox) -> bool:
    x0, top, x1, bottom = bbox
    return x0 <= glyph.x_mid < x1 and top <= glyph.y_mid < bottom


def _split(glyphs: list[Glyph], bbox) -> tuple[list[Glyph], list[Glyph]]:
    inside, outside = [], []
    for glyph in glyphs:
        (inside if _inside(glyph, bbox) else outside).append(glyph)
    return inside, outside


class _GlyphIndex:
    """Glyphs sorted by height on the page, so a cell finds its glyphs by bisection
    instead of testing every glyph of the table (tables have thousands of cells)."""

    def __init__(self, glyphs: list[Glyph]) -> None:
        self.glyphs = sorted(glyphs, key=lambda g: g.y_mid)
        self.ys = [g.y_mid for g in self.glyphs]
        self.used = [False] * len(self.glyphs)

    def take(self, bbox) -> list[Glyph]:
        """The glyphs centred in the box that no earlier box took."""
        x0, top, x1, bottom = bbox
        taken = []
        for i in range(bisect_left(self.ys, top), bisect_left(self.ys, bottom)):
            glyph = self.glyphs[i]
            if not self.used[i] and x0 <= glyph.x_mid < x1:
                self.used[i] = True
                taken.append(glyph)
        return taken


def _table_lines(table, glyphs: list[Glyph], page: int, region: int, settings: PdfSettings) -> list[SourceLine]:
    """One line per ruled row; a merged cell's span is the number of column starts it covers."""
    starts = sorted({round(cell[0], 1) for row in table.rows for cell in row.cells if cell})
    index = _GlyphIndex(glyphs)
    out = []
    for row in table.rows:
        fragments = []
        for col, bbox in enumerate(row.cells):
            if bbox is None:
                continue
            span = max(1, sum(1 for x in starts if bbox[0] - 1 <= x < bbox[2] - 1))
            fragments.append(Fragment(_cell_text(index.take(bbox), settings), col, tuple(bbox), span))
        if any(f.text for f in fragments):
            out.append(SourceLine(page, 0, fragments, region, tuple(row.bbox)))
    return out


def _cell_text(glyphs: list[Glyph], settings: PdfSettings) -> str:
    """A cell's text: its printed lines top to bottom joined by newlines (wraps inside the cell)."""
    return "\n".join(
        " ".join(_run_text(run) for run in _runs(band, settings.word_x_tolerance))
        for band in _bands(glyphs, settings.line_overlap)
    ).strip()


def _free_lines(glyphs: list[Glyph], page: int, settings: PdfSettings) -> list[SourceLine]:
    lines = []
    for band in _bands(glyphs, settings.line_overlap):
        fragments = []
        for run in _runs(band, settings.word_x_tolerance):
            text = _run_text(run).strip()
            if text:
                bbox = (run[0].x0, min(g.top for g in run), run[-1].x1, max(g.bottom for g in run))
                fragments.append(Fragment(text, None, bbox))
        if fragments:
            bbox = (
                min(f.bbox[0] for f in fragments), min(f.bbox[1] for f in fragments),
                max(f.bbox[2] for f in fragments), max(f.bbox[3] for f in fragments),
            )
            lines.append(SourceLine(page, 0, fragments, None, bbox))
    return lines


def _bands(glyphs: list[Glyph], min_overlap: float) -> list[list[Glyph]]:
    """Printed lines: characters whose boxes overlap vertically by ``min_overlap`` of the smaller height."""
    bands: list[list[Glyph]] = []
    extent: list[list[float]] = []  # [top, bottom] of each band
    for glyph in sorted(glyphs, key=lambda g: (g.top, g.x0)):
        if glyph.text.isspace() and not bands:
            continue
        if bands:
            top, bottom = extent[-1]
            inter = min(bottom, glyph.bottom) - max(top, glyph.top)
            height = min(bottom - top, glyph.bottom - glyph.top)
            if height > 0 and inter / height >= min_overlap:
                bands[-1].append(glyph)
                extent[-1] = [min(top, glyph.top), max(bottom, glyph.bottom)]
                continue
        bands.append([glyph])
        extent.append([glyph.top, glyph.bottom])
    for band in bands:
        band.sort(key=lambda g: g.x0)
    return bands


def _runs(band: list[Glyph], x_tolerance: float) -> list[list[Glyph]]:
    """Word runs: characters closer than ``x_tolerance``; spaces stay inside a run."""
    runs: list[list[Glyph]] = []
    for glyph in band:
        if runs and glyph.x0 - runs[-1][-1].x1 <= x_tolerance:
            runs[-1].append(glyph)
        else:
            runs.append([glyph])
    return [run for run in runs if not all(g.text.isspace() for g in run)]


def _run_text(run: list[Glyph]) -> str:
    return "".join(g.text for g in run)
