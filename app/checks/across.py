"""Checks across reports: what one report says about another report of the same department.

A 2025 budget's 情况说明 says "财政拨款收入 18,976.76 万元，比 2024 年预算增加 3,355.65 万元": the
2024 budget must print 15,621.11. A budget's 上年预算数 column repeats last year's budget, a
决算's 年初预算数 column this year's budget, row by 科目. Auditors compare these by hand, one
pair at a time; here every linked pair is compared (rules ``across.*``, docs/checks.md).

Severity follows the rules of the other checks: an error only where both figures were read
with confidence (printed in the running text, or in tables kemu trusts its reading of) and
they disagree beyond the printed precision; 上年执行数 is an estimate made before the 决算,
so a difference from the 决算 is a warning.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from app.checks.doubt import doubts, misread
from app.checks.findings import Finding, Location
from app.checks.arith import fmt
from app.checks.identity import Identity, Linking, identity, link
from app.checks.narrative import placed_numbers, printed_number, printed_places
from app.checks.text import sentences
from parsers.amounts import YUAN_PER_UNIT
from parsers.model import Column, Report, Row, Table

NUM = r"(\d[\d,，]*(?:\.\d+)?)"
#: "LABEL X 万元，比 2024 年预算增加 D 万元" / "…比上年减少 D 万元" / "…比上年持平".
_CHANGE = re.compile(
    r"(?P<label>[\u4e00-\u9fff“”\"（）()、]{2,40}?)\s*(?:为|是|共计|安排)?\s*(?P<x>" + NUM[1:-1] + r")\s*万元[，,]?\s*"
    r"(?:比|较)(?:(?P<last>上年|上一年|去年)|(?P<year>\d{4})\s*年)度?(?P<base>预算执行数|执行数|预算数?|决算数?)?(?:相比)?\s*"
    r"(?P<dir>增加|减少|增长|下降|上升|持平)了?\s*(?:(?P<d>" + NUM[1:-1] + r")\s*(?P<du>万元|%))?"
)
#: "LABEL X 万元" anywhere in the running text: the figures a later report may refer to.
_FIGURE = re.compile(r"(?P<label>[\u4e00-\u9fff“”\"（）()、]{2,40}?)\s*(?:为|是|共计|安排)?\s*(?P<x>" + NUM[1:-1] + r")\s*万元")
_LABEL_NOISE = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|其中|年度?|本部门|部门|本单位|单位)+")
_UP = {"增加", "增长", "上升"}
_DOWN = {"减少", "下降"}
#: Column labels that repeat another report's figure.
_PRIOR_COLUMN = re.compile(r"(?:上年|上一年|(?P<year>\d{4})年)(?:度)?(?:年初)?(?P<base>预算|执行|决算)")
_INITIAL_BUDGET = re.compile(r"年初预算")
_NOT_OWN = re.compile(r"上年|上一年|年初|增减|增长|比上年|比较|变动|\d{4}年")
#: A 决算 table and the 预算 table that printed its 年初预算.
_BUDGET_KIND = {"final_income_expense_summary": "budget_summary"}


@dataclass
class AcrossResult:
    """What checking a collection found: departments, findings across reports, comparisons made."""

    identities: list[Identity | None]
    linking: Linking
    findings: list[Finding] = field(default_factory=list)
    compared: int = 0
    agreed: int = 0


def check_across(reports: Sequence[Report]) -> AcrossResult:
    """Link the reports by department and compare every pair that repeats the other's figures."""
    identities = [identity(r) for r in reports]
    result = AcrossResult(identities, link(identities))
    for group in result.linking.groups:
        members = [reports[i] for i in group]
        for report in members:
            for other in members:
                if other is report or other.year is None or report.year is None:
                    continue
                _narrative_changes(report, other, result)
                _repeated_columns(report, other, result)
    return result


# -- narrative: "比 2024 年预算增加 D 万元" -----------------------------------------------------
def _label(raw: str, report: Report) -> str:
    label = raw.replace('"', "“")
    if report.department:
        label = label.split(report.department)[-1]
    return _LABEL_NOISE.sub("", label)


def _refers_to(found: re.Match[str], report: Report, other: Report) -> bool:
    """The claim compares with ``other``: its year, and its kind (预算 / 决算; the report's own kind when unsaid)."""
    year = int(found.group("year")) if found.group("year") else report.year - 1
    base = found.group("base") or ""
    if "执行" in base:
        return False  # 执行数 is published in no report
    kind = "决算" if "决算" in base else "预算" if "预算" in base else report.report_kind
    return other.year == year and other.report_kind == kind


def _figures(report: Report) -> dict[str, dict[Decimal, tuple[str, Location]]]:
    """Label → the amounts the running text gives it (in 万元), with where."""
    out: dict[str, dict[Decimal, tuple[str, Location]]] = {}
    for sentence in sentences(report):
        text, moved = placed_numbers(sentence.text)
        if text is None or moved:
            continue
        for found in _FIGURE.finditer(text):
            amount = printed_number(found.group("x"))
            if amount is not None:
                where = Location(sentence.page, line=sentence.line, source=report.source)
                out.setdefault(_label(found.group("label"), report), {}).setdefault(amount, (found.group("x"), where))
    return out


def _narrative_changes(report: Report, other: Report, result: AcrossResult) -> None:
    figures: dict | None = None
    for sentence in sentences(report):
        if "比" not in sentence.text and "较" not in sentence.text:
            continue
        text, moved = placed_numbers(sentence.text)
        if text is None:
            continue
        for found in _CHANGE.finditer(text):
            if not _refers_to(found, report, other) or found.group("du") == "%":
                continue
            now, delta = printed_number(found.group("x")), printed_number(found.group("d"))
            direction = found.group("dir")
            if now is None or (delta is None and direction != "持平"):
                continue
            before = now if direction == "持平" else now - delta if direction in _UP else now + delta
            figures = _figures(other) if figures is None else figures
            printed = figures.get(_label(found.group("label"), report), {})
            if len(printed) != 1:
                continue  # the other report does not state this figure, or states several
            (value, (shown, where)), = printed.items()
            places = max(printed_places(found.group("x")), printed_places(found.group("d") or ""), printed_places(shown))
            result.compared += 1
            if abs(value - before) <= Decimal(1).scaleb(-places) / 2:
                result.agreed += 1
                continue
            said = f"比{other.year}年{other.report_kind}{direction}" + (f" {found.group('d')} 万元" if delta is not None else "")
            result.findings.append(Finding(
                "across.narrative_change", "warning" if moved else "error",
                f"{report.year}年{report.report_kind}称{_label(found.group('label'), report)} {found.group('x')} 万元，{said}"
                f"（即{other.year}年为 {fmt(before)} 万元），但{other.year}年{other.report_kind}为 {shown} 万元",
                (Location(sentence.page, line=sentence.line, source=report.source), where),
            ))


# -- tables: 上年预算数 / 上年执行数 / 年初预算数 columns ---------------------------------------
def _referred(report: Report, column: Column) -> tuple[int, str, bool] | None:
    """(year, kind, strict) of the report a column repeats; strict = an error when it differs."""
    label = column.label.replace(" ", "")
    if report.report_kind == "决算" and _INITIAL_BUDGET.search(label) and "上年" not in label:
        return report.year, "预算", True
    found = _PRIOR_COLUMN.search(label)
    if found is None:
        return None
    year = int(found.group("year")) if found.group("year") else report.year - 1
    if year >= report.year:
        return None
    base = found.group("base")
    return year, "预算" if base == "预算" else "决算", base != "执行"


def _own_column(table: Table, report_kind: str | None) -> Column | None:
    """The column holding the table's own figure: 决算数 in a 决算, the first amount column otherwise."""
    own = [c for c in table.columns if c.key not in ("code", "name") and not _NOT_OWN.search(c.label)]
    if report_kind == "决算":
        return next((c for c in own if "决算" in c.label), own[0] if own else None)
    return own[0] if own else None


def _counterpart(table: Table, other: Report) -> Table | None:
    """The table of ``other`` that printed the figures ``table`` repeats (same kind, or 决算 ↔ 预算)."""
    kind = table.kind
    if other.report_kind == "预算" and kind.startswith("final_"):
        kind = _BUDGET_KIND.get(kind, "budget_" + kind[len("final_"):])
    elif other.report_kind == "决算" and kind.startswith("budget_"):
        kind = next((k for k, v in _BUDGET_KIND.items() if v == kind), "final_" + kind[len("budget_"):])
    return next((t for t in other.tables if t.kind == kind and t.is_data and not t.empty), None)


def _row_key(row: Row) -> str | None:
    """The row's identity across reports: its 科目 code, its standard summary label, or a total."""
    if row.code:
        return row.code
    if row.match is not None and row.match.kind in ("subject", "summary") and row.match.code and row.match.decision in ("auto", "confirmed"):
        return row.match.code
    return "合计" if row.name.replace(" ", "") in ("合计", "总计") else None


def _in_yuan(value: Decimal, table: Table) -> Decimal | None:
    factor = YUAN_PER_UNIT.get(table.unit or "")
    return None if factor is None else value * factor


def _repeated_columns(report: Report, other: Report, result: AcrossResult) -> None:
    for table in report.tables:
        if not table.is_data or table.empty:
            continue
        for column in table.columns:
            referred = _referred(report, column)
            if referred is None or referred[:2] != (other.year, other.report_kind):
                continue
            target = _counterpart(table, other)
            own = _own_column(target, other.report_kind) if target is not None else None
            if own is None:
                continue
            _compare_rows(report, table, column, other, target, own, referred[2], result)


def _compare_rows(report: Report, table: Table, column: Column, other: Report, target: Table, own: Column, strict: bool, result: AcrossResult) -> None:
    theirs: dict[str, Row] = {}
    for row in target.rows:
        key = _row_key(row)
        if key is not None:
            theirs.setdefault(key, row)
    for row in table.rows:
        key = _row_key(row)
        mine, match = row.cells.get(column.key), theirs.get(key) if key else None
        cell = match.cells.get(own.key) if match is not None else None
        if mine is None or cell is None or mine.value is None or cell.value is None:
            continue
        a, b = _in_yuan(mine.value, table), _in_yuan(cell.value, target)
        if a is None or b is None:
            continue
        result.compared += 1
        step = max(Decimal(1).scaleb(-printed_places(mine.raw)) * YUAN_PER_UNIT[table.unit], Decimal(1).scaleb(-printed_places(cell.raw)) * YUAN_PER_UNIT[target.unit])
        if abs(a - b) <= step / 2:
            result.agreed += 1
            continue
        sides = (
            (Location(mine.provenance.page, table.id, row.id, column.key, source=report.source), table, row),
            (Location(cell.provenance.page, target.id, match.id, own.key, source=other.source), target, match),
        )
        finding = Finding(
            "across.repeated_column", "error" if strict else "warning",
            f"{report.year}年{report.report_kind}{table.title}的“{column.label}”{row.code or row.name} 为 {mine.raw} {table.unit}，"
            f"但{other.year}年{other.report_kind}{target.title}的“{own.label}”为 {cell.raw} {target.unit}",
            tuple(location for location, _, _ in sides),
        )
        # the checks' own rule of doubt, side by side (each report's table ids are its own)
        reasons = [r for location, t, r_row in sides for r in doubts(replace(finding, locations=(location,)), {t.id: t}, {r_row.id: r_row}, across=True)] if strict else []
        result.findings.append(misread(finding, reasons) if reasons else finding)

