"""Consistency checks: small named rules over the (matched, reviewed) report → findings.

Each rule is a function ``(report) -> Iterable[Finding]`` registered with ``@rule``; one
module per rule family. Findings name the figures in Chinese and point at the exact cells
(table id, row id, column key, page) so the TUI can jump there. Precision matters as much
as recall: when extraction itself is unsure (a column identity failing in most rows, a
table flagged by the parser) a rule reports a warning, not an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

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
    source: str | None = None  # the report file, for findings across reports (app/checks/across.py)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # error | warning | info
    message: str
    locations: tuple[Location, ...]
    rounding: Decimal | None = None  # the difference, when it is within rounding (尾数误差)


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
    """All findings, errors first, then by page. Matching runs first if it has not; a table cut
    into fragments by page breaks is checked as one."""
    from app.checks.fragments import whole_tables
    from app.matching import match_report

    if not any(r.match for t in report.tables for r in t.rows):
        report = match_report(report)
    report = whole_tables(replace(report, tables=tuple(t for t in report.tables if t.is_data)))  # chart data is no figure of the report
    wanted = set(only) if only else None
    findings: list[Finding] = []
    for name, fn in registered_rules().items():
        if wanted is None or name in wanted:
            findings.extend(fn(report))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(group_rounding(report, findings), key=lambda f: (order[f.severity], min((l.page for l in f.locations), default=0), f.rule))


def group_rounding(report: Report, findings: list[Finding]) -> list[Finding]:
    """One info line per rule and table for the rounding differences (a report may have dozens
    of ±0.01), with their count and the largest, so they do not bury the errors."""
    groups: dict[tuple[str, str | None], list[Finding]] = {}
    out: list[Finding] = []
    for finding in findings:
        if finding.rounding is None:
            out.append(finding)
        else:
            groups.setdefault((finding.rule, finding.locations[0].table if finding.locations else None), []).append(finding)
    titles = {t.id: t.title for t in report.tables}
    for (rule_id, table), members in groups.items():
        if len(members) == 1:
            out.extend(members)
            continue
        largest = max(abs(f.rounding) for f in members)
        out.append(Finding(
            rule_id, "info",
            f"{titles.get(table or '', '')}：{len(members)} 处差额在尾数误差范围内（最大差 {largest}）",
            tuple(f.locations[0] for f in members if f.locations), largest,
        ))
    return out


def at_least(findings: list[Finding], severity: str) -> list[Finding]:
    """The findings of ``severity`` or worse (`kemu check --min-severity`)."""
    return [f for f in findings if SEVERITIES.index(f.severity) <= SEVERITIES.index(severity)]


def _load_rule_modules() -> None:
    from app.checks import columns, completeness, cross_table, hierarchy, metadata, narrative, ocr, totals  # noqa: F401
