"""Ranking reports by review need: open errors first, then mappings to review, then warnings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.checks import run_checks
from app.review import ReviewSession
from app.errors import explain


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
    error: str | None = None  # why the file could not be opened


def triage_row(path: Path) -> TriageRow:
    try:
        session = ReviewSession(path)
    except Exception as exc:  # one error path: the sentence the CLI would print
        return TriageRow(path, error=explain(exc)[0])
    report = session.reviewed
    findings = run_checks(report)
    progress = session.progress()
    return TriageRow(
        path, report.department, report.year, report.report_kind,
        errors=sum(1 for f in findings if f.severity == "error"),
        warnings=sum(1 for f in findings if f.severity == "warning"),
        to_review=progress["needs_review"], confirmed=progress["confirmed"], mappings=progress["mappings"],
        tables=len(report.tables),
    )


def review_need(errors: int, to_review: int, warnings: int, name: str) -> tuple:
    """The one ordering of reports by review need (TUI triage and `kemu triage`): open errors,
    then mappings still to review, then warnings; worst first."""
    return (-errors, -to_review, -warnings, name)


def rank(rows: list[TriageRow]) -> list[TriageRow]:
    """Worst first; unreadable files last (nothing to review in them)."""
    return sorted(rows, key=lambda r: (r.error is not None, *review_need(r.errors, r.to_review, r.warnings, str(r.path))))
