"""Checks an auditor can trust (issue 22): every error a printed fault, one finding per fault.

Each case is a small generated report of the shape that gave false errors on real reports —
dual economic classifications, a continuation read as a table of its own, name-matched 类
lines, shares of rounded items, 其中 sub-lines, one wrong cell seen many times, a fault under
a header kemu doubts — with the clean twin silent and a real slip still an error.
"""

from __future__ import annotations

from dataclasses import replace

from app.checks import check_report, run_checks
from parsers.report import read_report

DUAL = """某县卫生健康局2024年度部门预算
一般公共预算基本支出表
部门：某县卫生健康局\t\t2024年度\t\t金额单位：万元
部门预算支出经济分类科目\t\t政府预算支出经济分类科目\t\t本年一般公共预算基本支出
科目编码\t科目名称\t科目编码\t科目名称\t合计\t人员经费\t公用经费
合计\t\t\t\t300.00\t250.00\t50.00
301\t工资福利支出\t501\t机关工资福利支出\t200.00\t200.00\t0.00
30101\t基本工资\t50101\t工资奖金津补贴\t120.00\t120.00\t0.00
30102\t津贴补贴\t50101\t工资奖金津补贴\t80.00\t80.00\t0.00
301\t工资福利支出\t505\t对事业单位经常性补助\t50.00\t50.00\t0.00
30101\t基本工资\t50501\t工资福利支出\t50.00\t50.00\t0.00
302\t商品和服务支出\t502\t机关商品和服务支出\t50.00\t0.00\t50.00
30201\t办公费\t50201\t办公经费\t50.00\t0.00\t50.00
"""


def _read(tmp_path, text: str):
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return read_report(path)


def _errors(findings, rule: str | None = None) -> list:
    return [f for f in findings if f.severity == "error" and (rule is None or f.rule == rule)]


def test_each_economic_block_is_summed_on_its_own(tmp_path):
    """Cause 1: 301 printed under 501 and again under 505, each with its children."""
    report = _read(tmp_path, DUAL)
    assert [r.extra_codes for r in report.tables[0].rows if r.code == "301"] == [("501",), ("505",)]
    assert _errors(run_checks(report)) == []
    slip = DUAL.replace("30101\t基本工资\t50501\t工资福利支出\t50.00", "30101\t基本工资\t50501\t工资福利支出\t60.00")
    [fault] = _errors(run_checks(_read(tmp_path, slip)))  # the row's identity, and the sum of its block as its echo
    sums = [f for f in (fault, *fault.echoes) if f.rule == "hierarchy.sum"]
    assert [f.locations[0].row for f in sums] == ["budget_gp_basic#1/301#2"]  # the second block's 301, not the first
