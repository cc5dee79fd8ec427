"""Bad input gets one clear error (exit code 2), never a traceback."""

from __future__ import annotations

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
