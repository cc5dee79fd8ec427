"""The Textual app: a thin shell that lays out widgets and routes their messages."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Header

from app.cache import load_report
from app.model import Report
from widgets.report_table import ReportTable
from widgets.source_view import SourceView
from widgets.table_list import TableList


class KemuApp(App):
    """Tables on the left, the chosen table above its source text."""

    CSS_PATH = "app.tcss"
    TITLE = "kemu"
    BINDINGS = [("q", "quit", "退出"), ("t", "focus_tables", "表"), ("g", "focus_grid", "数据")]

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report
        self.sub_title = f"{report.department or ''} {report.year or ''} {report.report_kind or ''}"

    def compose(self) -> ComposeResult:
        yield Header()
        yield TableList(self.report.tables, id="tables")
        with Vertical(id="main"):
            yield ReportTable(id="table")
            yield SourceView(self.report.pages, id="source")
        yield Footer()

    def on_mount(self) -> None:
        if self.report.tables:
            self.query_one(ReportTable).show_table(self.report.tables[0])

    def on_table_list_table_chosen(self, message: TableList.TableChosen) -> None:
        table = self.report.table(message.table_id)
        if table is not None:
            self.query_one(ReportTable).show_table(table)
            self.query_one(SourceView).show(table.provenance)

    def on_report_table_cell_chosen(self, message: ReportTable.CellChosen) -> None:
        self.query_one(SourceView).show(message.provenance)

    def action_focus_tables(self) -> None:
        self.query_one(TableList).focus()

    def action_focus_grid(self) -> None:
        self.query_one(ReportTable).focus()


def run_review(path: Path) -> int:
    KemuApp(load_report(path)).run()
    return 0
