"""Column identities read from the header structure: a 合计/小计/总计 column = its sibling parts.

"本年支出/本年支出合计" = "本年支出/基本支出" + "本年支出/项目支出" (+ 上缴上级, 经营, 对附属单位);
"总计" = "本年收入/合计" + "上年结转结余/小计"; a group with its own 小计 counts once; a
"其中：" column is a part of a part and never added. Two-sided tables are skipped (their
labels keep only the leaf). An identity that fails in most rows of a table says the header
was misread, so it is reported once, as a warning.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from app.checks import Finding, Location, rule
from app.checks.arith import ZERO, Sum, cell_location, fmt, row_label, sum_finding, value
from parsers.model import Column, Report, Table
from parsers.sums import identities, label_path as _path


def value_missing(cell) -> bool:
    """A total printed blank beside printed parts: more likely a cell read into the wrong column."""
    return cell is None or cell.value is None


def _nested_part_explains(row, total: Column, parts: list[Column]) -> bool:
    """The total holds without one of two or more parts nested in one group (项目支出/项目支出总数
    beside 项目支出/扣除基建项目后预算数): that part is probably a "其中" column whose label does
    not say so, a header kemu cannot read for sure."""
    prefix = _path(total)[:-1]
    groups = Counter(tuple(_path(p)[:-1]) for p in parts)
    for part in parts:
        group = tuple(_path(part)[:-1])
        if group != tuple(prefix) and groups[group] >= 2:
            rest = [row.cells.get(p.key) for p in parts if p is not part]
            if Sum(row.cells.get(total.key), rest).severity() != "error":
                return True
    return False


def _other_grouping_adds_up(table: Table, row, total: Column, parts: list[Column]) -> bool:
    """The total equals a sum that uses a column outside ``parts``: the header, not the report,
    is probably wrong (a merged header read one column off). Dropping a part alone does not
    count: that is a wrong figure in the report."""
    target = value(row.cells.get(total.key))
    part_keys = {p.key for p in parts}
    amounts = [
        (value(row.cells.get(c.key)), c.key not in part_keys)
        for c in table.columns
        if c is not total and row.cells.get(c.key) is not None and value(row.cells.get(c.key))
    ][:14]
    if target == 0:
        return False
    inside, outside = {ZERO}, set()
    for amount, is_outside in amounts:
        if is_outside:
            outside |= {r + amount for r in inside | outside}
        else:
            outside |= {r + amount for r in outside}
            inside |= {r + amount for r in inside}
    return target in outside


@rule("columns")
def column_identities(report: Report) -> Iterable[Finding]:
    for table in report.tables:
        if any(c.group for c in table.columns):
            continue
        for total, parts in identities(table):
            checked = []
            for row in table.rows:
                sum_ = Sum(row.cells.get(total.key), [row.cells.get(p.key) for p in parts])
                if sum_.checkable:
                    checked.append((row, sum_))
            failing = [(row, s) for row, s in checked if s.severity() == "error"]
            formula = f"{total.label} = " + " + ".join(p.label for p in parts)
            duplicated = any(p.label == total.label for p in parts)  # the same header read twice
            if len(checked) >= 4 and len(failing) > len(checked) / 2:
                yield Finding(
                    "columns.identity", "warning",
                    f"{table.title}：{formula} 在 {len(failing)}/{len(checked)} 行不成立，可能是表头识别有误，请核对列",
                    (Location(table.pages[0], table.id, None, total.key),),
                )
                continue
            for row, sum_ in checked:
                message = f"{table.title} {row_label(row)}：{total.label} {fmt(value(sum_.total))} ≠ " + " + ".join(
                    f"{p.label} {fmt(value(row.cells.get(p.key)))}" for p in parts
                )
                locations = [cell_location(table, row, total.key)] + [cell_location(table, row, p.key) for p in parts]
                unsure = sum_.severity() == "error" and (
                    "header_spans_inferred" in table.flags
                    or duplicated
                    or value_missing(row.cells.get(total.key))
                    or all(value_missing(row.cells.get(p.key)) for p in parts)
                    or _nested_part_explains(row, total, parts)
                    or _other_grouping_adds_up(table, row, total, parts)
                )
                if unsure:
                    message += "；表头合并单元格为推断，可能是表头识别有误"
                finding = sum_finding("columns.identity", sum_, message, locations, unsure)
                if finding:
                    yield finding
