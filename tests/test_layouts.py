"""Each layout pattern of real templates, on the smallest generated PDF that shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.report import read_report
from sample_reports.generate_layouts import LAYOUTS, write


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_every_printed_code_row_comes_out_right_in_an_identified_table(tmp_path: Path, name: str, ruled: bool):
    if name == "side_text" and not ruled:
        pytest.skip("text beside a table is told apart only by the table's rulings")
    layout = write(name, tmp_path / f"{name}.pdf", ruled)
    report = read_report(tmp_path / f"{name}.pdf")
    tables = [t for t in report.tables if t.rows]
    assert len(tables) == 1, [(t.id, t.pages) for t in report.tables]
    table = tables[0]
    assert table.kind != "unknown", table.kind_reason
    got = [(r.code, r.name, tuple(c.raw for c in r.cells.values() if c.raw)) for r in table.rows if r.code or r.name]
    assert got == layout.expected


def test_split_codes_are_completed_from_the_rows_above(tmp_path: Path):
    write("split_codes", tmp_path / "t.pdf")
    rows = read_report(tmp_path / "t.pdf").tables[0].rows
    assert [r.code for r in rows] == ["208", "20805", "2080501", "2080505", "20808", "2080801", "210", "2101102"]
    assert all(r.extra_codes == () for r in rows)  # "11" | "02" is one code, not a code and a second one


def test_a_second_classification_keeps_its_codes_and_names(tmp_path: Path):
    write("dual_classification", tmp_path / "t.pdf")
    row = read_report(tmp_path / "t.pdf").tables[0].rows[1]
    assert (row.code, row.name, row.extra_codes) == ("30101", "基本工资", ("50101",))
    write("coded_names", tmp_path / "c.pdf")
    row = read_report(tmp_path / "c.pdf").tables[0].rows[0]
    assert (row.code, row.extra_codes, row.extra_names) == ("2050303", ("50902", "30308"), ("助学金", "助学金"))


def test_a_number_no_科目_has_stays_with_the_row_as_an_extra_code(tmp_path: Path):
    write("project_numbers", tmp_path / "p.pdf")
    rows = read_report(tmp_path / "p.pdf").tables[0].rows
    assert [(r.code, r.extra_codes) for r in rows] == [(None, ("53045",)), (None, ("20381",)), (None, ("34198",))]


def test_a_title_whose_year_is_its_own_text_run_is_identified(tmp_path: Path):
    write("year_run", tmp_path / "t.pdf")
    table = read_report(tmp_path / "t.pdf").tables[0]
    assert table.kind == "budget_fiscal_expense" and table.kind_confidence >= 0.9


@pytest.mark.parametrize("name", ["repeated_header", "title_every_page"])
def test_a_table_continued_under_its_repeated_header_is_one_table(tmp_path: Path, name: str):
    write(name, tmp_path / "t.pdf")
    report = read_report(tmp_path / "t.pdf")
    assert [(t.kind, t.pages, len(t.rows)) for t in report.tables] == [("budget_gp_expense", (1, 2), 12)]


def test_the_printed_unit_wins_even_above_the_title(tmp_path: Path):
    write("unit_above_title", tmp_path / "t.pdf")
    table = read_report(tmp_path / "t.pdf").tables[0]
    assert table.unit == "元" and "unit_inferred" not in table.flags


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_a_continuation_page_without_header_keeps_every_printed_column(tmp_path: Path, ruled: bool):
    """Also the column no row fills (公用经费): unruled, its label is a column of its own."""
    write("bare_continuation", tmp_path / "t.pdf", ruled)
    table = read_report(tmp_path / "t.pdf").tables[0]
    assert table.pages == (1, 2) and len(table.columns) == 5
    first, last = table.rows[0], table.rows[-1]
    keys = [c.key for c in table.columns]
    assert [first.cells[k].raw for k in keys] == ["10.00", "1.00", "1.00", "", "8.00"]
    assert [last.cells[k].raw for k in keys] == ["50.00", "", "", "", "50.00"]


def test_rows_come_from_the_printed_baseline_not_from_offset_glyph_boxes(tmp_path: Path):
    pdfplumber = pytest.importorskip("pdfplumber")
    write("offset_glyphs", tmp_path / "t.pdf")
    with pdfplumber.open(tmp_path / "t.pdf") as pdf:  # the trap is real: box tops put names a line off
        assert "208 681.62\n社会保障和就业支出" in pdf.pages[0].extract_text()
    rows = read_report(tmp_path / "t.pdf").tables[0].rows
    assert (rows[0].code, rows[0].name, rows[0].cells["total"].raw) == ("208", "社会保障和就业支出", "681.62")
