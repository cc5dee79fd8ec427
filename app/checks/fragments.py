"""A table cut by page breaks counts as one table for every check.

Some readers (and some layouts: the title and header repeated on every page) give a long
table as consecutive fragments. Checked against half its rows, a total is a false error, so
fragments are joined before the rules run when they are clearly one table: the same kind and
title (or none on the continuation), the same columns, on the same or the next page, and the
continuation does not open with a 合计/总计 row of its own.

A continuation whose repeated header wraps differently is read with other columns (and
often no kind of its own). It is joined too when the numbers say so: it has no title, as many
columns, follows on the next page, and the two fail fewer hierarchy sums together than apart
(the first part's 合计, or the 类 the page break cut, matches only with the rows that went on).
Its cells are then taken column by column, in order.
"""

from __future__ import annotations

from dataclasses import replace

from app.checks.hierarchy import coded_rows, failing_sums
from parsers.identify.classify import STRUCTURE_CONFIDENCE
from parsers.model import Report, Row, Table

_TOTAL_NAMES = ("合计", "总计")


def _opens_with_total(table: Table) -> bool:
    first = table.rows[0] if table.rows else None
    return first is not None and (first.name.replace(" ", "") in _TOTAL_NAMES or bool(first.match and first.match.kind == "total"))


def continues(previous: Table, table: Table) -> bool:
    """Whether ``table`` is the continuation of ``previous`` on the following page."""
    return (
        table.kind == previous.kind
        and table.kind != "unknown"
        and table.title in (previous.title, "")
        and [c.key for c in table.columns] == [c.key for c in previous.columns]
        and bool(table.pages and previous.pages)
        and 0 <= table.pages[0] - previous.pages[-1] <= 1
        and not _opens_with_total(table)
        and not table.empty
    )


def completes_sums(previous: Table, table: Table) -> bool:
    """Whether ``table`` is ``previous``'s continuation read with another header: untitled, as
    many columns, on the next page, and together the two fail fewer sums than apart (the 合计,
    or the 类 cut by the page break, adds up only with the rows that went on)."""
    if table.title or len(table.columns) != len(previous.columns) or not (table.pages and previous.pages):
        return False
    if not 0 <= table.pages[0] - previous.pages[-1] <= 1 or _opens_with_total(table) or table.empty:
        return False
    if table.kind not in (previous.kind, "unknown") and table.kind_confidence > STRUCTURE_CONFIDENCE:
        return False
    part = _rekeyed(previous, table)
    if not coded_rows(previous) or not coded_rows(part):
        return False
    joined = replace(previous, rows=previous.rows + part.rows)
    return failing_sums(previous) + failing_sums(part) > failing_sums(joined)


def _rekeyed(previous: Table, table: Table) -> Table:
    """``table``'s rows with their cells under ``previous``'s column keys, column by column."""
    keys = dict(zip((c.key for c in table.columns), (c.key for c in previous.columns)))
    rows = tuple(replace(r, cells={keys[k]: c for k, c in r.cells.items() if k in keys}) for r in table.rows)
    return replace(table, columns=previous.columns, rows=rows)


def whole_tables(report: Report) -> Report:
    """The report with every run of fragments joined into its first table (rows keep their
    own ids, which name the fragment they were printed in)."""
    tables: list[Table] = []
    for table in report.tables:
        if tables and (continues(tables[-1], table) or completes_sums(tables[-1], table)):
            first, part = tables[-1], _rekeyed(tables[-1], table)
            rows: tuple[Row, ...] = first.rows + part.rows
            tables[-1] = replace(first, rows=rows, pages=tuple(dict.fromkeys(first.pages + table.pages)))
        else:
            tables.append(table)
    return report if len(tables) == len(report.tables) else replace(report, tables=tuple(tables))
