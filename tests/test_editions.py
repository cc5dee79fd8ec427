"""Reports of years before the 2018 economic reform (and the 2019 检察 项): each read with its own edition.

A 2017 budget prints 30311 住房公积金 and 2040404 查办和预防职务犯罪, right for 2017 and wrong
for 2019; the export lines both years up on the code of the latest edition.
"""

from __future__ import annotations

import pyarrow as pa
import pytest

from app.matching.catalog import load_catalog
from app.export.facts import report_facts
from app.matching.matcher import Matcher, match_report, normalize_name
from parsers.report import read_report
from sample_reports.generate import Report, Table, hdr, write

# (code, name, amount) as a 2017 budget prints them: the pre-2018 支出经济分类 and the 检察 项 before 2019.
FUNCTIONAL_2017 = [
    ("204", "公共安全支出", "660.00"), ("20404", "检察", "660.00"), ("2040401", "行政运行", "300.00"),
    ("2040404", "查办和预防职务犯罪", "120.00"), ("2040405", "公诉和审判监督", "90.00"),
    ("2040406", "侦查监督", "80.00"), ("2040409", "“两房”建设", "70.00"),
]
ECONOMIC_2017 = [
    ("301", "工资福利支出", "310.00"), ("30101", "基本工资", "200.00"), ("30104", "其他社会保障缴费", "110.00"),
    ("303", "对个人和家庭的补助", "150.00"), ("30307", "医疗费", "40.00"), ("30311", "住房公积金", "60.00"),
    ("30312", "提租补贴", "30.00"), ("30313", "购房补贴", "20.00"),
    ("304", "对企事业单位的补贴", "25.00"), ("30402", "事业单位补贴", "25.00"),
]
# The same department two years later, in the 2018 部门预算支出经济分类.
ECONOMIC_2019 = [
    ("301", "工资福利支出", "330.00"), ("30101", "基本工资", "210.00"), ("30113", "住房公积金", "65.00"),
    ("30112", "其他社会保障缴费", "55.00"),
]


def _budget(year: int, functional: list, economic: list) -> Report:
    dept = "江南省人民检察院"
    meta = (f"部门：{dept}", "单位：万元")
    expense = Table(f"{dept}{year}年部门支出预算表", [80, 220, 110], "llr", hdr("科目编码 科目名称 合计"), meta)
    for code, name, amount in functional:
        expense.add(code, name, [amount])
    basic = Table(f"{dept}{year}年一般公共预算基本支出预算表", [80, 220, 110], "llr", hdr("经济科目编码 经济科目名称 合计"), meta)
    for code, name, amount in economic:
        basic.add(code, name, [amount])
    parts = [expense, basic] if functional else [basic]
    return Report(f"edition_{year}", "预算", year, dept, parts)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def budgets(tmp_path_factory, catalog):
    out = tmp_path_factory.mktemp("editions")
    read = {}
    for year, functional, economic in ((2017, FUNCTIONAL_2017, ECONOMIC_2017), (2019, [], ECONOMIC_2019)):
        write(_budget(year, functional, economic), out)
        read[year] = match_report(read_report(out / f"edition_{year}.pdf"), catalog)
    return read


def test_a_2017_budget_matches_every_printed_code_with_its_own_editions_name(budgets):
    report = budgets[2017]
    assert report.year == 2017
    coded = {r.code: r.match for t in report.tables for r in t.rows if r.code}
    printed = {code: name for code, name, _ in FUNCTIONAL_2017 + ECONOMIC_2017}
    assert set(coded) == set(printed)
    flagged = {code: m.reason for code, m in coded.items() if m.decision != "auto" or m.code != code or m.name != printed[code]}
    assert not flagged


def test_the_export_carries_the_edition_and_the_code_of_the_latest_edition(budgets):
    facts = {year: pa.Table.to_pylist(report_facts(report)) for year, report in budgets.items()}
    by_code = {year: {f["code"]: f for f in rows} for year, rows in facts.items()}
    housing_2017, housing_2019 = by_code[2017]["30311"], by_code[2019]["30113"]
    assert (housing_2017["subject_edition"], housing_2017["current_code"]) == ("–2017", "30113")
    assert (housing_2019["subject_edition"], housing_2019["current_code"]) == ("2018–", "30113")
    assert by_code[2017]["30101"]["current_code"] == by_code[2019]["30101"]["current_code"] == "30101"
    assert by_code[2017]["30101"]["subject_edition"] == ""
    assert by_code[2017]["2040409"]["current_code"] == "2040404"  # “两房”建设 renumbered in 2019
    assert by_code[2017]["2040404"]["current_code"] is None  # 查办和预防职务犯罪 left the 检察 款
    assert by_code[2017]["30312"]["current_code"] is None  # 提租补贴: the reform gives no one code


@pytest.mark.parametrize(("code", "name", "right"), [("30311", "住房公积金", "30113"), ("30104", "其他社会保障缴费", "30112")])
def test_a_later_report_printing_an_old_code_is_still_flagged(catalog, code, name, right):
    match = Matcher(catalog.edition(2024))._by_code(code, normalize_name(name), name, "economic_dept", {})
    assert match.decision == "review"
    assert right in [c.code for c in match.candidates]


def test_a_report_of_unknown_year_says_so_and_offers_both_editions(catalog):
    match = Matcher(catalog.edition(None))._by_code("30311", "住房公积金", "住房公积金", "economic_dept", {})
    assert match.decision == "review"
    assert "year unknown" in match.reason and "until 2017" in match.reason
    assert [(c.code, c.name) for c in match.candidates] == [("30113", "住房公积金"), ("30311", "住房公积金"), ("30311", "代缴社会保险费")]


def test_names_of_a_reused_code_are_not_names_of_its_new_meaning(catalog):
    edition = catalog.edition(2024)
    assert "住房公积金" not in edition.all_names(edition.by_code["30311"])
    assert "医疗费" in edition.all_names(edition.by_code["30307"])  # a rename keeps its former name
