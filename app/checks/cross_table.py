"""Figures printed in two tables must agree.

- 收支总表 支出 side, each 类 line ↔ the 类 row of the 支出 table (支出决算表 / 部门支出总体情况表);
- 收支总表 本年收入合计 ↔ the 合计 row of the 收入 table;
- 一般公共预算财政拨款支出表 合计 基本支出 ↔ 人员经费合计 + 公用经费合计 of the 基本支出 table.
Amounts are compared in one unit (元 tables are converted to 万元 when the other is in 万元).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from app.checks.findings import Finding, rule
from app.checks.arith import Sum, cell_location, fmt, sum_finding
from app.checks.hierarchy import sure_code
from parsers.model import Cell, Report, Row, Table
from parsers.amounts import YUAN_PER_UNIT

SUMMARY_TO_EXPENSE = {
    "final_income_expense_summary": "final_expense",
    "budget_summary": "budget_expense",
}
SUMMARY_TO_INCOME = {
    "final_income_expense_summary": "final_income",
    "budget_summary": "budget_income",
}
GP_EXPENSE_TO_BASIC = {"final_gp_expense": "final_gp_basic", "budget_gp_expense": "budget_gp_basic"}


def _first(report: Report, kind: str) -> Table | None:
    tables = report.tables_of_kind(kind)
    return tables[0] if tables else None


def _in_unit(cell: Cell | None, source: Table, target: Table) -> Cell | None:
    """``cell`` restated in ``target``'s unit (rounded as the target prints)."""
    if cell is None or cell.value is None or source.unit == target.unit:
        return cell
    factor = Decimal(YUAN_PER_UNIT.get(source.unit or "", 1)) / Decimal(YUAN_PER_UNIT.get(target.unit or "", 1))
    return Cell(cell.raw, (cell.value * factor).quantize(Decimal("0.01")), cell.provenance)


def _total_row(table: Table) -> Row | None:
    return next((r for r in table.rows if r.match and r.match.kind == "total" and r.name in ("合计", "总计")), None)


def _first_cell(row: Row) -> tuple[str, Cell] | None:
    return next(iter(row.cells.items()), None)


@rule("cross_table")
def cross_table(report: Report) -> Iterable[Finding]:
    for summary_kind, expense_kind in SUMMARY_TO_EXPENSE.items():
        summary, expense = _first(report, summary_kind), _first(report, expense_kind)
        if summary and expense:
            yield from _classes(summary, expense)
    for summary_kind, income_kind in SUMMARY_TO_INCOME.items():
        summary, income = _first(report, summary_kind), _first(report, income_kind)
        if summary and income:
            yield from _income_total(summary, income)
    for gp_kind, basic_kind in GP_EXPENSE_TO_BASIC.items():
        gp, basic = _first(report, gp_kind), _first(report, basic_kind)
        if gp and basic:
            yield from _basic(gp, basic)


def _compare(rule_id: str, a_table: Table, a_row: Row, a_key: str, b_table: Table, b_row: Row, b_key: str, what: str) -> Iterable[Finding]:
    a, b = a_row.cells.get(a_key), _in_unit(b_row.cells.get(b_key), b_table, a_table)
    if a is None or b is None or a.value is None or b.value is None:
        return
    sum_ = Sum(a, [b])
    message = f"{what}：{a_table.title} {fmt(a.value)} ≠ {b_table.title} {fmt(b.value)}"
    finding = sum_finding(rule_id, sum_, message, [cell_location(a_table, a_row, a_key), cell_location(b_table, b_row, b_key)])
    if finding:
        yield finding


def _classes(summary: Table, expense: Table) -> Iterable[Finding]:
    expense_classes = {r.code: r for r in expense.rows if r.code and len(r.code) == 3}
    if not expense_classes or not expense.columns:
        return
    total_key = expense.columns[0].key
    for row in summary.rows:
        match = row.match
        if row.group != "支出" or not sure_code(row):
            continue  # a line matched to a 类 only by a resembling name is not that 类's line
        target = expense_classes.get(match.code)
        first = _first_cell(row)
        if target is None or first is None or first[1].value is None:
            continue
        yield from _compare("cross_table.class", summary, row, first[0], expense, target, total_key, f"{match.code} {match.name}")


def _income_total(summary: Table, income: Table) -> Iterable[Finding]:
    label = next((r for r in summary.rows if r.match and r.match.code == "income_total_year"), None)
    total = _total_row(income)
    key = _current_income_column(income)
    if label is None or total is None or key is None:
        return
    first = _first_cell(label)
    if first is not None:
        yield from _compare("cross_table.income", summary, label, first[0], income, total, key, "本年收入合计")


def _current_income_column(income: Table) -> str | None:
    """The 本年收入合计 column: "本年收入合计", or the 合计/小计 under "本年收入"; not a 总计 that adds 结转."""
    for column in income.columns:
        path = column.label.split("/")
        if path[-1] == "本年收入合计" or (path[0] == "本年收入" and path[-1] in ("合计", "小计") and len(path) == 2):
            return column.key
    return None


def _basic(gp: Table, basic: Table) -> Iterable[Finding]:
    """一般公共预算财政拨款支出表 合计行 基本支出 = 基本支出表 人员经费合计 + 公用经费合计."""
    total = _total_row(gp)
    basic_key = next((c.key for c in gp.columns if c.label.split("/")[-1] == "基本支出"), None)
    labels = {r.match.code: r for r in basic.rows if r.match and r.match.kind == "summary"}
    personnel, public = labels.get("personnel_total"), labels.get("public_funds_total")
    if total is None or basic_key is None or personnel is None or public is None:
        return
    key = next((c.key for c in basic.columns if "基本支出" in c.label), basic.columns[0].key if basic.columns else None)
    if key is None:
        return
    parts = [_in_unit(personnel.cells.get(key), basic, gp), _in_unit(public.cells.get(key), basic, gp)]
    sum_ = Sum(total.cells.get(basic_key), parts)
    if not sum_.checkable:
        return
    message = f"{gp.title} 基本支出 {fmt(sum_.total.value) if sum_.total and sum_.total.value is not None else '—'} ≠ {basic.title} 人员经费合计与公用经费合计之和 {fmt(sum((p.value for p in parts if p and p.value is not None), Decimal(0)))}"
    finding = sum_finding(
        "cross_table.basic", sum_, message,
        [cell_location(gp, total, basic_key), cell_location(basic, personnel, key), cell_location(basic, public, key)],
    )
    if finding:
        yield finding
