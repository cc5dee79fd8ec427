"""The viewer, driven through Textual's Pilot: tables listed, a table shown, a cell traced to its source."""

from __future__ import annotations

from app.model import Report
from app.tui.app import KemuApp
from parsers.report import read_report
from tests.conftest import GENERATED
from widgets.report_table import ReportTable
from widgets.source_view import SourceView
from widgets.table_list import TableList


def _report() -> Report:
    return read_report(GENERATED / "gen_final_ruled.pdf")


async def test_viewer_lists_tables_and_shows_the_first():
    report = _report()
    app = KemuApp(report)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        assert app.query_one(TableList).option_count == len(report.tables)
        grid = app.query_one(ReportTable)
        assert grid.row_count == len(report.tables[0].rows)


async def test_choosing_a_table_and_a_cell_highlights_its_source_line():
    report = _report()
    expense = report.tables_of_kind("final_expense")[0]
    app = KemuApp(report)
    async with app.run_test(size=(160, 50)) as pilot:
        tables = app.query_one(TableList)
        tables.focus()
        tables.highlighted = [t.id for t in report.tables].index(expense.id)
        await pilot.pause()
        grid = app.query_one(ReportTable)
        assert grid.row_count == len(expense.rows)
        grid.focus()
        await pilot.press("down", "right", "right")
        await pilot.pause()
        row = expense.rows[1]
        cell = row.cells[expense.columns[0].key]
        source = app.query_one(SourceView)
        assert source.highlighted == cell.provenance
