"""A folder of reports, worst first: open findings, mappings left, review progress.

Extraction runs in a worker thread with a progress line, so the screen never freezes;
Enter opens a report for review, q/escape in the review comes back here.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, ProgressBar

from app.review import ReviewSession
from app.triage import TriageRow, rank, triage_row
from app.tui.i18n import Texts, help_lines, translate_bindings, unreadable_text
from app.tui.screens.modals import HelpScreen
from app.batch import discover
from app.errors import explain, time_budget_seconds
from app.tui.watchdog import StoppedOverBudget, Watchdog


class TriageScreen(Screen):
    BINDINGS = [
        Binding("q", "app.quit", "quit", show=True),
        Binding("question_mark", "help", "help", show=True, key_display="?"),
        Binding("enter", "open", "open", show=True),
    ]

    def __init__(self, folder: Path, texts: Texts) -> None:
        super().__init__()
        self.folder = folder
        self.t = texts
        self.rows: list[TriageRow] = []
        self.opened: Path | None = None
        translate_bindings(self, texts)

    def compose(self) -> ComposeResult:
        yield Header()
        yield ProgressBar(id="progress", show_eta=False)
        yield DataTable(id="reports", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"{self.t('triage')} · {self.folder.name}"  # the whole path crowds out the title
        self.watchdog = Watchdog(time_budget_seconds())
        if self.watchdog.budget:
            self.set_interval(1.0, self.watchdog.tick)
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        files, _ = discover([self.folder])
        bar = self.query_one(ProgressBar)
        self.app.call_from_thread(bar.update, total=len(files), progress=0)
        rows = []
        for path in files:
            self.watchdog.start()  # one file can never stall the list: past the budget it is a row with the reason
            try:
                rows.append(triage_row(path))
            except StoppedOverBudget as exc:  # stopped after the report was read (checks, progress)
                rows.append(TriageRow(path, error=explain(exc)[0]))
            finally:
                self.watchdog.stop()
            self.app.call_from_thread(bar.advance, 1)
        self.app.call_from_thread(self.show_rows, rank(rows))

    def show_rows(self, rows: list[TriageRow]) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        # columns and rows in one go: the header is drawn once, at the widths of its rows
        table.clear(columns=True)
        # the file and what it is (or why it cannot be read) come first: they fit on 80 columns
        for key in ("errors", "to_review", "progress", "file", "department_or_note", "year", "kind"):
            table.add_column(self.t(key), key=key)
        for row in rows:
            progress = self.t("unreadable") if row.error else self.t("no_tables_short") if not row.tables else f"{row.confirmed}/{row.mappings}"
            about = Text(unreadable_text(row.error, self.t.lang), style="red") if row.error else row.department or ""
            if not row.error and not row.tables:
                about = Text(f"{row.department or ''} {self.t('narrative_only')}".strip(), style="dim")
            table.add_row(row.errors, row.to_review, progress, row.path.name, about, row.year or "", self.t.report_kind(row.report_kind), key=str(row.path))
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not self.rows:
            return
        row = self.rows[table.cursor_row]
        if row.error is not None:
            self.notify(unreadable_text(row.error, self.t.lang), severity="error")
            return
        from app.tui.screens.review import ReviewScreen

        try:
            self.app.push_screen(ReviewScreen(ReviewSession(row.path), self.t))
            self.opened = row.path
        except Exception as exc:  # the one error path: a sentence in the app, never a crash
            self.notify(unreadable_text(explain(exc)[0], self.t.lang), severity="error")

    def on_screen_resume(self) -> None:
        """Back from a review: only the report just reviewed changed, so only it is re-read."""
        if self.rows and self.opened is not None:
            self.show_rows(rank([triage_row(r.path) if r.path == self.opened else r for r in self.rows]))
            self.opened = None

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.t("help_title"), help_lines(self.app, self), self.t("help_close")))
