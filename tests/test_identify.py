"""Table-kind identification and report facts, on real titles and real report text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from parsers.amounts import detect_unit
from parsers.identify.kinds import (
    TableKind,
    all_table_kinds,
    detect_department,
    detect_report_kind,
    detect_year,
    identify_table,
    table_kind,
)
from parsers.identify.sniff import is_report_text

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "sample_reports" / "seeds"
REAL_REPORTS = ROOT.parent / "shared" / "real_reports"


def seed_text(number: str) -> str:
    return next(SEEDS.glob(f"{number}_*.txt")).read_text(encoding="utf-8")


def identified_lines(text: str, report_kind: str | None) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        kind = identify_table(line, report_kind)
        if kind:
            found[line.strip()] = kind.id
    return found


# ------------------------------------------------------------------ catalog


def test_catalog_ids_are_unique_snake_case_and_kinds_valid():
    kinds = all_table_kinds()
    assert len({k.id for k in kinds}) == len(kinds)
    for kind in kinds:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", kind.id)
        assert kind.report_kind in ("预算", "决算")
        assert kind.id.startswith("final_" if kind.report_kind == "决算" else "budget_")
        assert table_kind(kind.id) == kind


def test_standard_final_numbers_follow_the_current_template():
    numbers = {k.number: k.id for k in all_table_kinds() if k.report_kind == "决算" and k.number}
    assert numbers == {
        1: "final_income_expense_summary",
        2: "final_income",
        3: "final_expense",
        4: "final_fiscal_summary",
        5: "final_non_fiscal_summary",
        6: "final_gp_expense",
        7: "final_gp_basic",
        8: "final_gov_fund",
        9: "final_soe_capital",
        10: "final_three_public",
    }
    budget_numbers = {k.number: k.id for k in all_table_kinds() if k.report_kind == "预算" and k.number}
    assert budget_numbers == {1: "budget_summary", 2: "budget_income", 3: "budget_expense", 4: "budget_fiscal_summary"}


def test_table_kind_unknown_id_raises():
    with pytest.raises(KeyError):
        table_kind("no_such_kind")


def test_every_kind_name_identifies_to_itself():
    for kind in all_table_kinds():
        assert identify_table(kind.name, kind.report_kind) == kind, kind.name


def test_table_kind_is_frozen():
    kind = table_kind("final_expense")
    with pytest.raises(AttributeError):
        kind.id = "x"  # type: ignore[misc]
    assert kind == TableKind("final_expense", "支出决算表", "决算", 3)


# ------------------------------------------------------------------ seed titles (every identified line)

SEED_002 = {
    # 目录 (附件 list)
    "- 一、部门收支总体情况表": "budget_summary",
    "- 二、部门收入总体情况表": "budget_income",
    "- 三、部门支出总体情况表": "budget_expense",
    "- 四、财政拨款收支总体情况表": "budget_fiscal_summary",
    "- 五、一般公共预算支出情况表": "budget_gp_expense",
    "- 六、一般公共预算基本支出表（按经济分类）": "budget_gp_basic",
    "- 七、支出经济分类汇总表": "budget_economic_summary",
    "- 八、一般公共预算“三公”经费支出情况表": "budget_three_public",
    "- 九、政府性基金预算支出情况表": "budget_gov_fund",
    "- 十、项目支出表": "budget_project_expense",
    "- 十一、部门整体绩效目标表": "budget_dept_performance",
    "- 十二、部门预算项目绩效目标汇总表": "budget_project_performance",
    # printed table titles
    "2024 年部门收支总体情况表": "budget_summary",
    "2024年部门收入总体情况表": "budget_income",
    "2024年部门支出总体情况表": "budget_expense",
    "2024年财政拨款收支总体情况表": "budget_fiscal_summary",
    "2024年一般公共预算支出情况表": "budget_gp_expense",
    "2024 年一般公共预算基本支出表": "budget_gp_basic",
    "2024年支出经济分类汇总表": "budget_economic_summary",
    "2024年一般公共预算“三公”经费支出情况表": "budget_three_public",
    "2024 年政府性基金预算支出情况表": "budget_gov_fund",
    "2024年项目支出表": "budget_project_expense",
    "部门（单位）整体绩效目标表": "budget_dept_performance",
    "2024 年部门预算项目绩效目标汇总表": "budget_project_performance",
}

SEED_003 = {
    # section headings printed right above each table ("一、收入支出决算总表")
    "一、收入支出决算总表": "final_income_expense_summary",
    "二、收入决算表": "final_income",
    "三、支出决算表": "final_expense",
    "四、财政拨款收入支出决算总表": "final_fiscal_summary",
    "五、一般公共预算财政拨款支出决算表（一）": "final_gp_expense",
    "六、一般公共预算财政拨款支出决算表（二）": "final_gp_basic",
    "七、一般公共预算财政拨款“三公”经费支出决算表": "final_three_public",
    "八、政府性基金预算财政拨款收入支出决算表": "final_gov_fund",
    "九、国有资本经营预算财政拨款支出决算表": "final_soe_capital",
    "十、部门决算公开相关信息统计表": "final_info_stats",
    # printed table titles, some sharing the line with their 公开NN表 mark
    "收入支出决算总表\t\t\t\t\t\t\t公开01表": "final_income_expense_summary",
    "财政拨款收入支出决算总表": "final_fiscal_summary",
    "一般公共预算财政拨款支出决算表": "final_gp_expense",
    "一般公共预算财政拨款基本支出决算表": "final_gp_basic",
    "一般公共预算财政拨款“三公”经费支出决算表": "final_three_public",
    "政府性基金预算财政拨款收入支出决算表\t\t\t\t\t\t\t公开08表": "final_gov_fund",
    "国有资本经营预算财政拨款支出决算表\t\t\t\t\t公开09表": "final_soe_capital",
    "部门决算公开相关信息统计表": "final_info_stats",
    # 附件: performance self-evaluations
    "附件：1. 临汾市医疗保障局整体支出绩效自评表": "final_dept_performance_eval",
    "2. 城乡医疗救助项目绩效自评表": "final_project_performance_eval",
    "3. 新冠病毒疫苗及接种费用财政补助资金项目绩效自评表": "final_project_performance_eval",
    "临汾市医疗保障局部门整体支出绩效自评表": "final_dept_performance_eval",
    "城乡医疗救助配套资金项目绩效自评表": "final_project_performance_eval",
    "新冠病毒疫苗及接种费用财政补助资金项目绩效自评表": "final_project_performance_eval",
    "城乡居民医疗保险市级配套资金项目绩效自评表": "final_project_performance_eval",
}

SEED_004 = {
    "- 一、收入支出决算总表": "final_income_expense_summary",
    "- 二、收入决算表": "final_income",
    "- 三、支出决算表": "final_expense",
    "- 四、财政拨款收入支出决算总表": "final_fiscal_summary",
    "- 五、非财政拨款收入支出决算总表": "final_non_fiscal_summary",
    "- 六、一般公共预算财政拨款支出决算表": "final_gp_expense",
    "- 七、一般公共预算财政拨款基本支出决算明细表": "final_gp_basic",
    "- 八、政府性基金预算财政拨款收入支出决算表": "final_gov_fund",
    "- 九、国有资本经营预算财政拨款支出决算表": "final_soe_capital",
    '- 十、财政拨款"三公"经费支出决算表': "final_three_public",
    "## 收入支出决算总表": "final_income_expense_summary",
    "### 收入决算表": "final_income",
    "### 支出决算表": "final_expense",
    "## 财政拨款收入支出决算总表": "final_fiscal_summary",
    "## 非财政拨款收入支出决算总表": "final_non_fiscal_summary",
    "## 一般公共预算财政拨款支出决算表": "final_gp_expense",
    "## 一般公共预算财政拨款基本支出决算明细表": "final_gp_basic",
    "## 政府性基金预算财政拨款收入支出决算表": "final_gov_fund",
    "## 国有资本经营预算财政拨款支出决算表": "final_soe_capital",
    '## 财政拨款"三公"经费支出决算表': "final_three_public",
    "# 项目支出绩效目标自评表 (2,024年度)": "final_project_performance_eval",
}


@pytest.mark.parametrize(
    ("seed", "report_kind", "expected"),
    [("002", "预算", SEED_002), ("003", "决算", SEED_003), ("004", "决算", SEED_004)],
)
@pytest.mark.parametrize("pass_kind", [True, False])
def test_every_seed_title_identifies_and_nothing_else_does(seed, report_kind, expected, pass_kind):
    found = identified_lines(seed_text(seed), report_kind if pass_kind else None)
    assert found == expected


def test_seed_000_sichuan_final_tables_have_their_own_kinds():
    found = identified_lines(seed_text("000"), "决算")
    assert found["- 五、财政拨款支出决算明细表"] == "final_fiscal_expense_detail"
    assert found["- 七、一般公共预算财政拨款支出决算明细表"] == "final_gp_expense_detail"
    assert found["- 八、一般公共预算财政拨款基本支出决算表"] == "final_gp_basic"
    assert found["- 九、一般公共预算财政拨款项目支出决算表"] == "final_gp_project"
    assert found["- 十一、国有资本经营预算财政拨款收入支出决算表"] == "final_soe_capital_income_expense"
    assert found["- 十二、国有资本经营预算财政拨款支出决算表"] == "final_soe_capital"
    assert found["附表：部门预算项目支出绩效自评表（2024年度）"] == "final_project_performance_eval"
    # the 目录 with page numbers ("一、收入支出决算总表\t30", "六、….....\t30") names nothing
    assert not any(line.endswith("30") for line in found)
    assert len(found) == 15  # 13 附表 entries + the repeated 绩效自评表 titles (2 distinct lines)


def test_seed_001_docx_titles():
    found = identified_lines(seed_text("001"), "决算")
    assert found == {
        "项目绩效目标完成情况表": "final_project_performance_eval",
        "2019年广汉市医疗保障局部门整体支出绩效评价表": "final_dept_performance_eval",
        "2019年离休、二等乙级伤残军人医疗费、建国老干部门诊补助项目支出绩效评价表": "final_project_performance_eval",
        "医疗服务与保障能力提升项目支出绩效评价表": "final_project_performance_eval",
        "六、一般公共预算财政拨款支出决算表": "final_gp_expense",
    }


# ------------------------------------------------------------------ real PDF titles (seen in ../shared/real_reports)

REAL_PDF_TITLES = [
    # 杭州 部门预算（汇总）: "表N：2026年市级部门…"
    ("表1：2026年市级部门收支预算总表", "budget_summary"),
    ("表2：2026年市级部门收入预算总表", "budget_income"),
    ("表3：2026年市级部门支出预算总表", "budget_expense"),
    ("表4：2026年市级部门财政拨款收支预算总表", "budget_fiscal_summary"),
    ("表5：2026年市级部门一般公共预算支出预算表", "budget_gp_expense"),
    ("表6：2026年市级部门一般公共预算基本支出预算表", "budget_gp_basic"),
    ("表7：2026年市级部门一般公共预算“三公”经费预算表", "budget_three_public"),
    ("表8：2026年市级部门政府性基金预算支出预算表", "budget_gov_fund"),
    ("表9：2026年市级部门国有资本经营预算支出预算表", "budget_soe_capital"),
    ("表10：2026年市级部门项目支出预算表", "budget_project_expense"),
    ("表11：2026年市级部门项目支出绩效表", "budget_project_performance"),
    ("表7.2026年市级部门一般公共预算“三公”经费预算表", "budget_three_public"),
    # 无锡 单位预算公开: bare titles under a "公开NN表" line
    ("收支总表", "budget_summary"),
    ("收入总表", "budget_income"),
    ("支出总表", "budget_expense"),
    ("财政拨款收支总表", "budget_fiscal_summary"),
    ("财政拨款支出表（功能科目）", "budget_fiscal_expense"),
    ("财政拨款基本支出表（经济科目）", "budget_fiscal_basic"),
    ("一般公共预算支出表", "budget_gp_expense"),
    ("一般公共预算基本支出表", "budget_gp_basic"),
    ("一般公共预算“三公”经费、会议费、培训费支出表", "budget_three_public"),
    ("政府性基金预算支出表", "budget_gov_fund"),
    ("国有资本经营预算支出预算表", "budget_soe_capital"),
    ("一般公共预算机关运行经费支出预算表", "budget_operating_costs"),
    ("政府采购支出表", "budget_procurement"),
    ("十二、一般公共预算机关运行经费支出预算表", "budget_operating_costs"),
    # 上海 / 普陀 部门 and 单位 budgets
    ("2025年部门财务收支预算总表", "budget_summary"),
    ("2025年预算单位财务收支预算总表", "budget_summary"),
    ("2025年预算单位收入预算总表", "budget_income"),
    ("2026年部门支出预算总表", "budget_expense"),
    ("4．2025年部门财政拨款收支预算总表", "budget_fiscal_summary"),
    ("2025年预算单位一般公共预算支出功能分类预算表", "budget_gp_expense"),
    ("6． 2025年预算单位政府性基金预算支出功能分类预算表", "budget_gov_fund"),
    ("2024年部门国有资本经营预算支出功能分类预算表", "budget_soe_capital"),
    ("2025年部门一般公共预算基本支出部门预算经济分类预算表", "budget_gp_basic"),
    ("2025年单位“三公”经费和机关运行经费预算表", "budget_three_public"),
    ("部门“三公”经费和机关运行经费预算表", "budget_three_public"),
    ("9.2025年单位“三公”经费和机关运行经费预算表", "budget_three_public"),
]


@pytest.mark.parametrize(("title", "expected"), REAL_PDF_TITLES)
def test_real_pdf_titles(title, expected):
    assert identify_table(title, "预算").id == expected
    assert identify_table(title).id == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("2024年部门“三公”经费支出表", "budget_three_public"),
        ('2024年"三公"经费支出决算表', "final_three_public"),
        ("财政拨款‘三公’经费支出决算表", "final_three_public"),
        ("财政拨款「三公」经费支出决算表", "final_three_public"),
        ("一般公共预算基本支出表(按经济分类)", "budget_gp_basic"),
        ("收入支出决算总表（公开01表）", "final_income_expense_summary"),
        ("公开01表 收入支出决算总表", "final_income_expense_summary"),
        ("附表1：2024年度收入支出决算总表", "final_income_expense_summary"),
        ("表1-1 2026年部门收支总表", "budget_summary"),
        ("滑县医疗保障局2024年部门收支总体情况表", "budget_summary"),
        ("滑县医疗保障局部门收支总体情况表", "budget_summary"),
        ("政府性基金预算支出情况表（续表）", "budget_gov_fund"),
        ("二〇二四年部门收支总表", "budget_summary"),
        ("2 0 2 4 年 部 门 收 支 总 表", "budget_summary"),
        ("（三）一般公共预算财政拨款支出决算表", "final_gp_expense"),
        ("表2 一般公共预算支出情况表", "budget_gp_expense"),  # the 表N prefix stops before 一般
        ("表十一 一般公共预算基本支出情况表", "budget_gp_basic"),
        ("表3 2026年一般公共预算支出情况表", "budget_gp_expense"),
        ("2026年市本级部门收支总表", "budget_summary"),
        ("XX区财政局2023年度部门决算公开相关信息统计表", "final_info_stats"),
    ],
)
def test_title_variants(title, expected):
    assert identify_table(title).id == expected


@pytest.mark.parametrize(
    ("title", "report_kind", "expected"),
    [
        ("收支总表", "预算", "budget_summary"),
        ("收支总表", "决算", "final_income_expense_summary"),
        ("收支总表", None, "budget_summary"),
        ("收入总表", "决算", "final_income"),
        ("支出总表", "决算", "final_expense"),
        ("财政拨款收支总表", "决算", "final_fiscal_summary"),
        ("“三公”经费支出表", "决算", "final_three_public"),
        ("“三公”经费支出表", "预算", "budget_three_public"),
        ("机关运行经费支出表", "决算", "final_info_stats"),
        ("机关运行经费支出表", "预算", "budget_operating_costs"),
        # an explicit 决算/预算 title wins over the report kind passed in
        ("收入支出决算总表", "预算", "final_income_expense_summary"),
        ("一般公共预算支出情况表", "决算", "budget_gp_expense"),
    ],
)
def test_report_kind_disambiguates_generic_titles(title, report_kind, expected):
    assert identify_table(title, report_kind).id == expected


@pytest.mark.parametrize(
    "line",
    [
        # narrative that mentions a table
        "（一）收入支出预算总体情况（详见表1）",
        "（一）收支预算情况的总体说明（详见表 1-3）",
        "（五）一般公共预算当年拨款情况说明（详见表 5）",
        "注：本表反映部门本年度的总收支和年末结转结余情况。",
        "我部门没有使用政府性基金预算安排的支出，故本表无数据。",
        "2024 年度特定目标类部门预算项目绩效目标自评表见附件（第四部分）。",
        "项目支出绩效自评表详见附件。",
        "详见单位的项目绩效目标表",
        "收支总表是反映部门全部收支的表格，包括本年收入和支出。",
        "七、一般公共预算“三公”经费支出预算情况说明",
        "一、收入支出决算总体情况说明",
        # TOC lines with page numbers / dot leaders
        "一、收入支出决算总表.....5",
        "一、收入支出决算总表\t30",
        "六、一般公共预算财政拨款支出决算表.....\t30",
        "十一、国有资本经营预算财政拨款收入支出决算表...30\t",
        "（一）收支预算情况的总体说明 ......4",
        "一、部门主要职能 ……………………………………",
        # headings, running headers and meta lines that name no single table
        "四、2026 年杭州市公安局预算公开表",
        "附件：滑县医疗保障局 2024 年部门预算表",
        "单位预算表",
        "五、部门预算表",
        "第二部分 2021 年度部门决算报表",
        "无锡市交通运输局（本级）2026年度单位预算公开",
        "部门：临汾市医疗保障局\t\t2021年度\t\t公开02表 金额单位：万元",
        "部门名称：杭州市公安局 单位：万元",
        "公开01表",
        "2024年度",
        "- 12 -",
        # row labels inside tables
        "二、机关运行经费",
        "项目支出",
        "本年收入合计",
        # tables of other documents
        "南宁市本级建设工程消防设计抽查情况表",
        "表 8 各旗县区建筑垃圾收运处理设施近期重点规划建设项目表",
        "",
    ],
)
def test_lines_that_name_no_table(line):
    assert identify_table(line) is None
    assert identify_table(line, "预算") is None
    assert identify_table(line, "决算") is None


# ------------------------------------------------------------------ report facts from the first 3000 chars

SEED_FACTS = {
    #      unit    year  kind    department
    "000": (None, 2024, "决算", "四川省乐山市市中区医疗保障局"),
    "001": (None, 2019, "决算", None),
    "002": (None, 2024, "预算", "滑县医疗保障局"),
    "003": ("万元", 2021, "决算", "临汾市医疗保障局"),
    "004": (None, 2024, "决算", "贵阳市医疗保障局"),
}


@pytest.mark.parametrize("seed", sorted(SEED_FACTS))
def test_detect_facts_on_seed_heads(seed):
    head = seed_text(seed)[:3000]
    unit, year, kind, department = SEED_FACTS[seed]
    assert detect_unit(head) == unit
    assert detect_year(head) == year
    assert detect_report_kind(head) == kind
    assert detect_department(head) == department
    assert is_report_text(head)


@pytest.mark.parametrize(
    ("seed", "unit", "department"),
    [
        ("000", None, "四川省乐山市市中区医疗保障局"),
        ("001", "万元", None),
        ("002", "万元", "滑县医疗保障局"),
        ("003", "万元", "临汾市医疗保障局"),
        ("004", None, "贵阳市医疗保障局"),  # OCR printed the unit line as "平位: 刀儿"
    ],
)
def test_detect_facts_on_whole_seeds(seed, unit, department):
    text = seed_text(seed)
    assert detect_unit(text) == unit
    assert detect_department(text) == department
    assert detect_report_kind(text) == SEED_FACTS[seed][2]
    assert is_report_text(text)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("金额单位：万元", "万元"),
        ("单位:元", "元"),
        ("单位：万元", "万元"),
        ("单位 ： 千元", "千元"),
        ("金额单位: 万元", "万元"),
        ("单位：\n万元", "万元"),  # 002 wraps the unit onto the next line
        ("单位：万\n", "万元"),  # 002 truncated
        ("单位（万元）", "万元"),
        ("单位：亿元", "亿元"),
        ("单位：无锡市交通运输局（本级） 单位：万元", "万元"),
        ("部门名称：杭州市交通运输局单位：万元", "万元"),
        ("编制部门：上海市普陀区司法局 单位：元", "元"),
        ("部门：临汾市医疗保障局\t\t2021年度\t\t公开02表 金额单位：万元", "万元"),
        ("单位：人", None),
        ("平位: 刀儿", None),
        ("本年收入合计 23,278.10 万元", None),
        ("", None),
    ],
)
def test_detect_unit(text, unit):
    assert detect_unit(text) == unit


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("# 项目支出绩效目标自评表 (2,024年度)", 2024),
        ("2024 年度\n\n四川省乐山市市中区医疗保障局部门决算\n\n目录\n\n公开时间：2025年10月23日", 2024),
        ("公开时间：2025年10月23日\n2024年度部门决算", 2024),
        ("杭州市交通运输局\n年度部门预算\n2026\n目录", 2026),
        ("杭州市公安局\n2026 年度部门预算", 2026),
        ("上海市普陀区2026年区级部门预算\n预算主管部门：上海市普陀区司法局", 2026),
        ("与2023年相比，支出增加。\n2024年部门预算公开", 2024),
        ("二〇二四年部门预算", 2024),
        ("没有年份的文字", None),
    ],
)
def test_detect_year(text, year):
    assert detect_year(text) == year


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("2024 年滑县医疗保障局部门预算公开", "预算"),
        ("2026 年度\n无锡市交通运输局（本级）\n单位预算公开", "预算"),
        ("上海市2025年市级单位预算\n预算单位：上海市财政局", "预算"),
        ("杭州市交通运输局\n年度部门预算\n2026", "预算"),
        ("临汾市医疗保障局 2021 年度部门决算", "决算"),
        ("# 贵阳市医疗保障局2024年度部门决算公 开报告", "决算"),
        ("包头市建筑垃圾污染环境防治工作规划（2025—2035 年）", None),
        ("", None),
    ],
)
def test_detect_report_kind(text, kind):
    assert detect_report_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "department"),
    [
        ("部门：临汾市医疗保障局\t\t2021年度\t\t\t\t\t金额单位：万元", "临汾市医疗保障局"),
        ("部门: 贵阳市医疗保障局", "贵阳市医疗保障局"),
        ("编制部门：上海市普陀区司法局 单位：元", "上海市普陀区司法局"),
        ("部门名称：杭州市交通运输局单位：万元", "杭州市交通运输局"),
        ("编制单位：临汾市医疗保障局\t\t金额单位：万元", "临汾市医疗保障局"),
        ("单位：无锡市交通运输局（本级） 单位：万元", "无锡市交通运输局（本级）"),
        ("上海市2025年市级单位预算\n预算单位：上海市财政局", "上海市财政局"),
        ("上海市普陀区2024年区级部门预算\n预算主管部门：上海市普陀区人民政府万里街道办事处", "上海市普陀区人民政府万里街道办事处"),
        ("2024 年滑县医疗保障局部门预算公开", "滑县医疗保障局"),
        ("无锡市住房和城乡建设局（本级）2026年度单位预算公开", "无锡市住房和城乡建设局（本级）"),
        ("2026 年度\n无锡市交通运输局（本级）\n单位预算公开", "无锡市交通运输局（本级）"),
        ("杭州市公安局\n2026 年度部门预算", "杭州市公安局"),
        ("杭州市交通运输局\n年度部门预算\n2026", "杭州市交通运输局"),
        ("二、2026年杭州市公安局部门预算安排情况说明", "杭州市公安局"),
        ("临汾市医疗保障局 2021 年度部门决算", "临汾市医疗保障局"),
        # a cover title wrapped over short lines is read as one title
        ("2026 年某某市规划和自然资源局宝安\n管理局部门预算\n目 录", "某某市规划和自然资源局宝安管理局"),
        ("2026 年度\n某某市公安局文职人员\n管理中心单位预算", "某某市公安局文职人员管理中心"),
        ("2026 年度\n某某市人民政府办公室\n（本级）\n单位预算\n目 录", "某某市人民政府办公室（本级）"),
        ("某某城市副中心工程建设管理办公室\n2026 年度部门预算信息公开\n目 录", "某某城市副中心工程建设管理办公室"),
        # a definition or a sentence that starts like a field is not the department
        ("三公经费财政拨款预算数：指本部门当年部门预算", None),
        ("退休干部办公室；8 个直属单位：某某市气象台、某某市气\n单位：某某市人工影响天气中心；全市 14 个区设气象局，", None),
        ("上海市普陀区2026年区级部门预算", None),  # a region, not a department
        ("单位：万元", None),
        ("本部门在2019年度部门决算中反映“离休干部医疗费”项目绩效。", None),
        ("", None),
    ],
)
def test_detect_department(text, department):
    assert detect_department(text) == department


BAOTOU_HEAD = """包府办发〔2026〕11 号
包头市人民政府办公室
关于印发包头市建筑垃圾污染环境
防治工作规划（2025—2035 年）的通知
各旗、县、区人民政府，稀土高新区管委会，市直有关部门、单
位，中直、区直企事业单位：
经市人民政府同意，现将《包头市建筑垃圾污染环境防治工作
规划（2025—2035 年）》印发给你们，请结合实际认真贯彻落实。
2026 年 3 月 6 日
（此件公开发布）
包头市建筑垃圾污染环境防治工作规划
（2025—2035 年）
目 录
第一章 规划总则
第一条 总体要求
第三十五条 资金保障
表 8 各旗县区建筑垃圾收运处理设施近期重点规划建设项目表"""

NANNING_HEAD = """南宁市本级建设工程消防设计抽查情况表
技术服务机构
序号 抽查项目 建设单位 设计单位 抽查结果
（审图机构）
1 广西壮族自治区疾病预防控制中心 中国市政工程东北设计研究总院有限公司 广西中蓝审图有限责任公司 合格
6 南宁市青秀区东葛路幼儿园 南宁兆盛房地产开发有限公司 基准方中建筑设计股份有限公司 广西金图工程咨询有限公司 合格"""


@pytest.mark.parametrize(
    "text",
    [BAOTOU_HEAD, NANNING_HEAD, "", "关于做好2026年部门预算编制工作的通知\n各部门：请按要求编制预算。"],
)
def test_non_reports_are_rejected(text):
    assert not is_report_text(text)
    assert detect_report_kind(text) is None


def test_cover_alone_is_enough_for_a_report():
    assert is_report_text("杭州市公安局\n2026 年度部门预算\n目录\n一、部门概况")


# ------------------------------------------------------------------ the real PDFs, when ../shared is present

REAL_FACTS = {
    "hangzhou_gongan_2026_budget.pdf": (2026, "杭州市公安局"),
    "hangzhou_jiaotong_2026_budget.pdf": (2026, "杭州市交通运输局"),
    "wuxi_jiaotong_2026_unit_budget.pdf": (2026, "无锡市交通运输局（本级）"),
    "wuxi_zhujian_2026_unit_budget.pdf": (2026, "无锡市住房和城乡建设局（本级）"),
    "sh_caizhengju_2025_budget.pdf": (2025, "上海市财政局"),
    "shpt_sfj_2026_budget.pdf": (2026, "上海市普陀区司法局"),
    "shpt_shangwu_2025_dept_budget.pdf": (2025, "上海市普陀区商务委员会"),
    "shpt_wanli_2024_budget.pdf": (2024, "上海市普陀区人民政府万里街道办事处"),
    "shpt_wanli_2025_budget.pdf": (2025, "上海市普陀区人民政府万里街道办事处"),
    "shpt_zfban_2025_dept_budget.pdf": (2025, "上海市普陀区人民政府办公室"),
    "shpt_zfban_2025_unit_budget.pdf": (2025, "上海市普陀区人民政府办公室"),
    "nanning_zhujian_2026_budget_tables.pdf": None,
    "baotou_zhengfuban_2026_budget.pdf": None,
}


def _pdf_head(path: Path, pages: int = 3) -> str:
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages[:pages])


@pytest.mark.parametrize("name", sorted(REAL_FACTS))
def test_real_pdf_heads(name):
    path = REAL_REPORTS / name
    if not path.exists():
        pytest.skip("../shared/real_reports is not available")
    head = _pdf_head(path)[:3000]
    expected = REAL_FACTS[name]
    if expected is None:
        assert not is_report_text(head)
        assert detect_report_kind(head) is None
        return
    year, department = expected
    assert is_report_text(head)
    assert detect_report_kind(head) == "预算"
    assert detect_year(head) == year
    assert detect_department(head) == department
