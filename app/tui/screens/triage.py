"""A folder of reports: open findings, mappings left, review progress, and what the reports
say about each other.

Extraction runs in a worker thread with a progress line, so the screen never freezes. The
reports of one department sit together (by year and kind); the panel under the list names
the highlighted report's department and its reports, or the finding across reports `n`
walked to, with both sides. Enter opens a report for review (at the finding's place when it
is one of its sides), 1 / 2 open either side; q/escape in the review comes back here.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, ProgressBar

from app.checks import Location
from app.review.session import ReviewSession
from app.export.triage import AcrossFinding, Folder, TriageRow, folder_view, read_for_triage
from app.tui.i18n import Texts, help_lines, translate_bindings, unreadable_text
from app.tui.screens.modals import HelpScreen
from app.export.batch import discover
from app.errors import explain, time_budget_seconds
from app.tui.watchdog import StoppedOverBudget, Watchdog
from parsers.model import Report
from widgets.across_panel import AcrossPanel
from parsers.read.progress import reading_progress


class TriageScreen(Screen):
    BINDINGS = [
        Binding("q", "app.quit", "quit", show=True),
        Binding("question_mark", "help", "help", show=True, key_display="?"),
        Binding("enter", "open", "open", show=True),
        Binding("n", "next_across", "next_across", show=True),
        Binding("p", "previous_across", "previous_across", show=False),
        Binding("1", "open_side(0)", "open_side_1", show=True),
        Binding("2", "open_side(1)", "open_side_2", show=True),
    ]

    def __init__(self, folder: Path, texts: Texts) -> None:
        super().__init__()
        self.folder = folder
        self.t = texts
        self.rows: list[TriageRow] = []
        self.view = Folder([], {}, [])
        self.read: dict[Path, tuple[TriageRow, Report | None]] = {}  # every file, as last read
        self.finding: int | None = None  # the finding across reports n walked to
        self.opened: Path | None = None
        translate_bindings(self, texts)

    def compose(self) -> ComposeResult:
        yield Header()
        yield ProgressBar(id="progress", show_eta=False)
        yield DataTable(id="reports", cursor_type="row", zebra_stripes=True)
        yield AcrossPanel(id="across")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"{self.t('triage')} · {self.folder.name}"  # the whole path crowds out the title
        self.query_one(AcrossPanel).border_title = self.t("across_title")
        self.watchdog = Watchdog(time_budget_seconds())
        if self.watchdog.budget:
            self.set_interval(1.0, self.watchdog.tick)
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        files, _ = discover([self.folder])
        bar = self.query_one(ProgressBar)
        self.app.call_from_thread(bar.update, total=len(files), progress=0)
        read = {}
        for path in files:
            self.watchdog.start()  # one file can never stall the list: past the budget it is a row with the reason
            try:
                with reading_progress(self.watchdog.page_read):  # each page read restarts the budget
                    read[path] = read_for_triage(path)
            except StoppedOverBudget as exc:  # stopped after the report was read (checks, progress)
                read[path] = (TriageRow(path, error=explain(exc)[0]), None)
            finally:
                self.watchdog.stop()
            if self.watchdog.reason:  # stopped over the budget: the row says why
                read[path] = (replace(read[path][0], error=self.watchdog.reason), None)
            self.app.call_from_thread(bar.advance, 1)
        view = folder_view(list(read.values()))  # the reports against each other, once all are read
        self.app.call_from_thread(self.show_view, read, view)

    def show_view(self, read: dict[Path, tuple[TriageRow, Report | None]], view: Folder) -> None:
        self.read, self.view, self.rows, self.finding = read, view, view.rows, None
        table = self.query_one(DataTable)
        # columns and rows in one go: the header is drawn once, at the widths of its rows
        table.clear(columns=True)
        # the file, its year and kind come first: they fit on 80 columns (the department is in the panel)
        for key in ("errors", "to_review", "progress", "across", "year", "kind", "file", "department_or_note"):
            table.add_column(self.t(key), key=key)
        for row in view.rows:
            progress = self.t("unreadable") if row.error else self.t("no_tables_short") if not row.tables else f"{row.confirmed}/{row.mappings}"
            about = Text(unreadable_text(row.error, self.t.lang), style="red") if row.error else Text(self._bracket(row) + (row.department or ""))
            if not row.error and not row.tables:
                about = Text(f"{row.department or ''} {self.t('narrative_only')}".strip(), style="dim")
            across = "" if row.error else "—" if row.across is None else Text(str(row.across), style="bold red" if row.across else "")
            table.add_row(row.errors, row.to_review, progress, across, row.year or "", self.t.report_kind(row.report_kind), row.path.name, about, key=str(row.path))
        table.focus()
        self._show_panel()

    def _bracket(self, row: TriageRow) -> str:
        """┌ │ └ down the rows of one department, so its reports read as a group."""
        department = self.view.departments.get(row.path)
        if department is None:
            return ""
        members = [r.path for r in department.reports]
        return "┌ " if row.path == members[0] else "└ " if row.path == members[-1] else "│ "

    # -- the panel: the department, or the finding across reports ------------------------
    def _highlighted(self) -> TriageRow | None:
        table = self.query_one(DataTable)
        return self.rows[table.cursor_row] if self.rows and 0 <= table.cursor_row < len(self.rows) else None

    def _current(self) -> AcrossFinding | None:
        return self.view.findings[self.finding] if self.finding is not None else None

    def _show_panel(self) -> None:
        panel, finding = self.query_one(AcrossPanel), self._current()
        if finding is not None:
            heading = self.t("across_at", index=self.finding + 1, total=len(self.view.findings), severity=self.t(finding.severity))
            panel.show_finding(heading, finding, self.t("page_of", page="{page}"), self.t("line_of", line="{line}"))
            return
        row = self._highlighted()
        department = self.view.departments.get(row.path) if row is not None else None
        series = [f"{r.year or '?'} {self.t.report_kind(r.report_kind)}" for r in department.reports] if department else []
        summary = self.t("across_summary", made=self.view.compared, agreed=self.view.agreed, findings=len(self.view.findings))
        summary += self.t("across_walk") if self.view.findings else ""
        alone = self.t("unlinked_" + self.view.unlinked[row.path]) if row is not None and row.path in self.view.unlinked else self.t("not_linked")
        panel.show_department(department, series, alone, summary)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Off the finding's reports, the walk ends (n continues from the cursor) and the panel
        shows the highlighted report's department again."""
        finding, row = self._current(), self._highlighted()
        if finding is not None and row is not None and row.path not in {s.path for s in finding.sides}:
            self.finding = None
        self._show_panel()

    def _step(self, direction: int) -> None:
        findings = self.view.findings
        if not findings:
            self.notify(self.t("no_across"))
            return
        if self.finding is not None:
            index = (self.finding + direction) % len(findings)
        else:  # from the cursor: the first finding on or after it (before it, going back)
            here = self.query_one(DataTable).cursor_row
            rows = [self._row_index(f.sides[0].path) for f in findings]
            after = [i for i, r in enumerate(rows) if (r >= here if direction > 0 else r <= here)]
            index = (after[0] if direction > 0 else after[-1]) if after else (0 if direction > 0 else len(findings) - 1)
        self.finding = index
        self.query_one(DataTable).move_cursor(row=self._row_index(findings[index].sides[0].path))
        self._show_panel()

    def _row_index(self, path: Path) -> int:
        return next(i for i, r in enumerate(self.rows) if r.path == path)

    def action_next_across(self) -> None:
        self._step(1)

    def action_previous_across(self) -> None:
        self._step(-1)

    # -- opening a report ----------------------------------------------------------------
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        """The highlighted report; at the finding's place when the report is one of its sides."""
        row, finding = self._highlighted(), self._current()
        if row is None:
            return
        side = next((s for s in finding.sides if s.path == row.path), None) if finding is not None else None
        self._open(row, side.location if side is not None else None, finding.message if side is not None else "")

    def action_open_side(self, which: int) -> None:
        finding = self._current()
        if finding is None or which >= len(finding.sides):
            self.notify(self.t("no_across_shown"))
            return
        side = finding.sides[which]
        self.query_one(DataTable).move_cursor(row=self._row_index(side.path))
        self._open(self.rows[self._row_index(side.path)], side.location, finding.message)

    def _open(self, row: TriageRow, at: Location | None, why: str = "") -> None:
        if row.error is not None:
            self.notify(unreadable_text(row.error, self.t.lang), severity="error")
            return
        from app.tui.screens.review import ReviewScreen

        try:
            self.app.push_screen(ReviewScreen(ReviewSession(row.path), self.t, at=at, why=why))
            self.opened = row.path
        except Exception as exc:  # the one error path: a sentence in the app, never a crash
            self.notify(unreadable_text(explain(exc)[0], self.t.lang), severity="error")

    def on_screen_resume(self) -> None:
        """Back from a review: only the report just reviewed changed, so only it is re-read, and
        the folder is checked across again (a correction re-checks its neighbours)."""
        if self.rows and self.opened is not None:
            read = dict(self.read)
            read[self.opened] = read_for_triage(self.opened)
            self.show_view(read, folder_view(list(read.values())))
            self.query_one(DataTable).move_cursor(row=self._row_index(self.opened))
            self.opened = None

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.t("help_title"), help_lines(self.app, self), self.t("help_close")))
