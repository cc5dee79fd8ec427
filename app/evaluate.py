"""Score an extracted report against a ground-truth JSON (sample_reports/*.truth.json).

A cell is (table, row anchor, column, value) for every printed number. Precision is the
share of extracted numbers that are right; recall the share of printed numbers found.
Columns match on their label path, allowing the extractor to drop or keep a spanning
parent label ("本年支出/基本支出" vs "基本支出"), because the number is what matters.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from parsers.model import Report, Table
from parsers.identify.kinds import identify_table


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


# -- matching --------------------------------------------------------------------------------

_OCR_CONFUSIONS = {"已": "己", "未": "末", "入": "人", "土": "士", "日": "曰", "出": "岀", "人": "入", "支": "攴", "事": "亊"}


@dataclass(frozen=True)
class LabelledRow:
    """A row to match, the 科目 code it truly maps to, and which variant of the set it belongs to."""

    variant: str  # coded | uncoded | noisy
    table: Table
    index: int
    truth: str


def labelled_rows(reports: list[Report], edition) -> list[LabelledRow]:
    """Rows whose printed code is in the catalog (misprints → their correct code), three ways:
    as printed; codes stripped from the whole table (context from the rows above only);
    codes stripped and names perturbed with wrap spaces and OCR confusions (seeded, repeatable).
    """
    import random
    from dataclasses import replace as _replace

    rng = random.Random(20261123)
    misprints = {(m.code, m.printed_name): m.correct_code for m in edition.catalog.misprints}
    out: list[LabelledRow] = []
    for report in reports:
        for table in report.tables:
            truths = []
            for row in table.rows:
                truth = misprints.get((row.code, row.name)) or (row.code if row.code in edition.by_code else None)
                truths.append(truth)
            if not any(truths):
                continue
            uncoded = _replace(table, rows=tuple(_replace(r, code=None) for r in table.rows))
            noisy = _replace(uncoded, rows=tuple(_replace(r, name=_perturb(r.name, rng)) for r in uncoded.rows))
            for index, truth in enumerate(truths):
                if truth:
                    out += [LabelledRow("coded", table, index, truth), LabelledRow("uncoded", uncoded, index, truth), LabelledRow("noisy", noisy, index, truth)]
    return out


def _perturb(name: str, rng) -> str:
    if len(name) < 4:
        return name
    chars = list(name)
    position = rng.randrange(1, len(chars))
    chars.insert(position, " ")  # a wrap space
    swappable = [i for i, ch in enumerate(chars) if ch in _OCR_CONFUSIONS]
    if swappable and rng.random() < 0.5:
        i = rng.choice(swappable)
        chars[i] = _OCR_CONFUSIONS[chars[i]]
    return "".join(chars)


@dataclass
class MatchScore:
    variant: str
    total: int = 0
    top1: int = 0
    auto: int = 0
    auto_right: int = 0
    baseline_top1: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.top1 / self.total if self.total else 1.0

    @property
    def auto_precision(self) -> float:
        return self.auto_right / self.auto if self.auto else 1.0

    @property
    def baseline(self) -> float:
        return self.baseline_top1 / self.total if self.total else 1.0


def score_matching(rows: list[LabelledRow], matcher, baseline_names: list[str], baseline_codes: list[str]) -> dict[str, MatchScore]:
    """Top-1 accuracy and auto precision per variant, beside a plain extractOne over all names."""
    from rapidfuzz import fuzz, process

    from app.matching.matcher import normalize_name

    matched: dict[int, Table] = {}
    scores: dict[str, MatchScore] = {}
    for item in rows:
        table = matched.setdefault(id(item.table), matcher.match_table(item.table))
        match = table.rows[item.index].match
        score = scores.setdefault(item.variant, MatchScore(item.variant))
        score.total += 1
        right = match.code == item.truth
        score.top1 += right
        if match.decision == "auto":
            score.auto += 1
            score.auto_right += right
        if not right:
            score.wrong.append(f"{item.truth} ← {item.table.rows[item.index].name!r}: {match.code} {match.decision} ({match.reason})")
        found = process.extractOne(normalize_name(item.table.rows[item.index].name), baseline_names, scorer=fuzz.WRatio)
        score.baseline_top1 += bool(found) and baseline_codes[found[2]] == item.truth
    return scores


# -- code rows -------------------------------------------------------------------------------

CODE_ROW_FAULTS = ("no table", "kind", "row", "amounts", "unit")  # the first that fails is the row's fault


@dataclass(frozen=True)
class CodeRowOutcome:
    """One printed code row of the truth: exact, or the first thing kemu got wrong about it."""

    kind: str  # the kind the truth's table is
    code: str
    extra_code: str | None
    fault: str | None  # None when exact; else one of CODE_ROW_FAULTS
    cause: str = ""  # the fault in words without figures, the same for every row it hits
    detail: str = ""  # this row's figures
    uncertain: bool = False  # kemu marked the table holding the row (or, lost, a table on its pages) uncertain


def _row_key(code: str | None, extra_codes: tuple[str, ...] | list[str]) -> tuple[str | None, str | None]:
    return code, (extra_codes[0] if extra_codes else None)


def _number_columns(table: Table) -> list[str]:
    return [c.key for c in table.columns if any(r.cells.get(c.key) and r.cells[c.key].value is not None for r in table.rows)]


def _find_row(tables: list[Table], key: tuple[str | None, str | None], occurrence: int):
    seen = 0
    for table in tables:
        for row in table.rows:
            if _row_key(row.code, row.extra_codes) == key:
                seen += 1
                if seen == occurrence:
                    return table, row
    return None


def _where_else(tables: list[Table], key: tuple[str, str | None]) -> tuple[str, str]:
    """Where a code row the tables lost went (cause, detail)."""
    code, extra = key
    for table in tables:
        for row in table.rows:
            where = f"row {row.code or row.name!r} of {table.id}"
            if row.code == code:
                return "second classification's code lost or changed", f"{where} has {row.extra_codes}, printed {extra}"
            if code in row.extra_codes:
                return "code read as a second code", f"{where} (code {row.code})"
            if code in row.name:
                return "code glued to the name", f"{where}: {row.name!r}"
            if row.code and code.startswith(row.code):
                return "code cut short", where
            if any(code in cell.raw for cell in row.cells.values()):
                return "code in an amount cell", where
    return "code on no row", ""


def _amount_cause(got: tuple, want: tuple) -> str:
    if not got:
        return "no amount column read"
    if len(got) != len(want):
        return f"{'fewer' if len(got) < len(want) else 'more'} amount columns than printed"
    if sorted(map(str, filter(None, got))) == sorted(map(str, filter(None, want))):
        return "amounts in the wrong columns"
    return "amounts differ"


def score_code_rows(report: Report, truth: dict) -> list[CodeRowOutcome]:
    """Each printed code row exact or not: full code (with the second classification's code when
    printed), every amount in its column, the printed unit, in a table of the right kind.

    Columns are compared by position among those that hold a number, so a header read another
    way still counts when every amount lands in its column; a shifted amount does not."""
    outcomes: list[CodeRowOutcome] = []
    for truth_table in truth["tables"]:
        pages = set(truth_table["pages"])
        here = [t for t in report.tables if pages & set(t.pages)]
        right_kind = [t for t in here if t.kind == truth_table["kind"]]
        labels = [label for label in ("/".join(p) for p in truth_table["columns"])
                  if any(r["values"].get(label) is not None for r in truth_table["rows"])]
        seen: dict[tuple, int] = {}
        for truth_row in truth_table["rows"]:
            if not truth_row["code"]:
                continue
            key = (truth_row["code"], truth_row.get("extra_code"))
            seen[key] = seen.get(key, 0) + 1
            found = _find_row(right_kind, key, seen[key])
            uncertain = any(t.reading == "uncertain" for t in ([found[0]] if found else here))
            outcome = CodeRowOutcome(truth_table["kind"], key[0], key[1], None, uncertain=uncertain)
            if found is None:
                elsewhere = _find_row([t for t in here if t not in right_kind], key, 1)
                if not here:
                    outcomes.append(replace(outcome, fault="no table", cause="no table on its pages", detail=f"pages {sorted(pages)}"))
                elif elsewhere:
                    table = elsewhere[0]
                    cause = f"read as {table.kind} ({table.kind_reason})" if table.kind != "unknown" else "table not identified"
                    outcomes.append(replace(outcome, fault="kind", cause=cause, detail=f"{table.id} p.{table.pages}"))
                else:
                    cause, detail = _where_else(right_kind or here, key)
                    outcomes.append(replace(outcome, fault="row", cause=cause, detail=detail))
                continue
            table, row = found
            columns = _number_columns(table)
            got = tuple(row.cells[k].value if k in row.cells else None for k in columns)
            want = tuple(None if truth_row["values"][label] is None else Decimal(str(truth_row["values"][label])) for label in labels)
            if got != want:
                detail = f"read {[str(v) for v in got]}, printed {[str(v) for v in want]}"
                outcomes.append(replace(outcome, fault="amounts", cause=_amount_cause(got, want), detail=detail))
            elif table.unit != truth_table["unit"]:
                outcomes.append(replace(outcome, fault="unit", cause=f"unit {table.unit} read for {truth_table['unit']}"))
            else:
                outcomes.append(outcome)
    return outcomes


# -- header labels ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HeaderOutcome:
    """One printed table's amount-column labels: the label paths printed and those kemu read
    (``Column.label``, top row first), or ``None`` when no table of its kind is on its pages."""

    kind: str
    printed: tuple[str, ...]
    read: tuple[str, ...] | None

    @property
    def exact(self) -> bool:
        return self.read == self.printed

    @property
    def pieces(self) -> tuple[str, ...]:
        """Labels read that no header cell prints whole: a label wrapped inside its cell read as
        a parent over a child ("基本/支出" for 基本支出), or two labels run together."""
        whole = {label for path in self.printed for label in path.split("/")}
        return tuple(dict.fromkeys(label for path in self.read or () for label in path.split("/") if label not in whole))


def score_headers(report: Report, truth: dict) -> list[HeaderOutcome]:
    """Each printed table's column labels as kemu read them, against the printed label paths."""
    outcomes = []
    for truth_table in truth["tables"]:
        pages = set(truth_table["pages"])
        right_kind = [t for t in report.tables if t.kind == truth_table["kind"] and pages & set(t.pages)]
        read = tuple(c.label for c in right_kind[0].columns) if right_kind else None
        outcomes.append(HeaderOutcome(truth_table["kind"], tuple("/".join(p) for p in truth_table["columns"]), read))
    return outcomes
