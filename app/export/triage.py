"""Ranking reports by review need, and what a folder's reports say about each other.

The folder list (``kemu review FOLDER``) shows the reports grouped by department (who is who:
app/checks/identity.py), each department's reports by year and kind, and the findings across
reports (app/checks/across.py) with both sides resolved to a file, a place and the figure
printed there, so the workbench only displays them and opens either side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.checks import Location, run_checks
from app.checks.across import check_across
from app.checks.text import sentences
from app.errors import explain
from app.review.session import ReviewSession
from parsers.model import Report


@dataclass(frozen=True)
class TriageRow:
    path: Path
    department: str | None = None
    year: int | None = None
    report_kind: str | None = None
    errors: int = 0
    warnings: int = 0
    to_review: int = 0
    confirmed: int = 0
    mappings: int = 0
    tables: int = 0  # none: a narrative-only report (its tables published separately)
    uncertain_tables: int = 0  # tables kemu may have misread (Table.reading, issue 21)
    error: str | None = None  # why the file could not be opened
    across: int | None = None  # findings across reports naming it; None: no other report of its department


def read_for_triage(path: Path) -> tuple[TriageRow, Report | None]:
    """One report's row and its reviewed view (None when it cannot be opened)."""
    try:
        session = ReviewSession(path)
    except Exception as exc:  # one error path: the sentence the CLI would print
        return TriageRow(path, error=explain(exc)[0]), None
    report = session.reviewed
    findings = run_checks(report)
    progress = session.progress()
    row = TriageRow(
        path, report.department, report.year, report.report_kind,
        errors=sum(1 for f in findings if f.severity == "error"),
        warnings=sum(1 for f in findings if f.severity == "warning"),
        to_review=progress["needs_review"], confirmed=progress["confirmed"], mappings=progress["mappings"],
        tables=len(report.tables),
        uncertain_tables=sum(t.reading == "uncertain" for t in report.tables),
    )
    return row, report


def triage_row(path: Path) -> TriageRow:
    return read_for_triage(path)[0]


def review_need(errors: int, to_review: int, warnings: int, name: str) -> tuple:
    """The one ordering of reports by review need (TUI triage and `kemu triage`): open errors,
    then mappings still to review, then warnings; worst first."""
    return (-errors, -to_review, -warnings, name)


def rank(rows: list[TriageRow]) -> list[TriageRow]:
    """Worst first; unreadable files last (nothing to review in them)."""
    return sorted(rows, key=lambda r: (r.error is not None, *review_need(r.errors, r.to_review, r.warnings, str(r.path))))


@dataclass(frozen=True)
class Side:
    """One side of a finding across reports: the report, the place, and what is printed there."""

    path: Path
    location: Location
    where: str  # column label · row · table title; blank for a line of the running text
    figure: str  # the cell as printed, or the clauses of the sentence that quote the finding's figures


@dataclass(frozen=True)
class AcrossFinding:
    severity: str
    rule: str
    message: str
    sides: tuple[Side, ...]


@dataclass(frozen=True)
class Department:
    """Reports linked as one department, by year then kind (预算 before 决算)."""

    key: str  # identity's department_key: 上海市/普陀区/人民政府万里街道办事处#部门
    reports: tuple[TriageRow, ...]


@dataclass(frozen=True)
class Folder:
    """The folder list: rows grouped by department, and the findings across reports in row order."""

    rows: list[TriageRow]
    departments: dict[Path, Department]  # each report of a department with several reports → it
    findings: list[AcrossFinding]
    unlinked: dict[Path, str] = field(default_factory=dict)  # why a report was linked to none: "no_department" | "ambiguous"
    compared: int = 0
    agreed: int = 0


#: A clause of running text, and a figure in it (a year, 2024年, is not a figure).
_CLAUSE = re.compile(r"[^，,；;。：:]+")
_FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?(?!\d|年)")


def _quoted_clauses(report: Report, location: Location, message: str) -> str:
    """The clauses of the sentence at ``location`` that print a figure the finding quotes
    (财政拨款收入500.00万元 … 比2024年预算增加60.00万元): a sentence often starts with a heading
    and runs over lines, so neither its first line nor its whole text shows the figure."""
    quoted = {f.replace(",", "") for f in _FIGURE.findall(message)}
    text = "".join(s.text for s in sentences(report) if (s.page, s.line) == (location.page, location.line))
    clauses = [c for c in _CLAUSE.findall(text) if {f.replace(",", "") for f in _FIGURE.findall(c)} & quoted]
    return "…".join(c.strip() for c in clauses) or text.strip()


def _side(report: Report, path: Path, location: Location, message: str) -> Side:
    table = report.table(location.table) if location.table else None
    row = table.row(location.row) if table is not None and location.row else None
    if table is None or row is None:
        return Side(path, location, "", _quoted_clauses(report, location, message))
    cell = row.cells.get(location.column or "")
    label = next((c.label for c in table.columns if c.key == location.column), "")
    where = " · ".join(part for part in (label, f"{row.code or ''} {row.name}".strip(), table.title) if part)
    return Side(path, location, where, cell.raw if cell is not None else "")


def folder_view(read: list[tuple[TriageRow, Report | None]]) -> Folder:
    """Link the readable reports by department, check them across, and order the rows: each
    department's reports together (by year, then kind), departments by their worst report."""
    readable = [(row, report) for row, report in read if report is not None]
    result = check_across([report for _, report in readable])
    by_source = {report.source: (row.path, report) for row, report in readable}
    group_of: dict[Path, int] = {}
    for number, group in enumerate(result.linking.groups):
        for index in group:
            group_of[readable[index][0].path] = number
    findings: list[AcrossFinding] = []
    for finding in result.findings:
        sides = tuple(_side(by_source[l.source][1], by_source[l.source][0], l, finding.message) for l in finding.locations if l.source in by_source)
        findings.append(AcrossFinding(finding.severity, finding.rule, finding.message, sides))
    linked = {path for path, number in group_of.items() if len(result.linking.groups[number]) > 1}
    named = {path: sum(any(s.path == path for s in f.sides) for f in findings) for path in linked}
    rows = [replace(row, across=named.get(row.path)) for row, _ in read]
    worst: dict[object, int] = {}
    for position, row in enumerate(rank(rows)):
        worst.setdefault(group_of.get(row.path, row.path), position)
    rows.sort(key=lambda r: (worst[group_of.get(r.path, r.path)], r.year or 0, r.report_kind != "预算", r.path.name))
    departments: dict[Path, Department] = {}
    for number, group in enumerate(result.linking.groups):
        members = tuple(r for r in rows if group_of.get(r.path) == number)
        if len(members) > 1:
            department = Department(result.identities[group[0]].department_key, members)
            departments.update((r.path, department) for r in members)
    order = {row.path: position for position, row in enumerate(rows)}
    findings.sort(key=lambda f: (order[f.sides[0].path], f.sides[0].location.page) if f.sides else (len(rows), 0))
    unlinked = {readable[i][0].path: "no_department" if result.identities[i] is None else "ambiguous" for i, _ in result.linking.ambiguous}
    return Folder(rows, departments, findings, unlinked, result.compared, result.agreed)
