"""Shared arithmetic for the rules: printed precision, rounding tolerance, locations, wording.

Rounding (尾数误差) is explicit: reports round every term to the printed precision, so a
sum of n terms may be off by up to one unit of the last printed digit per term. Such a
difference is info; anything larger is an error (or a warning when extraction is unsure).
"""

from __future__ import annotations

from decimal import Decimal

from app.checks.findings import Finding, Location
from app.checks.tally import record
from parsers.model import Row, Table
from parsers.evidence.sums import ZERO, Sum, step, value  # noqa: F401 (the rules import them from here)


def fmt(number: Decimal) -> str:
    return format(number.normalize() if number == number.to_integral() else number, "f")


def cell_location(table: Table, row: Row, key: str) -> Location:
    cell = row.cells.get(key)
    page = cell.provenance.page if cell is not None else row.provenance.page
    return Location(page, row.id.split("/")[0] if "/" in row.id else table.id, row.id, key)  # a joined fragment's row names its own table


def row_label(row: Row) -> str:
    return f"{row.code} {row.name}".strip() if row.code else row.name or "（无名称行）"


def sum_finding(rule: str, sum_: Sum, message: str, locations: list[Location], unsure: bool = False) -> Finding | None:
    """A finding for a sum that does not hold; rounding-sized gaps are info. Every call counts
    as one comparison (app/checks/tally.py)."""
    severity = sum_.severity()
    record(rule, severity != "error")
    if severity is None:
        return None
    if severity == "error" and unsure:
        severity = "warning"
    detail = f"（差 {fmt(sum_.difference)}" + ("，在尾数误差范围内）" if severity == "info" else "）")
    return Finding(rule, severity, message + detail, tuple(locations), sum_.difference if severity == "info" else None, sum_.difference)
