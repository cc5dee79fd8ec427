"""The workbench's error paths, driven through Pilot: a sidecar changed underneath, a read-only
folder, a bulk accept undone. Problems are messages in the app; the app keeps running."""

from __future__ import annotations

import shutil

import pytest

from app.cli import main
from app.review.session import ReviewSession
from app.tui.app import KemuApp
from app.tui.screens.review import ReviewScreen
from tests.conftest import seed

SIZE = (180, 50)


@pytest.fixture
def report(tmp_path):
    path = tmp_path / "report.txt"
    shutil.copy(seed("003"), path)
    return path


async def _on_row(pilot, screen: ReviewScreen, table_id: str, row_id: str) -> None:
    screen.jump(table_id, row_id, None)
    await pilot.pause()
    assert screen.current[:2] == (table_id, row_id)


async def test_a_sidecar_changed_underneath_keeps_the_pending_action(report):
    app = KemuApp(report)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await _on_row(pilot, screen, "final_gp_basic#1", "final_gp_basic#1/30201")
        assert main(["edit", str(report), "--table", "final_gp_basic", "--row", "303", "--column", "金额", "--value", "3001.60"]) == 0
        await pilot.press("a")  # another kemu wrote the sidecar meanwhile
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, ReviewScreen)
        ops = [(o.op, o.row) for o in screen.session.operations]
        assert ops == [("edit", "final_gp_basic#1/303"), ("confirm", "final_gp_basic#1/30201")]
        await pilot.press("q")
    assert [(o.op, o.row) for o in ReviewSession(report).operations] == ops  # both decisions on disk


async def test_accept_all_then_one_undo_takes_the_whole_step_back(report):
    app = KemuApp(report)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("A")
        await pilot.pause()
        assert screen.session.progress()["confirmed"] > 100
        await pilot.press("u")
        await pilot.pause()
        assert screen.session.progress()["confirmed"] == 0
        await pilot.press("q")
    assert ReviewSession(report).progress()["confirmed"] == 0


async def test_a_read_only_folder_says_so_and_refuses_decisions_without_crashing(report, monkeypatch):
    from app.review.sidecar import _writing

    def refuse(self, *args, **kwargs):  # what opening the lock file in such a folder gives
        with _writing(self.lock_path):
            raise PermissionError(13, "Permission denied", str(self.lock_path))

    monkeypatch.setattr("app.review.sidecar.SidecarStore._acquire", refuse)  # as a folder the user cannot write answers
    monkeypatch.setattr("app.review.sidecar.SidecarStore.writable", property(lambda self: False))
    app = KemuApp(report)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert "只读" in screen.sub_title
        await _on_row(pilot, screen, "final_gp_basic#1", "final_gp_basic#1/30201")
        await pilot.press("a", "A", "u", "ctrl+s")
        await pilot.pause()
        assert app.is_running and screen.session.operations == []
        await pilot.press("q")
    assert sorted(p.name for p in report.parent.iterdir() if p.name.startswith("report")) == ["report.txt"]


@pytest.mark.parametrize("size", [(80, 24), (120, 35)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_no_color_draws_every_screen_in_monochrome(report, monkeypatch, size):
    """NO_COLOR (a convention users set globally) makes Textual filter every line to monochrome;
    a segment drawn without a style broke that filter at start-up."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = KemuApp(report)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert app.no_color
        for key in ("n", "t", "escape", "question_mark", "escape", "e", "escape", "slash", "escape"):
            await pilot.press(key)
            await pilot.pause()
        assert app.is_running and isinstance(app.screen, ReviewScreen)
        await pilot.press("q")
    assert app.return_code in (0, None)


SUMMARY = "final_income_expense_summary#1"
INCOME_ROW = f"{SUMMARY}/一、一般公共预算财政拨款收入"


@pytest.fixture
def two_sided(tmp_path):
    """The README sample: its 收支总表 prints 收入 rows on the left and 支出 rows on the right."""
    from tests.conftest import GENERATED

    path = tmp_path / "report.pdf"
    shutil.copy(GENERATED / "injected" / "gen_final_ruled__wrong_sum.pdf", path)
    return path


def _toasts(app) -> list[str]:
    """What the review screen said, in order (its message line above the status bar)."""
    return app.screen.query_one("#message").said


async def test_e_on_the_other_side_of_a_two_sided_table_says_there_is_nothing_to_edit(two_sided):
    app = KemuApp(two_sided, lang="en")
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.jump(SUMMARY, INCOME_ROW, "expense.amount")
        await pilot.pause()
        assert screen.current == (SUMMARY, INCOME_ROW, "expense.amount")
        await pilot.press("e")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, ReviewScreen)
        assert any("prints no amount under" in t and "nothing to edit" in t for t in _toasts(app))
        screen.jump(SUMMARY, INCOME_ROW, None)  # the 科目 cell: e says which keys decide a mapping
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert any("a accept" in t for t in _toasts(app))
        await pilot.press("q")
    assert ReviewSession(two_sided).operations == []


def test_kemu_edit_of_the_other_side_is_refused_with_a_true_sentence(two_sided, capsys):
    args = ["edit", str(two_sided), "--table", SUMMARY, "--row", INCOME_ROW, "--column", "expense.amount", "--value", "1"]
    assert main(args) == 3
    err = capsys.readouterr().err
    assert err.startswith(f"kemu: row {INCOME_ROW} prints no amount under 'expense.amount' (its cells: income.amount)")
    assert "has no column" not in err


def test_kemu_review_without_a_terminal_exits_with_one_sentence(two_sided, tmp_path):
    """`kemu review FILE </dev/null >out` (a script, a cron job): Textual would wait for keys
    forever at full CPU; the timeout only guards the test run against that hang."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    out = tmp_path / "out"
    with out.open("w") as stdout:
        done = subprocess.run([sys.executable, "-m", "app.cli", "review", str(two_sided)], cwd=ROOT, stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr == "kemu: kemu review needs a terminal (its input or screen is redirected); scripts use kemu status, edit, confirm and apply\n"
    assert out.read_text() == ""


async def test_a_source_replaced_while_open_is_said_and_no_decision_is_written_against_it(two_sided):
    from tests.conftest import GENERATED

    app = KemuApp(two_sided, lang="en")
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert not screen.check_source()
        two_sided.touch()  # the same bytes, touched: nothing to say
        assert not screen.check_source()
        shutil.copy(GENERATED / "gen_mixed_small.pdf", two_sided)  # another report saved over it
        screen.jump(SUMMARY, INCOME_ROW, None)
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert app.is_running and screen.session.operations == []
        assert any("report.pdf was replaced on disk after it was opened" in t for t in _toasts(app))
        assert "source replaced" in screen.sub_title
        await pilot.press("q")
    assert ReviewSession(two_sided).operations == []


async def test_an_edit_that_changes_nothing_says_so_and_records_nothing(two_sided):
    app = KemuApp(two_sided, lang="en")
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.jump("final_expense#1", "final_expense#1/2101101", "current_expense.basic")  # prints 86.54
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")  # Enter on the empty field cancels (only - removes an amount)
        await pilot.pause()
        assert screen.session.operations == [] and isinstance(app.screen, ReviewScreen)
        await pilot.press("e", *"86.540", "enter")  # the amount it already has
        await pilot.pause()
        assert screen.session.operations == []
        assert _toasts(app)[-1] == "The cell already reads 86.54: nothing changed, nothing recorded"
        assert "journaled" not in str(screen.query_one("#status").render())
        await pilot.press("q")
    assert ReviewSession(two_sided).operations == []


def test_kemu_edit_to_the_value_printed_says_so_and_records_nothing(two_sided, capsys):
    """The README's example before it was corrected: 基本支出 of 2101101 already is 86.54."""
    args = ["edit", str(two_sided), "--table", "final_expense", "--row", "2101101", "--column", "基本支出", "--value", "86.540"]
    assert main(args) == 0
    assert capsys.readouterr().err == "unchanged: final_expense#1/2101101 current_expense.basic already reads 86.54; nothing recorded\n"
    assert ReviewSession(two_sided).operations == [] and not list(two_sided.parent.glob("*.kemu.*"))
    readme = ["edit", str(two_sided), "--table", "final_expense", "--row", "2101101", "--column", "本年支出合计", "--value", "86.54"]
    assert main(readme) == 0  # the README's example fixes the injected error
    assert main(["check", str(two_sided), "--min-severity", "error", "--format", "json"]) == 0


@pytest.mark.parametrize("ends", ["quit", "crash"])
def test_review_fresh_removes_its_scratch_copy_when_the_workbench_ends(two_sided, monkeypatch, capsys, ends):
    opened = []

    def run(app):
        opened.append(app.path)
        assert app.path.is_file() and app.path != two_sided
        if ends == "crash":
            raise OSError("the terminal went away")

    monkeypatch.setattr(KemuApp, "run", run)
    monkeypatch.setattr("app.tui.app.has_terminal", lambda: True)
    main(["review", "--fresh", str(two_sided)])
    assert "(removed when you quit)" in capsys.readouterr().err
    assert not opened[0].parent.exists()  # the scratch folder: PDF and sidecar gone
    assert two_sided.is_file()
