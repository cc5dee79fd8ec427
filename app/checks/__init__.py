"""Consistency checks: small named rules over the (matched, reviewed) report → findings.

Each rule is a function ``(report) -> Iterable[Finding]`` registered with ``@rule``; one
module per rule family. Findings name the figures in Chinese and point at the exact cells
(table id, row id, column key, page) so the TUI can jump there. Precision matters as much
as recall: when extraction itself is unsure (a column identity failing in most rows, a
table flagged by the parser) a rule reports a warning, not an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from parsers.model import Report

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Location:
    """A place a finding points at: always a page; table, row and column where they apply."""

    page: int
    table: str | None = None
    row: str | None = None
    column: str | None = None
    line: int | None = None  # for findings in the running text


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # error | warning | info
    message: str
    locations: tuple[Location, ...]


Rule = Callable[[Report], Iterable[Finding]]
_RULES: dict[str, Rule] = {}


def rule(name: str) -> Callable[[Rule], Rule]:
    """Register a rule family function under ``name`` (its findings use ``name.*`` ids)."""

    def register(fn: Rule) -> Rule:
        _RULES[name] = fn
        return fn

    return register


def registered_rules() -> dict[str, Rule]:
    _load_rule_modules()
    return dict(_RULES)


def run_checks(report: Report, only: Iterable[str] | None = None) -> list[Finding]:
    """All findings, errors first, then by page. Matching runs first if it has not."""
    from app.matching import match_report

    if not any(r.match for t in report.tables for r in t.rows):
        report = match_report(report)
    wanted = set(only) if only else None
    findings: list[Finding] = []
    for name, fn in registered_rules().items():
        if wanted is None or name in wanted:
            findings.extend(fn(report))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(findings, key=lambda f: (order[f.severity], min((l.page for l in f.locations), default=0), f.rule))


def _load_rule_modules() -> None:
    from app.checks import columns, completeness, cross_table, hierarchy, metadata, narrative, ocr, totals  # noqa: F401
