"""Consistency checks: small named rules over the (matched, reviewed) report → findings.

Each rule is a function ``(report) -> Iterable[Finding]`` registered with ``@rule``; one
module per rule family. Findings name the figures in Chinese and point at the exact cells
(table id, row id, column key, page) so the TUI can jump there. Precision matters as much
as recall: when extraction itself is unsure (a column identity failing in most rows, a
table flagged by the parser) a rule reports a warning, not an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from parsers.model import Report

from app.checks.findings import _RULES, SEVERITIES, CheckResult, Finding, Location, Rule, Tally, rule  # noqa: F401 (the package's API)


def registered_rules() -> dict[str, Rule]:
    _load_rule_modules()
    return dict(_RULES)


def run_checks(report: Report, only: Iterable[str] | None = None) -> list[Finding]:
    """All findings, one per fault, errors first, then by page (see ``check_report``)."""
    return check_report(report, only).findings


def check_report(report: Report, only: Iterable[str] | None = None) -> CheckResult:
    """Every rule over the report. Matching runs first if it has not; a table cut into fragments
    by page breaks is checked as one; a disagreement on a reading kemu doubts is a review item,
    not an error; findings that follow from one fault are grouped under it."""
    from app.checks.doubt import demote_doubtful
    from app.checks.echoes import group_echoes
    from app.checks.fragments import whole_tables
    from app.checks.tally import counting
    from app.matching.matcher import match_report

    if not any(r.match for t in report.tables for r in t.rows):
        report = match_report(report)
    data = replace(report, tables=tuple(t for t in report.tables if t.is_data))  # chart data is no figure of the report
    whole = whole_tables(data)
    wanted = set(only) if only else None
    findings: list[Finding] = []
    with counting() as checked:
        for name, fn in registered_rules().items():
            if wanted is None or name in wanted:
                findings.extend(fn(whole))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    ordered = sorted(
        group_rounding(report, demote_doubtful(data, findings)),
        key=lambda f: (order[f.severity], min((l.page for l in f.locations), default=0), f.rule),
    )
    return CheckResult(group_echoes(whole, ordered), dict(checked))


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
