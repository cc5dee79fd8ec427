"""`kemu survey`: per-file health figures against the generated reports' ground truth,
rejections with their reason, folders, the time budget and the versioned JSON shape."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import fields
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

import app.export.survey as survey_module
from app.cli import main
from app.export.survey import NARRATIVE_ONLY, FileSurvey, amounts_parsed, code_in_name, survey, survey_file, survey_files, survey_json
from app.errors import TookTooLong
from parsers.errors import UnreadableReport
from parsers.model import Cell, Provenance, Row
from tests.conftest import GENERATED, REAL_REPORTS

_FULL_CODE = re.compile(r"[1-9]\d{2}(?:\d{2}){0,2}")
NARRATIVE = (
    "北京市某某局2026年部门预算\n\n一、部门主要职责\n负责本市相关工作的统筹协调。\n"
    "二、2026年部门预算收支情况说明\n2026年收入预算1,234.56万元，比上年增加12.00万元。\n"
    "注：相关报表另行公开。\n"
)


@cache
def _surveyed(path: Path) -> FileSurvey:
    """Each generated report is read once per session (the tests only look at the figures)."""
    return survey_file(str(path))


def _truth(pdf: Path) -> dict:
    return json.loads(pdf.with_suffix(".truth.json").read_text(encoding="utf-8"))


def _truth_figures(truth: dict) -> tuple[int, int]:
    """(code rows, parent rows) as printed: a parent is a code another code of its table extends by one level."""
    code_rows = parents = 0
    for table in truth["tables"]:
        codes = [r["code"] for r in table["rows"] if r["code"] and _FULL_CODE.fullmatch(r["code"])]
        code_rows += len(codes)
        parents += len({c for c in codes if any(len(k) == len(c) + 2 and k.startswith(c) for k in codes)})
    return code_rows, parents


@pytest.mark.parametrize("name", ["gen_final_ruled", "gen_budget_unruled", "gen_mixed_small"])
def test_generated_reports_read_fully(name: str) -> None:
    pdf = GENERATED / f"{name}.pdf"
    truth = _truth(pdf)
    code_rows, parents = _truth_figures(truth)
    result = _surveyed(pdf)
    assert result.status == "accepted" and result.reason is None
    assert (result.pages, result.year, result.department, result.report_kind) == (
        truth["report"]["pages"], truth["report"]["year"], truth["report"]["department"], truth["report"]["report_kind"],
    )
    assert (result.tables_identified, result.tables_unknown) == (len(truth["tables"]), 0)
    assert (result.code_rows_identified, result.code_rows_unknown, result.code_rows_parsed) == (code_rows, 0, code_rows)
    assert code_rows > 0 and parents > 0
    assert (result.parents_checked, result.parents_summing) == (parents, parents)
    assert (result.units_printed, result.units_inferred, result.units_unknown) == (len(truth["tables"]), 0, 0)
    assert result.unknown_coded_tables == [] and not result.narrative_only
    assert (result.tables_confident, result.tables_uncertain, result.code_rows_uncertain) == (len(truth["tables"]), 0, 0)


def test_uncertain_readings_are_counted_with_their_reasons() -> None:
    from dataclasses import replace

    from app.export.survey import survey_report, totals
    from parsers.report import read_report

    report = read_report(GENERATED / "gen_final_ruled.pdf")
    doubted = replace(report.tables[1], reading="uncertain", reading_reasons=("2 of 9 parent rows are not the sum of their children",))
    result = survey_report(replace(report, tables=(report.tables[0], doubted, *report.tables[2:])), "r.pdf")
    coded = sum(1 for r in doubted.rows if r.code and re.fullmatch(r"[1-9]\d{2}(?:\d{2}){0,2}", r.code))
    assert (result.tables_uncertain, result.tables_confident, result.code_rows_uncertain) == (1, len(report.tables) - 1, coded)
    assert result.uncertain_tables == [{"page": doubted.provenance.page, "title": doubted.title, "reasons": list(doubted.reading_reasons)}]
    assert totals([result])["tables_uncertain"] == 1


def test_a_wrong_sum_is_one_parent_not_summing() -> None:
    clean = _surveyed(GENERATED / "gen_final_ruled.pdf")
    injected = survey_file(str(GENERATED / "injected" / "gen_final_ruled__wrong_sum.pdf"))
    assert injected.parents_checked == clean.parents_checked
    assert injected.parents_summing == clean.parents_summing - 1


def test_a_cell_printing_text_is_not_parsed() -> None:
    where = Provenance(page=1)

    def row(*raws: str) -> Row:
        cells = {f"c{i}": Cell(raw, _number(raw), where) for i, raw in enumerate(raws)}
        return Row("t#1/201", "201", "一般公共服务支出", cells, where)

    assert amounts_parsed(row("1,234.50", "-", "", "无"))
    assert not amounts_parsed(row("1,234.50", "优"))
    assert not amounts_parsed(row("12.3.4"))


@pytest.mark.parametrize(
    ("code", "name", "fused"),
    [
        (None, "2010101-行政运行", True),
        (None, "30101 基本工资", True),
        ("2010101", "行政运行", False),
        (None, "100万元以上", False),  # 100 is no 科目
        (None, "2026年部门预算", False),
        (None, "866,561.92 合计", False),
    ],
)
def test_a_code_left_in_the_name_is_counted(code: str | None, name: str, fused: bool) -> None:
    assert code_in_name(Row("t#1/x", code, name, {}, Provenance(page=1))) is fused


def _number(raw: str) -> Decimal | None:
    try:
        return Decimal(raw.replace(",", ""))
    except ArithmeticError:
        return None


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty (0 bytes)"),
        (b"<!DOCTYPE html><html><body>budget</body></html>", "an HTML page saved as .pdf, not a report"),
        ("会议通知\n请各单位于下周一参加培训。\n联系人：张三\n".encode(), "not a department budget or final-account report"),
    ],
)
def test_unreadable_files_are_rejected_with_the_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "file.pdf"
    path.write_bytes(content)
    result = survey_file(str(path))
    assert result.status == "rejected"
    assert result.reason.startswith(reason)
    assert "file.pdf" not in result.reason  # the file is its own field
    assert result.tables_identified == result.pages == 0


def test_a_report_without_tables_says_so(tmp_path: Path, capsys) -> None:
    path = tmp_path / "情况说明.txt"
    path.write_text(NARRATIVE, encoding="utf-8")
    result = survey_file(str(path))
    assert (result.status, result.narrative_only, result.reason) == ("accepted", True, NARRATIVE_ONLY)
    assert main(["extract", str(path), "--format", "text"]) == 0
    from app.text_views import NARRATIVE_ONLY_ZH  # the text view speaks one language: Chinese

    assert NARRATIVE_ONLY_ZH in capsys.readouterr().out


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(GENERATED / "gen_mixed_small.pdf", folder / "sub" / "mixed.pdf")
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "说明.txt").write_text(NARRATIVE, encoding="utf-8")
    (folder / "README.md").write_text("# what this folder holds\n", encoding="utf-8")
    (folder / "ORIGINS.tsv").write_text("file\torigin\n", encoding="utf-8")
    return folder


def test_a_folder_is_surveyed_file_by_file_without_its_readme(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    files, unusable = survey_files([folder])
    assert unusable == []
    assert sorted(Path(f).name for f in files) == ["empty.pdf", "mixed.pdf", "说明.txt"]
    results = {Path(r.file).name: r for r in survey(files, jobs=2)}
    assert {name: r.status for name, r in results.items()} == {"empty.pdf": "rejected", "mixed.pdf": "accepted", "说明.txt": "accepted"}
    assert results["mixed.pdf"].code_rows_identified == _truth_figures(_truth(GENERATED / "gen_mixed_small.pdf"))[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_unusable_paths_are_rejected_with_discoverys_reason_never_opened(tmp_path: Path, capsys) -> None:
    """A FIFO read as a file would be "empty" (or wait forever); a symlink loop is no missing file."""
    folder = tmp_path / "reports"
    folder.mkdir()
    os.mkfifo(folder / "pipe.pdf")
    (folder / "zero.pdf").symlink_to("/dev/zero")
    (folder / "loop1.pdf").symlink_to(folder / "loop2.pdf")
    (folder / "loop2.pdf").symlink_to(folder / "loop1.pdf")
    shutil.copy(GENERATED / "gen_mixed_small.pdf", folder / "mixed.pdf")
    assert main(["survey", str(folder), "--format", "json", "--jobs", "1"]) == 0
    reasons = {Path(f["file"]).name: f["reason"] for f in json.loads(capsys.readouterr().out)["files"]}
    assert reasons == {
        "loop1.pdf": "a symlink loop (the link leads back to itself)",
        "loop2.pdf": "a symlink loop (the link leads back to itself)",
        "mixed.pdf": None,
        "pipe.pdf": "not a regular file but a named pipe (FIFO); skipped",
        "zero.pdf": "not a regular file but a device; skipped",
    }


def test_json_is_versioned_and_carries_every_field(tmp_path: Path, capsys) -> None:
    folder = _folder(tmp_path)
    assert main(["survey", str(folder), "--format", "json", "--jobs", "2"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["survey_version"] == 1
    assert set(document) == {"survey_version", "extractor_version", "budget_seconds", "totals", "files"}
    assert [Path(f["file"]).name for f in document["files"]] == ["empty.pdf", "mixed.pdf", "说明.txt"]
    for entry in document["files"]:
        assert set(entry) == {f.name for f in fields(FileSurvey)}
    totals = document["totals"]
    assert (totals["files"], totals["accepted"], totals["rejected"], totals["narrative_only"]) == (3, 2, 1, 1)
    assert totals["code_rows_identified"] == document["files"][1]["code_rows_identified"] > 0
    assert totals["reasons"] == {"the file is empty (0 bytes)": 1}


def test_text_has_one_line_per_file_and_totals(tmp_path: Path, capsys) -> None:
    folder = _folder(tmp_path)
    assert main(["survey", str(folder), "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    per_file = [line for line in lines if str(folder) in line]
    assert len(per_file) == 3
    assert any("rejected" in line and "the file is empty (0 bytes)" in line for line in per_file)
    assert any(NARRATIVE_ONLY in line for line in per_file)
    assert "files 3: 2 accepted (1 narrative only), 1 rejected" in out


def test_bad_options_and_an_empty_folder_are_usage_errors(tmp_path: Path, capsys) -> None:
    assert main(["survey", str(tmp_path), "--jobs", "0"]) == 1
    assert "--jobs" in capsys.readouterr().err
    assert main(["survey", str(tmp_path)]) == 1
    assert "no report files found" in capsys.readouterr().err


def _hang(path, use_cache=False):
    if "hangs" in str(path):
        time.sleep(600)
    return _real_load_report(path, use_cache=use_cache)


_real_load_report = survey_module.load_report


def test_a_file_over_the_budget_does_not_stall_the_others(tmp_path: Path, monkeypatch) -> None:
    """The workers are forked after the patch, so the hang happens inside a worker, as a real one would."""
    hangs = tmp_path / "hangs.txt"
    fine = tmp_path / "fine.txt"
    for path in (hangs, fine):
        path.write_text(NARRATIVE, encoding="utf-8")
    monkeypatch.setattr(survey_module, "load_report", _hang)
    files = [str(hangs), str(fine), str(tmp_path / "missing.pdf")]
    results = {Path(r.file).name: r for r in survey(files, jobs=2, budget=3)}
    assert results["hangs.txt"].status == "timeout"
    assert results["hangs.txt"].reason == "took longer than 3 s"
    assert results["fine.txt"].status == "accepted"
    assert results["missing.pdf"].status == "rejected"


def _crash(path, use_cache=False):
    if "crashes" in str(path):
        os._exit(1)  # as a segfault in native code would end the worker
    return _real_load_report(path, use_cache=use_cache)


def test_a_file_that_kills_its_worker_is_an_error_and_the_others_go_on(tmp_path: Path, monkeypatch) -> None:
    files = []
    for name in ("a.txt", "crashes.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(NARRATIVE, encoding="utf-8")
        files.append(str(tmp_path / name))
    monkeypatch.setattr(survey_module, "load_report", _crash)
    results = {Path(r.file).name: r for r in survey(files, jobs=2)}
    assert {name: r.status for name, r in results.items()} == {"a.txt": "accepted", "crashes.txt": "error", "b.txt": "accepted", "c.txt": "accepted"}
    assert results["crashes.txt"].reason == "the worker process died reading this file"


def test_the_corpus_benchmark_compares_two_runs_file_by_file() -> None:
    from benchmarks.corpus import compare, dump, health, markdown

    def run(*results: FileSurvey) -> dict:
        return survey_json(list(results))

    read = FileSurvey("corpus/a.pdf", "accepted", pages=4, tables_identified=2, code_rows_identified=30, parents_checked=5, parents_summing=5)
    damaged = FileSurvey("corpus/b.pdf", "rejected", "the PDF is damaged (ValueError: Bounding box (1, 2) is not fully within parent page)")
    same = FileSurvey("corpus/c.pdf", "rejected", "an HTML page saved as .pdf, not a report")
    recovered = FileSurvey("corpus/b.pdf", "accepted", pages=9, tables_identified=6, tables_unknown=1, code_rows_identified=80, code_rows_unknown=7)
    before, after = run(read, damaged, same), run(read, recovered, same)
    text = compare(before, after, top=5)
    rows = {line[:38].strip(): line[38:].split() for line in text.splitlines()[1:] if line[:38].strip()}
    assert rows["files accepted"] == ["1", "2", "+1"]
    assert rows["code rows in identified tables"] == ["30", "110", "+80"]
    changed = text.split("changed most")[1].splitlines()
    assert "1 changed" in changed[0]
    assert changed[2].split()[:2] == ["corpus/b.pdf", "rejected→accepted"]
    assert not any("corpus/a.pdf" in line or "corpus/c.pdf" in line for line in changed)
    assert "| files accepted | 1 | 2 | +1 |" in markdown(before, after).splitlines()
    saved = dump(before)
    assert json.loads(saved) == before and len(saved.splitlines()) > len(before["files"])
    report = health(before)
    assert "corpus/b.pdf" in report and "the PDF is damaged" in report


@pytest.mark.slow
@pytest.mark.skipif(not REAL_REPORTS.is_dir(), reason="../shared/real_reports is absent")
def test_real_reports_are_read_or_rejected_as_not_reports() -> None:
    """Two files there are a notice and an inspection list saved under budget names: they must
    be rejected as not a report; every other file is read, with code rows in identified tables."""
    files, unusable = survey_files([REAL_REPORTS])
    assert unusable == []
    results = {Path(r.file).name: r for r in survey(files, budget=600)}
    assert results.pop("empty_file.pdf").reason == "the file is empty (0 bytes)"
    rejected = {name: r.reason for name, r in results.items() if r.status != "accepted"}
    assert all(reason.startswith("not a department budget or final-account report") for reason in rejected.values()), rejected
    assert len(rejected) <= 2
    assert [name for name, r in results.items() if r.status == "accepted" and r.code_rows_identified == 0] == []


def _wrapped_alarm(path, use_cache=False):
    """A reader library that turns the alarm into its own error, and kemu calling that damage."""
    try:
        try:
            raise TookTooLong(f"{Path(path).name}: took longer than 5 s (the file may be damaged); skipped")
        except TookTooLong as alarm:
            raise ValueError("page tree") from alarm
    except ValueError as exc:
        raise UnreadableReport(f"{Path(path).name}: the PDF is damaged (ValueError: {exc})") from exc


def test_the_time_budget_is_a_timeout_even_when_a_library_wraps_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(survey_module, "load_report", _wrapped_alarm)
    monkeypatch.setenv("KEMU_TIME_BUDGET", "5")
    result = survey_file(str(tmp_path / "slow.pdf"))
    assert (result.status, result.reason) == ("timeout", "took longer than 5 s")
