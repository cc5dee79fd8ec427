"""Chart data: the numbers behind a report's bar and pie charts, which are not budget tables.

Word reports keep each chart's data beside it, and a text export prints that data as lines of
labels followed by as many values — "基本支出 项目支出 311.15000000000009 2.59" — often
under the title of the table the chart illustrates. Read as a table, those lines make rows
such as "基本支出项目支出311.15…" under 一般公共预算财政拨款支出决算表. A series is what a
chart is built from, so the rule is structural: when most of a segment's values come in
series — two labels or more followed, on the same line, by exactly as many values — the
segment is chart data. It becomes a table of its own kind, one row per
label and value, kept for the reviewer and left out of matching, checks and exports.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from parsers.amounts import is_amount, parse_amount
from parsers.tables.grid import cell_provenance, is_code_name, row_identity
from parsers.read.layout import SourceLine
from parsers.model import CHART_KIND, Cell, Column, Provenance, Row, Table
from parsers.tables.segment import CJK, Segment, normalize_text

_MIN_SHARE = 0.6  # of a segment's values that sit in multi-label series
VALUE_COLUMN = Column("value", "数值")


@dataclass(frozen=True)
class _Point:
    label: str
    raw: str
    line: SourceLine
    index: int  # the value's fragment on its line
    same_line: bool  # label and value printed on one line (a header above a data row is not a series)


def _is_label(text: str) -> bool:
    """Two ideographs at least, on one printed line of the cell."""
    return any(len(CJK.findall(line)) >= 2 for line in text.split("\n"))


def _split(line: SourceLine) -> tuple[list[str], list[str]] | None:
    """Leading labels and trailing values of one line, or None when they interleave or the line
    is a row of a ruled table (a chart's data is never ruled)."""
    if line.region is not None:
        return None
    cells = line.cells
    labels = 0
    while labels < len(cells) and not is_amount(cells[labels]):
        labels += 1
    values = cells[labels:]
    labelled = all(_is_label(c) and not is_code_name(c) for c in cells[:labels])  # "30206-电费" is a table row
    if not all(is_amount(v) for v in values) or not labelled:
        return None
    return cells[:labels], values


def chart_points(lines: list[SourceLine]) -> tuple[list[_Point], int]:
    """Every label–value pair read as a series, and the number of values on the lines."""
    points: list[_Point] = []
    values_seen = 0
    pending: list[str] = []
    for line in lines:
        split = _split(line)
        if split is None:
            values_seen += sum(is_amount(c) for c in line.cells)
            pending = []
            continue
        labels, values = split
        values_seen += len(values)
        if labels and not values:
            pending = labels
            continue
        same_line = bool(labels)
        labels = labels or pending
        pending = []
        if len(labels) == len(values):
            first = len(line.cells) - len(values)
            points.extend(_Point(label, raw, line, first + i, same_line) for i, (label, raw) in enumerate(zip(labels, values)))
    return points, values_seen


def is_chart(segment: Segment) -> bool:
    """Most values of the segment are chart series: two labels or more, then their values, on one line.

    A header line above one unlabelled data row (a "三公" table) has the same counts, but on
    two lines, and stays a table. So does a table whose every row prints two names and two
    amounts: a table's rows share its columns, while a report's charts differ in their
    number of bars, so the series must come in two sizes at least."""
    points, values_seen = chart_points(segment.lines)
    per_line = Counter(id(point.line) for point in points if point.same_line)
    in_series = sum(1 for point in points if per_line[id(point.line)] >= 2)
    sizes = {size for size in per_line.values() if size >= 2}
    return values_seen >= 4 and in_series >= _MIN_SHARE * values_seen and len(sizes) >= 2


def build_chart(segment: Segment, table_id: str, unit: str | None) -> Table:
    """One row per label and value, each with the place its value was printed."""
    points, _ = chart_points(segment.lines)
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for point in points:
        fragment = [f for f in point.line.fragments if f.text.strip()][point.index]
        where = cell_provenance(point.line, fragment, point.raw)
        cell = Cell(point.raw, parse_amount(point.raw), where)
        rows.append(Row(row_identity(table_id, normalize_text(point.label), seen), None, point.label, {VALUE_COLUMN.key: cell}, where))
    title_line = segment.title_line
    return Table(
        table_id, CHART_KIND, segment.title, unit, segment.pages, (VALUE_COLUMN,), tuple(rows),
        provenance=Provenance(title_line.page, title_line.number, title_line.bbox, title_line.text) if title_line else None,
        kind_confidence=0.9, kind_reason="chart data: labels followed by as many values",
    )
