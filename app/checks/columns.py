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

from app.checks.findings import Finding, Location, rule
from app.checks.arith import ZERO, Sum, cell_location, fmt, row_label, sum_finding, value
from app.checks.tally import record
from parsers.model import Column, Report, Table
from parsers.evidence.sums import identities, label_path as _path

#: Rows where an identity holds with the same parts that confirm a header kemu doubts.
CONFIRMING_ROWS = 2


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


def _confirmed(row, parts: list[Column], holding: list) -> bool:
    """Whether at least ``CONFIRMING_ROWS`` rows where the identity holds use every part ``row``
    has an amount in (0 = 0 + 0, or a row with one part, confirms no split of the columns)."""
    used = [p.key for p in parts if value(row.cells.get(p.key)) != ZERO]
    return sum(1 for other in holding if all(value(other.cells.get(k)) != ZERO for k in used)) >= CONFIRMING_ROWS


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
                for _, sum_ in checked:
                    record("columns.identity", sum_.severity() != "error")
                yield Finding(
                    "columns.identity", "warning",
                    f"{table.title}：{formula} 在 {len(failing)}/{len(checked)} 行不成立，可能是表头识别有误，请核对列",
                    (Location(table.pages[0], table.id, None, total.key),),
                )
                continue
            # The header is doubted (merged cells guessed, a label read twice), but rows where the
            # identity holds with the same parts in use confirm it: then a row that fails is a
            # printed fault (a nested part that explains the row stays a doubt about the row).
            holding = [row for row, s in checked if s.severity() != "error"]
            doubted: list[Finding] = []
            for row, sum_ in checked:
                message = f"{table.title} {row_label(row)}：{total.label} {fmt(value(sum_.total))} ≠ " + " + ".join(
                    f"{p.label} {fmt(value(row.cells.get(p.key)))}" for p in parts
                )
                locations = [cell_location(table, row, total.key)] + [cell_location(table, row, p.key) for p in parts]
                failed = sum_.severity() == "error"
                header_doubt = failed and ("header_spans_inferred" in table.flags or duplicated) and not _confirmed(row, parts, holding)
                numbers_doubt = failed and (
                    _nested_part_explains(row, total, parts)
                    or value_missing(row.cells.get(total.key))
                    or all(value_missing(row.cells.get(p.key)) for p in parts)
                    or _other_grouping_adds_up(table, row, total, parts)
                )
                if header_doubt or numbers_doubt:
                    message += "；kemu 可能误读了表头或列（合并单元格为推断，或另一种列组合相符），请核对"
                finding = sum_finding("columns.identity", sum_, message, locations, header_doubt or numbers_doubt)
                if finding and finding.severity == "warning":
                    doubted.append(finding)
                elif finding:
                    yield finding
            yield from _one_review_item(table, formula, len(checked), doubted)


def _one_review_item(table: Table, formula: str, checked: int, doubted: list[Finding]) -> list[Finding]:
    """Rows whose identity fails where kemu doubts its reading of the columns: one review item
    for the table (a misread header is one thing to look at), pointing at each row's total."""
    if len(doubted) < 2:
        return doubted
    return [Finding(
        "columns.identity", "warning",
        f"kemu 可能误读了表头或列：{table.title} {formula} 在 {len(doubted)}/{checked} 行不成立（合并单元格为推断，或另一种列组合相符），请核对列",
        tuple(f.locations[0] for f in doubted),
    )]
