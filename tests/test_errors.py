"""Bad input gets one clear error (exit code 2), never a traceback."""

from __future__ import annotations

import os

import pytest
from reportlab.lib import pdfencrypt
from reportlab.pdfgen import canvas

from app.cli import EXIT_UNREADABLE, main
from parsers.errors import UnreadableReport
from parsers.report import read_report


def _encrypted(path):
    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    c.drawString(100, 700, "budget")
    c.save()


def _scanned(path):
    c = canvas.Canvas(str(path))
    c.rect(50, 50, 300, 300, fill=1)
    c.save()


def _non_report_pdf(path):
    c = canvas.Canvas(str(path))
    c.drawString(100, 700, "Minutes of the garden club, 12 March")
    c.save()


CASES = {
    "empty.pdf": (lambda p: p.write_bytes(b""), "empty"),
    "corrupt.pdf": (lambda p: p.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage"), "damaged"),
    "encrypted.pdf": (_encrypted, "encrypted"),
    "scanned.pdf": (_scanned, "no text layer"),
    "saved.pdf": (lambda p: p.write_text("<!DOCTYPE html><html><body>404</body></html>"), "HTML"),
    "minutes.pdf": (_non_report_pdf, "not a department budget"),
    "prose.txt": (lambda p: p.write_text("今天天气很好。\n我们去公园散步。\n", encoding="utf-8"), "not a department budget"),
    "binary.dat": (lambda p: p.write_bytes(bytes(range(256)) * 20), "neither a PDF"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_unreadable_inputs_raise_one_clear_error(tmp_path, name):
    make, words = CASES[name]
    path = tmp_path / name
    make(path)
    with pytest.raises(UnreadableReport) as caught:
        read_report(path)
    assert words in str(caught.value)
    assert name in str(caught.value)


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_exit_code_2_and_one_line_on_stderr(tmp_path, capsys, name):
    make, words = CASES[name]
    path = tmp_path / name
    make(path)
    assert main(["extract", str(path)]) == EXIT_UNREADABLE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and words in captured.err
    assert "Traceback" not in captured.err


def test_missing_file_and_folder(tmp_path, capsys):
    assert main(["extract", str(tmp_path / "nope.pdf")]) == EXIT_UNREADABLE
    assert main(["extract", str(tmp_path)]) == EXIT_UNREADABLE
    assert "no such file" in capsys.readouterr().err


def _kemu(*args: str, env: dict | None = None, timeout: float = 60):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_extract_names_what_a_path_is_and_never_opens_a_fifo(tmp_path):
    """A FIFO, a link to /dev/zero and a symlink loop named .pdf: one true sentence each, exit 2.
    A FIFO opened for reading would wait for a writer forever (the timeout would fail the test)."""
    os.mkfifo(tmp_path / "pipe.pdf")
    (tmp_path / "zero.pdf").symlink_to("/dev/zero")
    (tmp_path / "loop.pdf").symlink_to(tmp_path / "loop.pdf")
    expected = {
        "pipe.pdf": "not a regular file but a named pipe (FIFO)",
        "zero.pdf": "not a regular file but a device",
        "loop.pdf": "a symlink loop (the link leads back to itself)",
    }
    for name, words in expected.items():
        for command in (["extract"], ["review", "--fresh"]):  # --fresh would copy the file first
            done = _kemu(*command, str(tmp_path / name), env={"KEMU_CACHE_DIR": str(tmp_path / "cache")}, timeout=30)
            assert (done.returncode, done.stdout) == (2, ""), (name, command, done.stderr)
            assert done.stderr == f"kemu: {tmp_path / name}: {words}\n"


def test_the_workbench_on_unreadable_input_exits_with_one_sentence(tmp_path):
    """The real front door (a process, no terminal): empty file, non-report, corrupt sidecar,
    folder without reports. The app never starts, so there is nothing to hang on."""
    from tests.conftest import seed

    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "notes.md").write_text("# 会议纪要\n\n今天讨论了搬迁。\n", encoding="utf-8")
    report = tmp_path / "report.txt"
    report.write_bytes(seed("003").read_bytes())
    sidecar = tmp_path / "report.txt.kemu.toml"
    sidecar.write_text("schema_version = 1\n[[operation]\n", encoding="utf-8")
    (tmp_path / "nothing").mkdir()
    expected = {"empty.pdf": (2, "empty"), "notes.md": (2, "not a department budget"), "report.txt": (3, "corrupt"), "nothing": (2, "no report files")}
    for name, (code, words) in expected.items():
        done = _kemu("review", str(tmp_path / name))
        assert (done.returncode, done.stdout) == (code, ""), (name, done.stderr)
        assert done.stderr.count("\n") == 1 and words in done.stderr and "Traceback" not in done.stderr
    assert sidecar.read_text(encoding="utf-8") == "schema_version = 1\n[[operation]\n"  # left as it was


def test_a_file_over_the_time_budget_is_skipped_with_a_sentence(tmp_path, capsys, monkeypatch):
    from tests.conftest import GENERATED

    monkeypatch.setenv("KEMU_TIME_BUDGET", "0.001")
    assert main(["extract", str(GENERATED / "gen_mixed_small.pdf")]) == EXIT_UNREADABLE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "took longer than 0.001 s" in err
    monkeypatch.setenv("KEMU_TIME_BUDGET", "0")  # no limit: the same file reads, and was not cached as rejected
    assert main(["extract", str(GENERATED / "gen_mixed_small.pdf")]) == 0


@pytest.mark.parametrize("box", ["inside", "off_the_sides", "off_the_bottom"])
def test_a_ruled_table_whose_box_runs_off_the_page_is_read(tmp_path, box):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    width, height = A4
    xs = {"inside": [20, 80, 330, 400, 470, 560], "off_the_sides": [-30, 80, 330, 430, 530, 680], "off_the_bottom": [20, 80, 330, 400, 470, 560]}[box]
    rows = [("科目编码", "科目名称", "合计", "基本支出", "项目支出"), ("208", "社会保障和就业支出", "100.00", "60.00", "40.00"),
            ("20805", "行政事业单位养老支出", "100.00", "60.00", "40.00"), ("2080505", "机关事业单位基本养老保险缴费支出", "100.00", "60.00", "40.00")]
    top, step = (height - 120, 22) if box != "off_the_bottom" else (90, 22)
    path = tmp_path / f"{box}.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 14)
    c.drawString(150, height - 60, "某某局2024年部门决算")
    c.drawString(180, height - 90 if box != "off_the_bottom" else 120, "支出决算表")
    c.setFont("STSong-Light", 9)
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            c.drawString(max(xs[j], 0) + 4, top - i * step - 15, text)
    bottom = top - len(rows) * step - (40 if box == "off_the_bottom" else 0)  # the last rule below the page
    for y in [top - i * step for i in range(len(rows))] + [bottom]:
        c.line(xs[0], y, xs[-1], y)
    for x in xs:
        c.line(x, top, x, bottom)
    c.save()
    table = read_report(path).tables[0]
    assert table.kind == "final_expense"
    assert [(r.code, [str(c.value) for c in r.cells.values()]) for r in table.rows][-1] == ("2080505", ["100.00", "60.00", "40.00"])
