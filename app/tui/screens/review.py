"""The review screen: tables, the table grid, candidates, findings, the source text, progress.

It routes widget messages to the ReviewSession (which owns every decision and journals it)
and redraws what changed. Checks re-run after every operation (they take milliseconds).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header

from app.catalog import current_catalog
from app.checks import run_checks
from app.matching import search_catalog
from parsers.model import Provenance
from app.review import Problem, ReviewError, ReviewSession, problems
from app.tui.i18n import Texts, translate_bindings
from parsers.identify import table_kind
from app.tui.screens.modals import EditScreen, HelpScreen, SearchScreen
from widgets.findings_list import FindingsList
from widgets.mapping_panel import MappingPanel
from widgets.report_table import ReportTable
from widgets.source_view import SourceView
from widgets.status_bar import StatusBar
from widgets.table_list import TableList


class ReviewScreen(Screen):
    BINDINGS = [
        Binding("n", "next_problem", "next", show=True),
        Binding("p", "previous_problem", "prev"),
        Binding("e", "edit_cell", "edit", show=True),
        Binding("a", "accept", "accept", show=True),
        Binding("A", "accept_all", "accept_all"),
        Binding("s", "accept_same", "same"),
        Binding("x", "reject", "reject"),
        Binding("k", "not_subject", "not_subject"),
        Binding("slash", "search", "search"),
        Binding("u,ctrl+z", "undo", "undo", show=True),
        Binding("U,ctrl+y", "redo", "redo"),
        Binding("ctrl+s", "save", "save", show=True),
        Binding("t", "focus('tables')", "tables"),
        Binding("g", "focus('grid')", "grid"),
        Binding("f", "focus('findings')", "findings"),
        Binding("c", "focus('mapping')", "candidates_key"),
        Binding("question_mark", "help", "help", show=True),
        Binding("q", "leave", "quit", show=True),
    ]

    def __init__(self, session: ReviewSession, texts: Texts) -> None:
        super().__init__()
        self.session = session
        self.t = texts
        self.findings: list = []
        self.problem_list: list[Problem] = []
        self.current: tuple[str, str, str | None] | None = None  # table, row, column under the cursor
        self.saved = True
        self._here: tuple[int, int, int] | None = None  # the problem last jumped to
        translate_bindings(self, texts)

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield TableList(self.session.reviewed.tables, self.table_names(), id="tables")
            with Vertical(id="main"):
                yield ReportTable(id="grid")
                with Horizontal(id="lower"):
                    yield SourceView(self.session.reviewed.pages, id="source")
                    with Vertical(id="side"):
                        yield MappingPanel(id="mapping")
                        yield FindingsList(id="findings")
        yield StatusBar(id="status")
        yield Footer()

    def table_names(self) -> dict[str, str]:
        """Canonical names (收入支出决算总表 …); an unidentified table shows its page and printed title."""
        names = {}
        for table in self.session.reviewed.tables:
            if table.kind == "unknown":
                names[table.id] = f"{self.t('unknown_table')} p.{table.pages[0] if table.pages else '?'} {table.title}".strip()
            else:
                try:
                    names[table.id] = table_kind(table.kind).name
                except KeyError:
                    names[table.id] = table.title
                if sum(t.kind == table.kind for t in self.session.reviewed.tables) > 1:
                    names[table.id] += f" #{table.id.split('#')[-1]}"
        return names

    def on_mount(self) -> None:
        report = self.session.reviewed
        self.sub_title = f"{report.department or ''} {report.year or ''} {report.report_kind or ''}"
        self.query_one("#mapping").border_title = self.t("candidates")
        self.query_one("#findings").border_title = self.t("findings")
        self.refresh_checks()
        if report.tables:
            self.show_table(report.tables[0].id)
        self.query_one(ReportTable).focus()

    # -- drawing --------------------------------------------------------------------------
    def refresh_checks(self) -> None:
        report = self.session.reviewed
        self.findings = run_checks(report)
        self.problem_list = problems(report, self.findings)
        self.query_one(FindingsList).show_findings(self.findings)
        self.update_status()

    def failing_cells(self, table_id: str) -> set[tuple[str, str | None]]:
        return {(l.row, l.column) for f in self.findings if f.severity == "error" for l in f.locations[:1] if l.table == table_id and l.row}

    def show_table(self, table_id: str) -> None:
        table = self.session.reviewed.table(table_id)
        if table is None:
            return
        headers = (self.t("code"), self.t("name"), self.t("mapped"))
        self.query_one(ReportTable).show_table(table, self.failing_cells(table.id), headers)
        self.query_one(SourceView).show(table.provenance)

    def update_status(self) -> None:
        p = self.session.progress()
        errors = sum(1 for f in self.findings if f.severity == "error")
        warnings = sum(1 for f in self.findings if f.severity == "warning")
        saved = self.t("saved") if self.saved else self.t("journaled")
        self.query_one(StatusBar).show(
            self.t("status", confirmed=p["confirmed"], total=p["mappings"], review=p["needs_review"], errors=errors, warnings=warnings, saved=saved)
        )

    def after_operation(self) -> None:
        """Redraw after the session changed: checks, the current table in place, the panels."""
        self.saved = False
        self.refresh_checks()
        grid = self.query_one(ReportTable)
        table = self.session.reviewed.table(grid.table.id) if grid.table is not None else None
        if table is not None:
            before = {r.id: r for r in grid.table.rows}
            failing = self.failing_cells(table.id)
            flipped = {row_id for row_id, _ in grid.failing ^ failing}
            grid.table = table
            for row in table.rows:
                if before.get(row.id) is not row or row.id in flipped:  # only rows an operation or a check touched
                    grid.update_row(row, failing)
        self.show_mapping()

    def show_mapping(self) -> None:
        if self.current is None:
            return
        table = self.session.reviewed.table(self.current[0])
        self.query_one(MappingPanel).show_row(table.row(self.current[1]) if table else None)

    # -- messages -------------------------------------------------------------------------
    def on_table_list_table_chosen(self, message: TableList.TableChosen) -> None:
        self.show_table(message.table_id)

    def on_report_table_cell_chosen(self, message: ReportTable.CellChosen) -> None:
        self.current = (message.table_id, message.row_id, message.column)
        self._here = None  # the cursor moved: "next" continues from the cursor
        self.query_one(SourceView).show(message.provenance)
        self.show_mapping()

    def on_mapping_panel_candidate_chosen(self, message: MappingPanel.CandidateChosen) -> None:
        self._operate(lambda t, r: self.session.mapping("choose", t, r, message.code))

    def on_findings_list_finding_chosen(self, message: FindingsList.FindingChosen) -> None:
        location = self.findings[message.index].locations[0]
        self.jump(location.table if location.row else None, location.row, location.column, location.page, location.line)

    # -- navigation -----------------------------------------------------------------------
    def jump(self, table_id: str | None, row_id: str | None, column: str | None, page: int | None = None, line: int | None = None) -> None:
        grid = self.query_one(ReportTable)
        if table_id and (grid.table is None or grid.table.id != table_id):
            self.show_table(table_id)
            tables = self.query_one(TableList)
            ids = [t.id for t in self.session.reviewed.tables]
            if table_id in ids:
                tables.highlighted = ids.index(table_id)
        if row_id:
            grid.select(row_id, column)
        elif page is not None:  # a finding in the running text: show its line
            self.query_one(SourceView).show(Provenance(page, line))
        grid.focus()

    def _position(self, table_id: str | None, row_id: str | None, line: int | None) -> tuple[int, int, int]:
        """Reading-order key: table, row within it, then text line (findings without a row)."""
        report = self.session.reviewed
        tables = [t.id for t in report.tables]
        table = report.table(table_id or "")
        rows = [r.id for r in table.rows] if table else []
        return (tables.index(table_id) if table_id in tables else -1, rows.index(row_id) if row_id in rows else -1, line or 0)

    def _step(self, direction: int) -> None:
        """Go to the next (or previous) problem after where the reviewer is now, wrapping around."""
        if not self.problem_list:
            self.notify(self.t("no_problem"))
            return
        keyed = sorted(((self._position(p.table, p.row, p.line), p) for p in self.problem_list), key=lambda item: item[0])
        here = self._here or (self._position(self.current[0], self.current[1], None) if self.current else (-1, -1, -1))
        if direction > 0:
            following = [item for item in keyed if item[0] > here]
            key, problem = following[0] if following else keyed[0]
        else:
            preceding = [item for item in keyed if item[0] < here]
            key, problem = preceding[-1] if preceding else keyed[-1]
        self.jump(problem.table if problem.row else None, problem.row, problem.column, problem.page, problem.line)
        self._here = key
        self.notify(problem.reason[:120], timeout=3)

    def action_next_problem(self) -> None:
        self._step(1)

    def action_previous_problem(self) -> None:
        self._step(-1)

    def action_focus(self, widget_id: str) -> None:
        self.query_one(f"#{widget_id}").focus()

    # -- operations -----------------------------------------------------------------------
    def _operate(self, fn) -> None:
        if self.current is None:
            return
        try:
            fn(self.current[0], self.current[1])
        except ReviewError as exc:
            self.notify(str(exc), severity="error")
            return
        self.after_operation()

    def action_edit_cell(self) -> None:
        if self.current is None or self.current[2] is None:
            return
        table_id, row_id, column = self.current
        table = self.session.reviewed.table(table_id)
        row = table.row(row_id)
        cell = row.cells[column]
        label = next(c.label for c in table.columns if c.key == column)
        prompt = self.t("edit_prompt", row=f"{row.code or ''} {row.name}".strip(), column=label, raw=cell.raw or "—")
        invalid = self.t("invalid_amount", value="{value}")

        def done(value: str | None) -> None:
            if value is not None:
                self._operate(lambda t, r: self.session.edit(t, r, column, value))

        self.app.push_screen(EditScreen(prompt, cell.raw, invalid), done)

    def action_accept(self) -> None:
        self._operate(lambda t, r: self.session.mapping("confirm", t, r))

    def action_accept_same(self) -> None:
        self._operate(lambda t, r: self.session.mapping("confirm", t, r, all_same=True))

    def action_reject(self) -> None:
        self._operate(lambda t, r: self.session.mapping("reject", t, r))

    def action_not_subject(self) -> None:
        self._operate(lambda t, r: self.session.mapping("not_subject", t, r))

    def action_accept_all(self) -> None:
        self.session.confirm_all_auto()
        self.after_operation()
        grid = self.query_one(ReportTable)
        if grid.table is not None:
            self.show_table(grid.table.id)

    def action_undo(self) -> None:
        if self.session.undo() is not None:
            self.after_operation()

    def action_redo(self) -> None:
        if self.session.redo() is not None:
            self.after_operation()

    def action_save(self) -> None:
        self.session.save()
        self.saved = True
        self.update_status()

    def action_search(self) -> None:
        def done(query: str | None) -> None:
            if query:
                edition = current_catalog().edition(self.session.base.year)
                panel = self.query_one(MappingPanel)
                panel.show_search(search_catalog(edition, query))
                panel.focus()

        self.app.push_screen(SearchScreen(self.t("search_prompt")), done)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.t("help_text")))

    def action_leave(self) -> None:
        """Nothing is ever unsaved (every operation is journaled); leaving compacts the sidecar."""
        self.session.save()
        if len(self.app.screen_stack) > 2:  # opened from the triage list: go back to it
            self.app.pop_screen()
        else:
            self.app.exit()
