"""Review sessions and sidecars: the reviewer's work is never lost."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.checks import run_checks
from app.cli import main
from app.review.session import Operation, ReviewSession
from app.review.sidecar import SidecarChanged, SidecarError, SidecarState, SidecarStore, dumps, loads
from tests.conftest import ROOT, seed

ROW_303 = "final_gp_basic#1/303"


@pytest.fixture
def report_copy(tmp_path):
    path = tmp_path / "report.txt"
    shutil.copy(seed("003"), path)
    return path


def _amount_key(session: ReviewSession) -> str:
    return session.reviewed.table("final_gp_basic#1").columns[0].key


def test_sidecar_round_trips_between_toml_and_json(report_copy):
    session = ReviewSession(report_copy)
    session.edit("final_gp_basic#1", ROW_303, _amount_key(session), "3001.60")
    session.mapping("confirm", "final_gp_basic#1", ROW_303)
    session.undo()
    session.save()
    state, _ = SidecarStore(report_copy).load()
    as_json = loads(dumps(state, "json"), "json", report_copy)
    back = loads(dumps(as_json, "toml"), "toml", report_copy)
    assert as_json.to_dict() == state.to_dict() == back.to_dict()
    assert state.operations[0]["original"] == "3,009.69" and state.redo[0]["op"] == "confirm"
    assert state.source["sha256"] and state.source["extractor_version"]


def test_json_sidecar_on_request(report_copy):
    session = ReviewSession(report_copy, "json")
    session.edit("final_gp_basic#1", ROW_303, _amount_key(session), "3001.60")
    session.save()
    assert report_copy.with_name("report.txt.kemu.json").exists()
    reopened = ReviewSession(report_copy)  # an existing sidecar is found whatever its format
    assert reopened.store.fmt == "json" and len(reopened.operations) == 1


def test_edit_shows_in_apply_and_in_checks_and_survives_reextraction(report_copy, capsys, monkeypatch, tmp_path):
    before = [f.message for f in run_checks(ReviewSession(report_copy).reviewed) if "303 对个人和家庭的补助" in f.message]
    assert before, "the seed's 303 row is inconsistent before the edit"
    assert main(["edit", str(report_copy), "--table", "final_gp_basic", "--row", "303", "--column", "金额", "--value", "3001.60"]) == 0
    monkeypatch.setenv("KEMU_CACHE_DIR", str(tmp_path / "fresh-cache"))  # a cleared cache: extraction runs again
    capsys.readouterr()
    assert main(["apply", str(report_copy)]) == 0
    import json

    data = json.loads(capsys.readouterr().out)
    row = next(r for t in data["tables"] for r in t["rows"] if r["id"] == ROW_303)
    cell = row["cells"][next(iter(row["cells"]))]
    assert cell["value"] == 3001.60 and cell["status"] == "edited" and cell["provenance"]["raw"] == "3,009.69"
    after = [f.message for f in run_checks(ReviewSession(report_copy).reviewed) if "303 对个人和家庭的补助" in f.message]
    assert after == []
    main(["check", str(report_copy)])  # the CLI checks the reviewed view too
    assert "303 对个人和家庭的补助" not in capsys.readouterr().out


def test_row_gone_from_the_source_is_orphaned_not_lost(report_copy):
    session = ReviewSession(report_copy)
    session.edit("final_gp_basic#1", ROW_303, _amount_key(session), "3001.60")
    session.save()
    text = report_copy.read_text(encoding="utf-8").replace("303\t对个人和家庭的补助", "309\t对个人和家庭的补助")
    report_copy.write_text(text, encoding="utf-8")
    reopened = ReviewSession(report_copy)
    assert reopened.source_changed
    assert len(reopened.orphans) == 1 and "no longer in the source" in reopened.orphans[0].reason
    reopened.save()
    assert SidecarStore(report_copy).load()[0].operations[0]["row"] == ROW_303  # kept in the sidecar


def test_changed_original_value_is_orphaned(report_copy):
    session = ReviewSession(report_copy)
    session.edit("final_gp_basic#1", ROW_303, _amount_key(session), "3001.60")
    session.save()
    report_copy.write_text(report_copy.read_text(encoding="utf-8").replace("3,009.69", "3,009.70"), encoding="utf-8")
    orphans = ReviewSession(report_copy).orphans
    assert orphans and "3,009.70" in orphans[0].reason


@pytest.mark.parametrize("garbage", ["schema_version = 1\n[[operation\n", "not toml at all ::::", "schema_version = 99\n"])
def test_corrupt_or_newer_sidecar_is_refused_and_left_intact(report_copy, garbage):
    sidecar = report_copy.with_name("report.txt.kemu.toml")
    sidecar.write_text(garbage, encoding="utf-8")
    with pytest.raises(SidecarError):
        ReviewSession(report_copy)
    assert sidecar.read_text(encoding="utf-8") == garbage
    assert main(["edit", str(report_copy), "--table", "final_gp_basic", "--row", "303", "--column", "金额", "--value", "1"]) == 3
    assert sidecar.read_text(encoding="utf-8") == garbage


def test_two_writers_are_detected(report_copy):
    first, second = ReviewSession(report_copy), ReviewSession(report_copy)
    first.mapping("confirm", "final_gp_basic#1", ROW_303)
    with pytest.raises(SidecarError, match="another kemu"):
        second.mapping("reject", "final_gp_basic#1", ROW_303)
    assert len(ReviewSession(report_copy).operations) == 1


def test_a_killed_process_loses_no_finished_operation(report_copy):
    script = (
        "import sys\n"
        "from app.review.session import ReviewSession\n"
        f"s = ReviewSession(__import__('pathlib').Path({str(report_copy)!r}))\n"
        "rows = [r.id for r in s.reviewed.table('final_expense#1').rows]\n"
        "for i in range(1000):\n"
        "    s.mapping('confirm', 'final_expense#1', rows[i % len(rows)])\n"
        "    print(i, flush=True)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    done = -1
    deadline = time.time() + 60
    while done < 20 and time.time() < deadline:
        done = int(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert len(ReviewSession(report_copy).operations) >= done + 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["do", "undo", "redo"]), max_size=12))
def test_undo_redo_behave_like_two_stacks_and_persist(tmp_path_factory, steps):
    path = tmp_path_factory.mktemp("prop") / "report.txt"
    shutil.copy(seed("003"), path)
    session = ReviewSession(path)
    rows = [r.id for r in session.reviewed.table("final_expense#1").rows]
    done: list[str] = []
    undone: list[str] = []
    for n, step in enumerate(steps):
        if step == "do":
            row = rows[n % len(rows)]
            session.mapping("confirm", "final_expense#1", row)
            done.append(row)
            undone.clear()
        elif step == "undo":
            session.undo()
            if done:
                undone.append(done.pop())
        else:
            session.redo()
            if undone:
                done.append(undone.pop())
        assert [o.row for o in session.operations] == done
    if steps and steps[-1] != "do":
        session.save()
    reopened = ReviewSession(path)
    assert [o.row for o in reopened.operations] == done and [o.row for o in reopened.redo_stack] == undone
    confirmed = {r.id for r in reopened.reviewed.table("final_expense#1").rows if r.match.decision == "confirmed"}
    assert confirmed == set(done)


@pytest.mark.parametrize(
    "args, words",
    [
        (["--table", "nosuch", "--row", "303", "--column", "金额", "--value", "1"], "no table"),
        (["--table", "final_gp_basic", "--row", "999", "--column", "金额", "--value", "1"], "no row"),
        (["--table", "final_gp_basic", "--row", "303", "--column", "nosuch", "--value", "1"], "no column"),
        (["--table", "final_gp_basic", "--row", "303", "--column", "金额", "--value", "abc"], "not an amount"),
        (["--table", "final_gp_basic", "--row", "30208", "--column", "金额", "--value", "1"], "matches 2 rows"),
    ],
)
def test_bad_edit_arguments_give_clear_errors(report_copy, capsys, args, words):
    assert main(["edit", str(report_copy), *args]) == 3
    assert words in capsys.readouterr().err
    assert not report_copy.with_name("report.txt.kemu.toml").exists() or not SidecarStore(report_copy).load()[0].operations


def test_every_operation_records_who_and_when(report_copy, monkeypatch):
    monkeypatch.setenv("KEMU_USER", "审核员甲")
    session = ReviewSession(report_copy)
    session.set_table("final_gp_basic#1", unit="元")
    session.note("口径待核", "final_gp_basic#1", ROW_303)
    session.mapping("ignore", "final_gp_basic#1", ROW_303)
    ops = ReviewSession(report_copy).operations
    assert {o.who for o in ops} == {"审核员甲"} and all(o.when.endswith("Z") for o in ops)
    reviewed = ReviewSession(report_copy).reviewed.table("final_gp_basic#1")
    assert reviewed.unit == "元" and reviewed.row(ROW_303).ignored and reviewed.row(ROW_303).note == "口径待核"


def test_confirm_same_text_applies_to_identical_rows(report_copy):
    session = ReviewSession(report_copy)
    session.mapping("choose", "final_gp_basic#1", "final_gp_basic#1/30208#2", "30209", all_same=True)
    row = session.reviewed.table("final_gp_basic#1").row("final_gp_basic#1/30208#2")
    assert row.match.code == "30209" and row.match.decision == "confirmed"
    assert isinstance(session.operations[0], Operation) and session.operations[0].scope == "same_text"


def _confirmed(session: ReviewSession) -> int:
    return session.progress()["confirmed"]


def test_a_bulk_confirm_is_one_undo_step(report_copy, capsys):
    session = ReviewSession(report_copy)
    session.mapping("confirm", "final_gp_basic#1", ROW_303)
    count = session.confirm_all_auto()
    assert count > 100 and _confirmed(session) == count + 1
    session.undo()
    assert _confirmed(session) == 1  # the whole bulk step, not its last row
    session.redo()
    assert _confirmed(ReviewSession(report_copy)) == count + 1  # redo brings the step back, journaled
    assert main(["undo", str(report_copy)]) == 0
    assert f"undo: {count} operations" in capsys.readouterr().err
    assert _confirmed(ReviewSession(report_copy)) == 1
    assert main(["undo", str(report_copy)]) == 0 and _confirmed(ReviewSession(report_copy)) == 0
    assert main(["confirm", str(report_copy), "--all-auto"]) == 0 and main(["undo", str(report_copy)]) == 0
    assert _confirmed(ReviewSession(report_copy)) == 0


def test_reading_writes_nothing_and_a_clean_close_leaves_only_the_sidecar(report_copy, capsys):
    folder = report_copy.parent

    def beside() -> list[str]:
        return sorted(p.name for p in folder.iterdir() if p.name.startswith("report"))

    assert main(["status", str(report_copy)]) == 0 and main(["apply", str(report_copy)]) == 0
    ReviewSession(report_copy).save()  # a workbench closed without a decision
    assert beside() == ["report.txt"]
    old = os.umask(0o022)
    try:
        assert main(["edit", str(report_copy), "--table", "final_gp_basic", "--row", "303", "--column", "金额", "--value", "1"]) == 0
        session = ReviewSession(report_copy)
        session.mapping("confirm", "final_gp_basic#1", ROW_303)
        assert session.store.journal.exists()  # journaled at once, compacted on close
        session.save()
    finally:
        os.umask(old)
    assert beside() == ["report.txt", "report.txt.kemu.toml"]
    assert (folder / "report.txt.kemu.toml").stat().st_mode & 0o777 == 0o644  # colleagues can read a review
    assert len(ReviewSession(report_copy).operations) == 2


def test_a_session_that_lost_a_race_reloads_and_keeps_both_decisions(report_copy):
    first, second = ReviewSession(report_copy), ReviewSession(report_copy)
    first.mapping("confirm", "final_gp_basic#1", ROW_303)
    with pytest.raises(SidecarChanged):
        second.mapping("reject", "final_gp_basic#1", "final_gp_basic#1/30201")
    second.reload()
    second.mapping("reject", "final_gp_basic#1", "final_gp_basic#1/30201")
    assert [o.op for o in ReviewSession(report_copy).operations] == ["confirm", "reject"]


def test_simultaneous_scripted_edits_all_apply(report_copy):
    """Four `kemu edit` processes at once: each waits for the lock, none fails."""
    ReviewSession(report_copy)  # warm the cache the processes share
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rows = ["301", "30201", "30205", "30207"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "app.cli", "edit", str(report_copy), "--table", "final_gp_basic", "--row", row, "--column", "金额", "--value", f"{n}.5"],
            cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True,
        )
        for n, row in enumerate(rows)
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
    edited = {o.row.split("/")[-1]: o.value for o in ReviewSession(report_copy).operations}
    assert edited == {row: f"{n}.5" for n, row in enumerate(rows)}
    assert sorted(p.name for p in report_copy.parent.iterdir() if p.name.startswith("report")) == ["report.txt", "report.txt.kemu.toml"]


READ_ONLY_SCRIPT = """
set -e
if [ "$(id -u)" = 0 ]; then mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 99; else chmod a-w "$1"; fi
shift
for command in status apply edit; do
  if [ $command = edit ]; then extra="--table final_gp_basic --row 303 --column 金额 --value 1"; else extra=""; fi
  set +e; "$PYTHON" -m app.cli $command "$1" $extra >/dev/null 2>>"$ERRORS"; echo "$command $?"; set -e
done
"""


def test_read_only_folder_status_and_apply_work_edit_fails_cleanly(tmp_path):
    """A folder the user cannot write: a real read-only mount (in a private mount namespace when
    run as root, since root ignores permissions), else plain permissions."""
    import shutil as sh

    folder = tmp_path / "ro"
    folder.mkdir()
    report = folder / "report.txt"
    shutil.copy(seed("003"), report)
    errors = tmp_path / "errors.txt"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHON": sys.executable, "ERRORS": str(errors)}
    command = ["sh", "-c", READ_ONLY_SCRIPT, "sh", str(folder), str(report)]
    if os.geteuid() == 0:
        if not sh.which("unshare"):
            pytest.skip("root without unshare cannot make a read-only folder")
        command = ["unshare", "-m", *command]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    if done.returncode == 99 or "unshare failed" in done.stderr:
        pytest.skip("no mount namespace here to make a read-only folder")
    folder.chmod(0o755)
    assert done.stdout.split("\n")[:3] == ["status 0", "apply 0", "edit 3"], done.stderr
    message = errors.read_text(encoding="utf-8")
    assert message.count("\n") == 1 and "read-only" in message and "Traceback" not in message
    assert sorted(p.name for p in folder.iterdir()) == ["report.txt"]


def test_complete_means_a_person_decided_every_open_question(report_copy):
    session = ReviewSession(report_copy)
    findings = run_checks(session.reviewed)
    assert not session.is_complete(findings)  # nobody has decided anything yet
    session.confirm_all_auto()
    for table in session.reviewed.tables:
        for row in table.rows:
            if row.match and row.match.decision == "review":
                session.mapping("not_subject", table.id, row.id)
    assert session.progress()["needs_review"] == 0
    errors = [f for f in run_checks(session.reviewed) if f.severity == "error"]
    assert errors and session.undecided_errors(errors) == len(errors) and not session.is_complete(errors)
    for finding in errors:
        first = finding.locations[0]
        session.note("核对过：原表如此", first.table or session.reviewed.tables[0].id, first.row)
    findings = run_checks(session.reviewed)
    assert session.undecided_errors(findings) == 0 and session.is_complete(findings)
