"""Code-row accuracy on real published report PDFs, against an independent pdfplumber oracle.

The oracle shares nothing with kemu's parsers (no layout, segmentation, grid or amount code):

* every page: ``page.find_tables()`` (pdfplumber's default ruling-line strategy) and
  ``table.extract()``; in each extracted row an item starts at every cell holding a 科目 code
  (3/5/7 digits with a plausible 类 prefix: 101-119, 201-239, 301-399, 501-599), 类/款/项 parts
  in separate cells are joined (a one-digit part, "301 | 2 | 津贴补贴", is a dropped leading zero:
  30102), the next non-empty cell must hold CJK text (the name; a wrapped cell's lines joined),
  a second classification printed right beside the name (政府预算经济分类) is passed over, and
  the numbers up to the next code+name pair are the amounts;
* pages where pdfplumber finds no ruled table: ``page.extract_text()`` lines of the exact form
  ``CODE [款 [项]] NAME AMOUNT...`` (whitespace-split, name one CJK token, every other token a
  number or a dash), and only when no neighbouring line looks like a wrapped piece of the name.

Anything the oracle cannot read unambiguously is left out rather than guessed: a cell that is
neither a number, a dash nor text; a wrapped name; a table that never prints an amount with
decimals or thousands separators (序号, scores, counts, 台/辆 tables).

kemu also takes its ruled cells from pdfplumber's table finder, so two independent checks guard
against a shared segmentation error: the text-line reading is also run on ruled-table pages
(``text-ok``: table items it states identically; ``conflict``: text lines that contradict one),
and every amount pdfplumber shows wrapped inside a ruled cell ("18,536.8" over "8"), in any row,
coded or not, must appear among kemu's values on that page.

Each oracle item (page, code, name, amounts) must be matched by a distinct kemu row on that
page (``row.provenance.page``) with the same code, the same name (whitespace removed, printed
characters kept: "（" is not "(") and the same non-null amounts in column order (Decimal compare).

Run: python benchmarks/real_reports.py [-v] [PDF ...]
(defaults to every PDF in ../shared/real_reports next to the repository).
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pdfplumber  # noqa: E402

from parsers.errors import UnreadableReport  # noqa: E402
from parsers.report import read_report  # noqa: E402

REAL_REPORTS = Path(__file__).resolve().parents[2] / "shared" / "real_reports"

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CODE = re.compile(r"^(?:10[1-9]|11\d|2[0-3]\d|3\d\d|5\d\d)(?:\d{2}){0,2}$")  # 科目 类 prefixes only
_PART = re.compile(r"^\d{1,2}$")  # 款/项 in its own cell; "2" is a spreadsheet's 02 (padded)
_NUMBER = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_DASHES = {"", "-", "--", "—", "——", "–", "－", "/", "*"}


# --------------------------------------------------------------------------- oracle


@dataclass(frozen=True)
class OracleItem:
    page: int
    code: str
    name: str
    amounts: tuple[Decimal, ...]
    source: str  # "table" (ruled table cells) or "text" (a text line)
    raw: str  # the row as printed, for reports


@dataclass
class Skipped:
    page: int
    reason: str
    raw: str


@dataclass
class OracleResult:
    items: list[OracleItem] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    text_check: list[OracleItem] = field(default_factory=list)  # text reading of ruled-table pages
    wrapped: list[tuple[int, str, Decimal]] = field(default_factory=list)  # (page, cell, value): any row
    cell_values: dict[int, Counter] = field(default_factory=lambda: defaultdict(Counter))  # formatted amounts


def _flat(cell: str | None) -> str:
    """Cell text with pdfplumber's line breaks joined, trimmed (names are compared as printed)."""
    if cell is None:
        return ""
    return cell.replace("\n", "").strip()


def _ascii(text: str) -> str:
    """NFKC for codes and numbers only: full-width digits and separators → ASCII."""
    return unicodedata.normalize("NFKC", text).strip()


def _code_cell(text: str) -> str:
    """A cell of digits only (full-width allowed) as ASCII; any other cell unchanged."""
    folded = _ascii(text)
    return folded if re.fullmatch(r"[0-9]+", folded) else text


def _number(text: str) -> tuple[str, Decimal | None]:
    """("blank" | "number" | "text" | "bad", value) for one amount cell or token."""
    text = _ascii(text)
    if text in _DASHES:
        return "blank", None
    if _NUMBER.match(text):
        return "number", Decimal(text.replace(",", ""))
    if _CJK.search(text):
        return "text", None
    return "bad", None


def _formatted(token: str) -> bool:
    return "," in token or "." in token


def _row_items(cells: list[str]) -> tuple[list[tuple[str, str, list[str]]], str | None]:
    """Code items in one table row as (code, name, amount tokens); a reason when the row is ambiguous."""
    items: list[tuple[str, str, list[str]]] = []
    i = 0
    while i < len(cells):
        if not _CODE.match(cells[i]):
            i += 1
            continue
        code = cells[i]
        i += 1
        while i < len(cells) and _PART.match(cells[i]) and len(code) < 7:
            code += cells[i].zfill(2)
            i += 1
        while i < len(cells) and not cells[i]:
            i += 1
        if i >= len(cells) or not _CJK.search(cells[i]):
            return items, f"code {code} not followed by a name"  # a unit code, a number row
        name = re.sub(r"\s+", "", cells[i])
        i += 1
        if i < len(cells) and _CODE.match(cells[i]) and _starts_item(cells, i):
            # "30102 津贴补贴 50101 工资奖金津补贴 57.20": a second classification (政府预算经济分类)
            # printed right beside the name belongs to this row, it is not an item of its own
            i += 1
            while i < len(cells) and (_PART.match(cells[i]) or not cells[i]):
                i += 1
            i += 1
        tokens: list[str] = []
        while i < len(cells) and not _starts_item(cells, i):
            kind, _ = _number(cells[i])
            if kind == "bad":
                return items, f"unreadable amount cell {cells[i]!r}"
            if kind == "text":
                return items, f"text {cells[i]!r} among the amounts"
            if kind == "number":
                tokens.append(cells[i])
            i += 1
        if tokens:
            items.append((code, name, tokens))
    return items, None


def _starts_item(cells: list[str], i: int) -> bool:
    """A code cell followed (after 款/项 parts and blanks) by a CJK name: the next side's item."""
    if not _CODE.match(cells[i]):
        return False
    j = i + 1
    while j < len(cells) and (_PART.match(cells[j]) or not cells[j]):
        j += 1
    return j < len(cells) and bool(_CJK.search(cells[j]))


def _table_items(page_number: int, table, result: OracleResult) -> None:
    found: list[tuple[str, str, list[str], str]] = []
    for row in table.extract():
        for cell in row:
            kind, value = _number(_flat(cell))
            if kind == "number" and _formatted(_flat(cell)):
                result.cell_values[page_number][value] += 1
                if "\n" in cell.strip():
                    result.wrapped.append((page_number, cell, value))
        cells = [_code_cell(_flat(c)) for c in row]
        raw = " | ".join(cells)
        items, problem = _row_items(cells)
        if problem:
            result.skipped.append(Skipped(page_number, problem, raw))
        found.extend((code, name, tokens, raw) for code, name, tokens in items)
    tokens = [t for _, _, ts, _ in found for t in ts]
    if found and not any(_formatted(t) for t in tokens):
        for code, name, _, raw in found:
            result.skipped.append(Skipped(page_number, "table prints no decimals/thousands separators", raw))
        return
    for code, name, ts, raw in found:
        amounts = tuple(_number(t)[1] for t in ts)
        result.items.append(OracleItem(page_number, code, name, amounts, "table", raw))


_TEXT_LINE = re.compile(r"^(?:10[1-9]|11\d|2[0-3]\d|3\d\d|5\d\d)(?:\d{2}){0,2}\s")


def _text_items(page_number: int, text: str, result: OracleResult) -> None:
    lines = text.splitlines()
    found: list[tuple[str, str, list[str], str]] = []
    for index, line in enumerate(lines):
        tokens = [_code_cell(t) for t in line.split()]
        line = " ".join(tokens)
        if not _TEXT_LINE.match(line):
            continue
        code = tokens[0]
        k = 1
        while k < len(tokens) and _PART.match(tokens[k]) and len(code) < 7:
            code += tokens[k].zfill(2)
            k += 1
        if k >= len(tokens) or not _CJK.search(tokens[k]) or re.search(r"\d", tokens[k]):
            continue
        name, rest = tokens[k], tokens[k + 1 :]
        kinds = [_number(t) for t in rest]
        if not rest or any(kind not in ("number", "blank") for kind, _ in kinds):
            continue  # narrative, a name with spaces, a second classification: not unambiguous
        numbers = [t for t, (kind, _) in zip(rest, kinds) if kind == "number"]
        if not numbers or not all(_formatted(t) or t == "0" for t in numbers):
            continue
        if any(_wrapped_fragment(lines[j]) for j in (index - 1, index + 1) if 0 <= j < len(lines)):
            result.skipped.append(Skipped(page_number, "name may wrap onto a neighbouring line", line))
            continue
        found.append((code, name, numbers, line))
    for code, name, numbers, line in found:
        amounts = tuple(_number(t)[1] for t in numbers)
        result.items.append(OracleItem(page_number, code, name, amounts, "text", line))


def _wrapped_fragment(line: str) -> bool:
    """A short CJK-only line: what a wrapped table cell leaves between rows."""
    line = line.strip()
    return bool(line) and len(line) <= 12 and bool(_CJK.search(line)) and not re.search(r"[\d。，：；]", line)


def oracle(path: Path) -> OracleResult:
    """Table items from ruled tables; text-line items where a page has none.

    On pages with ruled tables the text-line reading is kept apart (``text_check``): it does not
    go through pdfplumber's table finder, which kemu also uses, so it confirms or contradicts
    the table reading independently of any shared cell segmentation.
    """
    result = OracleResult()
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            tables = page.find_tables()
            text = page.extract_text() or ""
            if tables:
                for table in tables:
                    _table_items(number, table, result)
                check = OracleResult()
                _text_items(number, text, check)
                result.text_check.extend(check.items)
            else:
                _text_items(number, text, result)
    return result


def cross_check(result: OracleResult) -> tuple[int, list[OracleItem]]:
    """(table items the text reading states identically, text items contradicting the table reading)."""
    table_items = [i for i in result.items if i.source == "table"]
    keys = {(i.page, i.code, i.name, i.amounts) for i in table_items}
    text_keys = {(i.page, i.code, i.name, i.amounts) for i in result.text_check}
    confirmed = sum((i.page, i.code, i.name, i.amounts) in text_keys for i in table_items)
    conflicts = [i for i in result.text_check if (i.page, i.code, i.name, i.amounts) not in keys]
    return confirmed, conflicts


# --------------------------------------------------------------------------- comparison


def _norm_name(name: str) -> str:
    return re.sub(r"\s+", "", name)


@dataclass(frozen=True)
class KemuRow:
    page: int
    table: str
    code: str | None
    name: str
    amounts: tuple[Decimal, ...]


@dataclass
class Comparison:
    pdf: str
    items: list[OracleItem]
    matched: list[tuple[OracleItem, KemuRow]]
    missed: list[tuple[OracleItem, KemuRow | None]]  # oracle item, closest kemu row on the page
    unseen: list[KemuRow]  # kemu code rows neither matched nor shown as the closest row of a miss
    skipped: list[Skipped]
    text_confirmed: int = 0  # table items the independent text-line reading states identically
    text_conflicts: list[OracleItem] = field(default_factory=list)
    wrapped_lost: list[tuple[int, str, Decimal]] = field(default_factory=list)  # wrapped amounts kemu lacks
    cells: int = 0  # formatted amount cells in ruled tables (any row, coded or not)
    cells_lost: list[tuple[int, Decimal]] = field(default_factory=list)  # (page, value) kemu states fewer times
    error: str | None = None

    @property
    def rate(self) -> float | None:
        return len(self.matched) / len(self.items) if self.items else None


def kemu_rows(report) -> list[KemuRow]:
    rows = []
    for table in report.tables:
        for row in table.rows:
            amounts = tuple(c.value for c in row.cells.values() if c.value is not None)
            rows.append(KemuRow(row.provenance.page, table.id, row.code, row.name, amounts))
    return rows


def _agrees(item: OracleItem, row: KemuRow) -> bool:
    return row.code == item.code and _norm_name(row.name) == item.name and row.amounts == item.amounts


def _closeness(item: OracleItem, row: KemuRow) -> tuple[int, int, int]:
    same_amounts = sum(a == b for a, b in zip(item.amounts, row.amounts))
    return (row.code == item.code, _norm_name(row.name) == item.name, same_amounts)


def compare(pdf: str, result: OracleResult, rows: list[KemuRow]) -> Comparison:
    by_page: dict[int, list[KemuRow]] = defaultdict(list)
    for row in rows:
        by_page[row.page].append(row)
    used: set[int] = set()
    matched: list[tuple[OracleItem, KemuRow]] = []
    pending: list[OracleItem] = []
    for item in result.items:
        hit = next((r for r in by_page[item.page] if id(r) not in used and _agrees(item, r)), None)
        if hit is None:
            pending.append(item)
        else:
            used.add(id(hit))
            matched.append((item, hit))
    missed = []
    for item in pending:
        candidates = [r for r in by_page[item.page] if id(r) not in used]
        closest = max(candidates, key=lambda r: _closeness(item, r), default=None)
        if closest is not None and _closeness(item, closest) == (False, False, 0):
            closest = None
        missed.append((item, closest))
    shown = {id(closest) for _, closest in missed if closest is not None}
    unseen = [r for r in rows if r.code and id(r) not in used and id(r) not in shown]
    confirmed, conflicts = cross_check(result)
    # A wrapped cell's value is lost when kemu states it on that page fewer times than the ruled
    # cells print it (counting every formatted amount cell of the page, wrapped or not).
    kemu_values: dict[int, Counter] = defaultdict(Counter)
    for row in rows:
        kemu_values[row.page].update(row.amounts)
    lost = []
    for page, cell, value in result.wrapped:
        if kemu_values[page][value] < result.cell_values[page][value]:
            kemu_values[page][value] += 1  # report each missing occurrence once
            lost.append((page, cell, value))
    comparison = Comparison(pdf, result.items, matched, missed, unseen, result.skipped, confirmed, conflicts, lost)
    # Amount recall over every ruled cell: a value printed n times on a page must be among kemu's
    # values on that page at least n times (rows without codes included: 三公, summary tables).
    kemu_values = defaultdict(Counter)
    for row in rows:
        kemu_values[row.page].update(row.amounts)
    for page, printed in sorted(result.cell_values.items()):
        comparison.cells += sum(printed.values())
        for value, count in sorted((printed - kemu_values[page]).items()):
            comparison.cells_lost.extend([(page, value)] * count)
    return comparison


def run(path: Path) -> Comparison:
    """Oracle and kemu on one PDF; a file either side cannot read is noted, not raised."""
    errors = []
    try:
        result = oracle(path)
    except Exception as error:  # pdfplumber/pdfminer raise many types for broken files
        result = OracleResult()
        errors.append(f"pdfplumber: {error.__class__.__name__}: {error}")
    try:
        rows = kemu_rows(read_report(path))
    except UnreadableReport as error:
        rows = []
        errors.append(f"kemu: {error}")
    comparison = compare(path.name, result, rows)
    comparison.error = "; ".join(errors) or None
    return comparison


def default_pdfs() -> list[Path]:
    if not REAL_REPORTS.is_dir():
        return []
    return sorted(p for p in REAL_REPORTS.glob("*.pdf") if p.stat().st_size > 0)


def rows_read(c: Comparison) -> bool:
    """kemu read the file (wrapped-cell losses mean nothing for a refused file)."""
    return not (c.error and "kemu:" in c.error)


def _fmt_amounts(amounts: tuple[Decimal, ...]) -> str:
    return "[" + ", ".join(str(a) for a in amounts) + "]"


def _describe(row: KemuRow | None) -> str:
    if row is None:
        return "no kemu row on that page"
    return f"{row.table} p{row.page} {row.code} {row.name} {_fmt_amounts(row.amounts)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true", help="list mismatches and skipped rows")
    args = parser.parse_args(argv)
    pdfs = args.pdfs or default_pdfs()
    if not pdfs:
        print(f"no PDFs given and {REAL_REPORTS} is absent")
        return 1
    total_items = total_matched = total_confirmed = total_cells = total_lost = 0
    print(
        f"{'PDF':40} {'oracle':>7} {'matched':>8} {'%':>7} {'kemu-only':>9} {'text-ok':>7} {'conflict':>8}"
        f" {'cells':>6} {'lost':>5}"
    )
    comparisons = []
    for path in pdfs:
        c = run(path)
        comparisons.append(c)
        total_items += len(c.items)
        total_matched += len(c.matched)
        total_confirmed += c.text_confirmed
        if rows_read(c):
            total_cells += c.cells
            total_lost += len(c.cells_lost)
        pct = f"{100 * c.rate:6.2f}%" if c.rate is not None else "    n/a"
        note = f"  ({c.error})" if c.error else ""
        cells = f"{c.cells:6d} {len(c.cells_lost):5d}" if rows_read(c) else f"{'-':>6} {'-':>5}"
        print(
            f"{c.pdf:40} {len(c.items):7d} {len(c.matched):8d} {pct} {len(c.unseen):9d}"
            f" {c.text_confirmed:7d} {len(c.text_conflicts):8d} {cells}{note}"
        )
    pct = f"{100 * total_matched / total_items:6.2f}%" if total_items else "    n/a"
    print(
        f"{'TOTAL':40} {total_items:7d} {total_matched:8d} {pct} {'':9} {total_confirmed:7d} {'':8}"
        f" {total_cells:6d} {total_lost:5d}"
    )
    print(
        "(kemu-only: kemu code rows that no oracle item matched or was closest to;"
        " text-ok: oracle table items the text-line reading confirms; conflict: text lines that contradict them;"
        "\n cells: amounts with decimals/separators in ruled cells of any row; lost: those not among kemu's values"
        " on the page)"
    )
    for c in comparisons:
        if c.missed and args.verbose:
            print(f"\n== {c.pdf}: {len(c.missed)} mismatches")
            for item, closest in c.missed:
                print(f"  p{item.page} [{item.source}] oracle: {item.code} {item.name} {_fmt_amounts(item.amounts)}")
                print(f"        printed: {item.raw}")
                print(f"        kemu:    {_describe(closest)}")
        if c.unseen:
            print(f"\n-- {c.pdf}: {len(c.unseen)} kemu code rows the oracle did not see (informational)")
            for row in c.unseen if args.verbose else c.unseen[:5]:
                print(f"  {_describe(row)}")
            if not args.verbose and len(c.unseen) > 5:
                print(f"  ... {len(c.unseen) - 5} more (-v)")
        if c.wrapped_lost and rows_read(c):
            print(f"\n~~ {c.pdf}: {len(c.wrapped_lost)} amounts wrapped inside a ruled cell that kemu has no value for")
            for page, cell, value in c.wrapped_lost if args.verbose else c.wrapped_lost[:3]:
                print(f"  p{page} {cell!r} = {value}")
        if c.cells_lost and rows_read(c):
            print(f"\n## {c.pdf}: {len(c.cells_lost)} ruled amount cells not among kemu's values on their page")
            for page, value in c.cells_lost if args.verbose else c.cells_lost[:3]:
                print(f"  p{page} {value}")
        if c.text_conflicts:
            print(f"\n!! {c.pdf}: {len(c.text_conflicts)} text lines contradict the table reading")
            for item in c.text_conflicts:
                print(f"  p{item.page} {item.raw}")
        if c.skipped and args.verbose:
            print(f"\n.. {c.pdf}: {len(c.skipped)} rows the oracle left out as ambiguous")
            for s in c.skipped:
                print(f"  p{s.page} {s.reason}: {s.raw}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
