"""What a new user reads first: `kemu --help`, each command's help, --version, and the text views."""

from __future__ import annotations

import re
import shutil

import pytest

from app.cli import _fresh_copy, _parser, main
from app.text_views import width
from tests.conftest import GENERATED

INJECTED = GENERATED / "injected" / "gen_final_ruled__wrong_sum.pdf"
COMMANDS = sorted(_parser()._subparsers._group_actions[0].choices)


def _help(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_says_what_it_does_its_defaults_and_its_exit_codes(capsys, command):
    text = _help(capsys, command)
    description = text.split("\n\n")[1]
    assert description[0].isupper() and description.rstrip().endswith(".")
    assert "exit codes:" in text and "  2    the input cannot be read" in text
    options = text.split("\noptions:", 1)[1]
    for option in re.findall(r"\n  (--[a-z-]+) \{[a-z,]+\}", options):  # a choice with a default shows it
        assert "default" in options.split(option, 1)[1].split("\n  -")[0], option
    positionals = text.split("positional arguments:", 1)[1].split("\noptions:", 1)[0]
    assert all(re.match(r"\s*\S+\s+\S", line) for line in positionals.strip().splitlines()[:1]), "the positional is explained"


def test_top_level_help_lists_every_command_and_the_exit_codes(capsys):
    text = _help(capsys)
    assert all(re.search(rf"\n    {c}\s+\S", text) for c in COMMANDS)
    assert "exit codes:" in text


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert re.match(r"kemu \S+ \(extractor \S+, extract JSON schema \S+\)", capsys.readouterr().out)


def test_review_help_says_it_takes_a_folder_too(capsys):
    text = _help(capsys, "review")
    assert "PATH" in text and "folder" in text and "--fresh" in text


def test_text_view_puts_every_amount_under_its_own_header(capsys):
    assert main(["extract", str(INJECTED), "--format", "text"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(i for i, line in enumerate(lines) if "支出/金额" in line)
    end = width(lines[header])  # the last header, right-aligned amounts end under it
    expense_only = [line for line in lines[header + 1:header + 60] if line.strip() and "支出" in line and width(line) == end]
    assert expense_only, "支出-side rows end under the 支出 header"
    amounts = re.findall(r"(?<![\d,.])\d[\d,]*\.\d+", "\n".join(lines))
    assert amounts and all(len(a.split(".")[0]) <= 3 or "," in a for a in amounts)  # one format: 21,579.57


def test_text_view_columns_line_up(capsys):
    assert main(["check", str(INJECTED), "--format", "text"]) == 1
    lines = capsys.readouterr().out.splitlines()[1:]
    starts = {width(line.split("栏间关系")[0]) for line in lines if "栏间关系" in line}
    starts |= {width(line.split("层级汇总")[0]) for line in lines if "层级汇总" in line}
    assert len(starts) == 1


def test_edit_message_uses_the_one_number_format(tmp_path, capsys):
    path = tmp_path / "report.pdf"
    shutil.copy(INJECTED, path)
    assert main(["edit", str(path), "--table", "final_expense", "--row", "合计", "--column", "本年支出合计", "--value", "21693.12"]) == 0
    assert "21,693.02 → 21,693.12" in capsys.readouterr().err


def test_fresh_copy_leaves_the_report_and_its_sidecar_alone(tmp_path, capsys):
    path = tmp_path / "report.pdf"
    shutil.copy(INJECTED, path)
    sidecar = tmp_path / "report.pdf.kemu.toml"
    sidecar.write_text("kept", encoding="utf-8")
    copy = _fresh_copy(path)
    assert copy.parent != tmp_path and copy.read_bytes() == path.read_bytes()
    assert not list(copy.parent.glob("*.kemu.*")) and sidecar.read_text(encoding="utf-8") == "kept"
    assert "fresh copy" in capsys.readouterr().err
    shutil.rmtree(copy.parent)
