"""Hierarchy sums in code tables: 项 → 款 → 类 → 合计, and 人员经费/公用经费合计 in 基本支出 tables.

A parent is checked only against the children the table prints (reports omit zero rows,
which add nothing). When most parents of one table fail, the table was probably misread
(codes or columns), so the findings become warnings: the report is not accused of what
kemu may have got wrong.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from app.checks.findings import Finding, rule
from app.checks.arith import Sum, cell_location, fmt, row_label, step, sum_finding, value
from app.matching.matcher import NON_SUBJECT_KINDS, normalize_name
from parsers.model import Report, Row, Table
from parsers.evidence.sums import families, parent_code

PERSONNEL_CLASSES = ("301", "303")


def _is_total(row: Row) -> bool:
    return bool(row.match and row.match.kind == "total" and row.name)


def _label(row: Row) -> str | None:
    return row.match.code if row.match and row.match.kind == "summary" else None


@rule("hierarchy")
def hierarchy_sums(report: Report) -> Iterable[Finding]:
    for table in report.tables:
        if not subject_table(table):
            continue
        coded = coded_rows(table)
        if len(coded) < 2:
            continue
        parents, totals = list(parent_checks(table, coded)), list(_total_checks(table, coded))
        checks = parents + totals
        failing = sum(1 for _, s, _ in checks if s.severity() == "error")
        inferred = not any(r.code for r in table.rows)  # codes from matching, not printed: less certain
        misread = len(checks) >= 4 and failing > len(checks) / 2
        unsure = inferred or misread
        # 合计 against top-level lines that are not all 类: the table does not print the whole
        # hierarchy (or kemu missed lines), so which lines make the 合计 is not certain.
        partial = any(parent_code(r.code) not in {c.code for c in coded} and len(r.code) != 3 for r in coded)
        if inferred and not misread:
            yield from _children_above_parent(table, coded)
        for number, (message, sum_, locations) in enumerate(checks):
            if inferred:
                message += "；kemu 未读到科目编码，层级由名称匹配推断"
            is_total = number >= len(parents)
            if is_total and partial:
                message += "；kemu 读到的顶层行并非全为类级科目，合计的构成不确定"
            finding = sum_finding("hierarchy.sum", sum_, message, locations, unsure or (is_total and partial))
            if finding:
                yield finding


def failing_sums(table: Table) -> int:
    """How many of the table's hierarchy sums fail beyond rounding."""
    coded = coded_rows(table)
    return sum(1 for _, s, _ in [*parent_checks(table, coded), *_total_checks(table, coded)] if s.severity() == "error")


def subject_table(table: Table) -> bool:
    """Whether the table's codes are 科目: in unknown and score/serial-number tables they are not."""
    return table.kind != "unknown" and not any(word in table.kind for word in NON_SUBJECT_KINDS)


def coded_rows(table: Table) -> list[Row]:
    """Rows with their 科目 code: as printed, or — in a table that prints names only (杭州) —
    the code matching is sure of (auto or confirmed), so the hierarchy is checked there too."""
    printed = [r for r in table.rows if r.code and len(r.code) in (3, 5, 7) and not r.code.startswith("0")]  # 0xx: unit codes
    if printed:
        return printed
    return [replace(r, code=r.match.code) for r in table.rows if sure_code(r) and len(r.match.code) in (3, 5, 7)]


def sure_code(row: Row) -> bool:
    """Whether the row's 科目 code is certain: printed, confirmed by a reviewer, or taken by
    matching for the catalog's own name (or its cut-short print). A line whose name only
    resembles a 科目's (其他卫生健康支出 beside 类 卫生健康支出) is not that 科目's line."""
    match = row.match
    if match is None or match.kind != "subject" or not match.code:
        return False
    if row.code == match.code or match.decision == "confirmed":
        return True
    printed, catalog = normalize_name(row.name), normalize_name(match.name or "")
    return match.decision == "auto" and (printed == catalog or (len(printed) >= 4 and catalog.startswith(printed)))


def parent_checks(table: Table, coded: list[Row]):
    for parent, kids in families(coded):
        level = {7: "项", 5: "款"}.get(len(kids[0].code), "下级")
        for column in table.columns:
            sum_ = Sum(parent.cells.get(column.key), [k.cells.get(column.key) for k in kids])
            if not sum_.checkable:
                continue
            message = (
                f"{table.title} {row_label(parent)} {column.label} {fmt(value(sum_.total))} "
                f"≠ 其下各{level if level != '下级' else ''}之和 {fmt(value(sum_.total) - sum_.difference)}"
            )
            locations = [cell_location(table, parent, column.key)] + [cell_location(table, k, column.key) for k in kids]
            yield message, sum_, locations


def _children_above_parent(table: Table, coded: list[Row]) -> Iterable[Finding]:
    """In a table that prints names only, a line larger than the line it is printed under (其他一般
    公共服务支出 6,700.00 under 一般公共服务支出 6,651.38) is an error even though the other
    lines of the family are not certain: no reading of the hierarchy makes a part exceed its whole.
    The child must be printed below its parent, before the next 类 line."""
    position = {r.id: i for i, r in enumerate(table.rows)}
    classes = sorted(position[r.id] for r in coded if len(r.code) == 3)
    for parent, kids in families(coded):
        for kid in kids:
            start, end = position[parent.id], position[kid.id]
            if end < start or any(start < c < end for c in classes):
                continue
            for column in table.columns:
                whole, part = parent.cells.get(column.key), kid.cells.get(column.key)
                if whole is None or part is None or whole.value is None or part.value is None or whole.value < 0:
                    continue
                if part.value - whole.value > step([whole, part]):
                    yield Finding(
                        "hierarchy.child", "error",
                        f"{table.title} {column.label}：{parent.name} {fmt(whole.value)} 小于其下的 {kid.name} {fmt(part.value)}",
                        (cell_location(table, parent, column.key), cell_location(table, kid, column.key)),
                    )


def _total_checks(table: Table, coded: list[Row]):
    """合计 = Σ top-level rows; 人员经费合计 = Σ 301, 303; 公用经费合计 = Σ the other 类."""
    codes = {r.code for r in coded}
    top = [r for r in coded if parent_code(r.code) not in codes]
    classes = [r for r in coded if len(r.code) == 3]
    targets: list[tuple[Row, list[Row], str]] = []
    for row in table.rows:
        if _is_total(row) and row.name in ("合计", "总计"):
            targets.append((row, top, "各科目之和"))
        elif _label(row) == "personnel_total" and classes:
            targets.append((row, [r for r in classes if r.code in PERSONNEL_CLASSES], "工资福利支出与对个人和家庭的补助之和"))
        elif _label(row) == "public_funds_total" and classes:
            targets.append((row, [r for r in classes if r.code not in PERSONNEL_CLASSES], "其余各类之和"))
    for total, parts, wording in targets:
        if not parts:
            continue
        for column in table.columns:
            sum_ = Sum(total.cells.get(column.key), [p.cells.get(column.key) for p in parts])
            if not sum_.checkable:
                continue
            message = f"{table.title} {total.name} {column.label} {fmt(value(sum_.total))} ≠ {wording} {fmt(value(sum_.total) - sum_.difference)}"
            yield message, sum_, [cell_location(table, total, column.key)] + [cell_location(table, p, column.key) for p in parts]
