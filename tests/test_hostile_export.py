"""`kemu export` against what a careful hostile user tries (issue 19): outputs that are its own
inputs, a full disk for every format, signals, leftovers of killed runs, special files in a
folder, orphaned decisions, odd encodings. Each case: one true sentence, the documented exit
code, nothing destroyed, nothing left running."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.cli import main
from app.export.commands import EXIT_INTERRUPTED, EXIT_PARTIAL, EXIT_TERMINATED
from app.export.formats import FORMATS
from app.review.session import ReviewSession
from tests.conftest import GENERATED, ROOT, SEEDS, seed

EXIT_OUTPUT = 1  # docs/export.md: OUT refused or could not be written
LINUX = sys.platform.startswith("linux")


def _export(*args: str) -> int:
    return main(["export", *args, "--workers", "1"])


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def reports(tmp_path) -> Path:
    """Two reports, one of them reviewed (so it has a sidecar)."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(seed("003"), folder / "linfen.txt")
    shutil.copy(GENERATED / "gen_mixed_small.pdf", folder / "anlu.pdf")
    ReviewSession(folder / "anlu.pdf").note("checked", "final_income#1")
    return folder


# -- 1. an output that is something the export reads -----------------------------------------


@pytest.mark.parametrize("target", ["the_report_given", "its_sidecar", "another_report_of_the_folder", "a_symlink_to_a_report", "a_relative_path", "a_journal", "a_reviewed_report_not_exported"])
def test_an_output_that_is_an_input_or_a_sidecar_is_refused_before_anything_is_written(reports, tmp_path, monkeypatch, capsys, target):
    sidecar = reports / "anlu.pdf.kemu.toml"
    (tmp_path / "link.csv").symlink_to(reports / "linfen.txt")
    monkeypatch.chdir(tmp_path)
    given, out = {
        "the_report_given": (reports / "anlu.pdf", reports / "anlu.pdf"),
        "its_sidecar": (reports / "anlu.pdf", sidecar),
        "another_report_of_the_folder": (reports, reports / "linfen.txt"),
        "a_symlink_to_a_report": (reports, tmp_path / "link.csv"),
        "a_relative_path": (reports, Path("in") / "." / "linfen.txt"),
        "a_journal": (reports / "linfen.txt", reports / "anlu.pdf.kemu.toml.journal"),
        "a_reviewed_report_not_exported": (reports / "linfen.txt", reports / "anlu.pdf"),
    }[target]
    before = {p.name: p.read_bytes() for p in reports.iterdir()}
    assert _export(str(given), "-o", str(out), "--format", "csv") == EXIT_OUTPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "refusing to overwrite" in err and str(out) in err
    assert {p.name: p.read_bytes() for p in reports.iterdir()} == before
    assert not any(".partial-" in name for name in _hidden(reports) + _hidden(tmp_path))


def test_an_output_that_is_a_folder_is_one_sentence(reports, tmp_path, capsys):
    (tmp_path / "outdir").mkdir()
    assert _export(str(reports), "-o", str(tmp_path / "outdir")) == EXIT_OUTPUT
    err = capsys.readouterr().err
    assert err == f"kemu: {tmp_path / 'outdir'} is a folder; name a file to write the export to (only --partition-by writes a folder)\n"
    assert (tmp_path / "outdir").is_dir() and _hidden(tmp_path) == []


# -- 8. a full disk, for every format ----------------------------------------------------------

FULL_DISK = """
import contextlib, gc, io, json, resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))
from app.cli import main
results = {}
for fmt, out in json.loads(sys.argv[2]).items():
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["export", sys.argv[1], "-o", out, "--workers", "1"])
        gc.collect()  # a writer's __del__ complaining late would land here
    results[fmt] = [code, err.getvalue()]
print(json.dumps(results))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs RLIMIT_FSIZE")
def test_a_full_disk_leaves_every_format_as_it_was_with_one_sentence(reports, tmp_path):
    outs = {fmt: tmp_path / f"facts.{fmt}" for fmt in FORMATS}
    assert _export(str(reports), "-o", str(tmp_path / "warm.csv")) == 0  # a warm cache: the limit also stops cache writes
    earlier = {fmt: f"an earlier {fmt} export".encode() for fmt in FORMATS}
    for fmt, out in outs.items():
        out.write_bytes(earlier[fmt])
    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(reports), json.dumps({f: str(o) for f, o in outs.items()})],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    results = json.loads(done.stdout)
    for fmt, out in outs.items():
        code, err = results[fmt]
        assert (code, err) == (EXIT_OUTPUT, f"kemu: cannot write {out} (File too large); {out} left as it was\n"), fmt
        assert out.read_bytes() == earlier[fmt], fmt
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert _hidden(tmp_path) == []


# -- 4, 11. signals: nothing left running, nothing left behind ----------------------------------


def _proc_children(pid: int) -> set[int]:
    """Every descendant of ``pid`` (from /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_until(condition, seconds: float = 60.0) -> bool:
    """Poll ``condition`` (not a timing assertion: a generous bound on a busy machine)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def many(tmp_path) -> Path:
    """Ten distinct reports (seed text, a different trailer each), so a cold export takes a while."""
    folder = tmp_path / "many"
    folder.mkdir()
    for i, path in enumerate(sorted(SEEDS.glob("*_*.txt")) * 2):
        (folder / f"r{i}.txt").write_text(path.read_text(encoding="utf-8") + "\n" * (i + 1), encoding="utf-8")
    return folder


@pytest.mark.skipif(not LINUX, reason="reads /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=["TERM", "INT", "KILL"])
def test_a_signalled_export_leaves_no_process_and_its_output_as_it_was(many, tmp_path, signum, capsys):
    out = tmp_path / "facts.csv"
    out.write_text("an earlier export\n")
    env = {**os.environ, "KEMU_CACHE_DIR": str(tmp_path / "cold-cache")}
    stderr = tmp_path / "stderr.txt"  # not a pipe: a worker that outlived the export would hold it open
    with stderr.open("w") as sink:
        export = subprocess.Popen([sys.executable, "-m", "app.cli", "export", str(many), "-o", str(out), "--workers", "2"], cwd=ROOT, env=env, stderr=sink)
    children: set[int] = set()
    try:
        assert _wait_until(lambda: len(_proc_children(export.pid)) >= 3), "the workers and the resource tracker never started"
        children = _proc_children(export.pid)
        assert any(".partial-" in name for name in _hidden(tmp_path))  # mid-way: the staged file exists
        export.send_signal(signum)
        code = export.wait(timeout=120)
        assert _wait_until(lambda: not any(_running(pid) for pid in children)), "a worker outlived the export"
    finally:
        export.kill()
        for pid in filter(_running, children):  # whatever outlived it (orphans are no longer its children)
            os.kill(pid, signal.SIGKILL)
    assert out.read_text() == "an earlier export\n"
    if signum == signal.SIGKILL:
        assert code == -signal.SIGKILL and any(".partial-" in name for name in _hidden(tmp_path))
        assert _export(str(many / "r0.txt"), "-o", str(tmp_path / "next.csv")) == 0  # the next run beside it
        assert "removed 1 unfinished export file(s) a killed run left" in capsys.readouterr().err
    else:
        name = "terminated" if signum == signal.SIGTERM else "interrupted"
        assert code == {signal.SIGTERM: EXIT_TERMINATED, signal.SIGINT: EXIT_INTERRUPTED}[signum]
        assert stderr.read_text().strip().splitlines()[-1] == f"kemu: {name}; {out} left as it was"
    assert _hidden(tmp_path) == []


def test_a_running_exports_staged_file_is_never_removed(reports, tmp_path):
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    from app.export.outputs import Staged

    mine = Staged(tmp_path / "a.csv").path  # this process is alive
    mine.write_text("running")
    dead = mine.with_name(mine.name.replace(f"-{os.getpid()}-", f"-{done.stdout.strip()}-"))
    dead.write_text("killed")
    assert _export(str(reports), "-o", str(tmp_path / "b.csv")) == 0
    assert _hidden(tmp_path) == [mine.name]


# -- 12. special files in a folder, orphaned decisions, encodings -------------------------------


@pytest.mark.skipif(not LINUX, reason="FIFOs and /dev/zero")
def test_special_files_in_a_folder_are_named_with_their_reason_and_never_block(reports, tmp_path, capsys):
    os.mkfifo(reports / "pipe.pdf")
    (reports / "zero.pdf").symlink_to("/dev/zero")
    (reports / "loop1.pdf").symlink_to("loop2.pdf")
    (reports / "loop2.pdf").symlink_to("loop1.pdf")
    (reports / "gone.pdf").symlink_to("nothing.pdf")
    assert _export(str(reports), "-o", str(tmp_path / "out.csv")) == EXIT_PARTIAL
    err = capsys.readouterr().err
    assert f"{reports / 'pipe.pdf'}: not a regular file but a named pipe (FIFO); skipped" in err
    assert f"{reports / 'zero.pdf'}: not a regular file but a device; skipped" in err
    assert f"{reports / 'loop1.pdf'}: a symlink loop (the link leads back to itself)" in err
    assert f"{reports / 'gone.pdf'}: a broken symlink (its target does not exist)" in err
    assert "exported 2 reports" in err and "5 failed" in err
    assert _export(str(reports / "pipe.pdf"), "-o", str(tmp_path / "out2.csv")) == 2  # named directly: refused, not opened


def test_an_export_says_when_a_reports_decisions_no_longer_apply(tmp_path, capsys):
    report = tmp_path / "r.txt"
    shutil.copy(seed("003"), report)
    session = ReviewSession(report)
    session.edit("final_expense#1", "final_expense#1/2080505", "total", "41.50")
    session.note("checked", "final_expense#1")
    shutil.copy(seed("000"), report)  # the source replaced: another report under the same name
    assert _export(str(report), "-o", str(tmp_path / "out.csv")) == 0
    err = capsys.readouterr().err
    assert f"kemu: {report}: all 2 review decisions no longer apply (the report changed since they were made) and were not exported; see kemu status" in err


def test_stdout_is_utf8_whatever_the_environment_says(reports, monkeypatch):
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="ascii"))  # PYTHONIOENCODING=ascii
    assert main(["triage", str(reports), "--workers", "1", "--format", "json"]) == 0
    sys.stdout.flush()
    assert {r["department"] for r in json.loads(raw.getvalue().decode("utf-8"))} >= {"安陆市医疗保障局"}


@pytest.mark.parametrize("content", [bytes(range(256)) * 4, b"[[entry]\ncode = 1"], ids=["binary", "not_toml"])
def test_a_user_catalog_kemu_cannot_use_is_one_sentence_naming_it(reports, tmp_path, monkeypatch, capsys, content):
    catalog = tmp_path / "catalog.toml"
    catalog.write_bytes(content)
    monkeypatch.setenv("KEMU_CATALOG", str(catalog))
    assert _export(str(reports), "-o", str(tmp_path / "out.csv")) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"kemu: {catalog}: the user catalog is not ")
    assert main(["match", str(reports / "linfen.txt")]) == 1
    assert capsys.readouterr().err == err
