"""The review workbench, driven through Textual's Pilot as a reviewer would use it."""

from __future__ import annotations

import shutil

import pytest

from app.review import ReviewSession
from app.sidecar import SidecarStore
from app.tui.app import KemuApp
from app.tui.screens.review import ReviewScreen
from app.tui.screens.triage import TriageScreen
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
        assert screen.query_one(SourceView).highlighted.page == 6  # the source line the cell came from
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


def test_review_screen_snapshot(snap_compare, injected):
    assert snap_compare(KemuApp(injected), terminal_size=SIZE, press=["n", "a", "n"])


def test_help_screen_snapshot(snap_compare, injected):
    assert snap_compare(KemuApp(injected, lang="en"), terminal_size=SIZE, press=["question_mark"])


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
