"""Score an extracted report against a ground-truth JSON (sample_reports/*.truth.json).

A cell is (table, row anchor, column, value) for every printed number. Precision is the
share of extracted numbers that are right; recall the share of printed numbers found.
Columns match on their label path, allowing the extractor to drop or keep a spanning
parent label ("本年支出/基本支出" vs "基本支出"), because the number is what matters.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from app.model import Report, Table
from parsers.identify import identify_table


@dataclass
class Score:
    name: str
    true_positive: int = 0
    extracted: int = 0
    expected: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true_positive / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.expected if self.expected else 1.0


def _anchor(code: str | None, name: str | None) -> str:
    return code or re.sub(r"\s+", "", name or "")


def _with_occurrence(anchors: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for anchor in anchors:
        seen[anchor] = seen.get(anchor, 0) + 1
        out.append(f"{anchor}#{seen[anchor]}")
    return out


def _column_for(table: Table, path: list[str]) -> str | None:
    """The extracted column key whose label path equals, or is a suffix-match of, ``path``."""
    labels = {c.key: c.label.split("/") for c in table.columns}
    exact = [k for k, p in labels.items() if p == path]
    if exact:
        return exact[0]
    suffix = [k for k, p in labels.items() if p[-len(path):] == path or path[-len(p):] == p]
    return suffix[0] if len(suffix) == 1 else None


def _cells(table: Table) -> set[tuple[str, str, str]]:
    anchors = _with_occurrence([_anchor(r.code, r.name) for r in table.rows])
    return {
        (anchor, key, str(cell.value.normalize()))
        for anchor, row in zip(anchors, table.rows)
        for key, cell in row.cells.items()
        if cell.value is not None
    }


def _match_table(report: Report, truth_table: dict, used: set[str]) -> Table | None:
    kind = identify_table(truth_table["kind_title"], report.report_kind)
    pages = set(truth_table["pages"])
    candidates = [t for t in report.tables if kind and t.kind == kind.id and t.id not in used]
    overlapping = [t for t in candidates if pages & set(t.pages)]
    return (overlapping or candidates or [None])[0]


def score_report(report: Report, truth: dict, name: str = "") -> Score:
    score = Score(name or truth.get("source", ""))
    used: set[str] = set()
    for truth_table in truth["tables"]:
        table = _match_table(report, truth_table, used)
        anchors = _with_occurrence([_anchor(r.get("code"), r.get("name")) for r in truth_table["rows"]])
        expected = set()
        for anchor, row in zip(anchors, truth_table["rows"]):
            for label, value in row["values"].items():
                if value is None:
                    continue
                key = _column_for(table, label.split("/")) if table else None
                expected.add((anchor, key or f"?{label}", str(Decimal(str(value)).normalize())))
        got = _cells(table) if table else set()
        if table:
            used.add(table.id)
        score.expected += len(expected)
        score.extracted += len(got)
        score.true_positive += len(expected & got)
        score.misses += [f"{truth_table['kind_title']}: {c}" for c in sorted(expected - got)]
        score.extras += [f"{truth_table['kind_title']}: {c}" for c in sorted(got - expected)]
    for table in report.tables:
        if table.id not in used:
            extra = _cells(table)
            score.extracted += len(extra)
            score.extras += [f"{table.id}: {c}" for c in sorted(extra)]
    return score


def load_truth(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
