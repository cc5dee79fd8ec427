"""Checks across reports on generated chains: one department's budgets for three years and a final account.

Each injected mismatch (a narrative change, a 上年预算数 column, a 决算's 年初预算数, a reviewer's
correction in one year) is found across the reports, and nothing else is.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from app.checks.across import check_across
from app.checks.identity import Identity, identity, link, regions_agree
from app.review.session import ReviewSession
from parsers.model import Report as ModelReport
from sample_reports.generate import Narrative, Report, Table, hdr, write
from tests.conftest import REAL_REPORTS, ROOT

DEPT = "江南省临川市审计局"
ROWS = (("201", "一般公共服务支出"), ("20108", "审计事务"), ("2010801", "行政运行"), ("2010804", "审计业务"))
BUDGET = {2023: (300, 100), 2024: (320, 130), 2025: (350, 150)}  # 2010801, 2010804 in 万元
FINAL_2024 = (318, 126)


def _amounts(pair: tuple[int, int]) -> list[Decimal]:
    a, b = (Decimal(x) for x in pair)
    return [a + b, a + b, a, b]  # 201, 20108, 2010801, 2010804


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _budget(year: int, prior_shift: Decimal = Decimal(0), change: Decimal | None = None) -> Report:
    now = _amounts(BUDGET[year])
    before = _amounts(BUDGET.get(year - 1, (0, 0)))
    before[-1] += prior_shift
    meta = (f"部门：{DEPT}", "单位：万元")
    table = Table(f"{DEPT}{year}年部门支出预算表", [70, 190, 100, 100], "llrr", hdr("科目编码 科目名称 上年预算数 本年预算数"), meta)
    for (code, name), b, n in zip(ROWS, before, now):
        table.add(code, name, [_money(b), _money(n)])
    delta = now[0] - _amounts(BUDGET.get(year - 1, BUDGET[year]))[0] if change is None else change
    text = Narrative(f"{DEPT}{year}年部门预算情况说明", [
        [f"{year}年，{DEPT}收入预算{_money(now[0])}万元，其中：财政拨款收入{_money(now[0])}万元，比{year - 1}年预算增加{_money(delta)}万元。"],
    ])
    return Report(f"budget_{year}", "预算", year, DEPT, [text, table])


def _final(initial_shift: Decimal = Decimal(0)) -> Report:
    initial = _amounts(BUDGET[2024])
    initial[2] += initial_shift
    final = _amounts(FINAL_2024)
    meta = (f"部门：{DEPT}", "单位：万元")
    table = Table("2024年度支出决算表", [70, 190, 100, 100], "llrr", hdr("科目编码 科目名称 年初预算数 决算数"), meta)
    for (code, name), b, f in zip(ROWS, initial, final):
        table.add(code, name, [_money(b), _money(f)])
    text = Narrative(f"{DEPT}2024年度部门决算", [[f"2024年度本年支出合计{_money(final[0])}万元。"]])
    return Report("final_2024", "决算", 2024, DEPT, [text, table])


def _chain(out: Path, **inject) -> list[Path]:
    reports = [
        _budget(2023), _budget(2024),
        _budget(2025, prior_shift=inject.get("prior_shift", Decimal(0)), change=inject.get("change")),
        _final(inject.get("initial_shift", Decimal(0))),
    ]
    for report in reports:
        write(report, out)
    return [out / f"{r.name}.pdf" for r in reports]


def _across(files: list[Path]):
    return check_across([ReviewSession(f).reviewed for f in files])


def _found(result) -> set[tuple[str, str, str]]:
    return {(f.rule, f.severity, Path(f.locations[0].source).stem) for f in result.findings}


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> list[Path]:
    return _chain(tmp_path_factory.mktemp("clean"))


def test_a_clean_chain_is_one_department_compared_everywhere_without_a_finding(clean):
    result = _across(clean)
    assert [len(g) for g in result.linking.groups] == [4]
    assert not result.findings
    # 2024 and 2025 narratives (2); 上年预算数 of 2024 and 2025 (4 rows each); 年初预算数 of the 决算 (4 rows)
    assert result.compared == result.agreed == 2 + 8 + 4


@pytest.mark.parametrize(("inject", "expected"), [
    ({"change": Decimal("60.00")}, {("across.narrative_change", "error", "budget_2025")}),
    ({"prior_shift": Decimal("5.00")}, {("across.repeated_column", "error", "budget_2025")}),
    ({"initial_shift": Decimal("1.00")}, {("across.repeated_column", "error", "final_2024")}),
], ids=["narrative", "prior_budget_column", "initial_budget_column"])
def test_each_injected_mismatch_is_found_and_nothing_else(tmp_path, inject, expected):
    result = _across(_chain(tmp_path, **inject))
    assert _found(result) == expected
    finding = result.findings[0]
    assert {Path(l.source).stem for l in finding.locations} >= {expected.pop()[2]}
    assert len({l.source for l in finding.locations}) == 2  # both files named


def test_a_reviewers_correction_in_one_year_is_checked_against_its_neighbours(tmp_path, clean):
    files = [shutil.copy(f, tmp_path / f.name) for f in clean]
    session = ReviewSession(Path(files[1]))
    row = next(r for t in session.reviewed.tables for r in t.rows if r.code == "2010801")
    table = next(t for t in session.reviewed.tables if row in t.rows)
    column = next(c.key for c in table.columns if c.label == "本年预算数")
    session.edit(table.id, row.id, column, "325.00")
    found = _found(_across([Path(f) for f in files]))
    assert ("across.repeated_column", "error", "budget_2025") in found  # 2025's 上年预算数 still prints 320.00
    assert ("across.repeated_column", "error", "final_2024") in found  # the 决算's 年初预算数 too


def test_kemu_check_on_a_folder_lists_the_department_and_its_comparisons(tmp_path, clean):
    for f in clean:
        shutil.copy(f, tmp_path / f.name)
    done = subprocess.run([sys.executable, "-m", "app.cli", "check", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["schema"] == "kemu.check_collection"
    assert len(out["reports"]) == 4 and out["comparisons"] == {"made": 14, "agreed": 14}
    assert [len(d["reports"]) for d in out["departments"]] == [4]


def _identity(department: str, year: int = 2024, scope_text: str = "部门预算") -> Identity:
    from parsers.model import Line, Page

    page = Page(1, (Line(1, f"{year}年{scope_text}"),))
    return identity(ModelReport("x.pdf", "0", 0, "pdf", "预算", department, year, (page,), (), "0"))


def test_who_is_who():
    assert _identity("江苏省人民检察院").same_department(_identity("省人民检察院"))
    assert not _identity("江苏省人民检察院").same_department(_identity("浙江省人民检察院"))
    assert not _identity("上海市普陀区人民政府办公室").same_department(_identity("上海市普陀区人民政府办公室", scope_text="单位预算"))
    assert not _identity("无锡市住房和城乡建设局（本级）").same_department(_identity("无锡市住房和城乡建设局"))
    assert regions_agree(("上海市", "普陀区"), ("普陀区",)) and not regions_agree(("杭州市",), ("上海市",))
    ambiguous = link([_identity("杭州市财政局"), _identity("上海市财政局"), _identity("财政局")])
    assert len(ambiguous.groups) == 2 and ambiguous.ambiguous[0][0] == 2


@pytest.mark.skipif(not (REAL_REPORTS / "shpt_wanli_2025_budget.pdf").exists(), reason="../shared/real_reports is absent")
def test_the_real_wanli_pair_is_linked_and_its_narrative_agrees():
    files = [REAL_REPORTS / f"shpt_wanli_{year}_budget.pdf" for year in (2024, 2025)]
    result = _across(files)
    assert result.linking.groups == ((0, 1),)
    assert result.compared >= 1 and result.compared == result.agreed and not result.findings


def test_a_mismatch_on_a_reading_kemu_doubts_is_a_review_item_not_an_error(tmp_path):
    files = _chain(tmp_path, prior_shift=Decimal("5.00"))
    reports = [ReviewSession(f).reviewed for f in files]
    doubted = [replace(t, reading="uncertain", reading_reasons=("2 header lines read as rows",)) for t in reports[1].tables]
    reports[1] = replace(reports[1], tables=tuple(doubted))  # the 2024 budget, which 2025's 上年预算数 repeats
    (finding,) = check_across(reports).findings
    assert finding.severity == "warning" and finding.message.startswith("kemu 可能误读了")
