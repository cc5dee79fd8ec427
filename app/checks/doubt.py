"""An error is a claim about the printed report; a disagreement on a reading kemu doubts is not.

A finding is an error only when kemu's reading of every figure involved is confident. The
signals of doubt are the reader's own: a table whose reading is "uncertain" (its evidence —
coverage, sums, identities — does not back it, ``Table.reading``), a figure OCR read with a low
confidence, and — when the finding compares two tables or a table with the text — a table whose
kind was only inferred from its structure (it may be another table than the one meant). Such an
error becomes a review item (a warning) that says kemu may have misread the figures.
"""

from __future__ import annotations

from dataclasses import replace

from app.checks.findings import Finding, Location
from app.wording import reading_reasons_text
from app.checks.ocr import is_unsure
from parsers.identify.classify import STRUCTURE_CONFIDENCE
from parsers.model import Report, Row, Table


def demote_doubtful(report: Report, findings: list[Finding]) -> list[Finding]:
    """``findings`` with every error resting on a doubtful reading turned into a review item.
    ``report`` holds the tables as read (fragments not joined), so every location resolves."""
    tables = {t.id: t for t in report.tables}
    rows = {r.id: r for t in report.tables for r in t.rows}
    out = []
    for finding in findings:
        reasons = doubts(finding, tables, rows) if finding.severity == "error" else []
        out.append(misread(finding, reasons) if reasons else finding)
    return out


def misread(finding: Finding, reasons: list[str]) -> Finding:
    """The finding as a review item: kemu may have misread the figures, and why."""
    return replace(finding, severity="warning", message=f"kemu 可能误读了这些数字（{'；'.join(reasons)}），请对照原文核对：{finding.message}")


def doubts(finding: Finding, tables: dict[str, Table], rows: dict[str, Row], across: bool | None = None) -> list[str]:
    """Why kemu doubts its reading of the figures ``finding`` involves; empty when it does not.
    ``across``: the figures are compared with another table or text (said by a caller whose other
    side is in another report; otherwise seen from the locations)."""
    involved = [tables[t] for t in dict.fromkeys(l.table for l in finding.locations) if t in tables]
    if across is None:
        across = len(involved) >= 2 or any(l.line is not None for l in finding.locations)
    reasons: list[str] = []
    for table in involved:
        if table.reading == "uncertain":
            reasons.append(f"{table.title or table.id}的读取把握不大" + (f"：{reading_reasons_text(table, 'zh')}" if table.reading_reasons else ""))
        if across and table.kind_confidence <= STRUCTURE_CONFIDENCE:
            reasons.append(f"{table.title or table.id}的表种由表格结构推断")
    reasons.extend(_unsure_cells(finding.locations, rows))
    return list(dict.fromkeys(reasons))


def _unsure_cells(locations: tuple[Location, ...], rows: dict[str, Row]) -> list[str]:
    out = []
    for location in locations:
        row = rows.get(location.row or "")
        cell = row.cells.get(location.column) if row is not None and location.column else None
        if cell is not None and cell.status != "edited" and is_unsure(cell.provenance):
            out.append(f"OCR 读数“{cell.raw}”把握不大")
    return out
