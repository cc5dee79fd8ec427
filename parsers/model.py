"""The one report model that flows through kemu: parsers build it, everything else reads it.

Frozen dataclasses, amounts as ``Decimal`` (reports print two decimals; floats would turn
311.15 into 311.15000000000009). Every cell carries its provenance so a reviewer can always
see where a number came from. Identities (table id, row id, column key) are derived from
content, never from list positions, so that review work survives re-extraction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

#: The parsers' version, recorded in every Report (and sidecar): here, below everything, so that
#: reading it does not load the parsers.
EXTRACTOR_VERSION = "1.0.0"

#: The kind of chart data (parsers/identify/chart.py): kept for the reviewer, not a budget table, so
#: matching, checks and exports pass it by.
CHART_KIND = "chart_data"


def file_sha256(path: Path) -> str:
    """``Report.sha256``, the content key of a source file: here, below the readers, the OCR
    cache and the extraction cache that all key by it."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@dataclass(frozen=True)
class Provenance:
    """Where a piece of text was printed: 1-based page, 1-based line on that page, bbox in PDF points."""

    page: int
    line: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    raw: str = ""
    confidence: float | None = None  # OCR confidence (0–1) when the text was read from a scan


@dataclass(frozen=True)
class Cell:
    """One amount cell: the text as printed, the number it states (or None), and its origin."""

    raw: str
    value: Decimal | None
    provenance: Provenance
    status: str = "extracted"  # extracted | edited (a reviewer's correction, see app/review/session.py)


@dataclass(frozen=True)
class Column:
    """A table column: a stable key from the column vocabulary plus the printed (flattened) label."""

    key: str
    label: str
    group: str | None = None  # side of a two-sided table (收入 / 支出) when there is one


@dataclass(frozen=True)
class Candidate:
    """A 科目 (or summary label) a row may map to, with its 类/款/项 path and a 0–100 score."""

    code: str
    name: str
    score: float
    path: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """How sure kemu is about a row's 科目 and why: the chosen code, the decision, the reason."""

    code: str | None
    name: str | None
    score: float
    decision: str  # auto | review | none; after review also confirmed | rejected
    reason: str
    candidates: tuple[Candidate, ...] = ()
    kind: str = "subject"  # subject (政府收支分类科目) | summary (standard summary-table label) | total


@dataclass(frozen=True)
class Row:
    """One line item. ``id`` = table id + code or normalised name + occurrence (stable across runs)."""

    id: str
    code: str | None
    name: str
    cells: dict[str, Cell]
    provenance: Provenance
    group: str | None = None  # 收入 / 支出 side, or the side-by-side group label
    extra_codes: tuple[str, ...] = ()  # further codes printed on the row (政府预算经济分类, 单位代码)
    extra_names: tuple[str, ...] = ()  # the names printed with ``extra_codes``, same order ("" when none); () when no names
    match: Match | None = None  # set by matching, never by parsers
    ignored: bool = False  # a reviewer excluded this row (e.g. a stray heading)
    note: str | None = None

    def value(self, column_key: str) -> Decimal | None:
        cell = self.cells.get(column_key)
        return cell.value if cell else None


@dataclass(frozen=True)
class Table:
    """A table as identified in the report; ``id`` = canonical kind + ordinal (``final_expense#1``)."""

    id: str
    kind: str
    title: str
    unit: str | None
    pages: tuple[int, ...]
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    empty: bool = False
    flags: tuple[str, ...] = ()
    provenance: Provenance | None = None
    kind_confidence: float = 1.0  # 1.0 a listed title; lower when read from wording or structure; 0 unknown
    kind_reason: str = "title"  # why this kind: "title", "title wording (…)", "structure: …", "no title or structure fits"
    reading: str = "confident"  # confident | uncertain: whether kemu's own evidence (coverage, sums, identities) backs its reading
    reading_reasons: tuple[str, ...] = ()  # why a reading is uncertain, one short sentence each (empty when confident)

    @property
    def is_data(self) -> bool:
        """A budget table whose rows are figures of the report (not the data behind a chart)."""
        return self.kind != CHART_KIND

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def row(self, row_id: str) -> Row | None:
        return next((r for r in self.rows if r.id == row_id), None)


@dataclass(frozen=True)
class Line:
    """A line of the document's text, in reading order."""

    number: int
    text: str
    bbox: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class Page:
    number: int
    lines: tuple[Line, ...]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True)
class Report:
    """A whole report: metadata, text by page and line, and the tables found in it."""

    source: str
    sha256: str
    size: int
    format: str
    report_kind: str | None
    department: str | None
    year: int | None
    pages: tuple[Page, ...]
    tables: tuple[Table, ...]
    extractor_version: str
    flags: tuple[str, ...] = field(default=())
    readers: tuple[tuple[str, tuple[int, ...]], ...] = ()  # PDF reader → the pages it read ("pdfium", "pdfminer", "ocr")

    def table(self, table_id: str) -> Table | None:
        return next((t for t in self.tables if t.id == table_id), None)

    def tables_of_kind(self, kind: str) -> list[Table]:
        return [t for t in self.tables if t.kind == kind]
