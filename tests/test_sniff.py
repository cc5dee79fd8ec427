"""Whether a document is a 部门预算/决算 report, by what it says (parsers/identify/sniff.py).

The texts are built from the sentence and table patterns such documents print — a fund
notice's 文号 and 附件 list, an evaluation's chapters, a report's cover and 科目 rows — not
copied from any one file.
"""

from __future__ import annotations

import pytest

from parsers.errors import UnreadableReport
from parsers.identify.kinds import all_table_kinds
from parsers.report import read_report
from parsers.identify.sniff import is_report_table, is_report_text

FUND_NOTICE = """市财政局
市财金指〔2025〕2号
市财政局关于下达2025年专项资金预算的通知
根据省财政厅有关通知，现下达你单位2025年专项资金预算，此款项列2025年政府收支分类
支出功能科目“2130804创业担保贷款贴息及奖补”，政府预算支出经济科目“50702利息补贴”，部门预算
支出经济科目“31205利息补贴”。具体项目明细见附件。
附件：1.2025年度专项资金下达情况表
2.中央对地方专项转移支付区域绩效目标表
附件2
中央对地方专项转移支付区域绩效目标表
绩效指标 一级指标 二级指标 三级指标 指标值
产出指标 数量指标 本年度贷款发放额 40亿元"""

ALLOCATION_TABLE = """关于下达2025年项目资金的通知
附件：2025年项目资金安排表
金额单位：万元
项目单位 项目内容 支出功能科目 政府预算经济科目 部门预算支出经济科目 金额
文化中心 设备更新项目 2070105文化展示及纪念机构 50601资本性支出 31003专用设备购置 178.81
文化中心 专家论证费 2070105文化展示及纪念机构 50502商品和服务支出 30226劳务费 0.36
市文旅局 讲解员大赛 2070199其他文化和旅游支出 50205委托业务费 30227委托业务费 258.79"""

EVALUATION = """2024年度部门整体支出绩效评价报告
一、部门基本情况
（一）部门职能
（二）部门预算收支情况
2024年部门预算收入1,234.56万元，支出1,200.00万元，严格执行部门预算
二、绩效评价工作开展情况
三、综合评价结论
部门整体支出绩效自评表
一级指标 二级指标 三级指标 分值 得分
产出 数量 完成率 20 19"""

WORK_SUMMARY = """2024年工作总结和2025年工作计划
今年以来，我局在市委市政府的坚强领导下，统筹推进各项工作
严格执行部门预算
全年部门预算支出2,345.67万元，其中基本支出1,100.00万元，项目支出1,245.67万元。
一、主要工作完成情况
二、存在的问题
三、2025年工作计划"""

UNTITLED_BUDGET_TABLE = """2025年预算支出明细
单位：万元
功能科目 经济科目 合计 基本支出 项目支出
2010101 行政运行 30101 基本工资 120.50 120.50
2010101 行政运行 30102 津贴补贴 80.20 80.20
2010102 一般行政管理事务 30201 办公费 15.00 15.00
2080505 机关事业单位基本养老保险缴费支出 30108 机关事业单位基本养老保险缴费 30.12 30.12"""

NUMBERED_LIST = """最高付费标准目录
序号 名称 规格 代码 单价
100 红景天 饮片 T00170035 10.56
101 砂仁 饮片 T00050067 20.56
102 三七 饮片 T11110208 20.56
207 文化 饮片 T11110209 20.56"""


@pytest.mark.parametrize(
    "text",
    [FUND_NOTICE, ALLOCATION_TABLE, EVALUATION, WORK_SUMMARY, NUMBERED_LIST],
    ids=["fund notice with a performance-target table", "fund allocation table with codes", "performance evaluation", "work summary", "numbered list"],
)
def test_documents_that_only_mention_budgets_are_not_reports(text):
    assert not is_report_text(text)


def test_a_table_led_by_coded_subjects_is_a_report_without_a_cover():
    assert is_report_text(UNTITLED_BUDGET_TABLE)


def test_a_cover_names_the_report_on_its_first_lines():
    assert is_report_text("2026年度\n市交通运输局（本级）\n单位预算公开\n目录")
    assert not is_report_text("预算支出经济科目50799其他对企业补助,部门预算")  # a wrapped sentence
    assert not is_report_text("\n".join(["一、主要工作"] + ["全面推进各项工作"] * 20 + ["严格执行部门预算"]))


def test_standard_explanation_headings_are_a_report():
    assert is_report_text("一、收入支出决算总体情况说明\n二、收入决算情况说明\n三、支出决算情况说明")


def test_performance_tables_do_not_make_a_report_and_money_tables_do():
    performance = {kind.id for kind in all_table_kinds() if not is_report_table(kind)}
    assert performance == {"final_dept_performance_eval", "final_project_performance_eval", "budget_dept_performance", "budget_project_performance"}
    assert not is_report_text("项目支出绩效目标表\n部门整体绩效目标表\n项目支出绩效自评表")
    assert is_report_text("收支总表\n收入总表\n支出总表")


def test_a_document_whose_only_table_is_a_performance_table_is_rejected(tmp_path):
    source = tmp_path / "targets.txt"
    source.write_text("2026年部门整体预算绩效目标申报表\n部门名称\t某局\n项目支出绩效目标表\n一级指标\t二级指标\t指标值\n产出指标\t数量指标\t100\n", encoding="utf-8")
    with pytest.raises(UnreadableReport, match="not a department budget or final-account report"):
        read_report(source)


def test_a_report_whose_first_pages_are_narrative_is_a_report(tmp_path):
    """Pages of 情况说明 first, then tables whose titles name no known kind: the 科目 code rows
    printed further on make it a report (issue 21: decided by the whole document)."""
    from parsers.report import read_report
    from sample_reports.generate_layouts import Layout, render

    prose = tuple(f"第{n}段，本单位认真贯彻落实各项决策部署，围绕中心工作，统筹安排各项资金，保障重点工作顺利开展。" for n in range(30))
    body = [
        ["2010101", "行政运行", "120.00"], ["2010102", "一般行政管理事务", "30.00"],
        ["2080505", "机关事业单位基本养老保险缴费支出", "14.00"], ["2101101", "行政单位医疗", "6.00"],
    ]
    layout = Layout("附件一资金安排明细", [["科目编码", "科目名称", "金额"]], [80, 240, 90], body, [], preface=(prose,) * 4)
    render(layout, tmp_path / "r.pdf")
    report = read_report(tmp_path / "r.pdf")
    assert [r.code for t in report.tables for r in t.rows] == ["2010101", "2010102", "2080505", "2101101"]
