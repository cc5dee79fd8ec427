"""Fuzzing the front doors: whatever a user feeds kemu ends in a report or one sentence (exit 2/3),
within the time budget, and a damaged sidecar is never overwritten.

- text parsers: hypothesis builds report-like text (seed lines cut, doubled, re-tabbed, with
  stray digits and control characters) and arbitrary text;
- PDFs: byte-flipped and truncated copies run through the batch watchdog (worker processes
  with a time budget), so even a reader that loops cannot hang the suite; a few cases by
  default, many more with ``-m slow``;
- sidecars: random byte damage, truncation and well-formed files with wrong shapes; every
  field of every kind of operation mutated (wrong type, empty, huge, NaN, unknown, removed);
- the sidecar writer under a file-size limit (what a full disk gives a writer), and
  edit/confirm/undo killed at random moments: a decision is recorded once or not at all, and
  the message says which.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.export.batch import Failure, run
from app.errors import TookTooLong, time_budget
from app.review.operations import BLANKS
from app.review.session import ReviewSession
from app.review.sidecar import SidecarError
from parsers.amounts import parse_amount
from parsers.errors import UnreadableReport
from parsers.report import read_report
from tests.conftest import GENERATED, REAL_REPORTS, ROOT, seed

SEED_LINES = [line for prefix in ("000", "003", "004") for line in seed(prefix).read_text(encoding="utf-8").splitlines()]
TEXT_BUDGET = 20.0  # seconds per text case; a loop in a parser shows up as TookTooLong
HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]


def _read_or_refuse(path: Path) -> None:
    """The contract of every front door: a Report, or UnreadableReport with one sentence."""
    try:
        with time_budget(path.name, TEXT_BUDGET):
            report = read_report(path)
    except TookTooLong:
        raise AssertionError(f"{path.name} took longer than {TEXT_BUDGET} s") from None
    except UnreadableReport as exc:
        message = str(exc)
        assert message and "\n" not in message.strip() and "Traceback" not in message
        return
    assert report.sha256 and all(t.id for t in report.tables)


mutations = st.sampled_from(["keep", "cut", "double", "tabs", "digits", "control", "drop"])


@st.composite
def report_like_text(draw) -> str:
    start = draw(st.integers(0, len(SEED_LINES) - 1))
    lines = SEED_LINES[start : start + draw(st.integers(1, 120))]
    out = []
    for line in lines:
        how = draw(mutations)
        if how == "cut" and line:
            line = line[: draw(st.integers(0, len(line)))]
        elif how == "double":
            out.append(line)
        elif how == "tabs":
            line = line.replace("\t", draw(st.sampled_from(["", " ", "\t\t", "  "])))
        elif how == "digits":
            line += "\t" + draw(st.from_regex(r"-?[0-9,，.]{1,12}", fullmatch=True))
        elif how == "control":
            line = draw(st.sampled_from(["\f", "\x00", "\r", "\u3000", "\ufeff"])) + line
        elif how == "drop":
            continue
        out.append(line)
    return "\n".join(out)


@settings(max_examples=120, deadline=None, suppress_health_check=HEALTH)
@given(report_like_text())
def test_report_like_text_reads_or_is_refused(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("text") / "report.txt"
    path.write_text(text, encoding="utf-8")
    _read_or_refuse(path)


@settings(max_examples=80, deadline=None, suppress_health_check=HEALTH)
@given(st.one_of(st.text(max_size=3000), st.binary(max_size=3000)))
def test_arbitrary_text_and_bytes_read_or_are_refused(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("any") / "input.md"
    path.write_bytes(content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content)
    _read_or_refuse(path)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), st.from_regex(r"[（(-]?[0-9０-９,， .]{0,15}[)）%]?", fullmatch=True)))
def test_amounts_are_a_number_or_none_never_an_error(text):
    value = parse_amount(text)
    assert value is None or isinstance(value, Decimal)


# -- PDFs -----------------------------------------------------------------------------------


def damaged_copies(source: Path, folder: Path, count: int, rng: random.Random) -> list[Path]:
    """Every fourth copy truncated, the others with a few random bytes changed past the header."""
    data = source.read_bytes()
    out = []
    for n in range(count):
        damaged = bytearray(data)
        if n % 4 == 3:
            damaged = damaged[: rng.randrange(len(data) // 5, len(data) - 1)]
        else:
            for _ in range(rng.randint(1, 12)):
                damaged[rng.randrange(16, len(damaged))] = rng.randrange(256)
        path = folder / f"{source.stem}-{n:03d}.pdf"
        path.write_bytes(bytes(damaged))
        out.append(path)
    return out


def read_summary(source: str) -> int:
    """What a worker returns for a readable damaged copy: its table count."""
    from app.cache import load_report

    return len(load_report(source, use_cache=False).tables)


def _assert_read_or_refused(files: list[Path], budget: float) -> dict[str, int]:
    """Every copy is read or refused in one sentence; over the budget is a refusal too (the
    watchdog's job), a lost worker or an exception type in the sentence (a kemu bug) is not."""
    outcomes = list(run(read_summary, files, workers=2, log=None, budget=budget))
    assert len(outcomes) == len(files)
    counts = {"read": 0, "refused": 0, "over budget": 0}
    for path, outcome in zip(files, outcomes):
        if isinstance(outcome, Failure):
            assert "worker lost" not in outcome.reason and "\n" not in outcome.reason, (path.name, outcome.reason)
            over = "took longer than" in outcome.reason
            assert not re.match(r"\w+(Error|Exception): ", outcome.reason), (path.name, outcome.reason)  # a kemu bug, not a refusal
            counts["over budget" if over else "refused"] += 1
        else:
            assert isinstance(outcome, int)
            counts["read"] += 1
    print(f"{len(files)} damaged PDFs: {counts}")
    return counts


def test_damaged_pdfs_are_read_or_refused_within_the_budget(tmp_path):
    files = damaged_copies(GENERATED / "gen_mixed_small.pdf", tmp_path, 8, random.Random(12))
    _assert_read_or_refused(files, budget=30)


@pytest.mark.slow
def test_many_damaged_copies_of_every_pdf(tmp_path):
    sources = sorted(GENERATED.glob("*.pdf")) + (sorted(p for p in REAL_REPORTS.glob("*.pdf") if p.stat().st_size) if REAL_REPORTS.exists() else [])
    rng = random.Random(2026)
    files = [copy for source in sources for copy in damaged_copies(source, tmp_path, 4, rng)]
    _assert_read_or_refused(files, budget=20)


@pytest.mark.slow
@pytest.mark.skipif(not REAL_REPORTS.exists(), reason="../shared/real_reports is not present")
def test_twelve_damaged_copies_of_a_real_report_through_the_cli(tmp_path):
    source = REAL_REPORTS / "hangzhou_gongan_2026_budget.pdf"
    if not source.exists():
        source = next(p for p in sorted(REAL_REPORTS.glob("*.pdf")) if p.stat().st_size)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KEMU_CACHE_DIR": str(tmp_path / "cache")}
    for path in damaged_copies(source, tmp_path, 12, random.Random(12)):
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "app.cli", "extract", str(path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=90)
        assert time.monotonic() - started < 60 and done.returncode in (0, 2), (path.name, done.stderr)
        assert "Traceback" not in done.stderr and done.stderr.count("\n") <= 1


# -- sidecars -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory) -> tuple[Path, bytes]:
    """A report with a real review (an operation of each kind, a bulk step, an undo) and its sidecar."""
    folder = tmp_path_factory.mktemp("reviewed")
    path = folder / "report.txt"
    shutil.copy(seed("003"), path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KEMU_CACHE_DIR", str(folder / "cache"))
        session = ReviewSession(path)
        session.edit("final_gp_basic#1", "final_gp_basic#1/303", session.reviewed.table("final_gp_basic#1").columns[0].key, "3001.60")
        session.mapping("confirm", "final_gp_basic#1", "final_gp_basic#1/30201")
        session.confirm_all_auto()
        session.undo()
        session.mapping("choose", "final_gp_basic#1", "final_gp_basic#1/30201", code="30201")
        session.set_table("final_gp_basic#1", unit="万元")
        session.set_table("final_gp_basic#1", kind="final_gp_basic")
        session.note("口径待核", "final_expense#1")
        session.save()
    return path, session.store.path.read_bytes()


def _open_or_refuse(path: Path, sidecar: Path, damaged: bytes) -> None:
    sidecar.write_bytes(damaged)
    try:
        session = ReviewSession(path)
    except SidecarError as exc:
        assert "\n" not in str(exc) and sidecar.read_bytes() == damaged  # refused, left as it was
        return
    session.progress()  # a sidecar that loads gives a reviewed view (orphans at worst)


@settings(max_examples=60, deadline=None, suppress_health_check=HEALTH)
@given(data=st.data())
def test_a_damaged_sidecar_opens_or_is_refused_and_kept(reviewed, tmp_path_factory, data):
    source, good = reviewed
    folder = tmp_path_factory.mktemp("sidecar")
    path = folder / "report.txt"
    shutil.copy(source, path)
    damaged = bytearray(good)
    how = data.draw(st.sampled_from(["flip", "truncate", "delete_lines"]))
    if how == "flip":
        for _ in range(data.draw(st.integers(1, 8))):
            damaged[data.draw(st.integers(0, len(damaged) - 1))] = data.draw(st.integers(0, 255))
    elif how == "truncate":
        damaged = damaged[: data.draw(st.integers(0, len(damaged) - 1))]
    else:
        lines = bytes(damaged).split(b"\n")
        keep = data.draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines)))
        damaged = bytearray(b"\n".join(line for line, kept in zip(lines, keep) if kept))
    _open_or_refuse(path, folder / "report.txt.kemu.toml", bytes(damaged))


toml_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=8), st.sampled_from(["edit", "confirm", "final_gp_basic#1"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["op", "table", "row", "who", "when", "value", "group"]), inner, max_size=5)),
    max_leaves=10,
)


@settings(max_examples=60, deadline=None, suppress_health_check=HEALTH)
@given(operation=toml_values, redo=toml_values, source=toml_values)
def test_a_well_formed_sidecar_with_wrong_shapes_is_refused_not_a_crash(reviewed, tmp_path_factory, operation, redo, source):
    import json

    folder = tmp_path_factory.mktemp("shapes")
    path = folder / "report.txt"
    shutil.copy(reviewed[0], path)
    data = {"schema_version": 1, "source": source, "operation": operation, "redo": redo}
    _open_or_refuse(path, folder / "report.txt.kemu.json", json.dumps(data, ensure_ascii=False).encode())


def test_a_damaged_journal_line_is_refused_or_recovered(reviewed, tmp_path):
    path = tmp_path / "report.txt"
    shutil.copy(reviewed[0], path)
    (tmp_path / "report.txt.kemu.toml").write_bytes(reviewed[1])
    journal = tmp_path / "report.txt.kemu.toml.journal"
    journal.write_text('{"event": "do", "operation": {"op": "note", "who": "a", "when": "2026-11-23T15:40:28Z", "table": "final_expense#1", "value": "x"}}\n{"event": "do", "oper', encoding="utf-8")
    assert ReviewSession(path).operations[-1].value == "x"  # the line in flight when a process died is dropped
    journal.write_text('[1, 2]\n{"event": "undo"}\n', encoding="utf-8")
    with pytest.raises(SidecarError, match="line 1"):
        ReviewSession(path)
    journal.write_text('{"event": "do", "operations": 7}\n', encoding="utf-8")
    with pytest.raises(SidecarError, match="line 1: .operations. is not a list"):
        ReviewSession(path)


# -- hand-edited sidecars: every field of every kind of operation, mutated -------------------


@pytest.fixture
def reviewed_copy(reviewed, tmp_path, monkeypatch) -> Path:
    """A copy of the reviewed report and its sidecar, read through the fixture's cache (the
    cache is keyed by content, so the copy is not extracted again)."""
    monkeypatch.setenv("KEMU_CACHE_DIR", str(reviewed[0].parent / "cache"))
    path = tmp_path / "report.txt"
    shutil.copy(reviewed[0], path)
    (tmp_path / "report.txt.kemu.toml").write_bytes(reviewed[1])
    return path

FIELDS = ("op", "who", "when", "table", "row", "column", "original", "value", "scope", "group", "added_by_hand")
MUTATIONS = {
    "int": 7, "float": 1.5, "bool": True, "list": [1, "a"], "table": {"a": 1}, "empty": "", "blank": " ",
    "huge": "9" * 5000, "NaN": "NaN", "Infinity": "Infinity", "tiny": "-1e-400", "unknown": "no_such_thing", "missing": None,
}


def _export_safe(session: ReviewSession) -> None:
    """What a sidecar that loads gives the exports: amounts a float keeps exactly, known units and kinds."""
    from parsers.amounts import YUAN_PER_UNIT
    from parsers.identify.kinds import all_table_kinds

    kinds = {k.id for k in all_table_kinds()} | {"unknown"}
    for table in session.reviewed.tables:
        assert table.kind in kinds and table.unit in (None, *YUAN_PER_UNIT)
        for row in table.rows:
            for cell in row.cells.values():
                if cell.status == "edited":
                    assert cell.value is not None or cell.raw.strip() in BLANKS, cell.raw
                    assert cell.value is None or Decimal(repr(float(cell.value))) == cell.value, cell.raw


def _mutate_every_field(reviewed: tuple[Path, bytes], path: Path, share: float) -> None:
    """Each field of each kind of operation (and of a redo entry) set to a wrong type, empty, huge,
    NaN, unknown or removed (``share`` of the cases past the edit's, all with 1.0): the sidecar
    opens with an export-safe reviewed view, or is refused in one sentence naming the file, the
    operation and the field, and is left as it was."""
    import copy
    import tomllib

    import tomli_w

    sidecar = path.with_name("report.txt.kemu.toml")
    good = tomllib.loads(reviewed[1].decode("utf-8"))
    good["redo"] = [good["operation"].pop()]  # an undone operation too
    sidecar.write_text(tomli_w.dumps(good), encoding="utf-8")
    session = ReviewSession(path)
    assert [o.op for o in session.operations] == ["edit", "confirm", "choose", "set_unit", "set_kind"] and session.redo_stack[0].op == "note"
    rng = random.Random(19)
    outcomes = {"opened": 0, "refused": 0}
    for part, index in [("operation", n) for n in range(len(good["operation"]))] + [("redo", 0)]:
        for name in FIELDS:
            for how, value in MUTATIONS.items():
                if (part, index) != ("operation", 0) and rng.random() > share:
                    continue
                data = copy.deepcopy(good)
                if value is None:
                    data[part][index].pop(name, None)
                else:
                    data[part][index][name] = value
                text = tomli_w.dumps(data)
                sidecar.write_text(text, encoding="utf-8")
                try:
                    session.reload()
                except SidecarError as exc:
                    message = str(exc)
                    assert message.startswith(f"{sidecar}: {part} {index + 1}") and f"field {name}" in message, (part, name, how, message)
                    assert "\n" not in message and len(message) < 400 and sidecar.read_text(encoding="utf-8") == text
                    outcomes["refused"] += 1
                    continue
                _export_safe(session)
                outcomes["opened"] += 1
    print(f"{sum(outcomes.values())} mutated sidecars: {outcomes}")
    assert outcomes["refused"] and outcomes["opened"]


def test_every_field_of_a_hand_edited_sidecar_mutated_opens_or_is_refused_naming_it(reviewed, reviewed_copy):
    _mutate_every_field(reviewed, reviewed_copy, share=0.25)


@pytest.mark.slow
def test_every_field_of_every_operation_mutated_every_way(reviewed, reviewed_copy):
    _mutate_every_field(reviewed, reviewed_copy, share=1.0)


# -- a full disk for the sidecar writer ------------------------------------------------------

LIMITED_KEMU = """
import resource, signal, sys
limit = int(sys.argv[1])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from app.cli import main
sys.exit(main(sys.argv[2:]))
"""

COMMANDS = {  # a command of each kind a reviewer scripts, and what it does to the number of operations
    "edit": (["edit", "--table", "final_gp_basic", "--row", "303", "--column", "金额", "--value", "3001.60"], 1),
    "confirm": (["confirm", "--table", "final_gp_basic", "--row", "30201"], 1),
    "undo": (["undo"], -1),
}


def _kemu(args: list[str], path: Path, prefix: list[str] | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, *(prefix or ["-m", "app.cli"]), args[0], str(path), *args[1:]]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _disk_full_round(path: Path, limits: list[int], rng: random.Random) -> None:
    """Each command under a file-size limit: done (exit 0, perhaps warning that the sidecar is
    compacted later) or not done (exit 3, 'nothing was changed'), and the sidecar says the same."""
    for round_number, limit in enumerate(limits):
        name = rng.choice(list(COMMANDS))
        args, change = COMMANDS[name]
        if name == "edit":  # a new value each time: an edit to the value a cell has records nothing
            args = [*args[:-1], f"{3001 + round_number}.60"]
        before = len(ReviewSession(path).operations)
        if name == "undo" and not before:
            continue
        proc = _kemu(args, path, ["-c", LIMITED_KEMU, str(limit)])
        _, err = proc.communicate(timeout=120)
        after = len(ReviewSession(path).operations)
        assert "Traceback" not in err and proc.returncode in (0, 3), (limit, name, err)
        if proc.returncode == 0:
            assert after == before + change, (limit, name, err)
        else:
            assert after == before and err.count("\n") == 1 and "nothing was changed" in err, (limit, name, err)


def test_the_sidecar_writer_on_a_full_disk_says_what_it_did(reviewed, reviewed_copy):
    size = len(reviewed[1])
    _disk_full_round(reviewed_copy, [60, size - 1, size + 400], random.Random(19))


@pytest.mark.slow
def test_the_sidecar_writer_under_many_file_size_limits(reviewed, reviewed_copy):
    rng = random.Random(2026)
    _disk_full_round(reviewed_copy, [rng.randrange(0, 2 * len(reviewed[1])) for _ in range(30)], rng)


# -- kill -9 at random moments ---------------------------------------------------------------


def _kill_round(path: Path, runs: int, rng: random.Random) -> None:
    """Edit, confirm and undo killed at a random moment: the sidecar always opens, the command
    happened once or not at all, and the next clean write leaves no temp file behind."""
    for _ in range(runs):
        name = rng.choice(list(COMMANDS))
        args, change = COMMANDS[name]
        before = len(ReviewSession(path).operations)
        proc = _kemu(args, path)
        time.sleep(rng.uniform(0.2, 1.2))  # start-up, reading, the journal, the compaction
        proc.kill()
        proc.communicate()
        after = len(ReviewSession(path).operations)  # opens: never refused after a kill
        assert after in (before, before + change if before or change > 0 else before), (name, before, after)
    done = _kemu(COMMANDS["edit"][0], path)
    assert done.wait(timeout=120) == 0
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith((".report", "report"))) == ["report.txt", "report.txt.kemu.toml"]


def test_edit_confirm_undo_killed_at_random_moments_record_once_or_not_at_all(reviewed_copy):
    _kill_round(reviewed_copy, 4, random.Random(9))


@pytest.mark.slow
def test_many_kills_of_edit_confirm_undo(reviewed_copy):
    _kill_round(reviewed_copy, 40, random.Random(2026))
