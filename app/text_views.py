"""``--format text``: reports, matches and findings laid out for people reading a terminal.

One language: everything kemu itself says here is Chinese, like the check findings' messages
and the report itself (match reasons are translated, rule ids become their family's name);
ids stay only where a command takes them back (table ids for ``kemu edit --table``) and in JSON.
Columns are padded by display width (a CJK character takes two cells), every cell sits under
its own header even when a row prints nothing there, and every amount has one format:
thousands separators and the decimals the report printed.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from app.matching.matcher import reason_text
from parsers.amounts import parse_amount
from parsers.model import Report

#: What a report without tables says, here and in the survey and export messages.
NARRATIVE_ONLY = "no tables in this report (narrative only)"

SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
DECISION = {"auto": "自动", "review": "待审", "none": "无科目", "confirmed": "已确认", "rejected": "已拒绝"}
#: A finding's rule family (``columns.identity`` → ``columns``) as the reader calls that kind of check.
RULE_FAMILY = {
    "columns": "栏间关系",
    "hierarchy": "层级汇总",
    "totals": "合计",
    "cross_table": "表间核对",
    "completeness": "完整性",
    "metadata": "基本信息",
    "narrative": "情况说明",
    "ocr": "识别",
}
NARRATIVE_ONLY_ZH = "本报告没有表格（只有文字说明）"
#: A finding spread over more pages than this shows its first page and how many (the column stays narrow).
PAGES_SHOWN = 3


def width(text: str) -> int:
    """Terminal cells the text takes: wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def amount(value: Decimal | None) -> str:
    """The one number format of text output: 82,479.29 (blank when nothing is printed)."""
    return "" if value is None else f"{value:,}"


def printed_amount(text: str | None) -> str:
    """Typed or printed amount text in the one format ("82529.88" → "82,529.88"); a blank is "—"."""
    value = parse_amount(text or "")
    return amount(value) if value is not None else (text or "—")


def aligned(rows: list[list[str]], right: set[int] = frozenset(), indent: str = "   ") -> list[str]:
    """Rows as lines with every column padded to its widest cell; ``right``: columns aligned right."""
    widths = [max(width(row[i]) if i < len(row) else 0 for row in rows) for i in range(max(map(len, rows), default=0))]
    lines = []
    for row in rows:
        cells = []
        for i, text in enumerate(row):
            pad = " " * (widths[i] - width(text))
            cells.append(pad + text if i in right else text + pad)
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines


def render_text(report: Report) -> str:
    """Metadata, then each table: a header line and one aligned line per row."""
    out = [
        f"{report.source}",
        f"  {report.department or '?'} · {report.year or '?'} · {report.report_kind or '?'} · {len(report.pages)} 页 · {report.format}",
    ]
    if not report.tables:
        out.append(f"\n  {NARRATIVE_ONLY_ZH}")
    for table in report.tables:
        flags = f"  [{', '.join(table.flags)}]" if table.flags else ""
        out.append(f"\n== {table.id}  {table.title}  ({table.unit or '单位?'}, p.{','.join(map(str, table.pages))}){flags}")
        if table.empty:
            out.append("   (本表无数据)")
            continue
        rows = [["编码", "名称", *(c.label for c in table.columns)]]
        for row in table.rows:
            cells = [row.cells.get(c.key) for c in table.columns]
            rows.append([row.code or "", row.name, *(amount(c.value if c else None) for c in cells)])
        out.extend(aligned(rows, right=set(range(2, len(rows[0])))))
    return "\n".join(out)


def render_matches(report: Report) -> str:
    """One aligned line per row: printed code and name → chosen 科目, decision, score, reason."""
    out = [f"{report.source}  ({report.year or '?'})"]
    for table in report.tables:
        rows = [["编码", "名称", "", "科目", "决定", "分数", "理由"]]
        for row in table.rows:
            m = row.match
            if m is not None:
                chosen = m.name or "" if m.kind == "summary" else f"{m.code or ''} {m.name or ''}".strip()  # a label id is internal
                rows.append([row.code or "", row.name, "→", chosen, DECISION.get(m.decision, m.decision), f"{m.score:.1f}", reason_text(m.reason, "zh")])
        out.append(f"\n== {table.id}  {table.title}")
        if len(rows) > 1:
            out.extend(aligned(rows, right={5}))
    return "\n".join(out)


CHECKED = {"sums": "加总", "identities": "恒等式", "cross_table": "跨表数字", "narrative": "情况说明"}


def render_findings(report: Report, findings: list, checked: dict | None = None) -> str:
    """Counts (of faults), what was compared, then each finding with its severity, pages and kind
    of check, the columns aligned; the echoes of a fault indented under it."""
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITY}
    out = [f"{report.source}: {counts['error']} 错误, {counts['warning']} 警告, {counts['info']} 提示"]
    if checked is not None:
        out.append("已核对：" + "，".join(f"{CHECKED[k]} {t.compared} 处（{t.agreed} 处相符）" for k, t in checked.items()))

    def row(f, echo: bool) -> list[str]:
        kind = f"{RULE_FAMILY.get(f.rule.split('.')[0], f.rule)}:"
        return ["  ↳" if echo else f"[{SEVERITY[f.severity]}]", pages_text({l.page for l in f.locations}), kind, f.message]

    rows = [r for f in findings for r in [row(f, False), *(row(e, True) for e in f.echoes)]]
    out.extend(aligned(rows, indent="  ") if rows else [])
    return "\n".join(out)


def pages_text(pages: set[int]) -> str:
    """"p.7", "p.3,5,9", or for a finding spread over many pages "p.3 等 12 页", so one finding
    about the whole report does not pad every line's page column to its width."""
    ordered = sorted(pages)
    if len(ordered) > PAGES_SHOWN:
        return f"p.{ordered[0]} 等 {len(ordered)} 页"
    return "p." + ",".join(map(str, ordered))
