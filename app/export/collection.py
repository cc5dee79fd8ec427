"""`kemu check FOLDER` (or several files): each report's findings, then the findings across them.

Each report is read, reviewed (its sidecar's edits count) and checked in the batch workers
under the per-file time budget; the comparisons across reports run here on the reviewed
reports (app/checks/across.py), so a correction in one report's sidecar re-checks its
neighbours. The JSON is a public contract: ``kemu.check_collection`` (docs/checks.md).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from app.export.batch import Failure, discover, run
from app.checks import check_report
from app.checks.findings import CheckResult, Finding
from app.checks.across import AcrossResult, check_across
from app.contract import findings_json
from parsers.model import Report

COLLECTION_SCHEMA_VERSION = "1.0"


def reviewed_and_checked(source: str, use_cache: bool) -> tuple[Report, CheckResult]:
    """One report of the collection: its reviewed view and its own check (runs in a worker)."""
    from app.review.session import ReviewSession

    report = ReviewSession(Path(source), use_cache=use_cache).reviewed
    return report, check_report(report)


def _location_json(location) -> dict[str, Any]:
    return {"source": location.source, "page": location.page, "table": location.table, "row": location.row, "column": location.column, "line": location.line}


def collection_json(checked: list[tuple[Report, CheckResult]], failures: list[Failure], across: AcrossResult, shown: list[Finding]) -> dict[str, Any]:
    reports = [report for report, _ in checked]
    return {
        "schema": "kemu.check_collection",
        "schema_version": COLLECTION_SCHEMA_VERSION,
        "reports": [findings_json(report, result.findings, result.checked) for report, result in checked],
        "failed": [{"source": f.source, "reason": f.reason} for f in failures],
        "departments": [
            {"department_key": across.identities[group[0]].department_key, "reports": [
                {"source": reports[i].source, "year": reports[i].year, "report_kind": reports[i].report_kind} for i in group
            ]}
            for group in across.linking.groups
        ],
        "ambiguous": [{"source": reports[i].source, "reason": why} for i, why in across.linking.ambiguous],
        "comparisons": {"made": across.compared, "agreed": across.agreed},
        "across": [
            {"rule": f.rule, "severity": f.severity, "message": f.message, "locations": [_location_json(l) for l in f.locations]}
            for f in shown
        ],
    }


def render_collection(checked: list[tuple[Report, CheckResult]], failures: list[Failure], across: AcrossResult, shown: list[Finding]) -> str:
    from app.text_views import render_findings

    reports = [report for report, _ in checked]
    out = [render_findings(report, result.findings, result.checked) for report, result in checked]
    out += [f"{f.source}: 未能读取：{f.reason}" for f in failures]
    linked = [g for g in across.linking.groups if len(g) > 1]
    out.append(f"跨报告：{len(linked)} 个部门有多份报告，比对 {across.compared} 处，一致 {across.agreed} 处")
    for group in linked:
        listed = "、".join(f"{reports[i].year or '?'}年{reports[i].report_kind or ''}（{Path(reports[i].source).name}）" for i in group)
        out.append(f"  {across.identities[group[0]].department_key}：{listed}")
    for index, why in across.linking.ambiguous:
        out.append(f"  未关联 {Path(reports[index].source).name}：{why}")
    severity = {"error": "错误", "warning": "警告", "info": "提示"}
    for finding in shown:
        where = "；".join(f"{Path(l.source or '').name} p.{l.page}" for l in finding.locations)
        out.append(f"  [{severity[finding.severity]}] {where} {finding.rule}: {finding.message}")
    return "\n".join(out)


def run_collection(paths: list[Path], output_format: str, use_cache: bool, min_severity: str) -> bool:
    """Check every report under ``paths`` and across them; True when any error was found."""
    from app.checks import at_least
    from app.contract import dumps

    files, failures = discover(paths)
    checked: list[tuple[Report, CheckResult]] = []
    for result in run(reviewed_and_checked, files, use_cache, log=sys.stderr):
        if isinstance(result, Failure):
            failures.append(result)
        else:
            checked.append(result)
    across = check_across([report for report, _ in checked])
    own = [(report, replace(result, findings=at_least(result.findings, min_severity))) for report, result in checked]
    shown = at_least(across.findings, min_severity)
    text = dumps(collection_json(own, failures, across, shown)) if output_format == "json" else render_collection(own, failures, across, shown)
    sys.stdout.write(text + "\n")
    return any(f.severity == "error" for _, result in checked for f in result.findings) or any(f.severity == "error" for f in across.findings)
