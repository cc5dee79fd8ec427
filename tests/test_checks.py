"""Each rule fires on a minimal bad case and stays quiet on the clean one.

The clean case is a small, fully consistent 决算 written as a text dump; every bad case
changes exactly one thing in it.
"""

from __future__ import annotations

import json

import pytest

from app.checks import run_checks
from app.cli import EXIT_FINDINGS, EXIT_OK, main
from parsers.report import read_report

CLEAN = """某县卫生健康局2023年度部门决算
第一部分 情况说明
2023年度收入总计1,000.00万元，支出总计1,000.00万元。
2023年度本年收入合计1,000.00万元，其中：一般公共预算财政拨款收入900.00万元，占90.00%；其他收入100.00万元，占10.00%。
2023年度本年支出合计1,000.00万元，比上年增加200.00万元，增长25.00%。
2023年度“三公”经费财政拨款支出决算为8.00万元，年初预算为10.00万元，支出决算为8.00万元，完成年初预算的80.00%，决算数小于预算数。
截至2023年12月31日，本部门共有车辆2辆。
收入支出决算总表
部门：某县卫生健康局\t\t2023年度\t\t金额单位：万元
项目\t金额\t项目\t金额
一、一般公共预算财政拨款收入\t900.00\t一、一般公共服务支出\t0.00
二、其他收入\t100.00\t二、卫生健康支出\t1,000.00
本年收入合计\t1,000.00\t本年支出合计\t1,000.00
年初结转和结余\t0.00\t年末结转和结余\t0.00
总计\t1,000.00\t总计\t1,000.00
支出决算表
部门：某县卫生健康局\t\t2023年度\t\t\t金额单位：万元
科目编码\t科目名称\t本年支出合计\t基本支出\t项目支出
合计\t\t1,000.00\t300.00\t700.00
210\t卫生健康支出\t1,000.00\t300.00\t700.00
21001\t卫生健康管理事务\t400.00\t300.00\t100.00
2100101\t行政运行\t300.00\t300.00\t0.00
2100199\t其他卫生健康管理事务支出\t100.00\t0.00\t100.00
21004\t公共卫生\t600.00\t0.00\t600.00
2100401\t疾病预防控制机构\t600.00\t0.00\t600.00
一般公共预算财政拨款“三公”经费支出决算表
部门：某县卫生健康局\t\t\t金额单位：万元
预算数\t\t\t决算数\t\t
合计\t因公出国（境）费\t公务接待费\t合计\t因公出国（境）费\t公务接待费
10.00\t0.00\t10.00\t8.00\t0.00\t8.00
"""


def read_report_text(tmp_path, text: str):
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return read_report(path)


def _findings(tmp_path, text: str):
    return run_checks(read_report_text(tmp_path, text))


def _errors(tmp_path, text: str, rule: str) -> list:
    return [f for f in _findings(tmp_path, text) if f.severity == "error" and f.rule == rule]


def test_clean_report_has_no_errors_or_warnings(tmp_path):
    findings = _findings(tmp_path, CLEAN)
    assert [f for f in findings if f.severity != "info"] == []


@pytest.mark.parametrize(
    "old, new, rule",
    [
        ("2100101\t行政运行\t300.00\t300.00\t0.00", "2100101\t行政运行\t310.00\t300.00\t10.00", "hierarchy.sum"),
        ("合计\t\t1,000.00\t300.00\t700.00", "合计\t\t1,100.00\t300.00\t800.00", "hierarchy.sum"),
        ("21004\t公共卫生\t600.00\t0.00\t600.00", "21004\t公共卫生\t600.00\t10.00\t600.00", "columns.identity"),
        ("总计\t1,000.00\t总计\t1,000.00", "总计\t1,000.00\t总计\t1,010.00", "totals.balance"),
        ("本年收入合计\t1,000.00\t本年支出合计", "本年收入合计\t1,100.00\t本年支出合计", "totals.sum"),
        ("二、卫生健康支出\t1,000.00", "二、卫生健康支出\t1,001.00", "cross_table.class"),
        ("2023年度本年支出合计1,000.00万元", "2023年度本年支出合计1,010.00万元", "narrative.amount"),
        ("其他收入100.00万元，占10.00%", "其他收入100.00万元，占12.00%", "narrative.share"),
        ("增长25.00%", "增长20.00%", "narrative.growth"),
        ("增加200.00万元，增长25.00%", "增加200.00万元，下降25.00%", "narrative.growth"),
        ("决算数小于预算数", "决算数大于预算数", "narrative.comparison"),
        ("完成年初预算的80.00%", "完成年初预算的85.00%", "narrative.completion"),
        ("“三公”经费财政拨款支出决算为8.00万元", "“三公”经费财政拨款支出决算为9.00万元", "narrative.amount"),
        ("第一部分 情况说明", "第一部分 2022年度部门决算情况说明", "metadata.year"),
        ("收入支出决算总表\n", "2022年度收入支出决算总表\n", "metadata.year"),
        ("某县卫生健康局2023年度部门决算\n", "XX局2023年度部门决算\n", "metadata.placeholder"),
    ],
)
def test_each_rule_fires_on_one_injected_error(tmp_path, old, new, rule):
    assert old in CLEAN
    errors = _errors(tmp_path, CLEAN.replace(old, new, 1), rule)
    assert errors, f"{rule} did not fire"
    assert all(f.locations and f.locations[0].page >= 1 for f in errors)


def test_rounding_differences_are_info_not_error(tmp_path):
    text = CLEAN.replace("2100199\t其他卫生健康管理事务支出\t100.00\t0.00\t100.00", "2100199\t其他卫生健康管理事务支出\t100.01\t0.00\t100.01")
    findings = [f for f in _findings(tmp_path, text) if f.rule == "hierarchy.sum"]
    assert findings and {f.severity for f in findings} == {"info"}
    assert "尾数误差" in findings[0].message


def test_findings_point_at_the_exact_cells(tmp_path):
    text = CLEAN.replace("2100101\t行政运行\t300.00\t300.00\t0.00", "2100101\t行政运行\t310.00\t300.00\t10.00")
    finding = next(f for f in _errors(tmp_path, text, "hierarchy.sum") if "21001" in f.message)
    first = finding.locations[0]
    assert first.table == "final_expense#1" and first.row == "final_expense#1/21001"
    assert first.column and any(l.row == "final_expense#1/2100101" for l in finding.locations)
    assert "400" in finding.message and "410" in finding.message


def test_as_of_date_must_match_the_report_kind(tmp_path):
    text = CLEAN.replace("截至2023年12月31日", "截至2022年12月31日")
    assert any(f.rule == "metadata.as_of" for f in _findings(tmp_path, text))


def test_doubled_punctuation_is_a_warning(tmp_path):
    text = CLEAN.replace("本部门共有车辆2辆。", "本部门共有车辆2辆。。")
    found = [f for f in _findings(tmp_path, text) if f.rule == "hygiene.doubled"]
    assert found and found[0].severity == "warning"


def test_kemu_check_exit_codes_and_json(tmp_path, capsys):
    clean, bad = tmp_path / "clean.txt", tmp_path / "bad.txt"
    clean.write_text(CLEAN, encoding="utf-8")
    bad.write_text(CLEAN.replace("决算数小于预算数", "决算数大于预算数"), encoding="utf-8")
    assert main(["check", str(clean)]) == EXIT_OK
    capsys.readouterr()
    assert main(["check", str(bad)]) == EXIT_FINDINGS
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == "kemu.check" and data["counts"]["error"] >= 1
    finding = next(f for f in data["findings"] if f["rule"] == "narrative.comparison")
    assert finding["severity"] == "error" and "决算数" in finding["message"]
    assert set(finding["locations"][0]) == {"page", "table", "row", "column", "line"}


def test_seed_inconsistencies_are_reported_and_rounding_is_info():
    from tests.conftest import seed

    findings = run_checks(read_report(seed("003")))
    errors = [f.message for f in findings if f.severity == "error"]
    assert any("303 对个人和家庭的补助" in m and "3009.69" in m for m in errors)  # 303 ≠ Σ its 款 (3001.60)
    fault = next(f for f in findings if "303 对个人和家庭的补助" in f.message)
    assert any("人员经费合计" in e.message for e in fault.echoes)  # the same 8.09 again: an echo, not a second fault
    assert any("收入总计 6355.58" in m for m in errors)  # the narrative's 收入总计 is the table's 本年收入合计
    assert any("40.31%" in m for m in errors)  # 5968.12 / 14798.42 = 40.33%
    infos = [f for f in findings if f.severity == "info"]
    assert infos and all("尾数误差" in f.message for f in infos)
    assert not any(f.severity == "error" and "6360.07" in f.message and "三、支出决算表 合计" in f.message for f in findings)
    seed4 = [f.message for f in run_checks(read_report(seed("004"))) if f.severity == "error"]
    assert any("40.50" in m and "41" in m and "大于" in m for m in seed4)  # 信息化建设: 决算 40.50 < 预算 41


def test_a_sentence_cut_by_a_page_break_is_read_whole(tmp_path):
    text = CLEAN.replace(
        "2023年度本年收入合计1,000.00万元，其中：一般公共预算财政拨款收入900.00万元，占90.00%；其他收入100.00万元，占10.00%。",
        "2023年度本年收入合计1,000.00万元，其中：一般公共预算财政拨款收入900.00万元，占90.00%；\f其他收入100.00万元，占10.00%。",
    )
    assert "\f" in text
    assert not [f for f in _findings(tmp_path, text) if f.rule == "narrative.share"]
    bad = text.replace("占10.00%", "占12.00%")
    shares = [f for f in _findings(tmp_path, bad) if f.rule == "narrative.share"]
    assert shares and shares[0].locations[0].page == 1  # reported where the sentence starts


#: Errors confirmed on the page (docs/checks.md): each real report's error-level findings must quote one of these.
REAL_ERRORS = {
    "hangzhou_jiaotong_2026_budget.pdf": ("82479.29", "51417.49", "6651.38"),  # 基本支出小计 ≠ 人员经费 + 日常公用; 类 below its 款
}


def test_real_reports_get_only_their_confirmed_errors():
    from tests.conftest import REAL_REPORTS

    if not REAL_REPORTS.is_dir():
        pytest.skip("../shared/real_reports is not beside the repo")
    from parsers.errors import UnreadableReport

    for path in sorted(REAL_REPORTS.glob("*.pdf")):
        try:
            report = read_report(path)
        except UnreadableReport:
            continue
        errors = [f.message for f in run_checks(report) if f.severity == "error"]
        known = REAL_ERRORS.get(path.name, ())
        assert all(any(figure in m for figure in known) for m in errors), (path.name, errors)
        if path.name in REAL_ERRORS:
            assert any("6651.38" in m and "6700" in m for m in errors)  # a child over its parent in the 收支总表


def test_completeness_against_the_table_of_contents(tmp_path):
    toc = "目 录\n一、收入支出决算总表.....3\n二、支出决算表.....4\n三、收入决算表.....5\n"
    text = CLEAN.replace("第一部分 情况说明\n", toc + "第一部分 情况说明\n", 1)
    findings = _findings(tmp_path, text)
    listed = [f for f in findings if f.rule == "completeness.listed"]
    assert len(listed) == 1 and "收入决算表" in listed[0].message and listed[0].severity == "warning"
    assert not [f for f in findings if f.rule == "completeness.order"]
    swapped = toc.replace("一、收入支出决算总表", "X").replace("二、支出决算表", "一、收入支出决算总表").replace("X", "二、支出决算表")
    reordered = _findings(tmp_path, CLEAN.replace("第一部分 情况说明\n", swapped + "第一部分 情况说明\n", 1))
    assert [f for f in reordered if f.rule == "completeness.order"]


def test_empty_table_without_statement_is_flagged(tmp_path):
    text = CLEAN + "政府性基金预算财政拨款收入支出决算表\n部门：某县卫生健康局\t\t金额单位：万元\n科目编码\t科目名称\t本年支出\n合计\t\t\n"
    found = [f for f in _findings(tmp_path, text) if f.rule.startswith("completeness.e")]
    assert found and found[0].severity == "warning"
    stated = text + "本单位无政府性基金预算财政拨款收入支出，故本表无数据。\n"
    assert not [f for f in _findings(tmp_path, stated) if f.rule == "completeness.empty"]


def test_hierarchy_of_a_table_that_prints_names_only_is_checked_as_warning(tmp_path):
    def strip_codes(text: str) -> str:
        for code in ("2100101\t", "2100199\t", "2100401\t", "21001\t", "21004\t", "210\t"):
            text = text.replace(code, "\t")
        return text

    clean = strip_codes(CLEAN)
    assert not [f for f in _findings(tmp_path, clean) if f.rule == "hierarchy.sum" and f.severity != "info"]
    bad = strip_codes(CLEAN.replace("2100101\t行政运行\t300.00\t300.00\t0.00", "2100101\t行政运行\t310.00\t310.00\t0.00"))
    found = [f for f in _findings(tmp_path, bad) if f.rule == "hierarchy.sum" and "21001" in f.message]
    assert found and found[0].severity == "warning" and "名称匹配推断" in found[0].message


def test_flat_claim_against_the_two_amounts(tmp_path):
    sentence = "本年公务接待费1.50万元，与上年持平（上年公务接待费为1.50万元）。\n"
    text = CLEAN.replace("截至2023年12月31日", sentence + "截至2023年12月31日")
    assert not [f for f in _findings(tmp_path, text) if f.rule == "narrative.comparison"]
    bad = text.replace("上年公务接待费为1.50万元", "上年公务接待费为1.80万元")
    assert [f for f in _findings(tmp_path, bad) if f.rule == "narrative.comparison" and "持平" in f.message]


# Real narrative patterns: the claim follows the amounts of its numbered item after a 。.
ITEMS = (
    "（三）一般公共预算财政拨款支出决算具体情况\n"
    "1、卫生健康支出（类）公共卫生（款）疾病预防控制机构（项）。年初预算为600.00万元，支出决算为600.00万元。\n"
    "决算数等于预算数。\n"
    "2、卫生健康支出（类）卫生健康管理事务（款）行政运行（项）。年初预算为320.00万元，支出决算为300.00万元，完成年初预算的93.75%。"
    "决算数小于预算数的主要原因是：人员减少。\n"
)


def _with_items(items: str = ITEMS) -> str:
    return CLEAN.replace("截至2023年12月31日", items + "截至2023年12月31日", 1)


def _comparison(tmp_path, text: str) -> list:
    return [f for f in _findings(tmp_path, text) if f.rule in ("narrative.comparison", "narrative.completion")]


def test_claim_in_the_next_sentence_is_read_against_its_items_amounts(tmp_path):
    assert _comparison(tmp_path, _with_items()) == []
    wrong = _comparison(tmp_path, _with_items(ITEMS.replace("决算数小于预算数的主要原因", "决算数大于预算数的主要原因")))
    assert [f.severity for f in wrong] == ["error"] and "300.00" in wrong[0].message and "320.00" in wrong[0].message
    equal = _comparison(tmp_path, _with_items(ITEMS.replace("支出决算为600.00万元", "支出决算为610.00万元")))
    assert [f.severity for f in equal] == ["error"] and "等于" in equal[0].message


def test_claim_cut_from_its_amounts_by_a_page_break_is_reported_on_its_page(tmp_path):
    items = ITEMS.replace("决算数小于预算数的主要原因", "\f决算数大于预算数的主要原因")
    wrong = _comparison(tmp_path, _with_items(items))
    assert [f.severity for f in wrong] == ["error"] and wrong[0].locations[0].page == 2


def test_roughly_equal_has_a_tolerance_and_equal_has_none(tmp_path):
    roughly = "1、卫生健康支出（类）公共卫生（款）疾病预防控制机构（项）。年初预算为600.00万元，支出决算为590.00万元。决算数与预算数基本持平。\n"
    assert _comparison(tmp_path, _with_items(roughly)) == []
    far = _comparison(tmp_path, _with_items(roughly.replace("590.00", "400.00")))
    assert [f.severity for f in far] == ["error"] and "基本持平" in far[0].message
    assert _comparison(tmp_path, _with_items(roughly.replace("与预算数基本持平", "等于预算数")))


def test_amounts_of_another_item_are_never_used(tmp_path):
    items = ITEMS.replace("2、卫生健康支出（类）卫生健康管理事务（款）行政运行（项）。年初预算为320.00万元，", "2、卫生健康支出（类）卫生健康管理事务（款）行政运行（项）。")
    assert _comparison(tmp_path, _with_items(items.replace("小于预算数的主要原因", "大于预算数的主要原因"))) == []


def test_uncertain_attachment_is_a_warning(tmp_path):
    item = "1、“三公”经费。年初预算为10.00万元，支出决算为8.00万元，其中：公务接待费决算为5.00万元，公务用车运行费决算为3.00万元。决算数大于预算数。\n"
    found = _comparison(tmp_path, _with_items(item))
    assert found and {f.severity for f in found} == {"warning"} and "不确定" in found[0].message


DISPLACED = "2023年度本年支出合计 万元，其中：基本支出 万元，占 ；项目支出 1,000.00 300.00 30.00%\n700.00万元，占70.00%。\n"


def test_numbers_displaced_in_the_text_layer_go_back_to_their_blanks(tmp_path):
    text = CLEAN.replace("截至2023年12月31日", DISPLACED + "截至2023年12月31日", 1)
    assert [f for f in _findings(tmp_path, text) if f.rule.startswith("narrative")] == []
    wrong = [f for f in _findings(tmp_path, text.replace("30.00%", "35.00%")) if f.rule == "narrative.share"]
    assert wrong and {f.severity for f in wrong} == {"warning"} and "归位" in wrong[0].message
    ambiguous = text.replace("1,000.00 300.00 30.00%", "1,000.00 30.00%")  # one number short: nothing can be attached
    assert [f for f in _findings(tmp_path, ambiguous) if f.rule.startswith("narrative")] == []


def test_as_of_another_year_in_a_final_account_is_an_error(tmp_path):
    text = CLEAN.replace("截至2023年12月31日", "截至2022年12月31日")
    assert [f.severity for f in _findings(tmp_path, text) if f.rule == "metadata.as_of"] == ["error"]


def test_doubled_punctuation_quotes_its_sentence(tmp_path):
    text = CLEAN.replace("本部门共有车辆2辆。", "本部门共有车辆\n2辆。。")
    found = [f for f in _findings(tmp_path, text) if f.rule == "hygiene.doubled"]
    assert [f.severity for f in found] == ["warning"] and "截至2023年12月31日，本部门共有车辆2辆。。" in found[0].message


def test_a_blank_three_public_table_the_text_gives_amounts_for_is_an_error(tmp_path):
    blank = CLEAN.replace("10.00\t0.00\t10.00\t8.00\t0.00\t8.00\n", "")
    found = [f for f in _findings(tmp_path, blank) if f.rule == "narrative.amount"]
    assert [f.severity for f in found] == ["error"] and "未填列" in found[0].message
    stated_zero = blank.replace("支出决算为8.00万元，年初预算", "支出决算为0.00万元，年初预算")
    assert not [f for f in _findings(tmp_path, stated_zero) if f.rule == "narrative.amount" and "未填列" in f.message]


def test_rounding_infos_are_one_line_per_table_and_min_severity_hides_them(tmp_path, capsys):
    text = CLEAN.replace("2100199\t其他卫生健康管理事务支出\t100.00\t0.00\t100.00", "2100199\t其他卫生健康管理事务支出\t100.01\t0.00\t100.01")
    text = text.replace("2100401\t疾病预防控制机构\t600.00\t0.00\t600.00", "2100401\t疾病预防控制机构\t600.01\t0.00\t600.01")
    infos = [f for f in _findings(tmp_path, text) if f.rule == "hierarchy.sum"]
    assert len(infos) == 1 and infos[0].severity == "info"
    assert "处差额" in infos[0].message and "0.01" in infos[0].message and len(infos[0].locations) >= 2
    path = tmp_path / "rounding.txt"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path), "--min-severity", "warning"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["findings"] == []


def test_a_line_larger_than_its_parent_in_a_names_only_table_is_an_error(tmp_path):
    text = CLEAN
    for code in ("2100101\t", "2100199\t", "2100401\t", "21001\t", "21004\t", "210\t"):
        text = text.replace(code, "\t")
    assert not [f for f in _findings(tmp_path, text) if f.rule == "hierarchy.child"]
    bad = text.replace("\t卫生健康管理事务\t400.00\t300.00\t100.00", "\t卫生健康管理事务\t290.00\t290.00\t0.00")
    found = [f for f in _findings(tmp_path, bad) if f.rule == "hierarchy.child"]
    assert found and found[0].severity == "error" and "卫生健康管理事务 290" in found[0].message and "行政运行 300" in found[0].message


UNKNOWN_LINE = (
    "本年收入合计\t1,000.00\t本年支出合计\t1,000.00\n上年实户资金余额\t10.00\t年末结转和结余\t10.00\n"
    "年初结转和结余\t0.00\t\t\n总计\t1,010.00\t总计\t1,010.00\n"
)


def test_a_summary_line_kemu_does_not_know_is_summed_and_never_an_error(tmp_path):
    summary = "本年收入合计\t1,000.00\t本年支出合计\t1,000.00\n年初结转和结余\t0.00\t年末结转和结余\t0.00\n总计\t1,000.00\t总计\t1,000.00\n"
    assert summary in CLEAN
    text = CLEAN.replace(summary, UNKNOWN_LINE)
    assert not [f for f in _findings(tmp_path, text) if f.rule.startswith("totals")]
    wrong = [f for f in _findings(tmp_path, text.replace("总计\t1,010.00\t总计", "总计\t1,020.00\t总计")) if f.rule == "totals.sum"]
    income = [f for f in wrong if "收入总计" in f.message]
    assert income and income[0].severity == "warning" and "上年实户资金余额" in income[0].message


def test_a_table_cut_by_a_page_break_is_checked_as_one(tmp_path):
    cut = "2100199\t其他卫生健康管理事务支出\t100.00\t0.00\t100.00\n"
    repeated = "支出决算表\n部门：某县卫生健康局\t\t2023年度\t\t\t金额单位：万元\n科目编码\t科目名称\t本年支出合计\t基本支出\t项目支出\n"
    text = CLEAN.replace(cut, cut + "\f" + repeated)  # the title and header printed again on the next page
    # the parser stitches the title printed again on the next page into one table
    assert [(t.id, t.pages) for t in read_report_text(tmp_path, text).tables if t.kind == "final_expense"] == [("final_expense#1", (1, 2))]
    assert [f for f in _findings(tmp_path, text) if f.severity != "info"] == []
    bad = text.replace("2100401\t疾病预防控制机构\t600.00\t0.00\t600.00", "2100401\t疾病预防控制机构\t610.00\t0.00\t610.00")
    errors = [f for f in _errors(tmp_path, bad, "hierarchy.sum") if "21004" in f.message]
    assert errors and errors[0].locations[0].table == "final_expense#1" and errors[0].locations[0].page == 2


NINE_SLIPS = [  # (printed, slipped, rule, severity): the slips an auditor injected into a real 决算
    ("某县卫生健康局2023年度部门决算\n", "XX局2023年度部门决算\n", "metadata.placeholder", "error"),
    ("第一部分 情况说明", "第一部分 2022年度部门决算情况说明", "metadata.year", "error"),
    ("2023年度收入总计1,000.00万元", "2023年度收入总计0万元", "narrative.amount", "error"),
    ("本部门共有车辆2辆。", "本部门共有车辆2辆。。", "hygiene.doubled", "warning"),
    ("决算数等于预算数。", "决算数大于预算数。", "narrative.comparison", "error"),
    ("决算数小于预算数的主要原因", "决算数大于预算数的主要原因", "narrative.comparison", "error"),
    ("完成年初预算的80.00%，决算数小于预算数。", "完成年初预算的80.00%，决算数等于预算数。", "narrative.comparison", "error"),
    ("截至2023年12月31日", "截至2022年12月31日", "metadata.as_of", "error"),
    ("10.00\t0.00\t10.00\t8.00\t0.00\t8.00\n", "", "narrative.amount", "error"),
]


def test_nine_slips_each_reported_on_its_page_and_the_clean_twin_stays_quiet(tmp_path):
    clean = _with_items(ITEMS.replace("2、卫生健康支出", "\f2、卫生健康支出"))
    assert [f for f in _findings(tmp_path, clean) if f.severity == "error"] == []
    slipped = clean
    for printed, slip, _, _ in NINE_SLIPS:
        assert slipped.count(printed) == 1, printed
        slipped = slipped.replace(printed, slip)
    findings = _findings(tmp_path, slipped)
    for printed, slip, rule, severity in NINE_SLIPS:
        page = clean[: clean.index(printed)].count("\f") + 1
        hits = [f for f in findings if f.rule == rule and f.severity == severity and any(l.page == page for l in f.locations)]
        assert hits, (slip, rule, [(f.rule, f.severity, f.message) for f in findings])
