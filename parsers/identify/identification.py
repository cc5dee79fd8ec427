"""The identification stage: on built tables, which report this is and which kind each table is.

It runs once, after the grid. The document's first text says 预算 or 决算, the department and
the year; every titled segment's title names its kind; a table whose title names none is
classified by its structure (``classify``). It also gives each table its id, ``kind#n`` in
reading order. (Whether the document is a report at all was asked before the grid: ``sniff``.)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from parsers.identify.classify import Identification, classify_structure
from parsers.tables.grid import with_table_id
from parsers.identify.kinds import TableKind, detect_department, detect_report_kind, detect_year, identify_table, identify_title
from parsers.model import CHART_KIND, Table
from parsers.tables.segment import Segment


@dataclass(frozen=True)
class IdentifiedReport:
    report_kind: str | None
    department: str | None
    year: int | None
    tables: tuple[Table, ...]


def identify_report(head: str, segments: list[Segment], built: list[tuple[Segment, Table]]) -> IdentifiedReport:
    """The report's facts and its identified tables; ``built`` pairs each table with its segment.

    A title names its kind in the report kind the cover states; a document whose cover states
    none takes the report kind of its first titled segment for the rest.
    """
    stated_kind = detect_report_kind(head)
    named = {id(s): identify_table(s.title, stated_kind) for s in segments if s.titled}
    known = [kind for kind in named.values() if kind is not None]
    report_kind = stated_kind if stated_kind is not None or not known else known[0].report_kind
    ordinals: Counter[str] = Counter()
    tables: list[Table] = []
    for segment, table in built:
        if table.kind == CHART_KIND:
            ordinals[CHART_KIND] += 1
            tables.append(with_table_id(table, f"{CHART_KIND}#{ordinals[CHART_KIND]}"))
            continue
        if segment.titled:  # a table split off by the reading below another's rows has a segment of its own
            kind = named[id(segment)] if id(segment) in named else identify_table(segment.title, stated_kind)
            identification = _by_title(segment.title, kind, report_kind)
        else:
            identification = classify_structure(table, report_kind)
        kind = identification.kind.id if identification.kind else "unknown"
        ordinals[kind] += 1
        table = replace(
            with_table_id(table, f"{kind}#{ordinals[kind]}"),
            kind_confidence=identification.confidence,
            kind_reason=identification.reason,
        )
        if kind == "unknown":
            table = replace(table, flags=(*table.flags, "kind_unknown"))
        if identification.kind is not None or any(c.value is not None for r in table.rows for c in r.cells.values()):
            tables.append(table)
    table_rows = [line.cells for segment in segments for line in (*segment.meta, *segment.lines)]  # 部门：/编制单位： cells
    return IdentifiedReport(report_kind, detect_department(head, table_rows), detect_year(head, table_rows), tuple(tables))


def _by_title(title: str, kind: TableKind | None, report_kind: str | None) -> Identification:
    """The kind the title names, and how sure: a listed title (1.0) or one read by its wording."""
    titled = identify_title(title, report_kind)
    if titled is not None and titled[0] == kind:
        return Identification(kind, titled[1], titled[2])
    return Identification(kind, 1.0, "title")
