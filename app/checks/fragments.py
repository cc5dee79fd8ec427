"""A table cut by page breaks counts as one table for every check.

Some readers (and some layouts: the title and header repeated on every page) give a long
table as consecutive fragments. Checked against half its rows, a total is a false error, so
fragments are joined before the rules run when they are clearly one table: the same kind and
title (or none on the continuation), the same columns, on the same or the next page, and the
continuation does not open with a 合计/总计 row of its own.
"""

from __future__ import annotations

from dataclasses import replace

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


def whole_tables(report: Report) -> Report:
    """The report with every run of fragments joined into its first table (rows keep their
    own ids, which name the fragment they were printed in)."""
    tables: list[Table] = []
    for table in report.tables:
        if tables and continues(tables[-1], table):
            first = tables[-1]
            rows: tuple[Row, ...] = first.rows + table.rows
            tables[-1] = replace(first, rows=rows, pages=tuple(dict.fromkeys(first.pages + table.pages)))
        else:
            tables.append(table)
    return report if len(tables) == len(report.tables) else replace(report, tables=tuple(tables))
