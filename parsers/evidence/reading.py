"""Reading a table as a choice between readings, kept or overturned by the table's evidence.

The first reading follows the layout's signs (the first line with figures ends the header,
header labels name the code column, a table runs until the next known title). When its
evidence (parsers/evidence/evidence.py) is bad, kemu tries what a person would try next, cheapest
first, and keeps the reading with the fewest doubts:

- a segment that holds a title, unit line or repeated header below its rows is two tables:
  split there (``split_at_inner_titles``);
- one header line more or fewer;
- column roles decided by what the cells hold, whatever the header says (a column of
  3/5/7-digit 科目 codes is the code column even under a header "项目");
- 科目 codes read as second codes right of the names taken as the rows' codes (a column of
  codes of several levels is already the code column in the first reading, grid.py; one of a
  single level is not claimed there).

The choice is recorded in the table's flags (``reading:<name>``), the remaining doubts in
``reading_reasons``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from parsers.evidence.evidence import Evidence, assess, inner_title_starts, is_title_line, judge, second_code_rows
from parsers.tables.grid import UNIDENTIFIED, Reading, build_table, carried_unit, row_identity
from parsers.read.layout import SourceLine
from parsers.model import Table
from parsers.tables.segment import IsTitle, Segment, normalize_text, table_title
from parsers.subject_codes import known_section

#: Readings tried, in order, when the first one leaves doubts.
ALTERNATIVES = (
    Reading(roles_by_content=True, name="roles_by_content"),
    Reading(header_shift=1, name="one_more_header_line"),
    Reading(header_shift=-1, name="one_fewer_header_line"),
)


def read_table(segment: Segment, table_id: str, unit: str | None, first: Table | None = None) -> tuple[Table, Evidence]:
    """The reading of ``segment`` with the best evidence, judged. ``first`` is the default
    reading when the caller already built it."""
    table = first or build_table(segment, table_id, unit)
    best = _with_codes_right_of_names(table, assess(table, segment), segment)
    if best[1].reasons():
        for reading in ALTERNATIVES:
            other = build_table(segment, table_id, unit, reading)
            other = replace(other, flags=(*other.flags, f"reading:{reading.name}"))
            candidate = _with_codes_right_of_names(other, assess(other, segment), segment)
            if candidate[1].doubts < best[1].doubts and len(other.rows) >= len(table.rows) - abs(reading.header_shift):
                best = candidate
    return judge(best[0], best[1]), best[1]


def _with_codes_right_of_names(table: Table, evidence: Evidence, segment: Segment) -> tuple[Table, Evidence]:
    """The reading as it is, or with its second codes as the rows' codes when that is better."""
    if not evidence.reasons() or not second_code_rows(table):
        return table, evidence
    promoted = promote_second_codes(table)
    promoted_evidence = assess(promoted, segment)
    if promoted_evidence.doubts < evidence.doubts:
        return replace(promoted, flags=(*promoted.flags, "reading:code_right_of_name")), promoted_evidence
    return table, evidence


def promote_second_codes(table: Table) -> Table:
    """The table read with the 科目 codes printed right of the names as the rows' codes (a
    template that prints 名称 | 编码 | amounts), row ids made again from them."""
    seen: dict[str, int] = {}
    rows = []
    for row in table.rows:
        if row.extra_codes and len(row.extra_codes[0]) in (3, 5, 7) and known_section(row.extra_codes[0]):
            names = row.extra_names[1:] if row.extra_names else ()
            row = replace(row, code=row.extra_codes[0], extra_codes=row.extra_codes[1:], extra_names=names if any(names) else ())
        rows.append(replace(row, id=row_identity(table.id, row.code or normalize_text(row.name), seen)))
    return replace(table, rows=tuple(rows))


def read_segment(segment: Segment, unit: str | None, is_title: IsTitle) -> list[tuple[Segment, Table]]:
    """The grid stage for one segment: the tables it holds (split at inner titles when that reads
    better), each in the reading with the best evidence and judged, under the provisional id
    identification replaces. ``is_title`` is the title catalog's question, as segmentation asks it."""
    parts = split_at_inner_titles(segment, is_title, lambda part: read_table(part, UNIDENTIFIED, unit)[1].doubts)
    out = []
    for part in parts:
        table, _evidence = read_table(part, UNIDENTIFIED, unit)
        if len(parts) > 1:
            table = replace(table, flags=(*table.flags, "reading:split"))
        out.append((part, table))
        unit = carried_unit(table, unit)
    return out


def split_at_inner_titles(segment: Segment, is_title: IsTitle, doubts: Callable[[Segment], int]) -> list[Segment]:
    """``segment`` cut before every title, unit line or repeated header printed below its
    rows, when the parts read with fewer doubts than the whole (``doubts`` measures one)."""
    starts = inner_title_starts(segment)
    if not starts:
        return [segment]
    parts: list[Segment] = []
    bounds = [0, *starts, len(segment.lines)]
    for number, (begin, end) in enumerate(zip(bounds, bounds[1:])):
        lines = segment.lines[begin:end]
        if number == 0:
            parts.append(replace(segment, lines=lines, meta=_meta_before(segment, lines[-1]), notes=[]))
            continue
        head = lines[0]
        named = table_title(head, is_title)
        heads = named is not None or is_title_line(head)
        parts.append(Segment(
            named is not None,
            named if named is not None else (head.text if heads else ""),
            head if heads else None,
            lines[1:] if heads else lines,
            meta=[m for m in segment.meta if (lines[0].page, lines[0].number) <= (m.page, m.number) <= (lines[-1].page, lines[-1].number)],
            notes=segment.notes if end == len(segment.lines) else [],
        ))
    if any(not part.lines for part in parts) or sum(map(doubts, parts)) >= doubts(segment):
        return [segment]
    return parts


def _meta_before(segment: Segment, last: SourceLine) -> list[SourceLine]:
    return [m for m in segment.meta if (m.page, m.number) <= (last.page, last.number)]
