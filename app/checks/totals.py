"""Totals of the two-sided summary tables (收支总表): the 收入 side and the 支出 side balance.

Rows are recognised by their standard summary label (matching sets ``match.kind ==
"summary"``), never by position; a line kemu does not know printed between 本年收入合计 and
收入总计 is summed, not dropped, and its sum is never an error: 收入总计 = 支出总计; 本年收入合计 + 使用非财政拨款结余 +
年初结转和结余 = 收入总计; 本年支出合计 + 结余分配 + 年末结转和结余 = 支出总计; and 本年收入合计
= the sum of the top-level 收入 items (一、二、…) when they are printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.checks.findings import Finding, rule
from app.checks.arith import Sum, cell_location, fmt, sum_finding, value
from app.checks.tally import record
from parsers.model import Cell, Report, Row, Table

_TOP_ITEM = re.compile(r"^\s*[一二三四五六七八九十]+、")
_IDENTITIES = [
    ("income_grand_total", ["income_total_year", "use_non_fiscal_balance", "carryover_begin"], "收入总计", "本年收入合计、使用结余与年初结转和结余之和"),
    ("expense_grand_total", ["expense_total_year", "surplus_distribution", "carryover_end"], "支出总计", "本年支出合计、结余分配与年末结转和结余之和"),
]


def _labelled(table: Table) -> dict[str, Row]:
    out: dict[str, Row] = {}
    for row in table.rows:
        if row.match and row.match.kind == "summary":
            out.setdefault(row.match.code, row)
    return out


def _first_value(row: Row) -> tuple[str, Cell] | None:
    for key, cell in row.cells.items():
        return key, cell
    return None


@rule("totals")
def two_sided_totals(report: Report) -> Iterable[Finding]:
    for table in report.tables:
        if not any(c.group for c in table.columns):
            continue
        rows = _labelled(table)
        yield from _balance(table, rows)
        for total_id, part_ids, total_name, wording in _IDENTITIES:
            total = rows.get(total_id)
            parts = [rows[p] for p in part_ids if p in rows]
            if total is None or len(parts) < 1 or part_ids[0] not in rows:
                continue
            printed = _printed_between(table, rows[part_ids[0]], total)
            top = None if printed is None else without_sub_lines(printed, part_ids)
            if top is not None:
                parts = [r for r in top if _label_of(r) in part_ids]
            if top is None or top == parts:
                yield from _sum(table, total, parts, f"{table.title}：{total_name}", wording)
            else:
                yield from _sum_with_other_lines(table, total, parts, top, printed, f"{table.title}：{total_name}")
        yield from _income_items(table, rows)


def _printed_between(table: Table, first: Row, total: Row) -> list[Row] | None:
    """The lines printed from ``first`` (本年收入合计) down to ``total`` (收入总计) on that side,
    with an amount; None when the total is not printed below."""
    side = [r for r in table.rows if r.group == total.group]
    if first not in side or total not in side or side.index(first) > side.index(total):
        return None
    between = side[side.index(first) : side.index(total)]
    return [r for r in between if r.name.strip() and (c := _first_value(r)) is not None and c[1].value is not None]


def _label_of(row: Row) -> str | None:
    return row.match.code if row.match and row.match.kind == "summary" else None


def without_sub_lines(lines: list[Row], part_ids: list[str]) -> list[Row]:
    """The lines a total adds up: a "其中" line and the lines after it, up to the next standard
    part, break down the line above them (上年结余、结转 / 其中：上年结转 / 上年结余) and are
    never added again — even when a sub-line's name is a standard label (上年结转)."""
    out: list[Row] = []
    inside = False
    for row in lines:
        if row.name.strip().startswith("其中"):
            inside = True
        elif not inside or _label_of(row) in part_ids:
            inside = False
            out.append(row)
    return out


def _sum_with_other_lines(table: Table, total: Row, parts: list[Row], top: list[Row], printed: list[Row], what: str) -> Iterable[Finding]:
    """收入总计 where lines other than the standard parts are printed between (上年实户资金余额,
    上年结余、结转 …): it holds if the total equals the standard parts, or every line but the
    sub-lines, or every line printed; otherwise a warning: kemu cannot tell which of the lines
    are parts, so the report is not accused."""
    readings = [parts, top, printed]
    sums = [Sum(_first_value(total)[1], [_first_value(r)[1] for r in lines]) for lines in readings]
    if any(s.severity() != "error" for s in sums):
        record("totals.sum", True)  # a failing one is counted where it is reported
        return
    key = _first_value(total)[0]
    others = "、".join(r.name.strip() for r in top if r not in parts)
    message = f"{what} {fmt(value(sums[1].total))} ≠ 其上所列各行之和 {fmt(value(sums[1].total) - sums[1].difference)}（含未识别的行：{others}）"
    locations = [cell_location(table, total, key)] + [cell_location(table, r, _first_value(r)[0]) for r in top]
    finding = sum_finding("totals.sum", sums[1], message, locations, unsure=True)
    if finding:
        yield finding


def _balance(table: Table, rows: dict[str, Row]) -> Iterable[Finding]:
    income, expense = rows.get("income_grand_total"), rows.get("expense_grand_total")
    if income is None or expense is None:
        return
    a, b = _first_value(income), _first_value(expense)
    if a is None or b is None or a[1].value is None or b[1].value is None:
        return
    sum_ = Sum(a[1], [b[1]])
    message = f"{table.title}：收入总计 {fmt(value(a[1]))} ≠ 支出总计 {fmt(value(b[1]))}"
    finding = sum_finding("totals.balance", sum_, message, [cell_location(table, income, a[0]), cell_location(table, expense, b[0])])
    if finding:
        yield finding


def _sum(table: Table, total: Row, parts: list[Row], what: str, wording: str) -> Iterable[Finding]:
    first = _first_value(total)
    if first is None:
        return
    key, cell = first
    part_cells = [_first_value(p) for p in parts]
    sum_ = Sum(cell, [c[1] if c else None for c in part_cells])
    if not sum_.checkable or cell.value is None:
        return
    message = f"{what} {fmt(value(cell))} ≠ {wording} {fmt(value(cell) - sum_.difference)}"
    locations = [cell_location(table, total, key)] + [cell_location(table, p, c[0]) for p, c in zip(parts, part_cells) if c]
    finding = sum_finding("totals.sum", sum_, message, locations)
    if finding:
        yield finding


def _income_items(table: Table, rows: dict[str, Row]) -> Iterable[Finding]:
    """本年收入合计 = the 收入 items numbered 一、二、… printed above it."""
    total = rows.get("income_total_year")
    if total is None:
        return
    side = [r for r in table.rows if r.group == total.group]
    above = side[: side.index(total)]
    items = [r for r in above if _TOP_ITEM.match(r.name)]
    if len(items) >= 2:
        yield from _sum(table, total, items, f"{table.title}：本年收入合计", "各项收入之和")
