"""One fault, one finding: the findings a single wrong figure causes are grouped under the first.

A wrong cell makes every sum and identity it takes part in fail by the same amount: its row's
column identity, its parent's sum in that column, the parent's parent when the wrong figure is
a parent, and the same checks again in a table that prints the same figures (the 一般公共预算
支出表 repeating the 支出表). Findings of one severity that fail by the same amount are one
fault when they lie in the same table, or concern the same line (code or name) in another;
the first (by the report's order) stands for the fault and lists the others as its echoes.
Counts of findings then count faults.
"""

from __future__ import annotations

from dataclasses import replace

from app.checks.findings import Finding
from parsers.model import Report
from parsers.evidence.sums import same_amount


def group_echoes(report: Report, findings: list[Finding]) -> list[Finding]:
    """``findings`` (in order) with each echo moved under the fault it follows from. ``report``
    holds the tables as checked (fragments joined), so a table cut by a page break is one."""
    where = {r.id: (t.id, r.code or r.name.strip()) for t in report.tables for r in t.rows}
    faults: list[list[Finding]] = []  # each: the first finding, then its echoes
    for finding in findings:
        fault = next((f for f in faults if _same_fault(f, finding, where)), None) if _groupable(finding) else None
        if fault is None:
            faults.append([finding])
        else:
            fault.append(finding)
    return [replace(first, echoes=first.echoes + tuple(rest)) for first, *rest in faults]


def _groupable(finding: Finding) -> bool:
    return finding.severity != "info" and bool(finding.difference) and bool(finding.locations)


def _same_fault(fault: list[Finding], finding: Finding, where: dict[str, tuple[str, str]]) -> bool:
    first = fault[0]
    if not _groupable(first) or first.severity != finding.severity or not same_amount(first.difference, finding.difference):
        return False
    table, line = _place(finding, where)
    return any(_place(m, where)[0] == table or (line and _place(m, where)[1] == line) for m in fault)


def _place(finding: Finding, where: dict[str, tuple[str, str]]) -> tuple[str | None, str]:
    """(the table as checked, the line's code or name) of the figure the finding is about."""
    location = finding.locations[0]
    return where.get(location.row or "", (location.table, ""))
