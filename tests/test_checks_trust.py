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
    """The error-level faults; with ``rule``, those where that rule fails (first or as an echo)."""
    return [f for f in findings if f.severity == "error" and (rule is None or rule in {f.rule, *(e.rule for e in f.echoes)})]


def test_each_economic_block_is_summed_on_its_own(tmp_path):
    """Cause 1: 301 printed under 501 and again under 505, each with its children."""
    report = _read(tmp_path, DUAL)
    assert [r.extra_codes for r in report.tables[0].rows if r.code == "301"] == [("501",), ("505",)]
    assert _errors(run_checks(report)) == []
    slip = DUAL.replace("30101\t基本工资\t50501\t工资福利支出\t50.00", "30101\t基本工资\t50501\t工资福利支出\t60.00")
    [fault] = _errors(run_checks(_read(tmp_path, slip)))  # the row's identity, and the sum of its block as its echo
    sums = [f for f in (fault, *fault.echoes) if f.rule == "hierarchy.sum"]
    assert [f.locations[0].row for f in sums] == ["budget_gp_basic#1/301#2"]  # the second block's 301, not the first


def _clean():
    from tests.test_checks import CLEAN

    return CLEAN


def test_a_line_named_like_a_class_is_not_compared_with_that_class(tmp_path):
    """Cause 3: 其他卫生健康支出 on the 收支总表 resembles 类 210 卫生健康支出 but is not its line."""
    line = "二、其他收入\t100.00\t二、卫生健康支出\t1,000.00\n"
    text = _clean().replace(line, line + "\t\t三、其他卫生健康支出\t5.00\n")
    assert _errors(run_checks(_read(tmp_path, text))) == []
    assert _errors(run_checks(_read(tmp_path, text.replace(line, line.replace("1,000.00", "1,001.00")))), "cross_table.class")  # the 类 line itself still is


SUMMARY = "本年收入合计\t1,000.00\t本年支出合计\t1,000.00\n年初结转和结余\t0.00\t年末结转和结余\t0.00\n总计\t1,000.00\t总计\t1,000.00\n"
SUB_LINES = "本年收入合计\t1,000.00\t本年支出合计\t1,000.00\n上年结余、结转\t100.00\t年末结转和结余\t100.00\n其中：上年结转\t60.00\t\t\n上年结余\t40.00\t\t\n总计\t1,100.00\t总计\t1,100.00\n"


def test_sub_lines_under_the_carry_over_are_not_added_again(tmp_path):
    """Cause 5: 其中：上年结转 / 上年结余 break down 上年结余、结转; 收入总计 adds the line once."""
    text = _clean().replace(SUMMARY, SUB_LINES).replace("收入总计1,000.00万元，支出总计1,000.00万元", "收入总计1,100.00万元，支出总计1,100.00万元")
    assert [f for f in run_checks(_read(tmp_path, text)) if f.rule.startswith("totals") and f.severity != "info"] == []
    standard = text.replace("上年结余、结转\t100.00", "上年结转\t100.00").replace("总计\t1,100.00\t总计", "总计\t1,150.00\t总计")
    assert _errors(run_checks(_read(tmp_path, standard)), "totals.sum")  # every line known: a wrong total is an error


def test_a_share_of_rounded_items_is_read_with_their_rounding(tmp_path):
    """Cause 4: 40.60 of 46.21 is 87.86%; summed from the rounded items the whole is 46.20 (87.88%)."""
    sentence = "2023年度本年收入合计1,000.00万元，其中：一般公共预算财政拨款收入900.00万元，占90.00%；其他收入100.00万元，占10.00%。"
    rounded = "基本支出40.60万元，占87.86%；项目支出5.60万元，占12.14%。"  # 40.60 / 46.21 (the printed total)
    text = _clean().replace(sentence, sentence + rounded)
    assert _errors(run_checks(_read(tmp_path, text)), "narrative.share") == []
    assert _errors(run_checks(_read(tmp_path, text.replace("占87.86%", "占87.66%"))), "narrative.share")


def _split(report, after: str, keys: tuple[str, ...]):
    """The report as the PDF reader gives a table whose continuation repeats its header wrapped
    otherwise: the rows after ``after`` in an untitled table of their own on the next page, with
    other column keys and a kind read from structure only."""
    tables = []
    for table in report.tables:
        names = [r.name for r in table.rows]
        if after not in names:
            tables.append(table)
            continue
        cut = names.index(after) + 1
        rekey = dict(zip((c.key for c in table.columns), keys))
        rest = tuple(replace(r, id=r.id.replace(table.id, "unknown#9"), cells={rekey[k]: c for k, c in r.cells.items()}) for r in table.rows[cut:])
        columns = tuple(replace(c, key=rekey[c.key], label=c.label + "（续）") for c in table.columns)
        tables += [
            replace(table, rows=table.rows[:cut]),
            replace(table, id="unknown#9", kind="unknown", title="", kind_confidence=0.0, pages=(table.pages[-1] + 1,), columns=columns, rows=rest),
        ]
    return replace(report, tables=tuple(tables))


def test_a_continuation_read_with_another_header_is_checked_with_its_first_part(tmp_path):
    """Cause 2: the 合计 matches the rows of both parts, not those that stayed with the first."""
    report = _split(_read(tmp_path, _clean()), "其他卫生健康管理事务支出", ("c1", "c2", "c3"))
    assert [t.title for t in report.tables if t.kind in ("final_expense", "unknown")] == ["支出决算表", ""]
    assert _errors(run_checks(report)) == []
    slip = _clean().replace("2100401\t疾病预防控制机构\t600.00\t0.00\t600.00", "2100401\t疾病预防控制机构\t610.00\t0.00\t610.00")
    slipped = _errors(run_checks(_split(_read(tmp_path, slip), "其他卫生健康管理事务支出", ("c1", "c2", "c3"))), "hierarchy.sum")
    assert slipped and slipped[0].locations[0].table == "unknown#9"  # a fault in the continuation is still found there


EXPENSE = """科目编码\t科目名称\t本年支出合计\t基本支出\t项目支出
合计\t\t1,000.00\t300.00\t700.00
210\t卫生健康支出\t1,000.00\t300.00\t700.00
21001\t卫生健康管理事务\t400.00\t300.00\t100.00
2100101\t行政运行\t300.00\t300.00\t0.00
2100199\t其他卫生健康管理事务支出\t100.00\t0.00\t100.00
21004\t公共卫生\t600.00\t0.00\t600.00
2100401\t疾病预防控制机构\t600.00\t0.00\t600.00
"""
REPEATED = "\f一般公共预算财政拨款支出决算表\n部门：某县卫生健康局\t\t2023年度\t\t\t金额单位：万元\n" + EXPENSE


def test_one_wrong_cell_is_one_fault_with_its_echoes(tmp_path):
    """Cause 6: 其他卫生健康管理事务支出 printed 90 instead of 100 (in 本年支出合计 and 项目支出), in
    the 支出决算表 and again in the table that repeats it: four failing sums, one fault."""
    three_public = "一般公共预算财政拨款“三公”经费支出决算表"
    text = _clean().replace(three_public, REPEATED + three_public)
    assert EXPENSE in _clean() and _errors(run_checks(_read(tmp_path, text))) == []
    slipped = text.replace("2100199\t其他卫生健康管理事务支出\t100.00\t0.00\t100.00", "2100199\t其他卫生健康管理事务支出\t90.00\t0.00\t90.00")
    result = check_report(_read(tmp_path, slipped))
    [fault] = _errors(result.findings)
    assert fault.rule == "hierarchy.sum" and "21001" in fault.message and len(fault.echoes) == 3
    assert {e.locations[0].table for e in fault.echoes} == {"final_expense#1", "final_gp_expense#1"}
    assert result.checked["sums"].compared - result.checked["sums"].agreed == 4  # what was compared still counts each sum


SLIP_21004 = ("21004\t公共卫生\t600.00\t0.00\t600.00", "21004\t公共卫生\t600.00\t10.00\t600.00")


def _with_table(report, kind: str, **changes):
    return replace(report, tables=tuple(replace(t, **changes) if t.kind == kind else t for t in report.tables))


def test_a_fault_under_a_doubted_header_the_other_rows_confirm_is_an_error(tmp_path):
    """Cause 7: merged header cells guessed, but the identity holds in every other row: the
    numbers are certain, so the one row where it fails is a printed fault, not a header doubt."""
    report = _read(tmp_path, _clean().replace(*SLIP_21004))
    doubted = _with_table(report, "final_expense", flags=("header_spans_inferred",))
    assert _errors(run_checks(doubted), "columns.identity")
    lone = _read(tmp_path, "某县卫生健康局2023年度部门决算\n支出决算表\n金额单位：万元\n" + EXPENSE.split("合计\t\t1,000.00")[0] + "2100401\t疾病预防控制机构\t600.00\t10.00\t600.00\n")
    unconfirmed = _with_table(lone, "final_expense", flags=("header_spans_inferred",))
    assert [f.severity for f in run_checks(unconfirmed) if f.rule == "columns.identity"] == ["warning"]  # nothing confirms the header


def test_a_disagreement_on_a_doubtful_reading_is_a_review_item(tmp_path):
    """An error is a claim about the printed report: on a table kemu's evidence does not back
    (Table.reading, issue 21) or a figure OCR read unsurely, it says kemu may have misread it."""
    report = _read(tmp_path, _clean().replace(*SLIP_21004))
    assert _errors(run_checks(report))
    uncertain = _with_table(report, "final_expense", reading="uncertain", reading_reasons=("各行之和与合计不符的比例过高",))
    findings = run_checks(uncertain)
    assert _errors(findings) == []
    review = [f for f in findings if f.rule == "columns.identity"]
    assert review and review[0].severity == "warning" and review[0].message.startswith("kemu 可能误读了") and "各行之和与合计不符" in review[0].message
    scanned = replace(report, tables=tuple(
        replace(t, rows=tuple(replace(r, cells={k: replace(c, provenance=replace(c.provenance, confidence=0.5)) for k, c in r.cells.items()}) if r.code == "21004" else r for r in t.rows))
        for t in report.tables
    ))
    assert _errors(run_checks(scanned)) == []


def test_no_message_claims_the_report_lacks_what_kemu_did_not_read(tmp_path):
    text = _clean().replace("科目编码\t科目名称\t本年支出合计", "科目名称\t\t本年支出合计")
    for code in ("2100101", "2100199", "2100401", "21001", "21004", "210"):
        text = text.replace(f"{code}\t", "", 1)
    text = text.replace("卫生健康管理事务\t400.00", "卫生健康管理事务\t410.00")
    messages = [f.message for f in run_checks(_read(tmp_path, text)) if f.rule == "hierarchy.sum"]
    assert messages and not any("表中未印" in m for m in messages) and any("kemu 未读到科目编码" in m for m in messages)


def test_kemu_check_says_what_was_compared_and_lists_echoes(tmp_path, capsys):
    import json

    from app.cli import EXIT_FINDINGS, main

    path = tmp_path / "slip.txt"
    path.write_text(_clean().replace(*SLIP_21004), encoding="utf-8")
    assert main(["check", str(path)]) == EXIT_FINDINGS
    data = json.loads(capsys.readouterr().out)
    assert data["schema_version"] == "1.1" and data["counts"]["error"] == 1  # one fault ...
    [fault] = [f for f in data["findings"] if f["severity"] == "error"]
    assert [e["rule"] for e in fault["echoes"]] == ["hierarchy.sum", "hierarchy.sum"]  # ... its echoes (its 项, its 类) under it
    assert set(data["checked"]) == {"sums", "identities", "cross_table", "narrative"}
    assert all(0 <= c["agreed"] <= c["compared"] for c in data["checked"].values()) and data["checked"]["narrative"]["compared"] >= 5
    assert data["checked"]["identities"]["compared"] - data["checked"]["identities"]["agreed"] == 1
    assert main(["check", str(path), "--format", "text"]) == EXIT_FINDINGS
    text = capsys.readouterr().out
    assert "已核对：加总" in text and any(line.strip().startswith("↳") and "层级汇总" in line for line in text.splitlines())


def test_a_header_kemu_may_have_misread_is_one_review_item_for_the_table(tmp_path):
    """A misread header is one thing to look at: the rows it makes fail are one review item, not
    a warning per row (a report of merged per-unit tables got 112)."""
    rows = "2100101\t行政运行\t100.00\t100.00\t0.00\n2100102\t一般行政管理事务\t50.00\t50.00\t0.00\n2100103\t机关服务\t30.00\t30.00\t0.00\n2100104\t卫生健康统计\t60.00\t10.00\t40.00\n2100105\t爱国卫生\t80.00\t20.00\t50.00\n"
    text = "某县卫生健康局2023年度部门决算\n支出决算表\n金额单位：万元\n" + EXPENSE.split("\n")[0] + "\n" + rows
    doubted = _with_table(_read(tmp_path, text), "final_expense", flags=("header_spans_inferred",))
    findings = [f for f in run_checks(doubted) if f.rule == "columns.identity"]
    assert [f.severity for f in findings] == ["warning"] and len(findings[0].locations) == 2
    assert findings[0].message.startswith("kemu 可能误读了表头或列")


def test_a_child_joins_the_block_its_second_code_names(tmp_path):
    """Cause 1, other order: both 301 lines first, then their children; 30101 beside 50501 is the
    child of 301 beside 505."""
    lines = DUAL.splitlines(keepends=True)
    head, body = lines[:6], lines[6:]
    order = [0, 3, 1, 2, 4, 5, 6]  # 301/501, 301/505, 30101/50101, 30102/50101, 30101/50501, 302, 30201
    text = "".join(head + [body[i] for i in order])
    assert _errors(run_checks(_read(tmp_path, text))) == []


def test_the_workbench_walks_every_place_a_fault_is_seen(tmp_path):
    """Counts count faults, but the reviewer still visits the cells of each echo."""
    from app.review.session import problems

    report = _read(tmp_path, _clean().replace(*SLIP_21004))
    findings = run_checks(report)
    [fault] = _errors(findings)
    places = {(p.row, p.column) for p in problems(report, findings)}
    assert {(f.locations[0].row, f.locations[0].column) for f in (fault, *fault.echoes)} <= places
