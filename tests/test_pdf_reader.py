"""The PDFium reader: geometry in display coordinates, ruled cells, the pdfminer fallback."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from parsers.read.pdf import _cells, parse_pdf

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _grid(c: canvas.Canvas, x0: float, top: float, widths: list[float], rows: list[list[str]], h: float = 20) -> None:
    xs = [x0 + sum(widths[:i]) for i in range(len(widths) + 1)]
    for r in range(len(rows) + 1):
        c.line(xs[0], top - r * h, xs[-1], top - r * h)
    for x in xs:
        c.line(x, top, x, top - len(rows) * h)
    for r, row in enumerate(rows):
        for i, text in enumerate(row):
            c.drawString(xs[i] + 3, top - r * h - 14, text)


def _texts(doc, page: int = 0) -> list[list[str]]:
    return [line.cells for line in doc.pages[page]]


def test_ruled_cells_keep_their_columns(tmp_path: Path):
    path = tmp_path / "ruled.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont(FONT, 9)
    _grid(c, 60, 700, [60, 200, 80], [["科目编码", "科目名称", "合计"], ["20101", "人大事务 ", "12.50"]])
    c.save()
    doc = parse_pdf(path)
    assert doc.readers == {"pdfium": [1]}
    body = [line for line in doc.pages[0] if line.region == 0]
    assert [[(f.col, f.text) for f in line.fragments] for line in body] == [
        [(0, "科目编码"), (1, "科目名称"), (2, "合计")],
        [(0, "20101"), (1, "人大事务"), (2, "12.50")],
    ]


def test_lines_of_a_font_claiming_a_huge_ascent_stay_apart(tmp_path: Path):
    """Boxes 2.75 em tall above their baseline reach into the line above (cover lines, wrapped
    header labels 11 pt apart): each is cut to an em around its baseline, so the lines stay two."""
    from sample_reports.generate_layouts import offset_glyph_boxes

    path = tmp_path / "tall.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont(FONT, 20)
    c.drawString(200, 500, "示例市卫生健康委员会")
    c.drawString(200, 460, "2026年部门决算")
    c.setFont(FONT, 9)
    c.drawString(60, 300, "支出功能")
    c.drawString(60, 289, "分类科目")
    c.save()
    offset_glyph_boxes(path)
    assert [cells for cells in _texts(parse_pdf(path)) if cells] == [["示例市卫生健康委员会"], ["2026年部门决算"], ["支出功能"], ["分类科目"]]


def test_a_table_box_running_off_the_page_is_read(tmp_path: Path):
    path = tmp_path / "offpage.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont(FONT, 9)
    width = A4[0]
    _grid(c, -0.4, 700, [80, width - 160, 80.8], [["科目编码", "科目名称", "合计"], ["20101", "人大事务 ", "12.50"]])
    c.save()
    cells = [cells for cells in _texts(parse_pdf(path)) if cells]
    assert ["20101", "人大事务", "12.50"] in cells


def test_a_landscape_page_rotated_by_its_rotate_key_reads_left_to_right(tmp_path: Path):
    path = tmp_path / "rotated.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.translate(A4[0], 0)
    c.rotate(90)  # content drawn sideways on a portrait page, shown upright by /Rotate 90
    c.setFont("Helvetica", 12)  # a font PDFium measures, so PDFium reads the page
    c.drawString(100, 500, "Expense table")
    c.drawString(100, 450, "Total")
    c.drawString(400, 450, "99.00")
    c.save()
    _set_rotate(path, 90)
    doc = parse_pdf(path)
    assert doc.readers == {"pdfium": [1]}
    assert _texts(doc) == [["Expense table"], ["Total", "99.00"]]


def _set_rotate(path: Path, degrees: int) -> None:
    """Store the landscape page as a portrait page turned by /Rotate, as scanners and some exporters do."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    page = document[0]
    page.set_rotation(degrees)
    page.close()
    document.save(path.with_suffix(".tmp"))
    document.close()
    path.with_suffix(".tmp").replace(path)


def test_text_pdfium_cannot_decode_is_read_by_pdfminer(tmp_path: Path):
    """A lone CJK character in a non-embedded CID font is lost by PDFium: that page falls back."""
    path = tmp_path / "fallback.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont(FONT, 10)
    c.drawString(100, 700, "第一页 ")
    c.showPage()
    c.setFont(FONT, 10)
    c.drawString(100, 700, "类")
    c.drawString(140, 700, "款")
    c.save()
    doc = parse_pdf(path)
    assert doc.readers == {"pdfium": [1], "pdfminer": [2]}
    assert _texts(doc, 1) == [["类", "款"]]


def test_a_space_in_a_latin_font_that_is_not_embedded_stays_with_pdfium(tmp_path: Path):
    """PDFium returns no text for a space drawn on its own; in a font declared Latin that
    loses nothing, so the page is not sent to pdfminer."""
    path = tmp_path / "spaces.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont(FONT, 10)
    c.drawString(100, 700, "合计")
    c.setFont("Times-Roman", 10)
    c.drawString(130, 700, " ")
    c.drawString(140, 700, "12.50")
    c.save()
    doc = parse_pdf(path)
    assert doc.readers == {"pdfium": [1]}
    assert _texts(doc) == [["合计", "12.50"]]


def test_every_page_read_is_reported(tmp_path: Path):
    """The reading progress hook hears of each page, so a front door can draw a bar."""
    from parsers.read.progress import reading_progress

    path = tmp_path / "two.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for text in ("第一页 ", "第二页 "):
        c.setFont(FONT, 10)
        c.drawString(100, 700, text)
        c.showPage()
    c.save()
    heard: list[tuple[int, int, str]] = []
    with reading_progress(lambda done, total, stage: heard.append((done, total, stage))):
        parse_pdf(path)
    assert heard == [(0, 2, "pdf"), (1, 2, "pdf"), (2, 2, "pdf")]


def test_the_terminal_bar_stays_quiet_for_a_quick_read_and_shows_ocr_at_once():
    import io

    from parsers.read.progress import terminal_progress

    stream = io.StringIO()
    show = terminal_progress(stream)
    for done in range(3):
        show(done, 2, "pdf")
    assert stream.getvalue() == ""
    show(0, 1, "ocr")
    assert stream.getvalue() == "\rOCR 0/1 pages [........................]"


def _rule_edges(xs: list[int], ys: list[int], drawn: list[bool]) -> list[dict]:
    """The unit segments of a grid over ``xs`` × ``ys``, each drawn or not: merged cells, gaps."""
    segments = [("h", x0, x1, y, y) for y in ys for x0, x1 in zip(xs, xs[1:])]
    segments += [("v", x, x, y0, y1) for x in xs for y0, y1 in zip(ys, ys[1:])]
    return [
        {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0, "height": bottom - top, "orientation": o}
        for (o, x0, x1, top, bottom), keep in zip(segments, drawn) if keep
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 60), min_size=2, max_size=7, unique=True).map(sorted),
    st.lists(st.integers(0, 60), min_size=2, max_size=7, unique=True).map(sorted),
    st.lists(st.booleans(), min_size=84, max_size=84),
)
def test_the_cell_search_finds_the_cells_pdfplumber_finds(xs: list[int], ys: list[int], drawn: list[bool]):
    """The fast cell search is pdfplumber's, cell for cell, on grids with merged cells and gaps."""
    from pdfplumber.table import edges_to_intersections, intersections_to_cells

    intersections = edges_to_intersections(_rule_edges([x * 5 for x in xs], [y * 5 for y in ys], drawn), 3, 3)
    assert _cells(intersections) == intersections_to_cells(intersections)


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_damaged_pdf_is_one_sentence(tmp_path: Path, damage: str):
    from parsers.errors import UnreadableReport

    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.4\n" + (b"\x00" * 10 if damage == "truncate" else b"garbage" * 100))
    with pytest.raises(UnreadableReport, match="bad.pdf"):
        parse_pdf(path)


def test_the_table_geometry_loads_without_pdfminer_and_is_pdfplumbers():
    """A cold start reads with PDFium: pdfminer's PDF stack loads only for the pages that need
    it, and then pdfplumber finds the same table geometry kemu uses."""
    import subprocess
    import sys

    probe = (
        "import sys, parsers.read.pdf; print('pdfminer' in sys.modules); import pdfplumber;"
        " print(pdfplumber.page.TableFinder is parsers.read.pdf.TableFinder)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]
