"""Matcher rules on a small fixture catalog (the full catalog is tested in test_catalog.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.matching.catalog import load_catalog
from app.matching.matcher import Matcher, normalize_name
from parsers.model import Cell, Column, Provenance, Report, Row, Table
from tests.conftest import REAL_REPORTS, ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "catalog"


def _table(rows: list[tuple[str | None, str]], kind: str = "final_expense") -> Table:
    prov = Provenance(1, 1)
    built = tuple(
        Row(f"t/{i}", code, name, {"total": Cell("1.00", Decimal("1.00"), prov)}, prov) for i, (code, name) in enumerate(rows)
    )
    return Table("t#1", kind, "t", "万元", (1,), (), built)


def _match(rows, year=2024, kind="final_expense"):
    matcher = Matcher(load_catalog(FIXTURE).edition(year))
    return [r.match for r in matcher.match_table(_table(rows, kind)).rows]


@pytest.mark.parametrize(
    "raw, key",
    [
        ("（一） 行政运行", "行政运行"),
        ("卫生健康支出（类）", "卫生健康支出"),
        ("其中：财政拨款", "财政拨款"),
        ("二十一、住房保障支出", "住房保障支出"),
        ("1.一般公共预算资金", "一般公共预算资金"),
        ("机关事业单位基本 养老保险缴费支出", "机关事业单位基本养老保险缴费支出"),
    ],
)
def test_normalize(raw, key):
    assert normalize_name(raw) == key


def test_code_and_name_agree_is_automatic():
    (m,) = _match([("2080505", "机关事业单位基本 养老保险缴费支出")])
    assert (m.code, m.decision) == ("2080505", "auto")
    assert m.candidates[0].path == ("社会保障和就业支出", "行政事业单位养老支出", "机关事业单位基本养老保险缴费支出")


def test_known_misprint_is_flagged_with_both_candidates():
    (m,) = _match([("30208", "物业管理费")])
    assert m.decision == "review" and "misprint" in m.reason
    assert [c.code for c in m.candidates] == ["30209", "30208"]


def test_code_name_conflict_names_both():
    (m,) = _match([("30208", "其他交通费用")])
    assert m.decision == "review" and "conflict" in m.reason
    assert {c.code for c in m.candidates[:2]} == {"30239", "30208"}


def test_year_selects_the_edition():
    (old,) = _match([("210", "医疗卫生与计划生育支出")], year=2018)
    (new,) = _match([("210", "卫生健康支出")], year=2024)
    assert old.decision == new.decision == "auto"
    (retired,) = _match([("234", "抗疫特别国债安排的支出")], year=2024)
    assert retired.decision != "auto" and "not valid in 2024" in retired.reason


def test_alias_and_rename():
    (m,) = _match([("31001", "房屋构筑物购建")])
    assert m.decision == "auto"


def test_hierarchy_context_resolves_repeated_names():
    rows = [(None, "一般公共服务支出"), (None, "政府办公厅（室）及相关机构事务"), (None, "行政运行"),
            (None, "卫生健康支出"), (None, "医疗保障管理事务"), (None, "行政运行"),
            (None, "其他一般公共服务支出"), (None, "其他一般公共服务支出")]
    codes = [m.code for m in _match(rows)]
    assert codes == ["201", "20103", "2010301", "210", "21015", "2101501", "20199", "2019999"]
    assert all(m.decision == "auto" for m in _match(rows))


def test_repeated_name_without_context_needs_review():
    (m,) = _match([(None, "行政运行")])
    assert m.decision == "review" and {c.code for c in m.candidates} >= {"2010301", "2101501"}


def test_narrative_path():
    (m,) = _match([(None, "卫生健康支出(类)行政事业单位医疗(款)行政单位医疗(项)")])
    assert (m.code, m.decision) == ("2101101", "auto")


def test_ocr_noise_gets_a_fuzzy_candidate():
    (m,) = _match([(None, "机关事业单位基本养老保险缴费支岀")])
    assert m.code == "2080505" and m.decision in ("auto", "review") and m.score >= 90


def test_totals_and_summary_labels():
    total, label = _match([(None, "合 计"), (None, "本年收入合计")], kind="final_income_expense_summary")
    assert total.kind == "total" and label.kind == "summary" and label.code == "current_income_total"


def test_same_text_same_context_same_decision():
    rows = [(None, "医疗保障管理事务"), (None, "行政运行"), (None, "医疗保障管理事务"), (None, "行政运行")]
    matches = _match(rows)
    assert matches[1] == matches[3]


def _two_sided(names: list[str]) -> Table:
    """A 收支总表-style table: 支出-side lines without codes."""
    prov = Provenance(1, 1)
    rows = tuple(
        Row(f"s/{i}", None, name, {"expense.amount": Cell("1.00", Decimal("1.00"), prov)}, prov, group="支出")
        for i, name in enumerate(names)
    )
    return Table("s#1", "final_income_expense_summary", "收支总表", "万元", (1,), (Column("expense.amount", "支出/金额", "支出"),), rows)


def test_summary_sub_lines_take_the_mapping_the_expense_table_gives_the_same_name():
    matcher = Matcher(load_catalog(FIXTURE).edition(2024))
    summary = _two_sided(["一般公共服务支出", "其他一般公共服务支出", "其他一般公共服务支出", "行政单位离退休"])
    expense = _table([("201", "一般公共服务支出"), ("20199", "其他一般公共服务支出"), ("2019999", "其他一般公共服务支出")])
    matched = matcher.match_report(Report("r.pdf", "0" * 64, 1, "pdf", "final", "某局", 2024, (), (summary, expense), "test"))
    lines = [r.match for r in matched.tables[0].rows]
    assert (lines[0].code, lines[0].decision) == ("201", "auto")  # the 类 line stays a 类
    # the n-th same-named sub-line gets the n-th coded row: 款 then 项, both automatic, neither a question
    assert [(m.code, m.decision) for m in lines[1:3]] == [("20199", "auto"), ("2019999", "auto")]
    assert "the same name is 20199" in lines[1].reason
    assert lines[3].decision != "auto"  # printed nowhere else in the report: nothing to borrow


def test_organisation_lines_are_recognised_by_their_neighbours():
    rows = [(None, "某市交通运输局"), (None, "某市道路运输管理服务中心"), (None, "某市公路与港航管理服务中心"),
            (None, "某市汽车高级技工学校"), (None, "某市综合交通运输研究")]
    matches = _match(rows, kind="final_income")
    assert all(m.kind == "unit" and m.decision == "none" for m in matches)
    assert "like most lines" in matches[-1].reason  # cut before its 中心: known by the lines around it


def test_one_organisation_line_does_not_turn_a_table_of_subjects():
    matches = _match([(None, "行政单位离退休"), (None, "行政单位医疗"), (None, "某市交通运输研究")])
    assert [m.kind for m in matches[:2]] == ["subject", "subject"]
    assert matches[2].kind == "subject"


def test_real_report_review_queue_holds_no_summary_sub_line_and_no_organisation_line():
    path = REAL_REPORTS / "hangzhou_jiaotong_2026_budget.pdf"
    if not path.exists():
        pytest.skip("../shared/real_reports is not here")
    from app.cache import load_report
    from app.matching.matcher import is_two_sided, match_report

    report = match_report(load_report(path))
    queue = [(t, r) for t in report.tables for r in t.rows if r.match is not None and r.match.decision == "review"]
    assert not [r.name for t, r in queue if is_two_sided(t)]
    assert not [r.name for t, r in queue if any(o.match is not None and o.match.kind == "unit" for o in t.rows)]
    income = next(t for t in report.tables if "income" in t.kind and not is_two_sided(t))
    assert sum(r.match.kind == "unit" for r in income.rows) >= 8  # the units the 收入总表 lists, every one
