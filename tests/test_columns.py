"""Column keys from header label paths, on headers printed in the seeds and the real PDFs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from parsers.tables.columns import column_key, normalize_label

VOCABULARY = Path(__file__).resolve().parents[1] / "parsers" / "tables" / "column_vocabulary.toml"
KEY = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*")


@pytest.mark.parametrize(
    ("path", "key"),
    [
        # totals: 小计 is "total" on its own, "subtotal" under a group
        (("合计",), "total"),
        (("本年支出合计",), "total"),
        (("本年收入合计",), "total"),
        (("小计",), "total"),
        (("总计",), "grand_total"),
        (("本年收入", "一般公共预算", "小计"), "current_income.general_budget.subtotal"),
        (("本年收入", "合计"), "current_income.total"),
        # expense structure (支出决算表, 部门支出总体情况表)
        (("本年支出", "基本支出"), "current_expense.basic"),
        (("基本支出",), "basic"),
        (("项目支出",), "project"),
        (("基本支出", "人员经费", "工资福利支出"), "basic.personnel.wages"),
        (("基本支出", "人员经费", "对个人和家庭的补助"), "basic.personnel.household_transfers"),
        (("基本支出", "公用经费", "商品和服务支出"), "basic.public.goods_services"),
        (("项目支出", "资本性支出"), "project.capital"),
        (("项目支出", "其他运转类"), "project.other_operational"),
        (("项目支出", "特定目标类"), "project.specific_purpose"),
        (("上缴上级支出",), "remit_superior"),
        (("经营支出",), "operating_expense"),
        (("对附属单位补助支出",), "affiliate_subsidy"),
        (("人员支出",), "personnel"),
        (("日常公用支出",), "public"),
        # income sources (收入决算表, 部门收入总体情况表)
        (("财政拨款收入",), "fiscal_grant"),
        (("财政拨款",), "fiscal_grant"),
        (("一般公共预算", "其中：财 政拨款"), "general_budget.fiscal_grant"),
        (("一般公共预算财政拨款",), "general_budget"),
        (("政府性基金预算",), "gov_fund"),
        (("国有资本经营预算",), "soe_capital"),
        (("财政专户管理资金收入",), "special_account"),
        (("事 业 收 入",), "institution_income"),
        (("事业单位经营收入",), "operating_income"),
        (("经营收入",), "operating_income"),
        (("上级补助收入",), "superior_subsidy"),
        (("附属单位上缴收入",), "affiliate_remittance"),
        (("其他收入",), "other_income"),
        (("上年结转结余", "单位资金"), "opening_balance.unit_funds"),
        (("年初结转和结余",), "opening_balance"),
        (("年末结转和结余",), "closing_balance"),
        (("年终结转结余",), "closing_balance"),
        # identity columns
        (("行次",), "line_no"),
        (("科目编码",), "code"),
        (("功能分类科目编码",), "code"),
        (("科目编码", "类"), "code.class"),
        (("科目编码", "款"), "code.section"),
        (("科目编码", "项"), "code.item"),
        (("科目名称",), "name"),
        (("项目",), "name"),
        (("功能分类科目名称",), "name"),
        (("单位（科目名称）",), "name"),
        (("项目", "功能分类科目编码", "类"), "code.class"),
        (("部门预算经济分类", "科目名称"), "dept_economic.name"),
        (("政府预算经济分类", "类"), "gov_economic.class"),
        (("部门 (单位) 代码",), "unit_code"),
        (("项目名称",), "project_name"),
        # two-sided summary tables: side / leaf
        (("收入", "项目"), "income.name"),
        (("收入", "金额"), "income.amount"),
        (("支出", "行次"), "expense.line_no"),
        (("支出", "预算数"), "expense.budget"),
        # side-by-side 基本支出 table (003 公开06表)
        (("人员经费", "金额"), "personnel.amount"),
        (("公用经费", "其中：基本支出"), "public.basic"),
        # “三公” tables
        (("预算数", "公务接待费"), "budget.reception"),
        (("决算数", "公务接待费"), "final.reception"),
        (("预算数", "合计"), "budget.total"),
        (("预算数", "因公出国（境）费"), "budget.overseas_travel"),
        (("决算数", "公务用车购置及运行费", "小计"), "final.vehicle.subtotal"),
        (("决算数", "公务用车购置及运行费", "公务用车购置费"), "final.vehicle.vehicle_purchase"),
        (("决算数", "公务用车购置及运行费", "公务用车运行费"), "final.vehicle.vehicle_operation"),
        (("执行数", "公务接待费"), "actual.reception"),
        (("“三公”经费合计",), "total"),
        (("因公出国(境)费用",), "overseas_travel"),
        (("公务用车购置及运行费", "公务用车运行维护费"), "vehicle.vehicle_operation"),
        (("会议费",), "meetings"),
        (("培训费",), "training"),
        (("2024年“三公”经费预算数", "公务用车购置及运行费", "购置费"), "three_public_budget.vehicle.vehicle_purchase"),
        (("2025年机关运行经费预算数",), "operating_costs_budget"),
        # other tables
        (("本年一般公共预算基本支出", "人员经费"), "current_gp_basic.personnel"),
        (("一般公共预算支出", "项目支出"), "gp_expense.project"),
        (("本年政府性基金预算支出", "合计"), "gov_fund_expense.total"),
        (("本年拨款", "一般公共预算"), "current_appropriation.general_budget"),
        (("财政拨款结转结余", "政府性基金预算"), "fiscal_carryover.gov_fund"),
        (("机关运行经费支出",), "operating_costs"),
        (("资金来源", "上年结转和结余资金"), "funding_source.opening_balance"),
        (("采购金额",), "procurement_amount"),
        (("统计数",), "stat_value"),
        (("项目金额（万元）", "资金总额"), "amount.total"),
        (("年度指标值(A)",), "indicator_value"),
    ],
)
def test_known_columns(path, key):
    assert column_key(path) == key


def test_noise_labels_are_dropped():
    assert column_key(("合 计", "栏次")) == "total"
    assert column_key(("栏次", "本年收入合计")) == "total"
    assert column_key(("本年支出", "1", "基本支出")) == "current_expense.basic"
    assert column_key(("金额单位：万元", "合计")) == "total"
    assert column_key(("", " ", "项目支出")) == "project"
    assert column_key(()) == "unlabelled"
    assert column_key(("栏次",)) == "unlabelled"


def test_unknown_labels_fall_back_to_a_stable_hash():
    key = column_key(("没见过的列",))
    assert re.fullmatch(r"x_[0-9a-f]{10}", key)
    assert column_key(("没 见 过 的 列",)) == key  # same normalised label, same key
    assert column_key(("本年收入", "没见过的列")) == f"current_income.{key}"
    assert column_key(("另一个列",)) != key
    assert column_key(("第7列",)) == "col_7"


def test_same_path_same_key_and_keys_are_dotted_snake_case():
    paths = [
        ("本年收入", "一般公共预算", "小计"),
        ("预算数", "公务用车购置及运行费", "公务用车运行费"),
        ("收入", "奇怪的表头（注1）"),
    ]
    for path in paths:
        first = column_key(path)
        assert first == column_key(list(path)) == column_key(tuple(path))
        assert KEY.fullmatch(first)


def test_three_public_table_keys_are_unique():
    """003 公开07表: the same six labels under 预算数 and 决算数 must give twelve keys."""
    leaves = [
        ("合计",),
        ("因公出国（境）费",),
        ("公务用车购置及运行费", "小计"),
        ("公务用车购置及运行费", "公务用车购置费"),
        ("公务用车购置及运行费", "公务用车运行费"),
        ("公务接待费",),
    ]
    keys = [column_key((top, *leaf)) for top in ("预算数", "决算数") for leaf in leaves]
    assert len(set(keys)) == 12


def test_income_table_keys_are_unique():
    """002 部门收入总体情况表 header as printed (with the PDF's spaced-out labels)."""
    paths = [
        ("总计",),
        ("本年收入", "合计"),
        ("本年收入", "一般公共预算", "小计"),
        ("本年收入", "一般公共预算", "其中：财 政拨款"),
        ("本年收入", "政府 性基 金"),
        ("本年收入", "国有 资本 经营 预算"),
        ("本年收入", "财政 专户 管理 资金 收入"),
        ("本年收入", "事 业 收 入"),
        ("本年收入", "事 业 单 位 经 营 收 入"),
        ("本年收入", "上 级 补 助 收 入"),
        ("本年收入", "附 属 单 位 上 缴 收 入"),
        ("上年结转结余",),
    ]
    keys = [column_key(p) for p in paths]
    assert keys == [
        "grand_total",
        "current_income.total",
        "current_income.general_budget.subtotal",
        "current_income.general_budget.fiscal_grant",
        "current_income.gov_fund",
        "current_income.soe_capital",
        "current_income.special_account",
        "current_income.institution_income",
        "current_income.operating_income",
        "current_income.superior_subsidy",
        "current_income.affiliate_remittance",
        "opening_balance",
    ]


@pytest.mark.parametrize(
    ("label", "normal"),
    [
        ("事 业 收 入", "事业收入"),
        ("其中：财 政拨款", "其中:财政拨款"),
        ("“三公”经费合计", "三公经费合计"),
        ('"三公"经费', "三公经费"),
        ("因公出国（境）费", "因公出国(境)费"),
        ("合\u3000计", "合计"),
        ("\t本年支出\n", "本年支出"),
    ],
)
def test_normalize_label(label, normal):
    assert normalize_label(label) == normal


def test_vocabulary_file_is_well_formed():
    data = tomllib.loads(VOCABULARY.read_text(encoding="utf-8"))
    seen: dict[str, str] = {}
    for key, labels in data["labels"].items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", key)
        assert labels, key
        for label in labels:
            normal = normalize_label(label)
            assert seen.setdefault(normal, key) == key, f"{label} is under {seen[normal]} and {key}"
            assert column_key((label,)) in (key, data["top_level"].get(normal)), label


@pytest.mark.parametrize(
    "path, key",
    [
        (["2026年度支出预算总表", "基本支出"], "basic"),  # the title printed in the grid's first row
        (["一般公共预算支出表(按功能分类)", "合计"], "total"),
        (["2026年预算", "上年结余、结转"], "budget.opening_balance"),
        (["预算数", "项目支出", "扣除基建项目后预算数"], "budget.project.excluding_capital_construction"),
    ],
)
def test_a_table_title_inside_the_header_names_no_column(path, key):
    assert column_key(path) == key
