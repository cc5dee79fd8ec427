"""Completeness: the tables the 目录 lists are there, in that order; the tables a 预算 or 决算
must publish are there; an empty table says so, and the narrative explains it.

A table kemu cannot find may be kemu's miss rather than the report's, so missing tables are
warnings, not errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.checks.findings import Finding, Location, rule
from parsers.model import Report
from parsers.identify.kinds import identify_table, table_kind
from parsers.tables.segment import is_empty_statement

REQUIRED = {
    "决算": ("final_income_expense_summary", "final_income", "final_expense", "final_fiscal_summary", "final_gp_expense",
             "final_gp_basic", "final_three_public", "final_gov_fund", "final_soe_capital"),
    "预算": ("budget_summary", "budget_income", "budget_expense", "budget_fiscal_summary", "budget_gp_expense",
             "budget_gp_basic", "budget_three_public", "budget_gov_fund"),
}
_LEADERS = re.compile(r"(?:\.{2,}|…+|·{3,}|-{3,})?\s*\d{0,3}\s*$")
_BULLET = re.compile(r"^[\s\-*•]+")
_TOC_HEAD = re.compile(r"^目\s*录$")
_FUND_WORDS = {"final_gov_fund": "政府性基金", "budget_gov_fund": "政府性基金", "final_soe_capital": "国有资本经营", "final_three_public": "三公"}


def toc_kinds(report: Report) -> list[tuple[str, int]]:
    """(kind, page) of every table the 目录 lists, in its order."""
    found: list[tuple[str, int]] = []
    for page in report.pages:
        in_toc = False
        for line in page.lines:
            text = line.text.strip()
            if _TOC_HEAD.match(text.replace(" ", "")):
                in_toc = True
                continue
            if not in_toc:
                continue
            if "。" in text:
                break
            title = _LEADERS.sub("", _BULLET.sub("", text)).strip()
            kind = identify_table(title, report.report_kind) if title else None
            if kind is not None and kind.id not in (k for k, _ in found):
                found.append((kind.id, page.number))
    return found


@rule("completeness")
def completeness(report: Report) -> Iterable[Finding]:
    present = [t.kind for t in report.tables]
    listed = toc_kinds(report)
    for kind, page in listed:
        if kind not in present:
            yield Finding("completeness.listed", "warning", f"目录列有“{table_kind(kind).name}”，报告中未找到该表", (Location(page),))
    order = [k for k, _ in listed if k in present]
    printed = [k for k in dict.fromkeys(present) if k in order]
    if order and printed != order:
        yield Finding("completeness.order", "warning", "表的顺序与目录不一致", (Location(listed[0][1]),))
    identified = [k for k in present if k != "unknown"]
    warned = {k for k, _ in listed}
    if len(identified) >= 4 and report.report_kind in REQUIRED:
        for kind in REQUIRED[report.report_kind]:
            if kind not in present and kind not in warned:
                yield Finding("completeness.required", "info", f"{report.report_kind}公开通常包含“{table_kind(kind).name}”，未找到", (Location(1),))
    text = "\n".join(line.text for page in report.pages for line in page.lines)
    required = {k for kinds in REQUIRED.values() for k in kinds}
    for table in report.tables:
        if not table.empty or table.kind not in required:
            continue
        page = table.provenance.page if table.provenance else table.pages[0]
        statement = any(is_empty_statement(line.text) for p in report.pages if p.number in table.pages for line in p.lines)
        topic = _FUND_WORDS.get(table.kind, "")
        explained = bool(topic) and bool(re.search(topic + r".{0,30}(?:无|没有|未|为0|为零|0万元|0\.00万元)", text))
        if not statement:
            severity = "info" if explained else "warning"
            yield Finding("completeness.empty", severity, f"“{table.title}”为空表，但表内未说明“本表无数据”", (Location(page, table.id),))
        elif not explained:
            yield Finding("completeness.explained", "info", f"“{table.title}”为空表，情况说明未见相应解释", (Location(page, table.id),))
