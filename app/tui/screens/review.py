"""The review screen: tables, the table grid, candidates, findings, the source text, progress.

It routes widget messages to the ReviewSession (which owns every decision and journals it)
and redraws what changed. Checks re-run after every operation (they take milliseconds).
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header

from app.wording import reading_reasons_text
from app.matching.catalog import current_catalog
from app.checks import Location, run_checks
from app.matching.matcher import reason_text, search_catalog
from parsers.model import CHART_KIND, Provenance
from app.review.session import Problem, ReviewError, ReviewSession, problems
from app.review.sidecar import SidecarChanged, SidecarError
from app.tui.i18n import Texts, help_lines, kind_reason_text, translate_bindings
from parsers.identify.kinds import table_kind
from app.tui.screens.modals import EditScreen, HelpScreen, SearchScreen
from widgets.findings_list import FindingsList
from widgets.mapping_panel import MappingPanel
from widgets.message_line import MessageLine
from widgets.report_table import ReportTable
from widgets.source_view import SourceView
from widgets.status_bar import StatusBar
from widgets.table_list import TableList


class ReviewScreen(Screen):
    # quit and help first: the footer drops keys from the right on a narrow terminal
    BINDINGS = [
        Binding("q", "leave", "quit", show=True),
        Binding("question_mark", "help", "help", show=True, key_display="?"),
        Binding("n", "next_problem", "next", show=True),
        Binding("p", "previous_problem", "prev", show=False),
        Binding("e", "edit_cell", "edit", show=True),
        Binding("a", "accept", "accept", show=True),
        Binding("A", "accept_all", "accept_all", show=False),
        Binding("s", "accept_same", "same", show=False),
        Binding("x", "reject", "reject", show=False),
        Binding("k", "not_subject", "not_subject", show=False),
        Binding("slash", "search", "search", show=False),
        Binding("u,ctrl+z", "undo", "undo", show=True),
        Binding("U,ctrl+y", "redo", "redo", show=False),
        Binding("ctrl+s", "save", "save", show=True),
        Binding("t", "tables", "tables", show=True),
        Binding("v", "page_picture", "page_picture", show=False),
        Binding("g", "focus('grid')", "grid", show=False),
        Binding("f", "focus('findings')", "findings", show=False),
        Binding("c", "focus('mapping')", "candidates_key", show=False),
        Binding("escape", "hide_tables", "hide_tables", show=False),
    ]
    # below 110 columns the table list folds away (t shows it); the grid keeps the room for amounts
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-medium"), (150, "-wide")]
    #: (name, mapped 科目) column widths in cells, by breakpoint
    GRID_WIDTHS = {"-narrow": (14, 12), "-medium": (22, 20), "-wide": (40, 32)}
    #: how often the report file is looked at (a stat; hashed only when it changed)
    SOURCE_CHECK_SECONDS = 3.0

    def __init__(self, session: ReviewSession, texts: Texts, at: Location | None = None, why: str = "") -> None:
        """``at``: where to open (a finding across reports, from the folder list): its cell, or
        its page and line in the source pane; ``why``: the finding, said on the message line."""
        super().__init__()
        self.session = session
        self.at, self.why = at, why
        self.t = texts
        self.findings: list = []
        self.problem_list: list[Problem] = []
        self.current: tuple[str, str, str | None] | None = None  # table, row, column under the cursor
        self.saved = True
        self.source_replaced = False  # the report file was replaced on disk since it was opened
        self._problem_index: int | None = None  # which of the ordered problems the reviewer is on
        self._pictures: Path | None = None  # where the page pictures (v) go, removed when the screen closes
        self._moved = False  # the reviewer moved the cursor from where the report opened (n then walks from it)
        self._reading_order: dict[str, tuple[int, dict[str, int]]] = {}  # table id → (index, row id → index)
        translate_bindings(self, texts)

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield TableList(self.session.reviewed.tables, self.table_names(), self.kind_details(), id="tables")
            with Vertical(id="main"):
                yield ReportTable(id="grid")
                with Horizontal(id="lower"):
                    yield SourceView(self.session.reviewed.pages, self.t("page_header", page="{page}"), self.ocr_reading, id="source")
                    with Vertical(id="side"):
                        yield MappingPanel(id="mapping")
                        yield FindingsList(id="findings")
        yield MessageLine(id="message")
        yield StatusBar(id="status")
        yield Footer()

    def notify(self, message: str, *, title: str = "", severity: str = "information", timeout: float | None = None, markup: bool = True) -> None:
        """Everything this screen says goes to the message line above the status bar (never a
        toast over the panels: see widgets/message_line.py)."""
        self.query_one(MessageLine).say(message, severity, timeout)

    def ocr_reading(self, provenance: Provenance) -> str | None:
        """What OCR read where a scanned cell sits, unsure characters marked (from the page cache)."""
        if provenance.confidence is None or provenance.bbox is None:
            return None
        from parsers.read.ocr.view import marked_reading  # numpy and the OCR cache load only for a scan

        report = self.session.reviewed
        return marked_reading(report.source, provenance.page, provenance.bbox, sha256=report.sha256)

    def table_names(self) -> dict[str, str]:
        """Canonical names (收入支出决算总表 …); an unidentified table shows its page and printed title."""
        names = {}
        for table in self.session.reviewed.tables:
            if table.kind in ("unknown", CHART_KIND):
                label = self.t("unknown_table" if table.kind == "unknown" else "chart_table")
                names[table.id] = f"{label} p.{table.pages[0] if table.pages else '?'} {table.title}".strip()
            else:
                try:
                    names[table.id] = table_kind(table.kind).name
                except KeyError:
                    names[table.id] = table.title
                if sum(t.kind == table.kind for t in self.session.reviewed.tables) > 1:
                    names[table.id] += f" #{table.id.split('#')[-1]}"
        return names

    def kind_details(self) -> dict[str, str]:
        """For tables identified with less than full confidence: how sure, and why; for tables
        whose reading kemu doubts: why (in the interface language)."""
        details = {}
        for table in self.session.reviewed.tables:
            lines = []
            if table.kind_confidence < 1.0:
                reason = kind_reason_text(table.kind_reason, self.t.lang)
                known = table.kind != "unknown"
                lines.append(self.t("kind_detail", reason=reason, confidence=table.kind_confidence) if known else reason)
            if table.reading == "uncertain":
                lines.append(self.t("reading_uncertain", reasons=reading_reasons_text(table, self.t.lang)))
            if lines:
                details[table.id] = "\n".join(lines)
        return details

    def on_mount(self) -> None:
        report = self.session.reviewed
        about = (report.department or self.t("department_unknown"), str(report.year or ""), self.t.report_kind(report.report_kind))
        self.sub_title = " ".join(part for part in about if part)
        self.query_one("#mapping").border_title = self.t("candidates")
        self.query_one("#findings").border_title = self.t("findings")
        self.query_one("#source").border_title = self.t("source")
        self.query_one("#tables").border_title = self.t("tables")
        self._fit_grid()
        if not self.session.writable:
            self.sub_title += f" · {self.t('read_only')}"
            self.notify(self.t("read_only_banner"), severity="warning", timeout=20)
        self.refresh_checks()
        if report.tables:
            self.show_table(report.tables[0].id)
            self.query_one(ReportTable).focus()
        else:  # a narrative-only report: say so, and give the room to what there is (its text, its findings)
            self.add_class("-no-tables")
            self.query_one("#source").border_title = f"{self.t('source')} · {self.t('no_tables_title')}"
            self.notify(self.t("no_tables"), timeout=20)
            self.query_one(SourceView).focus()
        if self.at is not None:  # once the first table's own cursor has shown its cell in the source pane
            self.call_after_refresh(self.open_at, self.at, self.why)
        self.set_interval(self.SOURCE_CHECK_SECONDS, lambda: self.source_replaced or self.check_source())  # says it once

    def open_at(self, at: Location, why: str) -> None:
        """Start where the folder list pointed, saying why; n then walks on from there."""
        cell = at.row is not None and self.session.reviewed.table(at.table or "") is not None
        self.jump(at.table if cell else None, at.row if cell else None, at.column, at.page, at.line)
        self.current = (at.table, at.row, at.column) if cell else self.current
        self._moved = True
        self.show_mapping()
        if why:
            self.notify(why, timeout=20)

    def check_source(self) -> bool:
        """Whether the report file was replaced on disk since it was opened; the reviewer is told
        once (a sticky toast and the title), and every decision is refused from then on."""
        if not self.session.source_replaced():
            return False
        if not self.source_replaced:
            self.source_replaced = True
            self.sub_title += f" · {self.t('source_replaced_title')}"
        self.notify(self.t("source_replaced", name=self.session.source.name), severity="error", timeout=30)
        return True

    # -- drawing --------------------------------------------------------------------------
    def refresh_checks(self) -> None:
        report = self.session.reviewed
        self.findings = run_checks(report)
        self._reading_order = {t.id: (i, {r.id: j for j, r in enumerate(t.rows)}) for i, t in enumerate(report.tables)}
        # reading order: the order n walks them and the status line numbers them
        self.problem_list = sorted(problems(report, self.findings), key=self._problem_position)
        self.query_one(FindingsList).show_findings(self.findings)
        self.update_status()

    def failing_cells(self, table_id: str) -> set[tuple[str, str | None]]:
        errors = (e for f in self.findings if f.severity == "error" for e in (f, *f.echoes))  # a fault is seen in its echoes' cells too
        return {(l.row, l.column) for f in errors for l in f.locations[:1] if l.table == table_id and l.row}

    def show_table(self, table_id: str) -> None:
        table = self.session.reviewed.table(table_id)
        if table is None:
            return
        headers = (self.t("code"), self.t("name"), self.t("mapped"))
        grid = self.query_one(ReportTable)
        grid.show_table(table, self.failing_cells(table.id), headers)
        ids = [t.id for t in self.session.reviewed.tables]
        grid.border_title = f"{self.table_names()[table.id]} · {ids.index(table.id) + 1}/{len(ids)}"
        grid.border_subtitle = self.t("tables_hint") if self.breakpoint() == "-narrow" else ""
        self.query_one(SourceView).show(table.provenance)
        self.update_status()  # it names the shown table's uncertain reading

    def breakpoint(self) -> str:
        """The width class of the terminal, from its size (the CSS class Textual sets from the same
        breakpoints arrives a refresh later: the first frame would be laid out for another width)."""
        width = self.app.size.width
        return [name for least, name in self.HORIZONTAL_BREAKPOINTS if width >= least][-1]

    def _fit_grid(self) -> None:
        """Narrow the name and 科目 columns to the terminal so the amounts stay in view."""
        grid = self.query_one(ReportTable)
        widths = self.GRID_WIDTHS[self.breakpoint()]
        if (grid.name_width, grid.mapped_width) == widths:
            return
        grid.name_width, grid.mapped_width = widths
        if grid.table is not None:
            where = self.current
            self.show_table(grid.table.id)
            if where is not None and where[0] == grid.table.id:
                grid.select(where[1], where[2])

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_grid)  # the breakpoint class is set during this refresh

    def update_status(self) -> None:
        p = self.session.progress()
        errors = sum(1 for f in self.findings if f.severity == "error")
        warnings = sum(1 for f in self.findings if f.severity == "warning")
        saved = self.t("read_only") if not self.session.writable else self.t("saved") if self.saved else self.t("journaled")
        total = len(self.problem_list)
        at = self.t("problem_at", index=self._problem_index + 1, total=total) if self._problem_index is not None else self.t("problem_count", total=total)
        status = self.t("status", problems=at, confirmed=p["confirmed"], total=p["mappings"], review=p["needs_review"], errors=errors, warnings=warnings, saved=saved)
        grid = self.query_one(ReportTable)
        if grid.table is not None and grid.table.reading == "uncertain":
            status += " · " + self.t("reading_uncertain", reasons=reading_reasons_text(grid.table, self.t.lang))
        self.query_one(StatusBar).show(status)

    def after_operation(self) -> None:
        """Redraw after the session changed: checks, the current table in place, the panels."""
        self.saved = False
        self._problem_index = None  # the list changed: "next" continues from the cursor
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
        row = table.row(self.current[1]) if table else None
        why = f"{self.t('decision_' + row.match.decision)} · {reason_text(row.match.reason, self.t.lang)}" if row and row.match else ""
        self.query_one(MappingPanel).show_row(row, why)

    # -- messages -------------------------------------------------------------------------
    def on_table_list_table_chosen(self, message: TableList.TableChosen) -> None:
        grid = self.query_one(ReportTable)
        if grid.table is None or grid.table.id != message.table_id:  # not the echo of a jump
            self.show_table(message.table_id)
        if message.picked:
            self.action_hide_tables()
            grid.focus()

    def on_report_table_cell_chosen(self, message: ReportTable.CellChosen) -> None:
        where = (message.table_id, message.row_id, message.column)
        self._moved = self._moved or (self.current is not None and where != self.current)
        self.current = where
        if self._problem_index is not None and self._problem_at_cursor() != self._problem_index:
            self._problem_index = None  # the reviewer moved away: "next" continues from the cursor
            self.update_status()
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
        table_index, rows = self._reading_order.get(table_id or "", (-1, {}))
        return (table_index, rows.get(row_id or "", -1), line or 0)

    def _problem_position(self, problem: Problem) -> tuple[int, int, int]:
        """Where a problem sits in reading order; a table's uncertain reading comes before
        anything else in that table (its figures are only worth checking once it is trusted)."""
        table_index, row_index, line = self._position(problem.table, problem.row, problem.line)
        return (table_index, -2, 0) if problem.reading else (table_index, row_index, line)

    def _problem_at_cursor(self) -> int | None:
        """The index of the problem whose cell the cursor is on (the one last jumped to first)."""
        if self.current is None:
            return None
        here = [i for i, p in enumerate(self.problem_list) if (p.table, p.row, p.column) == self.current]
        return self._problem_index if self._problem_index in here else (here[0] if here else None)

    def _step(self, direction: int) -> None:
        """Go to the next (or previous) problem from the one the reviewer is on, or from the cursor."""
        ordered = self.problem_list
        if not ordered:
            self.notify(self.t("no_problem"))
            return
        if self._problem_index is not None:
            index = (self._problem_index + direction) % len(ordered)
        elif not self._moved:  # the cursor is where the report opened: the walk starts at problem 1 (or the last)
            index = 0 if direction > 0 else len(ordered) - 1
        else:
            here = self._position(self.current[0], self.current[1], None) if self.current else (-1, -1, -1)
            keys = [self._position(p.table, p.row, p.line) for p in ordered]
            if direction > 0:
                index = next((i for i, key in enumerate(keys) if key > here), 0)
            else:
                index = next((i for i in reversed(range(len(keys))) if keys[i] < here), len(keys) - 1)
        problem = ordered[index]
        self._problem_index = index
        self._moved = True
        self.jump(problem.table if problem.row else None, problem.row, problem.column, problem.page, problem.line)
        # the problem's cell is current at once, so a key typed right after n (a, e) acts on it even
        # before the grid reports its cursor; a finding in the running text has no cell to act on
        self.current = (problem.table, problem.row, problem.column) if problem.row else None
        self.show_mapping()
        self.update_status()
        if problem.reading:
            table = self.session.reviewed.table(problem.table)
            reason = self.t("reading_uncertain", reasons=reading_reasons_text(table, self.t.lang) if table else problem.reason)
        else:
            reason = reason_text(problem.reason, self.t.lang)
        self.notify(f"{index + 1}/{len(ordered)} · {reason[:160]}", timeout=4)

    def action_next_problem(self) -> None:
        self._step(1)

    def action_previous_problem(self) -> None:
        self._step(-1)

    def action_focus(self, widget_id: str) -> None:
        self.query_one(f"#{widget_id}").focus()

    def action_tables(self) -> None:
        """Narrow screens: show or hide the table list; wide ones: go to it."""
        if self.has_class("-narrow") and self.has_class("-show-tables"):
            self.action_hide_tables()
            self.query_one(ReportTable).focus()
            return
        self.add_class("-show-tables")
        tables, grid = self.query_one(TableList), self.query_one(ReportTable)
        if grid.table is not None:  # the list opens on the table shown, so ↓ goes to the next one
            tables.highlighted = [t.id for t in self.session.reviewed.tables].index(grid.table.id)
        self.call_after_refresh(tables.focus)  # once it is displayed: a hidden widget takes no focus

    def action_hide_tables(self) -> None:
        self.remove_class("-show-tables")

    # -- operations -----------------------------------------------------------------------
    def _decide(self, fn, again: bool = True) -> bool:
        """Run one session call. A sidecar another kemu wrote meanwhile is re-read and the call
        made ``again``, so the pending action is kept (undo/redo are not repeated: the last step
        may now be someone else's); any other problem (a read-only folder, a bad value) is a
        message in the app, never a crash. Nothing is written against a source file that was
        replaced since it was opened."""
        if self.check_source():
            return False
        try:
            try:
                fn()
            except SidecarChanged:
                self.session.reload()
                if not again:
                    self.notify(self.t("sidecar_reread"), severity="warning")
                    self.after_operation()
                    return False
                fn()
                self.notify(self.t("sidecar_reloaded"), severity="warning")
        except (ReviewError, SidecarError) as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return False
        return True

    def _operate(self, fn) -> None:
        if self.current is None:
            return
        table_id, row_id = self.current[0], self.current[1]
        if self._decide(lambda: fn(table_id, row_id)):
            self.after_operation()

    def action_edit_cell(self) -> None:
        """Edit the amount under the cursor; on the 科目 cell, or on the blank other side of a
        two-sided table (a row prints cells only on its own side), say why there is nothing to edit."""
        if self.current is None:
            return
        table_id, row_id, column = self.current
        if column is None:
            self.notify(self.t("edit_subject_cell"))
            return
        table = self.session.reviewed.table(table_id)
        row = table.row(row_id)
        label = next(c.label for c in table.columns if c.key == column)
        row_text = f"{row.code or ''} {row.name}".strip()
        cell = row.cells.get(column)
        if cell is None:
            self.notify(self.t("no_cell", row=row_text, column=label), severity="warning")
            return
        prompt = self.t("edit_prompt", row=row_text, column=label, raw=cell.raw or "—")
        invalid = self.t("invalid_amount", value="{value}")

        def done(value: str | None) -> None:
            made: list = []
            if value is None or not self._decide(lambda: made.append(self.session.edit(table_id, row_id, column, value))):
                return
            if made[-1] is None:
                self.notify(self.t("unchanged", value=cell.raw or "—"))
            else:
                self.after_operation()

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
        accepted: list[int] = []
        if not self._decide(lambda: accepted.append(self.session.confirm_all_auto())):
            return
        if not accepted[-1]:  # nothing was written: the status keeps saying so
            self.notify(self.t("nothing_to_accept"))
            return
        self.after_operation()
        grid = self.query_one(ReportTable)
        if grid.table is not None:
            self.show_table(grid.table.id)

    def action_undo(self) -> None:
        if self.session.operations and self._decide(self.session.undo, again=False):
            self.after_operation()

    def action_redo(self) -> None:
        if self.session.redo_stack and self._decide(self.session.redo, again=False):
            self.after_operation()

    def action_save(self) -> None:
        if self._decide(self.session.save):
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

    def action_page_picture(self) -> None:
        """The printed page around the cell under the cursor, its box drawn, in the system's image
        viewer (the row's line for the 科目 cell): the reviewer's final authority."""
        from app.review.page_image import NoPicture, cell_picture, open_in_viewer

        if self.current is None:
            return
        table = self.session.reviewed.table(self.current[0])
        row = table.row(self.current[1]) if table else None
        if row is None:
            return
        cell = row.cells.get(self.current[2] or "")
        provenance = cell.provenance if cell is not None else row.provenance
        if self._pictures is None:
            import tempfile

            self._pictures = Path(tempfile.mkdtemp(prefix="kemu-pages-"))
        try:
            path = cell_picture(self.session.source, provenance, self._pictures, self.session.base.sha256)
        except NoPicture:
            self.notify(self.t("no_page_picture", name=self.session.source.name), severity="warning")
            return
        opened = open_in_viewer(path)
        self.notify(self.t("page_picture_opened" if opened else "page_picture_saved", page=provenance.page, path=path))

    def on_unmount(self) -> None:
        if self._pictures is not None:  # the pictures were for this session
            import shutil

            shutil.rmtree(self._pictures, ignore_errors=True)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.t("help_title"), help_lines(self.app, self), self.t("help_close")))

    def action_leave(self) -> None:
        """Nothing is ever unsaved (every operation is journaled); leaving compacts the sidecar
        (a compaction that cannot be made leaves the journal, which the next open replays)."""
        self._decide(self.session.save)
        if len(self.app.screen_stack) > 2:  # opened from the triage list: go back to it
            self.app.pop_screen()
        else:
            self.app.exit()

    def go_to(self, table_id: str, row_id: str | None) -> None:
        """A command-palette jump: the table, and the row's 科目 cell when a row is given."""
        self.action_hide_tables()
        self.jump(table_id, row_id, None)
