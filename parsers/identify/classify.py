"""A table's kind from what it holds, when its title names none.

Identification by title (``parsers.identify.kinds``) comes first. A table whose title is
missing, cut off, or worded in a way no rule knows is still built by the grid; this module
then reads its structure: which classification its codes belong to (功能 2xx, 部门经济
3xx, 政府经济 5xx), whether it has 收入 and 支出 sides, which amount columns it prints
(基本支出/项目支出, 人员经费/公用经费, income sources, "三公" items). Every report family
builds its tables from these parts, so the rule holds for templates nobody has seen.
The result carries a confidence below a title's and the reason, for the reviewer.
"""

from __future__ import annotations

from dataclasses import dataclass

from parsers.identify.kinds import TableKind, table_kind
from parsers.model import Table

STRUCTURE_CONFIDENCE = 0.6


@dataclass(frozen=True)
class Identification:
    kind: TableKind | None
    confidence: float
    reason: str


def _codes(table: Table) -> dict[str, int]:
    """Coded rows by classification: function (2xx), economic (3xx/5xx), income (1xx)."""
    found = {"function": 0, "economic": 0, "income": 0}
    for row in table.rows:
        if row.code and len(row.code) in (3, 5, 7) and row.name:  # a 科目 line prints its name
            head = row.code[0]
            found["function" if head == "2" else "economic" if head in "35" else "income" if head == "1" else "function"] += 1
    return found


def _labels(table: Table) -> str:
    return " ".join(c.label for c in table.columns) + " " + " ".join(c.key for c in table.columns)


def classify_structure(table: Table, report_kind: str | None) -> Identification:
    """The most specific kind the table's structure supports, or no kind."""
    final = report_kind == "决算"
    labels = _labels(table)
    codes = _codes(table)
    sides = {c.group for c in table.columns if c.group}
    names = " ".join(r.name for r in table.rows[:60])

    def pick(budget: str, closing: str, why: str) -> Identification:
        return Identification(table_kind(closing if final else budget), STRUCTURE_CONFIDENCE, f"structure: {why}")

    if any(word in labels for word in ("overseas_travel", "reception", "vehicle", "三公", "因公出国", "公务接待")):
        return pick("budget_three_public", "final_three_public", "三公 items in the header")
    incomes = sum("收入" in r.name for r in table.rows)
    expenses = sum("支出" in r.name for r in table.rows)
    if {"收入", "支出"} <= sides and incomes >= 2 and expenses >= 2:
        fiscal = "一般公共预算" in names or "财政拨款" in labels or "fiscal" in labels
        institution = any(word in names + labels for word in ("事业收入", "institution_income", "经营收入"))
        if fiscal and not institution:
            return pick("budget_fiscal_summary", "final_fiscal_summary", "收入 and 支出 sides, fiscal funds only")
        return pick("budget_summary", "final_income_expense_summary", "收入 and 支出 sides")
    if codes["economic"] > codes["function"] and codes["economic"] >= 3:
        return pick("budget_gp_basic", "final_gp_basic", "经济分类 codes")
    if codes["function"] >= 3 or codes["income"] >= 3:
        sources = ("institution_income", "general_budget", "gov_fund", "fiscal_grant", "opening_balance", "other_income")
        if sum(word in labels for word in sources) >= 2 and "basic" not in labels:
            return pick("budget_income", "final_income", "功能分类 codes with income sources")
        if "gov_fund" in labels and "institution_income" not in labels:
            return pick("budget_gov_fund", "final_gov_fund", "功能分类 codes, 政府性基金 columns")
        if "basic" in labels or "project" in labels:
            return pick("budget_expense", "final_expense", "功能分类 codes with 基本支出/项目支出")
        return pick("budget_expense", "final_expense", "功能分类 codes")
    return Identification(None, 0.0, "no title or structure fits")
