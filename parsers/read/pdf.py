"""PDF → SourceDocument: characters and rules from PDFium, table cells from pdfplumber's geometry.

PDFium (``parsers.read.pdfium_page``) gives each page's characters and the horizontal and
vertical segments of its paths. pdfplumber's table geometry (edges → intersections →
cells → tables, in ``pdfplumber.table``) turns those edges into ruled tables with exact
merged-cell spans. Characters inside a ruled cell become that cell's text; every other
character joins a free text line, grouped by vertical overlap of baseline-anchored boxes
rather than by exact baseline, because reports often set a number on its own baseline
inside a sentence ("本年收入合计 万元" / "2946.25"). The grid infers columns of unruled
tables from the positions of those word runs.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from pathlib import Path

from parsers.errors import NoTextLayer, UnreadableReport
from parsers.read.layout import Fragment, SourceDocument, SourceLine
from parsers.read import pdfium_library as pdfium
from parsers.read.pdf_pdfminer import PdfminerPages
from parsers.read.pdfium_page import Glyph, PageContent, read_page
from parsers.read.progress import PDF, report_progress


#: The parts of ``pdfplumber.utils`` that its table geometry calls. The package's ``__init__``
#: also loads ``utils.pdfinternals``, and with it pdfminer's PDF stack; ``utils.text`` serves
#: only ``Table.extract``, which kemu never calls (cells take their glyphs here).
_GEOMETRY_UTILS = ("clustering", "generic", "geometry")


def _table_geometry() -> types.ModuleType:
    """``pdfplumber.table`` without running ``pdfplumber/__init__`` and ``pdfplumber/utils/__init__``,
    which load pdfminer's whole PDF stack (document parser, layout analysis, cryptography): a
    good share of a cold extraction of a small report, for a reader that only the pages PDFium
    cannot measure need. The package and ``utils`` are stood in for by namespaces holding what
    the table module uses; a later ``import pdfplumber`` (``pdf_pdfminer``) loads the real
    package, which finds the same modules in place."""
    if "pdfplumber" in sys.modules:
        return importlib.import_module("pdfplumber.table")
    spec = importlib.util.find_spec("pdfplumber")
    folder = (spec.submodule_search_locations or [""])[0]
    package = _stand_in("pdfplumber", folder)
    package.utils = utils = _stand_in("pdfplumber.utils", str(Path(folder) / "utils"))
    try:
        for name in _GEOMETRY_UTILS:
            part = importlib.import_module(f"pdfplumber.utils.{name}")
            utils.__dict__.update((key, value) for key, value in vars(part).items() if not key.startswith("_"))
        return importlib.import_module("pdfplumber.table")
    finally:
        for stand_in in (utils, package):
            if sys.modules.get(stand_in.__name__) is stand_in:
                del sys.modules[stand_in.__name__]


def _stand_in(name: str, folder: str) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__path__ = [folder]
    sys.modules[name] = module
    return module


_geometry = _table_geometry()
Table, TableFinder, TableSettings = _geometry.Table, _geometry.TableFinder, _geometry.TableSettings
cells_to_tables, edges_to_intersections, merge_edges = _geometry.cells_to_tables, _geometry.edges_to_intersections, _geometry.merge_edges
cluster_objects, filter_edges = _geometry.utils.cluster_objects, _geometry.utils.filter_edges


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
        document = pdfium.open_document(path)
    except pdfium.PdfiumError as exc:
        if exc.code == pdfium.ERROR_PASSWORD:
            raise UnreadableReport(f"{path.name}: the PDF is encrypted (password protected)") from exc
        raise UnreadableReport(f"{path.name}: not a readable PDF, the file is damaged ({exc})") from exc
    fallback = PdfminerPages(path)
    try:
        doc = SourceDocument(format="pdf", page_count=pdfium.page_count(document))
        report_progress(0, doc.page_count, PDF)
        for index in range(doc.page_count):
            content = read_page(document, index)
            if content.unmeasured_fonts:
                lines = fallback.lines(content.number, settings)
                doc.readers.setdefault("pdfminer", []).append(content.number)
            else:
                lines = page_lines(content, settings)
                doc.readers.setdefault("pdfium", []).append(content.number)
            doc.pages.append(_reading_order(lines))
            report_progress(index + 1, doc.page_count, PDF)
    except UnreadableReport:
        raise
    except pdfium.PdfiumError as exc:
        raise UnreadableReport(f"{path.name}: the PDF is damaged ({exc})") from exc
    except Exception as exc:  # pdfminer raises many types on pages it cannot parse
        raise UnreadableReport(f"{path.name}: the PDF is damaged ({exc.__class__.__name__}: {exc})") from exc
    finally:
        pdfium.close_document(document)
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


class _TableFinder(TableFinder):
    """pdfplumber's table finder, step by step with its own functions, except the cell search
    (``_cells`` finds the same cells without rebuilding edge sets for every pair of points)
    and the snapping of ruling lines (``_snapped`` moves the page's own edges in place, where
    pdfplumber copies every edge it moves)."""

    def __init__(self, page: _PageGeometry, settings: dict) -> None:
        self.page = page
        self.settings = TableSettings.resolve(settings)
        self.edges = self.get_edges()
        self.intersections = edges_to_intersections(
            self.edges, self.settings.intersection_x_tolerance, self.settings.intersection_y_tolerance
        )
        self.cells = _cells(self.intersections)
        self.tables = [Table(self.page, group) for group in cells_to_tables(self.cells)]

    def get_edges(self) -> list[dict]:
        """``TableFinder.get_edges`` for the "lines" strategies, kemu's settings."""
        settings = self.settings
        vertical = filter_edges(self.page.edges, "v", min_length=settings.edge_min_length_prefilter)
        horizontal = filter_edges(self.page.edges, "h", min_length=settings.edge_min_length_prefilter)
        snapped = _snapped(vertical, "x0", ("x0", "x1"), settings.snap_x_tolerance)
        snapped += _snapped(horizontal, "top", ("top", "bottom", "doctop"), settings.snap_y_tolerance)
        joined = merge_edges(snapped, 0, 0, settings.join_x_tolerance, settings.join_y_tolerance)  # snapped already
        return filter_edges(joined, min_length=settings.edge_min_length)


def _snapped(edges: list[dict], position: str, moved: tuple[str, ...], tolerance: float) -> list[dict]:
    """``pdfplumber.utils.snap_objects``: edges within ``tolerance`` of one another moved to
    their mean ``position``, in its order and by its arithmetic, but in place."""
    clusters = cluster_objects(edges, itemgetter(position), tolerance)
    for cluster in clusters:
        mean = sum(map(itemgetter(position), cluster)) / len(cluster)
        for edge in cluster:
            shift = mean - edge[position]
            for key in moved:
                edge[key] = edge[key] + shift
    return [edge for cluster in clusters for edge in cluster]


_EDGE_BOX = itemgetter("x0", "top", "x1", "bottom")


def _cells(intersections: dict) -> list[tuple[float, float, float, float]]:
    """``pdfplumber.table.intersections_to_cells``, cell for cell, in time linear in the pairs tried.

    From each intersection (in sorted order) the smallest cell whose four corners are joined by
    shared edges: the first point below it, then the first point right of it, that close a box.
    pdfplumber builds two sets of edge boxes for every pair it tests; here each point's sets
    are built once.
    """
    vertical = {point: set(map(_EDGE_BOX, edges["v"])) for point, edges in intersections.items()}
    horizontal = {point: set(map(_EDGE_BOX, edges["h"])) for point, edges in intersections.items()}
    points = sorted(intersections)
    row_of: dict[float, list] = defaultdict(list)  # points of one height, left to right
    for point in points:
        row_of[point[1]].append(point)
    place = {point: i for row in row_of.values() for i, point in enumerate(row)}
    cells = []
    for i, point in enumerate(points):
        x, y = point
        down, across = vertical[point], horizontal[point]
        right = row_of[y][place[point] + 1 :]
        cell = None
        for below in points[i + 1 :]:
            if below[0] != x:
                break  # sorted by x then y: the points below are the run that follows
            if down.isdisjoint(vertical[below]):
                continue
            for beside in right:
                if across.isdisjoint(horizontal[beside]):
                    continue
                corner = (beside[0], below[1])
                if (
                    corner in intersections
                    and not vertical[corner].isdisjoint(vertical[beside])
                    and not horizontal[corner].isdisjoint(horizontal[below])
                ):
                    cell = (x, y, corner[0], corner[1])
                    break
            if cell is not None:
                break
        if cell is not None:
            cells.append(cell)
    return cells


def page_lines(content: PageContent, settings: PdfSettings) -> list[SourceLine]:
    """Ruled rows first-class (cells know their column); all other characters as text lines."""
    tables = []
    if content.edges:
        for table in _TableFinder(_PageGeometry(content), settings.table_settings).tables:
            rows = table.rows
            columns = len({cell[0] for cell in table.cells})  # len(table.columns), without building them
            if len(rows) >= settings.min_table_rows and columns >= settings.min_table_cols:
                tables.append((table.bbox, rows))
    free = content.glyphs
    lines: list[SourceLine] = []
    for region, (bbox, rows) in enumerate(tables):
        inside, free = _split(free, bbox)
        lines.extend(_table_lines(rows, inside, content.number, region, settings))
    lines.extend(_free_lines(free, content.number, settings))
    return lines


def _reading_order(lines: list[SourceLine]) -> list[SourceLine]:
    """Top to bottom, left to right; ``number`` is the 1-based line number on the page."""
    lines.sort(key=lambda line: (line.bbox[1] if line.bbox else 0, line.bbox[0] if line.bbox else 0))
    for index, line in enumerate(lines, start=1):
        line.number = index
    return lines


def _split(glyphs: list[Glyph], bbox) -> tuple[list[Glyph], list[Glyph]]:
    """The glyphs centred in ``bbox``, and the others."""
    x0, top, x1, bottom = bbox
    inside, outside = [], []
    for glyph in glyphs:
        _, left, upper, right, lower = glyph
        (inside if x0 <= (left + right) / 2 < x1 and top <= (upper + lower) / 2 < bottom else outside).append(glyph)
    return inside, outside


def _y_middle(glyph: Glyph) -> float:
    return (glyph.top + glyph.bottom) / 2


class _GlyphIndex:
    """Glyphs sorted by height on the page, so a cell finds its glyphs by bisection
    instead of testing every glyph of the table (tables have thousands of cells)."""

    def __init__(self, glyphs: list[Glyph]) -> None:
        self.glyphs = sorted(glyphs, key=_y_middle)
        self.ys = [_y_middle(g) for g in self.glyphs]
        self.xs = [(g.x0 + g.x1) / 2 for g in self.glyphs]
        self.used = [False] * len(self.glyphs)

    def take(self, bbox) -> list[Glyph]:
        """The glyphs centred in the box that no earlier box took."""
        x0, top, x1, bottom = bbox
        taken = []
        xs, used = self.xs, self.used
        for i in range(bisect_left(self.ys, top), bisect_left(self.ys, bottom)):
            if not used[i] and x0 <= xs[i] < x1:
                used[i] = True
                taken.append(self.glyphs[i])
        return taken


def _table_lines(rows: list, glyphs: list[Glyph], page: int, region: int, settings: PdfSettings) -> list[SourceLine]:
    """One line per ruled row; a merged cell's span is the number of column starts it covers."""
    starts = sorted({round(cell[0], 1) for row in rows for cell in row.cells if cell})
    index = _GlyphIndex(glyphs)
    out = []
    for row in rows:
        fragments = []
        for col, bbox in enumerate(row.cells):
            if bbox is None:
                continue
            span = max(1, bisect_left(starts, bbox[2] - 1) - bisect_left(starts, bbox[0] - 1))
            fragments.append(Fragment(_cell_text(index.take(bbox), settings), col, tuple(bbox), span))
        if any(f.text for f in fragments):
            out.append(SourceLine(page, 0, fragments, region, tuple(row.bbox)))
    return out


def _cell_text(glyphs: list[Glyph], settings: PdfSettings) -> str:
    """A cell's text: its printed lines top to bottom joined by newlines (wraps inside the cell)."""
    if len(glyphs) <= 1:  # an empty cell, a dash: most cells of a ruled table
        return "" if not glyphs or glyphs[0].text.isspace() else glyphs[0].text
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
                bbox = (run[0].x0, min(map(_TOP, run)), run[-1].x1, max(map(_BOTTOM, run)))
                fragments.append(Fragment(text, None, bbox))
        if fragments:
            boxes = [f.bbox for f in fragments]
            bbox = (min(map(_X0, boxes)), min(map(_TOP_OF_BOX, boxes)), max(map(_X1, boxes)), max(map(_BOTTOM_OF_BOX, boxes)))
            lines.append(SourceLine(page, 0, fragments, None, bbox))
    return lines


_TOP_LEFT = attrgetter("top", "x0")
_LEFT = attrgetter("x0")
_TOP, _BOTTOM = attrgetter("top"), attrgetter("bottom")
_X0, _TOP_OF_BOX, _X1, _BOTTOM_OF_BOX = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3)


def _bands(glyphs: list[Glyph], min_overlap: float) -> list[list[Glyph]]:
    """Printed lines: characters whose boxes overlap vertically by ``min_overlap`` of the smaller height."""
    bands: list[list[Glyph]] = []
    band: list[Glyph] = []
    top = bottom = 0.0  # of the current band
    for glyph in sorted(glyphs, key=_TOP_LEFT):
        g_top, g_bottom = glyph.top, glyph.bottom
        if band:
            inter = (bottom if bottom < g_bottom else g_bottom) - (top if top > g_top else g_top)
            height = bottom - top if bottom - top < g_bottom - g_top else g_bottom - g_top
            if height > 0 and inter / height >= min_overlap:
                band.append(glyph)
                top, bottom = (top if top < g_top else g_top), (bottom if bottom > g_bottom else g_bottom)
                continue
        elif glyph.text.isspace():
            continue
        band = [glyph]
        bands.append(band)
        top, bottom = g_top, g_bottom
    for band in bands:
        band.sort(key=_LEFT)
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
