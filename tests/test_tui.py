"""The review workbench, driven through Textual's Pilot as a reviewer would use it."""

from __future__ import annotations

import shutil

import pytest

from textual.binding import Binding

from app.matching.matcher import REASONS
from app.review.session import ReviewSession
from app.review.sidecar import SidecarStore
from app.tui.app import KemuApp
from app.tui.screens.review import ReviewScreen
from app.tui.i18n import TEXT
from app.tui.screens.triage import TriageScreen
from parsers.evidence.evidence import reading_reason
from tests.conftest import GENERATED
from widgets.findings_list import FindingsList
from widgets.report_table import ReportTable
from widgets.source_view import SourceView
from widgets.table_list import TableList

SIZE = (180, 50)
INJECTED = GENERATED / "injected" / "gen_final_ruled__wrong_sum.pdf"


@pytest.fixture
def injected(tmp_path):
    path = tmp_path / "report.pdf"
    shutil.copy(INJECTED, path)
    return path


@pytest.fixture
def triage_folder(tmp_path):
    """Two reports and two files that are not: what a downloaded folder looks like."""
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(INJECTED, folder / "bad.pdf")
    shutil.copy(GENERATED / "gen_mixed_small.pdf", folder / "clean.pdf")
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "notes.txt").write_text("会议纪要\n", encoding="utf-8")
    return folder


async def _triage_loaded(pilot) -> None:
    """Until the ranked rows are in and the list has sized its columns to them."""
    from textual.widgets import DataTable

    for _ in range(200):
        await pilot.pause(0.05)
        screen = pilot.app.screen
        if screen.rows and not screen.query_one(DataTable)._require_update_dimensions:
            await pilot.pause(0.1)
            return
    raise AssertionError("triage never finished loading")


async def _next_problem_at(pilot, screen, row_suffix: str) -> None:
    """Press n (next problem) until the cursor is on the row, as a reviewer walks the problems."""
    for _ in range(10):
        await pilot.press("n")
        await pilot.pause()
        if screen.current and screen.current[1].endswith(row_suffix):
            return
    raise AssertionError(f"next-problem never reached {row_suffix}")


async def test_first_screen_lists_tables_grid_and_findings(injected):
    app = KemuApp(injected)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.query_one(TableList).option_count == len(screen.session.reviewed.tables)
        assert screen.query_one(ReportTable).row_count == len(screen.session.reviewed.tables[0].rows)
        assert screen.query_one(FindingsList).option_count >= 2


async def test_next_problem_then_edit_save_reopen_shows_the_edit(injected):
    app = KemuApp(injected)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("n", "a")  # the undecided mapping, accepted
        await _next_problem_at(pilot, screen, "/2101101")  # the cell an error points at
        table_id, row_id, column = screen.current
        assert row_id.endswith("/2101101") and column == "current_expense.total"
        cell = screen.session.reviewed.table(table_id).row(row_id).cells[column]
        assert screen.query_one(SourceView).highlighted == cell.provenance  # the source line the cell came from
        await pilot.press("e", *"86.54", "enter")
        await pilot.pause()
        assert not [f for f in screen.findings if f.severity == "error"]
        await pilot.press("ctrl+s")
    reopened = ReviewSession(injected)
    cell = reopened.reviewed.table(table_id).row(row_id).cells[column]
    assert str(cell.value) == "86.54" and cell.status == "edited"


async def test_invalid_number_is_refused_in_the_editor(injected):
    app = KemuApp(injected)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "a")
        await _next_problem_at(pilot, app.screen, "/2101101")
        await pilot.press("e", *"abc", "enter")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "EditScreen"  # still open, showing the error
        await pilot.press("escape")
    assert not [o for o in ReviewSession(injected).operations if o.op == "edit"]


async def test_confirm_and_undo(injected):
    app = KemuApp(injected)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("n", "a")
        await pilot.pause()
        row_id = screen.current[1]
        assert screen.session.reviewed.table(screen.current[0]).row(row_id).match.decision == "confirmed"
        await pilot.press("u")
        await pilot.pause()
        assert screen.session.reviewed.table(screen.current[0]).row(row_id).match.decision != "confirmed"
        await pilot.press("U")
        await pilot.pause()
        assert screen.session.reviewed.table(screen.current[0]).row(row_id).match.decision == "confirmed"


async def test_keyboard_only_review_end_to_end_and_the_sidecar_holds_exactly_that_work(injected):
    app = KemuApp(injected)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("n", "a")  # 234 抗疫特别国债安排的支出: a template line, accept
        await _next_problem_at(pilot, screen, "/2101101")
        await pilot.press("e", *"86.54", "enter")  # the injected wrong figure, corrected
        await pilot.press("A")  # every automatic mapping confirmed
        await pilot.pause()
        progress = screen.session.progress()
        assert progress["needs_review"] == 0 and progress["confirmed"] == progress["mappings"]
        assert not [f for f in screen.findings if f.severity in ("error", "warning")]
        await pilot.press("q")
    state, journal = SidecarStore(injected).load()
    ops = state.operations
    assert journal == [] and state.redo == []
    assert [o["op"] for o in ops[:2]] == ["confirm", "edit"] and ops[1]["value"] == "86.54" and ops[1]["original"] == "96.54"
    assert all(o["op"] == "confirm" for o in ops[2:]) and len(ops) == progress["operations"]


async def test_triage_lists_reports_worst_first_and_opens_one(tmp_path):
    shutil.copy(INJECTED, tmp_path / "bad.pdf")
    shutil.copy(GENERATED / "gen_mixed_small.pdf", tmp_path / "clean.pdf")
    app = KemuApp(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        for _ in range(100):
            await pilot.pause(0.05)
            if screen.rows:
                break
        assert [r.path.name for r in screen.rows] == ["bad.pdf", "clean.pdf"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and app.screen.session.source.name == "bad.pdf"
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, TriageScreen)


async def test_english_interface(injected):
    app = KemuApp(injected, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "confirmed" in str(app.screen.query_one("#status").render())


SIZES = [(80, 24), (120, 35), (200, 50)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_review_screen_snapshot(snap_compare, injected, size):
    """The README sample after n, a, n: the cursor on the injected error's neighbour sum."""
    assert snap_compare(KemuApp(injected), terminal_size=size, press=["n", "a", "n"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_triage_screen_snapshot(snap_compare, triage_folder, size):
    assert snap_compare(KemuApp(triage_folder), terminal_size=size, run_before=_triage_loaded)


def test_help_screen_snapshot(snap_compare, injected):
    assert snap_compare(KemuApp(injected, lang="en"), terminal_size=(80, 24), press=["question_mark"])


async def test_next_problem_visits_every_problem_once_before_wrapping(tmp_path):
    from tests.conftest import seed

    path = tmp_path / "report.txt"
    shutil.copy(seed("003"), path)
    app = KemuApp(path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.pause()
        count = len({(p.table if p.row else None, p.row, p.line) for p in screen.problem_list})
        seen = []
        for _ in range(count):
            await pilot.press("n")
            await pilot.pause()
            seen.append(screen._problem_index)
        assert len(set(seen)) == count


# -- issue 14: a workbench a reviewer can live in all day ---------------------------------------


def _said(app) -> list[str]:
    """Every message the review screen gave, in order (its message line above the status bar)."""
    return app.screen.query_one("#message").said


def _screen_text(app) -> str:
    """What the terminal shows, as text (from Textual's own screenshot)."""
    import html
    import re

    svg = app.export_screenshot()
    return html.unescape("".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))).replace("\xa0", " ")


async def _footer_drawn(pilot) -> None:
    """The footer fills in a few frames after the screen (its keys follow the focused widget)."""
    for _ in range(50):
        await pilot.pause(0.1)
        if pilot.app.texts("quit") in _screen_text(pilot.app):
            return


async def test_n_lands_on_the_problem_each_toast_names(injected):
    """README sample: every n puts the cursor on the cell the toast is about, numbered k/N in reading order."""
    app = KemuApp(injected)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = app.screen
        await pilot.pause()
        total = len(screen.problem_list)
        assert total >= 3
        for k in range(1, total + 1):
            await pilot.press("n")
            await pilot.pause()
            table_id, row_id, column = screen.current
            grid = screen.query_one(ReportTable)
            assert grid.table.id == table_id  # the grid shows the table the problem is in
            row = grid.table.row(row_id)
            toast = _said(app)[-1]
            assert toast.startswith(f"{k}/{total} · ")
            assert f"问题 {k}/{total}" in str(screen.query_one("#status").render())
            named = row.code or row.name.split("、")[-1]
            assert named in toast, (toast, row_id)  # the toast names the row under the cursor
            if column is not None:  # a finding about a cell: the cursor sits on that cell, shown failing
                assert grid.cursor_coordinate.column == 3 + [c.key for c in grid.table.columns].index(column)
                assert (row_id, column) in grid.failing
                label = next(c.label for c in grid.table.columns if c.key == column)
                assert label in toast
            else:  # a question about the row's 科目: the cursor on the mapped cell, its candidates beside it
                assert grid.cursor_coordinate.column == 2
                panel = screen.query_one("#mapping")
                assert panel.option_count == len(row.match.candidates) > 0
            assert "is valid" not in toast  # reasons in the interface language
        await pilot.press("n")
        await pilot.pause()
        assert _said(app)[-1].startswith(f"1/{total} · ")  # wraps around to the first


@pytest.mark.parametrize("size", [(80, 24), (120, 35)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_amounts_and_the_quit_and_help_keys_are_visible(injected, size):
    app = KemuApp(injected)
    async with app.run_test(size=size) as pilot:
        await _footer_drawn(pilot)
        text = _screen_text(app)
        assert "q 退出" in text and "? 帮助" in text
        screen = app.screen
        first = next(c.value for r in screen.session.reviewed.tables[0].rows for c in r.cells.values() if c.value)
        assert f"{first:,}" in text  # the first amount of the first table, on screen
        grid = screen.query_one(ReportTable)
        for table in screen.session.reviewed.tables:
            if not table.columns or not table.rows:
                continue
            screen.show_table(table.id)
            await pilot.pause()
            # the first amount column, and for a two-sided summary both sides' (收入 | 支出)
            shown = 4 + (1 if any(c.group for c in table.columns) and len(table.columns) > 1 else 0)
            right_edge = sum(c.get_render_width(grid) for c in list(grid.columns.values())[:shown])
            assert right_edge <= grid.scrollable_content_region.width, (table.id, size)


async def test_narrow_screen_folds_the_table_list_behind_t(injected):
    app = KemuApp(injected)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        tables = screen.query_one(TableList)
        assert not tables.display or tables.region.width == 0
        await pilot.press("t")
        await pilot.pause()
        assert tables.region.width > 0 and tables.has_focus
        await pilot.press("down", "enter")
        await pilot.pause()
        assert tables.region.width == 0
        assert screen.query_one(ReportTable).table.id == screen.session.reviewed.tables[1].id


def test_source_lines_with_line_breaks_stay_inside_the_panel():
    from parsers.model import Line, Page

    page = Page(1, (Line(1, "因公出国（境）\n费\t12.00"),))
    view = SourceView((page,))
    assert all("\n" not in text and "\t" not in text for _, _, text in view._lines)
    assert view._lines[1][2] == "因公出国（境）费 12.00"


async def test_source_view_redraws_every_cell_after_a_dialog(injected):
    """A line shorter than the panel is padded to its width, so a closed dialog leaves nothing behind."""
    app = KemuApp(injected)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.press("n", "slash")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        source = app.screen.query_one(SourceView)
        assert all(source.render_line(y).cell_length == source.size.width for y in range(source.size.height))


async def test_help_lists_every_key_and_how_to_close_it(injected):
    app = KemuApp(injected)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = app.screen
        await pilot.press("question_mark")
        await pilot.pause()
        text = _screen_text(app)
        for binding in ReviewScreen.BINDINGS:
            for key in binding.key.split(","):
                assert app.get_key_display(Binding(key, "")) in text, key
        assert "^p" in text and "Esc、? 或 q 关闭本帮助" in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_palette_jumps_to_a_table_by_name_and_to_a_subject_by_code(injected):
    app = KemuApp(injected)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = app.screen
        await pilot.pause()
        await pilot.press("ctrl+p", *"一般公共预算财政拨款基本支出")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.query_one(ReportTable).table.kind == "final_gp_basic"
        await pilot.press("ctrl+p", *"2101101")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.current[1] == "final_expense#1/2101101"


async def test_triage_says_why_a_file_is_unreadable_in_the_interface_language(triage_folder):
    for lang, header, empty in (("zh", "文件", "文件为空"), ("en", "File", "the file is empty")):
        app = KemuApp(triage_folder, lang=lang)
        async with app.run_test(size=(120, 35)) as pilot:
            await _triage_loaded(pilot)
            await pilot.pause()
            text = _screen_text(app)
            assert header in text and empty in text and str(triage_folder.parent) not in text


ENGLISH_WORDS = {w.lower() for v in TEXT.values() for w in __import__("re").findall(r"[A-Za-z]{4,}", v["en"])}
ENGLISH_WORDS |= {w.lower() for en, _ in REASONS.values() for w in __import__("re").findall(r"[A-Za-z]{4,}", en)}
ENGLISH_WORDS |= {"palette", "focus", "search", "quit", "copy", "screenshot", "theme", "review", "auto"}


async def _walk(app, pilot) -> list[str]:
    """Every screen a reviewer meets: review (after n), help, catalog search, edit, palette, triage."""
    seen = []
    await pilot.pause()
    for keys in (["n"], ["n", "n"], ["question_mark"], ["escape", "slash"], ["escape", "e"], ["escape", "ctrl+p"], ["escape"]):
        await pilot.press(*keys)
        await pilot.pause(0.3)
        seen.append(_screen_text(app))
    return seen


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_one_language_per_interface(injected, triage_folder, lang):
    import re

    texts = []
    app = KemuApp(injected, lang=lang)
    async with app.run_test(size=(160, 50)) as pilot:
        texts += await _walk(app, pilot)
    app = KemuApp(triage_folder, lang=lang)
    async with app.run_test(size=(160, 50)) as pilot:
        await _triage_loaded(pilot)
        texts.append(_screen_text(app))
    content = ScreenContent(injected, triage_folder)
    for text in texts:
        if lang == "zh":
            words = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", content.strip(text))}
            assert not words & ENGLISH_WORDS, words & ENGLISH_WORDS
        else:  # Chinese only where the report or the catalog speaks (names, titles, findings, source lines)
            runs = re.findall(r"[\u4e00-\u9fff]{2,}", text)
            assert not [run for run in runs if run not in content.blob], [run for run in runs if run not in content.blob]


class ScreenContent:
    """The report's own words (names, titles, findings, file names): any language may show them."""

    def __init__(self, report, folder) -> None:
        from app.checks import run_checks
        from app.export.triage import triage_row
        from parsers.identify.kinds import all_table_kinds

        session = ReviewSession(report)
        reviewed = session.reviewed
        words = {t.title for t in reviewed.tables} | {r.name for t in reviewed.tables for r in t.rows}
        words |= {c.label for t in reviewed.tables for c in t.columns} | {f.message for f in run_checks(reviewed)}
        words |= {line.text for page in reviewed.pages for line in page.lines}
        words |= {p.name for p in folder.iterdir()} | {folder.name, report.name, "kemu"}  # the folder's own name is the user's
        words |= {triage_row(p).department or "" for p in folder.iterdir()}
        words |= {n for t in reviewed.tables for r in t.rows if r.match for c in r.match.candidates for n in (c.name, *c.path)}
        words |= {reviewed.department or ""} | {k.name for k in all_table_kinds()}
        self.words = sorted((w for w in words if w), key=len, reverse=True)
        self.blob = "\n".join(self.words)

    def strip(self, text: str) -> str:
        for word in self.words:
            text = text.replace(word, " ")
        return text


async def test_table_list_says_how_a_table_was_identified_when_not_by_its_title(tmp_path):
    from tests.conftest import seed

    path = tmp_path / "report.txt"
    shutil.copy(seed("003"), path)
    for lang, words in (("zh", "标题和表结构都不符合已知的表"), ("en", "no title or structure fits")):
        app = KemuApp(path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            tables = app.screen.query_one(TableList)
            prompts = {tables.get_option_at_index(i).id: str(tables.get_option_at_index(i).prompt) for i in range(tables.option_count)}
            reviewed = app.screen.session.reviewed.tables
            assert all(words in prompts[t.id] for t in reviewed if t.kind == "unknown")
            assert all("\n" not in prompts[t.id] for t in reviewed if t.kind_confidence == 1.0)


async def test_a_typed_right_after_n_acts_on_the_problem_n_went_to(injected):
    app = KemuApp(injected)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = app.screen
        await pilot.pause()
        first = screen.problem_list[0]
        screen.action_next_problem()
        screen.action_accept()  # no pause: the grid has not reported its cursor yet
        await pilot.pause()
        decided = screen.session.reviewed.table(first.table).row(first.row).match.decision
        assert decided == "confirmed"


class _WatchedApp(KemuApp):
    """Notes the screens shown and the loading bar as it stood when the report was ready."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.shown: list[str] = []
        self.bar: tuple[float | None, float] | None = None

    def on_loading_screen_loaded(self, message) -> None:
        from textual.widgets import ProgressBar

        bar = self.screen.query_one(ProgressBar)
        self.bar = (bar.total, bar.progress)  # Textual then runs KemuApp's handler too


async def _until(pilot, done) -> None:
    for _ in range(600):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError("the workbench never got there")


async def test_a_report_opens_behind_a_progress_bar_of_its_pages(injected):
    """kemu review: the window opens on the loading screen, the bar counts the pages read in
    the worker, then the review screen shows the report."""
    from app.tui.screens.loading import LoadingScreen

    app = _WatchedApp(injected, read_in_worker=True)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, LoadingScreen)
        assert injected.name in _screen_text(app)
        await _until(pilot, lambda: isinstance(app.screen, ReviewScreen) and any(t.row_count for t in app.screen.query(ReportTable)))
        pages = len(app.screen.session.reviewed.pages)
        assert app.bar == (pages, pages)
        assert len(app.screen_stack) == 2  # q leaves the app, as when the report was read first
        await pilot.press("q")
    assert app.error is None


async def test_a_report_that_cannot_be_read_ends_the_workbench_with_its_reason(tmp_path):
    from app.errors import EXIT_UNREADABLE, explain
    from parsers.errors import UnreadableReport

    notes = tmp_path / "notes.pdf"
    notes.write_bytes(b"%PDF-1.4\n" + b"garbage" * 100)
    app = KemuApp(notes, read_in_worker=True)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: not app.is_running)
    assert isinstance(app.error, UnreadableReport)
    message, code = explain(app.error)
    assert message.startswith("notes.pdf: ") and "damaged" in message and code == EXIT_UNREADABLE


def test_kemu_review_of_an_unreadable_file_is_one_sentence_and_exit_code_2(tmp_path, monkeypatch, capsys):
    """Through the CLI: the error raised behind the loading screen reaches the one error path."""
    import sys

    from textual.app import App

    from app.cli import main

    monkeypatch.setattr(KemuApp, "run", lambda self: App.run(self, headless=True))
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # a terminal: the report is read behind the loading screen
    monkeypatch.setattr("app.tui.app.has_terminal", lambda: True)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    assert main(["review", str(empty)]) == 2
    assert capsys.readouterr().err == "kemu: empty.pdf: the file is empty (0 bytes)\n"


async def test_a_report_read_past_the_time_budget_ends_with_the_budget_sentence(injected, monkeypatch):
    """The reader runs in a worker thread, where no alarm can stop it: the loading screen does."""
    import time

    from app.errors import EXIT_UNREADABLE, explain

    class Stuck:  # a reader looping on a damaged stream
        def __init__(self, path) -> None:
            while True:
                time.sleep(0.01)

    monkeypatch.setenv("KEMU_TIME_BUDGET", "1")
    monkeypatch.setattr("app.review.session.ReviewSession", Stuck)
    app = KemuApp(injected, read_in_worker=True)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: not app.is_running)
    assert explain(app.error) == ("report.pdf: took longer than 1 s (the file may be damaged); skipped", EXIT_UNREADABLE)


async def test_a_file_past_the_time_budget_is_a_row_of_the_folder_list(triage_folder, monkeypatch):
    """One stuck file never stalls the folder: it becomes a row with the reason, the others load."""
    import time

    import app.export.triage as triage

    real = triage.ReviewSession

    def session(path):
        while path.name == "bad.pdf":  # a reader looping on a damaged stream
            time.sleep(0.01)
        return real(path)

    real(triage_folder / "clean.pdf")  # cached: on a loaded machine a cold read of the good file may itself take a second
    monkeypatch.setenv("KEMU_TIME_BUDGET", "2")
    monkeypatch.setattr(triage, "ReviewSession", session)
    app = KemuApp(triage_folder, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: bool(getattr(app.screen, "rows", None)))
        errors = {row.path.name: row.error for row in app.screen.rows}
    assert errors["bad.pdf"] == "took longer than 2 s (the file may be damaged); skipped"
    assert errors["clean.pdf"] is None


NARRATIVE_ONLY_TEXT = (
    "北京市某某局2026年部门预算\n\n一、部门主要职责\n负责本市相关工作的统筹协调。\n"
    "二、2026年部门预算收支情况说明\n2026年收入预算1,234.56万元，比上年增加12.00万元。\n"
    "注：相关报表另行公开。\n"
)


@pytest.mark.parametrize("size", [(80, 24), (120, 35)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_report_without_tables_says_what_it_is_and_shows_its_text(tmp_path, size):
    path = tmp_path / "情况说明.txt"
    path.write_text(NARRATIVE_ONLY_TEXT, encoding="utf-8")
    app = KemuApp(path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        text = _screen_text(app)
        assert "没有表格 · 只有文字说明" in text and "负责本市相关工作的统筹协调" in text
        assert any("本报告没有表格" in t for t in _said(app))
        await pilot.press("A")  # nothing to accept: it says so, and the status does not claim a write
        await pilot.pause()
        assert _said(app)[-1] == TEXT["nothing_to_accept"]["zh"]
        assert TEXT["journaled"]["zh"] not in str(app.screen.query_one("#status").render())
        await pilot.press("q")
    assert not list(tmp_path.glob("*.kemu.*"))


async def test_the_folder_list_names_a_report_without_tables(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "情况说明.txt").write_text(NARRATIVE_ONLY_TEXT, encoding="utf-8")
    shutil.copy(INJECTED, folder / "bad.pdf")
    app = KemuApp(folder)
    async with app.run_test(size=(120, 35)) as pilot:
        await _triage_loaded(pilot)
        text = _screen_text(app)
    assert "情况说明.txt" in text and "无表格" in text and "只有文字说明" in text and " 0/0 " not in text


@pytest.mark.parametrize("lang, words", [("zh", "按标题用词识别：一般公共预算，支出"), ("en", "title wording: general public budget, expenditure")])
async def test_a_table_read_by_its_title_wording_says_why_in_words_not_ids(tmp_path, lang, words):
    from dataclasses import replace

    from app.tui.i18n import kind_reason_text

    assert kind_reason_text("title wording (general_budget, expense)", lang) == words
    session = ReviewSession(INJECTED)
    first = session.reviewed.tables[0]
    session.base = replace(session.base, tables=(replace(first, kind_confidence=0.9, kind_reason="title wording (general_budget, expense)"), *session.base.tables[1:]))
    session.__dict__.pop("applied", None)
    app = KemuApp(INJECTED, lang=lang, session=session)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        tables = app.screen.query_one(TableList)
        prompt = str(tables.get_option_at_index(0).prompt)
    assert words in prompt and "general_budget" not in prompt


@pytest.mark.parametrize("size", [(80, 24), (120, 35)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_first_n_goes_to_problem_1_even_on_the_contents_page_or_the_first_row(injected, monkeypatch, size):
    """Problems before the cursor's opening place (a finding on the 目录 page, the first row's
    mapping) were skipped by the first n, which walked from the cursor."""
    from dataclasses import replace

    from app.checks import Finding, Location, run_checks

    contents = Finding("metadata.contents", "warning", "目录页码与正文不符", (Location(page=2, line=3),))
    monkeypatch.setattr("app.tui.screens.review.run_checks", lambda report: [contents, *run_checks(report)])
    session = ReviewSession(injected)
    first = session.base.tables[0]
    row = first.rows[0]
    questioned = replace(row, match=replace(row.match, decision="review", reason="misread"))
    session.base = replace(session.base, tables=(replace(first, rows=(questioned, *first.rows[1:])), *session.base.tables[1:]))
    session.__dict__.pop("applied", None)
    app = KemuApp(injected, session=session)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        assert [(p.row, p.page) for p in screen.problem_list[:2]] == [(None, 2), (row.id, row.provenance.page)]
        await pilot.press("n")
        await pilot.pause()
        assert "问题 1/" in str(screen.query_one("#status").render())
        assert screen.query_one(SourceView).highlighted.page == 2  # the finding's text line is shown
        await pilot.press("n")
        await pilot.pause()
        assert screen.current[:2] == (first.id, row.id) and "问题 2/" in str(screen.query_one("#status").render())


async def test_one_progress_figure_in_the_folder_list_the_status_line_and_kemu_triage(tmp_path, capsys):
    """Mappings a person confirmed, of all: kemu triage once counted automatic ones as done."""
    from app.cli import main

    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(INJECTED, folder / "bad.pdf")
    mappings = ReviewSession(folder / "bad.pdf").progress()["mappings"]
    assert main(["triage", str(folder), "--workers", "1"]) == 0
    line = capsys.readouterr().out.splitlines()[1]
    assert f" 0/{mappings} " in line
    app = KemuApp(folder)
    async with app.run_test(size=(120, 35)) as pilot:
        await _triage_loaded(pilot)
        assert "已确认" in _screen_text(app) and f"0/{mappings}" in _screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert f"已确认 0/{mappings}" in str(app.screen.query_one("#status").render())


@pytest.mark.parametrize("size", [(80, 24), (120, 35)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_catalog_search_shows_names_and_enter_picks_the_entry_shown_selected(injected, size):
    from widgets.mapping_panel import MappingPanel

    app = KemuApp(injected)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("n")
        await pilot.pause()
        where = screen.current
        await pilot.press("slash", *"307", "enter")
        await pilot.pause()
        panel = screen.query_one(MappingPanel)
        assert panel.highlighted == 0  # shown selected from the start
        first = str(panel.get_option_at_index(0).prompt)
        assert first.startswith("307 债务利息及费用支出")  # the name, even where the panel is narrow
        assert "债务利息及费用支出" in _screen_text(app)
        await pilot.press("down", "down", "up")
        await pilot.pause()
        shown = panel.get_option_at_index(panel.highlighted).id
        await pilot.press("enter")
        await pilot.pause()
        ops = screen.session.operations
        assert [(o.op, o.row, o.value) for o in ops] == [("choose", where[1], shown)] and shown == "30701"


@pytest.mark.parametrize("size", [(80, 24), (120, 35)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_what_the_workbench_says_keeps_every_character_and_the_status_counts(injected, size):
    """Toasts over panel borders dropped the CJK characters straddling them and, at 80×24,
    covered the status counts; the message line sits in the layout instead."""
    import re

    app = KemuApp(injected)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for k in (1, 2, 3):
            await pilot.press("n")
            await pilot.pause()
            said = _said(app)[-1]
            screen = re.sub(r"\s", "", _screen_text(app))
            assert re.sub(r"\s", "", said) in screen, said
            assert f"问题{k}/3·已确认0/127·待审1·错误1·警告0·已保存" in screen


@pytest.mark.parametrize("size, widths", [((80, 24), (14, 12)), ((120, 35), (22, 20))], ids=["80x24", "120x35"])
async def test_the_first_frame_is_laid_out_for_the_terminal(injected, size, widths, monkeypatch):
    """The name and 科目 columns of the very first table drawn already fit the width (the first
    frame had the widest columns and an amount cut to one digit, corrected a second later)."""
    drawn = []
    show = ReportTable.show_table
    monkeypatch.setattr(ReportTable, "show_table", lambda self, *a, **kw: (drawn.append((self.name_width, self.mapped_width)), show(self, *a, **kw))[1])
    app = KemuApp(injected)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
    assert drawn and set(drawn) == {widths}


@pytest.mark.parametrize("size", [(80, 24), (120, 35)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_an_uncertain_reading_is_shown_with_its_reasons_and_walked_first(injected, size):
    """Table.reading (computed by the parsers) is shown: the table list and the status line give
    the reasons, and n visits the table's first row before its other problems."""
    from dataclasses import replace

    session = ReviewSession(injected)
    tables = session.base.tables
    doubtful = replace(tables[1], reading="uncertain", reading_reasons=(reading_reason("parents", failing=3, checked=9),))
    session.base = replace(session.base, tables=(tables[0], doubtful, *tables[2:]))
    session.__dict__.pop("applied", None)
    app = KemuApp(injected, session=session)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        listed = screen.query_one(TableList)
        assert "读数存疑：上级行不等于其下各行之和：3 处（共核对 9 处）" in str(listed.get_option_at_index(1).prompt)  # the reason in the interface's language
        assert "读数存疑" not in str(screen.query_one("#status").render())  # the first table is trusted
        for _ in range(2):  # problem 1 is in the first table; problem 2 is the doubtful table itself
            await pilot.press("n")
            await pilot.pause()
        assert screen.current == (doubtful.id, doubtful.rows[0].id, None)
        status = str(screen.query_one("#status").render())
        assert "问题 2/4" in status and "读数存疑：上级行不等于其下各行之和：3 处（共核对 9 处）" in status
        assert _said(app)[-1] == "2/4 · 读数存疑：上级行不等于其下各行之和：3 处（共核对 9 处）"


async def test_the_title_says_when_the_department_was_not_found(injected):
    from dataclasses import replace

    session = ReviewSession(injected)
    session.base = replace(session.base, department=None)
    session.__dict__.pop("applied", None)
    app = KemuApp(injected, session=session)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        assert app.screen.sub_title == "（部门未识别） 2023 决算"


async def test_v_shows_the_printed_page_around_the_cell_with_its_box(injected, monkeypatch):
    """The reviewer's final authority: v renders the page band around the cell, the cell's box in
    red, and hands it to the image viewer; the pictures go when the workbench closes."""
    from PIL import Image

    opened = []
    monkeypatch.setattr("app.review.page_image.open_in_viewer", lambda path: opened.append(path) or True)
    app = KemuApp(injected)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.jump("final_expense#1", "final_expense#1/2101101", "current_expense.total")
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        assert len(opened) == 1 and opened[0].suffix == ".png"
        image = Image.open(opened[0]).convert("RGB")
        bbox = screen.session.reviewed.table("final_expense#1").row("final_expense#1/2101101").cells["current_expense.total"].provenance.bbox
        scale = 200 / 72
        assert image.width > 1000 and image.height < 400  # the page's width, a band of rows: digits legible
        left = int((bbox[0] - 2) * scale)
        assert image.getpixel((left + 1, image.height // 2)) == (220, 0, 0)  # the box's left side, at the cell's middle
        assert "第 7 页已在图片查看器中打开" in _said(app)[-1]
        folder = opened[0].parent
    assert not folder.exists()


async def test_v_on_a_text_report_says_there_is_no_page(tmp_path):
    from tests.conftest import seed

    path = tmp_path / "report.txt"
    shutil.copy(seed("003"), path)
    app = KemuApp(path)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        assert _said(app)[-1] == "report.txt 是文本报告，没有印刷页面可看"


# -- issue 25: the folder list checks its reports against each other ----------------------------

@pytest.fixture(scope="module")
def chain_files(tmp_path_factory):
    """One department's budgets 2023-2025 and its 2024 决算, the 2025 budget's 上年预算数 of
    2010804 printed 5.00 above what the 2024 budget prints (tests/test_across.py)."""
    from decimal import Decimal

    from tests.test_across import _chain

    return _chain(tmp_path_factory.mktemp("chain"), prior_shift=Decimal("5.00"))


@pytest.fixture
def chain_folder(tmp_path, chain_files):
    """The chain and a report of another department, in a folder of their own (sidecars stay here)."""
    folder = tmp_path / "reports"
    folder.mkdir()
    for path in chain_files:
        shutil.copy(path, folder / path.name)
    shutil.copy(INJECTED, folder / "other.pdf")
    return folder


def _cell(session: ReviewSession, code: str, label: str) -> tuple[str, str, str]:
    """(table, row, column) of the cell under ``label`` on the row of ``code``."""
    table = next(t for t in session.reviewed.tables if any(r.code == code for r in t.rows))
    row = next(r for r in table.rows if r.code == code)
    return table.id, row.id, next(c.key for c in table.columns if c.label == label)


@pytest.mark.parametrize("size", [(80, 24), (120, 35)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_folder_list_groups_a_department_by_year_and_kind_and_n_opens_either_side(chain_folder, size):
    app = KemuApp(chain_folder)
    async with app.run_test(size=size) as pilot:
        await _triage_loaded(pilot)
        screen = app.screen
        names = [r.path.name for r in screen.rows]
        # the department's reports together, by year then kind; worst department first
        assert names.index("budget_2023.pdf") + 3 == names.index("budget_2025.pdf")
        assert names[names.index("budget_2023.pdf"):][:4] == ["budget_2023.pdf", "budget_2024.pdf", "final_2024.pdf", "budget_2025.pdf"]
        across = {r.path.name: r.across for r in screen.rows}
        assert across == {"other.pdf": None, "budget_2023.pdf": 0, "final_2024.pdf": 0, "budget_2024.pdf": 1, "budget_2025.pdf": 1}
        await pilot.press("down")  # from the other department's report to the chain's first
        await pilot.pause()
        text = _screen_text(app)
        assert "江南省/临川市/审计局（部门） · 2023 预算 · 2024 预算 · 2024 决算 · 2025 预算" in text
        assert "跨报告比对 14 处，一致 13 处，问题 1 个" in text

        await pilot.press("n")
        await pilot.pause()
        text = _screen_text(app)
        assert "跨报告问题 1/1 · 错误" in text
        assert "① budget_2025.pdf 第 2 页 135.00 · 上年预算数" in text and "② budget_2024.pdf 第 2 页 130.00 · 本年预算数" in text
        assert screen.rows[screen.query_one("#reports").cursor_row].path.name == "budget_2025.pdf"

        await pilot.press("enter")  # the highlighted side, at its cell
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen) and review.session.source.name == "budget_2025.pdf"
        assert review.current == _cell(review.session, "2010804", "上年预算数")
        assert "上年预算数" in _said(app)[-1]  # the finding, on the message line
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is screen

        await pilot.press("n", "2")  # the other side
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen) and review.session.source.name == "budget_2024.pdf"
        assert review.current == _cell(review.session, "2010804", "本年预算数")


@pytest.mark.parametrize("size", [(80, 24), (120, 35)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_folder_list_across_snapshot(snap_compare, chain_folder, size):
    """The chain's finding across reports after n: both sides, file, page and figure."""

    async def walked(pilot) -> None:
        await _triage_loaded(pilot)
        await pilot.press("n")
        await pilot.pause()

    assert snap_compare(KemuApp(chain_folder), terminal_size=size, run_before=walked)


async def test_a_correction_in_one_year_re_checks_its_neighbours_in_the_folder_list(chain_folder):
    """Correcting 2024's 2010804 to the 135.00 that 2025 repeats: that finding goes, and the
    决算's 年初预算数 (130.00, as 2024 first printed) now disagrees with the corrected budget."""
    app = KemuApp(chain_folder)
    async with app.run_test(size=(120, 35)) as pilot:
        await _triage_loaded(pilot)
        await pilot.press("n", "2", "e", *"135.00", "enter")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        sides = [{s.path.name for s in f.sides} for f in screen.view.findings]
        assert sides == [{"final_2024.pdf", "budget_2024.pdf"}]
        assert screen.rows[screen.query_one("#reports").cursor_row].path.name == "budget_2024.pdf"


def test_a_finding_in_the_running_text_names_its_line_on_each_side(tmp_path):
    """比 2024 年预算增加 60.00 万元 where 2024 printed 30 less: each side is a text line, opened there."""
    from decimal import Decimal

    from app.export.triage import folder_view, read_for_triage
    from tests.test_across import _chain

    view = folder_view([read_for_triage(p) for p in _chain(tmp_path, change=Decimal("60.00"))])
    (finding,) = view.findings
    claim, printed = finding.sides
    assert claim.path.name == "budget_2025.pdf" and "比2024年预算增加60.00万元" in claim.figure and claim.location.line
    assert printed.path.name == "budget_2024.pdf" and "收入预算450.00万元" in printed.figure and not printed.where


async def test_a_side_in_the_running_text_opens_on_its_line(tmp_path):
    from decimal import Decimal

    from parsers.model import Provenance
    from tests.test_across import _chain

    folder = tmp_path / "reports"
    folder.mkdir()
    _chain(folder, change=Decimal("60.00"))
    app = KemuApp(folder)
    async with app.run_test(size=(120, 35)) as pilot:
        await _triage_loaded(pilot)
        await pilot.press("n")
        await pilot.pause()
        claim = app.screen.view.findings[0].sides[0]
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen), app.screen
        assert app.screen.query_one(SourceView).highlighted == Provenance(claim.location.page, claim.location.line)


async def test_a_report_that_fits_several_departments_is_said_to_be_left_unlinked(tmp_path):
    """财政局 with no region, beside 杭州市财政局 and 上海市财政局: not guessed, and the panel says why."""
    folder = tmp_path / "reports"
    folder.mkdir()
    for department in ("杭州市财政局", "上海市财政局", "财政局"):
        (folder / f"{department}.txt").write_text(NARRATIVE_ONLY_TEXT.replace("北京市某某局", department), encoding="utf-8")
    app = KemuApp(folder)
    async with app.run_test(size=(120, 35)) as pilot:
        await _triage_loaded(pilot)
        screen = app.screen
        assert screen.view.unlinked == {folder / "财政局.txt": "ambiguous"} and not screen.view.departments
        await pilot.press(*["down"] * [r.path.name for r in screen.rows].index("财政局.txt"))
        await pilot.pause()
        assert "可归入本文件夹的多个部门" in _screen_text(app)
