"""The label a column shows is what the page prints: two columns never show the same label when
the page tells them apart, and their keys (a contract) stay as they were (issue 24, point 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.tables.columns import distinct_labels
from parsers.report import read_report
from sample_reports.generate import Narrative, Report, Table, hdr, write
from tests.conftest import ROOT

CORPUS = ROOT.parent / "shared" / "corpus"


def test_labels_two_columns_share_take_back_the_printed_labels_that_tell_them_apart():
    keyed = [["支出", "基本支出"], ["支出", "项目支出"], ["支出", "基本支出"], ["支出", "项目支出"], ["收入", "预算数"]]
    printed = [
        ["某某局", "财政拨款", "基本支出"], ["某某局", "财政拨款", "项目支出"],
        ["某某局", "其他资金", "基本支出"], ["某某局", "其他资金", "项目支出"], ["收入", "预算数"],
    ]
    assert distinct_labels(keyed, printed) == [
        "支出/财政拨款/基本支出", "支出/财政拨款/项目支出", "支出/其他资金/基本支出", "支出/其他资金/项目支出", "收入/预算数",
    ]
    # the same header read twice prints nothing that tells the columns apart: the label stays
    assert distinct_labels([["支出", "合计"]] * 2, [["支出", "合计"]] * 2) == ["支出/合计", "支出/合计"]


def _two_sided_report() -> Report:
    """A 收入 | 支出 table whose 支出 side prints 基本支出/项目支出 under 财政拨款 and again under 其他资金."""
    table = Table(
        "财政拨款收支总表", [120, 60, 120, 60, 60, 60, 60], "lrlrrrr",
        hdr("收入:2 支出:5", "项目^2 预算数^2 项目^2 财政拨款:2 其他资金:2", "基本支出 项目支出 基本支出 项目支出"),
        ("部门：江南省临川市审计局", "单位：万元"),
    )
    table.body = [
        ["一、一般公共预算拨款收入", "150.00", "一、一般公共服务支出", "100.00", "30.00", "15.00", "5.00"],
        ["二、政府性基金预算拨款收入", "0.00", "二、公共安全支出", "0.00", "0.00", "0.00", "0.00"],
        ["本年收入合计", "150.00", "本年支出合计", "100.00", "30.00", "15.00", "5.00"],
    ]
    text = Narrative("江南省临川市审计局2026年部门预算", [["#一、部门职责"], ["负责全市审计工作。"]])
    return Report("two_sided", "预算", 2026, "江南省临川市审计局", [text, table], {})


def test_a_generated_two_sided_table_shows_each_column_as_printed(tmp_path: Path):
    write(_two_sided_report(), tmp_path)
    table = next(t for t in read_report(tmp_path / "two_sided.pdf").tables if t.kind == "budget_fiscal_summary")
    expense = [(c.key, c.label) for c in table.columns if c.group == "支出"]
    assert expense == [
        ("expense.basic", "支出/财政拨款/基本支出"), ("expense.project", "支出/财政拨款/项目支出"),
        ("expense.basic_2", "支出/其他资金/基本支出"), ("expense.project_2", "支出/其他资金/项目支出"),
    ]


def test_beijing_performance_table_labels(tmp_path: Path):
    """北京 部门整体支出绩效目标表: 合计/基本支出/项目支出 under 财政拨款 and under 其他资金."""
    path = CORPUS / "c036.pdf"
    if not path.exists():
        pytest.skip("../shared/corpus is not available")
    table = next(t for t in read_report(path).tables if t.kind == "budget_dept_performance")
    labels = [c.label for c in table.columns]
    assert len(labels) == len(set(labels)), labels
    assert "支出/其他资金/基本支出" in labels
