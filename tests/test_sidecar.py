"""Sidecar files as a careful user meets them: long names, a full disk, a hand-edited file,
two sidecars, a Notepad BOM, leftovers of a killed writer. Messages are true to what is on
disk, and nothing a person wrote is lost or recorded twice."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys

import pytest

from app.cli import main
from app.review.session import ReviewSession
from app.review.sidecar import NAME_MAX, CompactionFailed, SidecarError, SidecarStore
from tests.conftest import ROOT, seed
from tests.test_review import ROW_303, _amount_key, report_copy  # noqa: F401 (report_copy is a fixture)

TABLE = "final_gp_basic#1"
EDIT_303 = ["--table", "final_gp_basic", "--row", "303", "--column", "金额"]


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _one_extraction_for_the_module(shared_cache, monkeypatch):
    """The seed is extracted once for every test here (the cache is keyed by content, so a
    shared one gives each test the same report); each test still has its own sidecar folder."""
    monkeypatch.setenv("KEMU_CACHE_DIR", str(shared_cache))


def _sidecar(report) -> str:
    return report.with_name(report.name + ".kemu.toml").read_text(encoding="utf-8")


# -- long names -------------------------------------------------------------------------------


@pytest.mark.parametrize("stem_chars", [80, 81, 83])  # 244, 247 and 253 bytes with .txt: legal names
def test_a_long_legal_file_name_is_reviewed_through_a_short_sidecar_name(tmp_path, capsys, stem_chars):
    report = tmp_path / ("部门决算" * 20 + "部" * (stem_chars - 80) + ".txt")
    shutil.copy(seed("003"), report)
    assert len(os.fsencode(report.name)) <= NAME_MAX
    assert main(["status", str(report)]) == 0  # no sidecar yet: reading never fails
    assert main(["edit", str(report), *EDIT_303, "--value", "3001.60"]) == 0
    sidecars = [p for p in tmp_path.iterdir() if p.name.endswith(".kemu.toml")]
    assert len(sidecars) == 1 and len(os.fsencode(sidecars[0].name)) + len(".x.12345678.tmp") <= NAME_MAX
    assert sidecars[0].name.startswith("部门决算") and ReviewSession(report).operations[0].value == "3001.60"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([report.name, sidecars[0].name])
    capsys.readouterr()
    assert main(["apply", str(report)]) == 0 and json.loads(capsys.readouterr().out)["review"]["progress"]["edited_cells"] == 1


# -- a full disk ------------------------------------------------------------------------------

LIMITED = """
import resource, signal, sys
limit = int(sys.argv[1])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from app.cli import main
sys.exit(main(sys.argv[2:]))
"""


def limited_kemu(limit: int, *args: str) -> subprocess.CompletedProcess:
    """kemu under a file-size limit (what a full disk or a quota gives a writer: an error on write)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", LIMITED, str(limit), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_a_compaction_the_disk_refuses_keeps_the_decision_once_and_says_so(report_copy):
    assert main(["note", str(report_copy), "--table", "final_expense", "--text", "先写一条"]) == 0  # a sidecar to rewrite
    size = len(_sidecar(report_copy).encode())
    done = limited_kemu(size - 1, "edit", str(report_copy), *EDIT_303, "--value", "3001.60")  # the journal fits, the new sidecar not
    assert done.returncode == 0 and done.stderr.count("\n") == 2 and "Traceback" not in done.stderr, done.stderr
    assert "recorded in its journal" in done.stderr and "do not repeat" in done.stderr and "nothing was changed" not in done.stderr
    assert [o.op for o in ReviewSession(report_copy).operations] == ["note", "edit"]
    assert main(["confirm", str(report_copy), "--table", "final_gp_basic", "--row", "30201"]) == 0  # the next write compacts
    assert [o.op for o in ReviewSession(report_copy).operations] == ["note", "edit", "confirm"]
    assert sorted(p.name for p in report_copy.parent.iterdir() if p.name.startswith("report")) == ["report.txt", "report.txt.kemu.toml"]


def test_a_journal_write_the_disk_refuses_records_nothing_and_says_so(report_copy):
    done = limited_kemu(40, "edit", str(report_copy), *EDIT_303, "--value", "3001.60")
    assert done.returncode == 3 and done.stderr.count("\n") == 1 and "nothing was changed" in done.stderr, done.stderr
    assert ReviewSession(report_copy).operations == []
    assert sorted(p.name for p in report_copy.parent.iterdir() if p.name.startswith("report")) == ["report.txt"]


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT, errno.EFBIG])
def test_no_space_a_quota_and_a_size_limit_give_one_sentence(report_copy, monkeypatch, code):
    session = ReviewSession(report_copy)
    session.note("先写一条", "final_expense#1")

    def refuse(*args):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr("app.review.sidecar._write_all", refuse)
    with pytest.raises(SidecarError) as appended:
        session.note("第二条", "final_expense#1")
    assert str(appended.value).endswith("cannot be written (the disk is full, or a quota or file-size limit is reached); nothing was changed")
    monkeypatch.setattr("app.review.sidecar._atomic_write", refuse)
    with pytest.raises(CompactionFailed, match="every decision is recorded"):
        session.save()
    assert [o.value for o in ReviewSession(report_copy).operations] == ["先写一条"]


def test_a_journal_kept_after_its_compaction_is_not_applied_twice(report_copy):
    """kemu killed between renaming the new sidecar into place and removing the journal."""
    session = ReviewSession(report_copy)
    session.edit(TABLE, ROW_303, _amount_key(session), "3001.60")
    session.mapping("confirm", TABLE, ROW_303)
    session.undo()
    journal = session.store.journal.read_bytes()
    session.save()
    session.store.journal.write_bytes(journal)
    again = ReviewSession(report_copy)
    assert [o.op for o in again.operations] == ["edit"] and [o.op for o in again.redo_stack] == ["confirm"]
    again.note("之后", "final_expense#1")  # appended to the kept journal: counted once, after the rest
    assert [o.op for o in ReviewSession(report_copy).operations] == ["edit", "note"]


def test_a_torn_journal_line_does_not_corrupt_the_next_write(report_copy):
    session = ReviewSession(report_copy)
    session.note("一", "final_expense#1")
    with session.store.journal.open("a", encoding="utf-8") as handle:
        handle.write('{"event": "do", "operation": {"op": "no')  # a process killed mid-line
    later = ReviewSession(report_copy)
    later.note("二", "final_expense#1")
    assert [o.value for o in ReviewSession(report_copy).operations] == ["一", "二"]


# -- hand-edited sidecars ---------------------------------------------------------------------


def _hand_written(report, operation: dict) -> str:
    fields = {"op": "edit", "who": "甲", "when": "2026-11-23T15:40:28Z", "table": TABLE, "row": ROW_303, "column": "amount", "value": "1"}
    lines = [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in {**fields, **operation}.items()]
    text = "schema_version = 1\nredo = []\n\n[[operation]]\n" + "\n".join(lines) + "\n"
    report.with_name(report.name + ".kemu.toml").write_text(text, encoding="utf-8")
    return text


@pytest.mark.parametrize(
    "operation, words",
    [
        ({"value": "abc"}, "is not an amount"),
        ({"value": "NaN"}, "is not an amount"),
        ({"value": "Infinity"}, "is not an amount"),
        ({"value": "1e400"}, "is not an amount"),
        ({"value": "9" * 5000}, "more than 15 significant digits"),
        ({"op": "set_unit", "value": "斤"}, "is not a unit"),
        ({"op": "set_kind", "value": "no_such_kind"}, "is not a table kind"),
        ({"op": "choose", "value": "9999999"}, "is not a 科目 code"),
        ({"op": "explode"}, "is not an operation"),
        ({"when": "yesterday"}, "is not a time"),
        ({"scope": "everything"}, "is not one of"),
        ({"column": ""}, "edit needs a column"),
    ],
)
def test_an_impossible_value_in_a_hand_edited_sidecar_is_refused_naming_file_operation_and_field(report_copy, capsys, operation, words):
    text = _hand_written(report_copy, operation)
    with pytest.raises(SidecarError) as refused:
        ReviewSession(report_copy)
    message = str(refused.value)
    assert message.startswith(f"{report_copy}.kemu.toml: operation 1") and words in message and "field" in message
    assert "\n" not in message and len(message) < 400
    for command in (["apply", str(report_copy)], ["edit", str(report_copy), *EDIT_303, "--value", "2"]):
        assert main(command) == 3
    assert words in capsys.readouterr().err and _sidecar(report_copy) == text  # left as it was


def test_an_amount_too_long_to_keep_is_refused_on_input(report_copy, capsys):
    assert main(["edit", str(report_copy), *EDIT_303, "--value", "9" * 400]) == 3
    assert "more than 15 significant digits" in capsys.readouterr().err
    assert ReviewSession(report_copy).operations == []
    assert main(["edit", str(report_copy), *EDIT_303, "--value", "123456789012.345"]) == 0  # 15 digits: kept exactly


def test_keys_a_person_adds_survive_the_next_write(report_copy):
    _hand_written(report_copy, {"value": "3001.60", "checked_by": "乙", "ticket": 42})
    sidecar = report_copy.with_name("report.txt.kemu.toml")
    sidecar.write_text("team = \"预算科\"\n" + sidecar.read_text(encoding="utf-8"), encoding="utf-8")
    session = ReviewSession(report_copy)
    session.note("再加一条", "final_expense#1")
    session.save()
    state, _ = SidecarStore(report_copy).load()
    assert state.extra == {"team": "预算科"}
    assert state.operations[0]["checked_by"] == "乙" and state.operations[0]["ticket"] == 42
    assert [o["op"] for o in state.operations] == ["edit", "note"]


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_a_sidecar_saved_with_a_byte_order_mark_is_read(report_copy, fmt):
    session = ReviewSession(report_copy, fmt)
    session.edit(TABLE, ROW_303, _amount_key(session), "3001.60")
    session.save()
    path = session.store.path
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # as Notepad saves it
    assert ReviewSession(report_copy).operations[0].value == "3001.60"


# -- two sidecars, leftovers -----------------------------------------------------------------


def test_two_sidecars_are_refused_naming_both(report_copy, capsys):
    for fmt in ("toml", "json"):
        session = ReviewSession(report_copy, fmt)
        session.note(f"in {fmt}", "final_expense#1")
        session.save()
        if fmt == "toml":  # what a copy from a colleague, or a converted file, leaves
            report_copy.with_name("report.txt.kemu.toml").rename(report_copy.with_name("aside.toml"))
    report_copy.with_name("aside.toml").rename(report_copy.with_name("report.txt.kemu.toml"))
    with pytest.raises(SidecarError, match="report.txt.kemu.toml and .*report.txt.kemu.json are both review sidecars"):
        ReviewSession(report_copy)
    assert main(["status", str(report_copy)]) == 3 and capsys.readouterr().err.count("\n") == 1


def test_an_existing_sidecar_wins_over_the_requested_format(report_copy):
    session = ReviewSession(report_copy)
    session.note("toml", "final_expense#1")  # journaled only: a killed workbench leaves just the journal
    other = ReviewSession(report_copy, "json")
    assert other.store.path.name == "report.txt.kemu.toml" and [o.value for o in other.operations] == ["toml"]


def test_the_next_write_removes_temp_files_of_killed_compactions(report_copy):
    dead = report_copy.with_name(".report.txt.kemu.toml.k3j_9xq2.tmp")
    dead.write_text("half a sidecar", encoding="utf-8")
    unrelated = report_copy.with_name(".report.txt.kemu.toml.notes.tmp")
    unrelated.write_text("not kemu's", encoding="utf-8")
    assert main(["status", str(report_copy)]) == 0 and dead.exists()  # reading never writes
    assert main(["edit", str(report_copy), *EDIT_303, "--value", "3001.60"]) == 0
    assert not dead.exists() and unrelated.exists()


def test_a_last_event_without_its_line_break_is_kept_by_the_next_write(report_copy):
    session = ReviewSession(report_copy)
    session.note("一", "final_expense#1")
    journal = session.store.journal
    journal.write_bytes(journal.read_bytes().rstrip(b"\n"))  # whole, but its line break never written
    later = ReviewSession(report_copy)
    assert [o.value for o in later.operations] == ["一"]
    later.note("二", "final_expense#1")
    assert [o.value for o in ReviewSession(report_copy).operations] == ["一", "二"]
