"""Does kemu's reading of a table hold up? Evidence from the table's own redundancy, no labels.

A budget table says a lot about itself: every number printed inside its region belongs in
exactly one cell (codes in the code column, amounts in amount columns), parents equal the sum
of their children, a 合计 column equals its parts, and one table ends where the next one's
title, unit line or header starts. A right reading satisfies all of that; a wrong one (a code
column read as names, an amount glued to a name, two tables read as one) breaks some of it.
``assess`` measures it over the built ``Table`` and the source lines it was read from;
``judge`` turns the measure into ``reading`` (confident | uncertain) and the reasons.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from decimal import Decimal

from parsers.tables.grid import code_text, is_body_start, is_code_name
from parsers.identify.kinds import identify_table
from parsers.read.layout import SourceLine
from parsers.model import Row, Table
from parsers.ideographs import is_han
from parsers.tables.segment import CJK, Segment, is_meta_text, normalize_text
from parsers.subject_codes import is_class, known_section
from parsers.evidence.sums import Sum, families, identities, same_amount

#: An amount as printed: thousands separators or decimals (a bare integer may be a code, a
#: line number or a year, so it is no evidence either way).
_AMOUNT = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|(?<![\d.,])\d+\.\d+(?![\d.])")
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_LEADING_DIGITS = re.compile(r"^[\[【(（]?(\d{3}(?:\d{2}){0,2})(?!\d)")
#: A name that ends in the first digits of an amount ("商品和服务支出2,0"): the name cell took them
#: (``_glued_amount``: what follows the name's last ideograph).
_FIGURES_AT_END = re.compile(r"[\s\d,.]*$")
_GLUED_FIGURES = re.compile(r"\s*(?:\d[\d,]*[.,]\d*|\d{3,})$")
#: Header words; a row that holds only these and no figure is a header line read as data.
_HEADER_WORDS = re.compile(r"(?:科目|功能|经济|分类)(?:编码|代码|名称)|^(?:项目|金额|单位|编码|名称|科目|类款项|类|款|项)$")
_TITLE_END = re.compile(r"(?:表|情况|明细)$")
_MARK = re.compile(r"^(?:公开|附)?表?\d{1,2}表?|(?:公开|附)?表?\d{1,2}表?$")

#: A 收支总表 and the 支出 table of the same report print each 类's total twice.
SUMMARY_TO_EXPENSE = {"budget_summary": "budget_expense", "final_income_expense_summary": "final_expense"}
_ORDINAL = re.compile(r"^[\(（]?[一二三四五六七八九十]+[、.．)）]\s*")

#: At most this share of a table's printed amounts (or codes) may be in no cell of their role.
MISSED_SHARE = 0.02
#: Parents not summing to their children: as many and this share of those checked say misread.
FAILING_PARENTS, FAILING_SHARE = 2, 0.25


#: Why a reading is doubted: id → (English, the JSON contract's wording; Chinese, the workbench's).
READING_REASONS: dict[str, tuple[str, str]] = {
    "amounts_missed": ('{missed} of {printed} amounts printed in the table are in no amount cell', '表中印出的 {printed} 个金额有 {missed} 个不在任何金额格中'),
    "codes_missed": ('{missed} of {printed} 科目 codes printed in the table are on no row', '表中印出的 {printed} 个科目编码有 {missed} 个不在任何行上'),
    "glued_amounts": ('{count} names end in the digits of an amount', '{count} 个名称以金额的数字结尾'),
    "glued_codes": ('{count} names start with a 科目 code', '{count} 个名称以科目编码开头'),
    "second_codes": ('{count} rows carry their 科目 code only as a second code', '{count} 行的科目编码只作为第二编码读出'),
    "unlabelled": ('{count} figures are in a column without a header', '{count} 个数字所在的栏没有表头'),
    "parents": ('parent rows are not the sum of their children in {failing} places ({checked} checked)', '上级行不等于其下各行之和：{failing} 处（共核对 {checked} 处）'),
    "identities": ('a 合计 column is not the sum of its parts in {failing} of {checked} rows', '合计栏不等于其各部分之和：{checked} 行中有 {failing} 行'),
    "inner_titles": ('{count} title, unit or header lines inside the table: it may hold the next table', '表内有 {count} 行标题、单位或表头：可能把下一张表也读了进来'),
    "header_rows": ('{count} header lines read as rows', '{count} 行表头被读成了数据行'),
    "continuation": ('a continuation page has other columns than the first page', '续页的栏与首页不同'),
    "cross_table": ('{differing} of {compared} 类 totals differ between the 收支总表 and the 支出 table', '收支总表与支出表的 {compared} 个类合计中有 {differing} 个不一致'),
}


def reading_reason(reason_id: str, **fields: object) -> str:
    """The English sentence of ``reason_id`` (``Table.reading_reasons``; app.wording translates it)."""
    return READING_REASONS[reason_id][0].format(**fields)


@dataclass(frozen=True)
class Evidence:
    """What the table's region and redundancy say about one reading; every count is a doubt,
    except the ``*_printed`` and ``*_checked`` counts they are measured against."""

    amounts_printed: int = 0
    amounts_missed: int = 0  # printed in the region, in no amount cell
    codes_printed: int = 0
    codes_missed: int = 0  # a 科目 code printed before a name, on no row as its code
    glued_amounts: int = 0  # names ending in an amount's digits
    glued_codes: int = 0  # names starting with a 科目 code
    second_codes: int = 0  # rows whose 科目 code was read as a second classification's, in a table with no row code
    unlabelled: int = 0  # figures in a column whose header kemu did not find (第9列)
    unlabelled_columns: int = 0  # such columns: a figure without its label is still in its place
    parents_checked: int = 0
    parents_failing: int = 0  # faults: a chain of parents failing by the same amount is one
    identity_rows_checked: int = 0
    identity_rows_failing: int = 0
    inner_titles: int = 0  # a title, unit line or repeated header below rows of the table
    header_rows: int = 0  # header words read as a row
    continuation_widths: int = 0  # pages of one ruled table with another number of columns

    def reasons(self) -> tuple[str, ...]:
        """One sentence per doubt that is more than noise."""
        out = []
        if _too_many(self.amounts_missed, self.amounts_printed):
            out.append(reading_reason("amounts_missed", missed=self.amounts_missed, printed=self.amounts_printed))
        if _too_many(self.codes_missed, self.codes_printed):
            out.append(reading_reason("codes_missed", missed=self.codes_missed, printed=self.codes_printed))
        if self.glued_amounts:
            out.append(reading_reason("glued_amounts", count=self.glued_amounts))
        if self.glued_codes:
            out.append(reading_reason("glued_codes", count=self.glued_codes))
        if self.second_codes >= 2:
            out.append(reading_reason("second_codes", count=self.second_codes))
        if self.unlabelled:
            out.append(reading_reason("unlabelled", count=self.unlabelled))
        if self.parents_failing >= FAILING_PARENTS and self.parents_failing >= FAILING_SHARE * self.parents_checked:
            out.append(reading_reason("parents", failing=self.parents_failing, checked=self.parents_checked))
        if self.identity_rows_checked >= 4 and 2 * self.identity_rows_failing > self.identity_rows_checked:
            out.append(reading_reason("identities", failing=self.identity_rows_failing, checked=self.identity_rows_checked))
        if self.inner_titles:
            out.append(reading_reason("inner_titles", count=self.inner_titles))
        if self.header_rows:
            out.append(reading_reason("header_rows", count=self.header_rows))
        if self.continuation_widths:
            out.append(reading_reason("continuation"))
        return tuple(out)

    @property
    def doubts(self) -> int:
        """How much speaks against the reading: alternatives compete on it (fewer is better)."""
        failing_parents = self.parents_failing if self.parents_failing >= FAILING_PARENTS else 0
        lost = self.amounts_missed + self.codes_missed + self.glued_amounts + self.glued_codes + self.second_codes  # figures out of place
        return (
            3 * lost + self.unlabelled_columns + failing_parents + self.identity_rows_failing + 3 * self.inner_titles
            + self.header_rows + self.continuation_widths
        )


def _too_many(missed: int, printed: int) -> bool:
    return missed > 0 and missed > MISSED_SHARE * printed


def judge(table: Table, evidence: Evidence) -> Table:
    """The table with ``reading`` and ``reading_reasons`` set from its evidence."""
    reasons = evidence.reasons()
    return replace(table, reading="uncertain" if reasons else "confident", reading_reasons=reasons)


def weighs(table: Table, segment: Segment) -> bool:
    """Whether the evidence speaks for this table: money tables do; performance tables (targets
    and scores written as text: "≥ 95 %") and untitled tables without 科目 codes hold figures
    in text cells by design, so coverage says nothing about them. Readings are judged before
    identification names the kind (a table built under ``unknown#0``): then the segment's
    title says whether it is a money table, as the title catalog reads it."""
    if not table.is_data or "performance" in table.kind:
        return False
    if table.kind != "unknown" or any(row.code for row in table.rows):
        return True
    named = identify_table(segment.title) if segment.titled else None
    return named is not None and "performance" not in named.id


def assess(table: Table, segment: Segment) -> Evidence:
    """Measure one reading of ``segment`` (the source lines of the table's region); a table the
    evidence does not speak for (``weighs``) gets none."""
    if not weighs(table, segment):
        return Evidence()
    amounts_printed, codes_printed = _printed([*segment.lines, *_inner_meta(segment)])
    amounts_placed = Counter(token for row in table.rows for cell in row.cells.values() for token in _amount_tokens(cell.raw))
    codes_placed = Counter(code for row in table.rows for code in (row.code, *row.extra_codes) if code)
    parents_checked, parents_failing = _hierarchy(table)
    filled = Counter(
        column.key for row in table.rows for column in table.columns
        if re.fullmatch(r"第\d+列", column.label) and row.value(column.key) is not None
    )
    identity_checked, identity_failing = _identities(table)
    return Evidence(
        amounts_printed=sum(amounts_printed.values()),
        amounts_missed=sum((amounts_printed - amounts_placed).values()),
        codes_printed=sum(codes_printed.values()),
        codes_missed=sum((codes_printed - codes_placed).values()),
        glued_amounts=sum(_glued_amount(row.name) for row in table.rows),
        glued_codes=sum(_glued_code(row) for row in table.rows),
        second_codes=len(second_code_rows(table)),
        unlabelled=sum(filled.values()),
        unlabelled_columns=len(filled),
        parents_checked=parents_checked,
        parents_failing=parents_failing,
        identity_rows_checked=identity_checked,
        identity_rows_failing=identity_failing,
        inner_titles=len(inner_title_starts(segment)),
        header_rows=sum(_is_header_row(row) for row in table.rows),
        continuation_widths=_continuation_widths(segment.lines),
    )


def _inner_meta(segment: Segment) -> list[SourceLine]:
    """Unit and department lines set aside below the title: what they print is in the region."""
    title = (segment.title_line.page, segment.title_line.number) if segment.title_line else (0, 0)
    return [m for m in segment.meta if (m.page, m.number) > title]


def _amount_tokens(text: str) -> list[str]:
    return [token for piece in text.split() for token in _AMOUNT.findall(piece)]


def _printed(lines: list[SourceLine]) -> tuple[Counter[str], Counter[str]]:
    """The amounts and the 科目 codes printed in the region. A code counts where it stands beside
    its name (before it, or after it in a 名称 | 编码 template), or glued to it ("2050303-技校教育")."""
    amounts: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    for line in lines:
        pieces = [piece for fragment in line.fragments for piece in fragment.text.split()]
        for index, piece in enumerate(pieces):
            amounts.update(_AMOUNT.findall(piece))
            code = code_text(piece)
            before_name = index + 1 < len(pieces) and CJK.search(pieces[index + 1])
            after_name = index > 0 and CJK.search(pieces[index - 1]) and not (
                index + 1 < len(pieces) and re.fullmatch(r"\d{1,2}", pieces[index + 1])
            )  # "501 | 01" is a 类 whose 款 follows in its own column, not a whole code
            if _CODE.match(code) and (before_name or after_name) and is_class(code):
                codes[code] += 1
            elif is_code_name(piece):
                leading = _LEADING_DIGITS.match(piece)
                if leading and known_section(leading.group(1)):
                    codes[leading.group(1)] += 1
    return amounts, codes


def second_code_rows(table: Table) -> list[Row]:
    """In a table where no row has a code, the rows whose first second code is a 科目 code: the
    code column printed right of the names was read as a second classification."""
    if any(row.code for row in table.rows):
        return []
    return [
        row for row in table.rows
        if row.extra_codes and len(row.extra_codes[0]) in (3, 5, 7) and known_section(row.extra_codes[0])
    ]


def _glued_amount(name: str) -> bool:
    """An ideograph, then only spaces and the start of a figure to the end of the name. The
    ideograph can only be the name's last character that is no space, digit, comma or dot."""
    tail = _FIGURES_AT_END.search(name).start()
    return tail > 0 and is_han(name[tail - 1]) and _GLUED_FIGURES.match(name, tail) is not None


def _glued_code(row: Row) -> bool:
    leading = _LEADING_DIGITS.match(row.name)
    return bool(leading and is_code_name(row.name) and known_section(leading.group(1)))


def _is_header_row(row: Row) -> bool:
    if row.code or any(cell.value is not None for cell in row.cells.values()):
        return False
    return bool(_HEADER_WORDS.search(normalize_text(row.name)))


def _subject_rows(rows: list[Row]) -> list[Row]:
    """Rows with a 科目 code of the classification standard (the checks' coded rows)."""
    return [row for row in rows if row.code and len(row.code) in (3, 5, 7) and is_class(row.code)]


def _hierarchy(table: Table) -> tuple[int, int]:
    """(parents checked, faults among the parents whose printed children do not add up to them),
    in each classification the rows print (the row's code, and a second one beside it), families
    grouped as the checks group them (parsers/evidence/sums.py). One wrong figure fails every sum it is
    part of by the same amount (its parent and the parent's parent, in both classifications): a
    printed fault, not a misreading, so such failures count as one (as app/checks/echoes.py counts
    findings)."""
    second = [
        replace(row, code=row.extra_codes[0]) for row in table.rows
        if row.extra_codes and len(row.extra_codes[0]) in (3, 5) and is_class(row.extra_codes[0])
    ]
    checked = 0
    faults: list[list[Decimal]] = []  # each: the amounts one fault's failing sums differ by
    for rows in (list(table.rows), second):
        for parent, kids in families(_subject_rows(rows)):
            sums = [Sum(parent.cells.get(c.key), [k.cells.get(c.key) for k in kids]) for c in table.columns]
            sums = [s for s in sums if s.checkable]
            if not sums:
                continue
            checked += 1
            gaps = [s.difference for s in sums if s.severity() == "error"]
            fault = next((f for f in faults if any(same_amount(a, b) for a in f for b in gaps)), None)
            if fault is not None:
                fault.extend(gaps)
            elif gaps:
                faults.append(gaps)
    return checked, len(faults)


def _identities(table: Table) -> tuple[int, int]:
    """(rows checked, rows where a 合计 column is not the sum of its parts)."""
    if any(column.group for column in table.columns):
        return 0, 0  # two-sided tables keep only the leaf of each label
    checked = failing = 0
    for total, parts in identities(table):
        for row in table.rows:
            sum_ = Sum(row.cells.get(total.key), [row.cells.get(p.key) for p in parts])
            if sum_.checkable:
                checked += 1
                failing += sum_.severity() == "error"
    return checked, failing


def inner_title_starts(segment: Segment) -> list[int]:
    """Where another table starts below rows of this one on the same page (indexes into
    ``segment.lines``): a title, a unit line (单位：万元), or the header printed again. At the top
    of a page they continue the table; below its rows they begin the next."""
    lines = segment.lines
    first_body = next((i for i, line in enumerate(lines) if is_body_start(line)), len(lines))
    header = {normalize_text(line.text) for line in lines[:first_body]}
    inner_meta = [(m.page, m.number) for m in _inner_meta(segment)]
    body_pages: set[int] = set()
    starts: list[int] = []
    rows_since_start = True
    for index in range(first_body, len(lines)):
        line, before = lines[index], lines[index - 1]
        place = (line.page, line.number)
        unit_above = any((before.page, before.number) < meta < place and meta[0] == line.page for meta in inner_meta)
        starts_table = normalize_text(line.text) in header or is_title_line(line) or unit_above
        if line.page in body_pages and starts_table and rows_since_start:
            starts.append(index)  # a title, a unit line and the header under them start one table
            rows_since_start = False
        if is_body_start(line):
            body_pages.add(line.page)
            rows_since_start = True
    return sorted({*starts, *_other_table_pages(lines)})


def is_title_line(line: SourceLine) -> bool:
    """A table title: one short run of CJK text ending as titles do (…表, …情况), no figures."""
    cells = [c for c in line.cells if not is_meta_text(c)]
    if len(cells) != 1 or _AMOUNT.search(cells[0]):
        return False
    text = _MARK.sub("", normalize_text(cells[0]))
    return 6 <= len(text) <= 40 and len(CJK.findall(text)) >= 6 and (
        bool(_TITLE_END.search(text)) or identify_table(text, None) is not None
    )


def _page_widths(lines: list[SourceLine]) -> dict[int, int]:
    """Per page, the number of columns of the table's ruled rows."""
    widths: dict[int, int] = {}
    for line in lines:
        if line.region is not None:
            width = max((f.col + (f.span or 1) for f in line.fragments if f.col is not None), default=0)
            widths[line.page] = max(widths.get(line.page, 0), width)
    return widths


def _continuation_widths(lines: list[SourceLine]) -> int:
    """Pages of a ruled table whose rows have another number of columns than the first page's."""
    values = list(_page_widths(lines).values())
    return sum(width != values[0] for width in values[1:]) if values else 0


def _other_table_pages(lines: list[SourceLine]) -> list[int]:
    """Where a page of other columns starts under a header of its own: the next table, whose
    title kemu did not see (indexes into ``lines``)."""
    widths = _page_widths(lines)
    first = next(iter(widths.values()), 0)
    starts = []
    for index, line in enumerate(lines):
        new_page = index > 0 and lines[index - 1].page != line.page
        if new_page and widths.get(line.page, first) != first and not is_body_start(line):
            starts.append(index)
    return starts


def cross_table_reasons(tables: list[Table]) -> dict[str, str]:
    """Table id → a doubt, when the 类 totals a 收支总表 prints disagree with the 类 rows of the
    report's 支出 table in most classes: one of the two was misread (a column off, rows lost).
    Both are named, since the figures alone cannot say which."""
    out: dict[str, str] = {}
    for summary_kind, expense_kind in SUMMARY_TO_EXPENSE.items():
        summary = next((t for t in tables if t.kind == summary_kind), None)
        expense = next((t for t in tables if t.kind == expense_kind), None)
        if summary is None or expense is None or summary.unit != expense.unit or not expense.columns:
            continue
        classes = {normalize_text(r.name): r for r in expense.rows if r.code and len(r.code) == 3}
        total = expense.columns[0].key
        compared = differing = 0
        for row in summary.rows:
            target = classes.get(_ORDINAL.sub("", normalize_text(row.name))) if row.group == "支出" else None
            printed = next((c for c in row.cells.values() if c.value is not None), None)
            if target is None or printed is None or target.value(total) is None:
                continue
            compared += 1
            differing += Sum(printed, [target.cells[total]]).severity() == "error"
        if differing >= 2 and 2 * differing > compared:
            reason = reading_reason("cross_table", differing=differing, compared=compared)
            out[summary.id] = out[expense.id] = reason
    return out


def doubt_across(tables: tuple[Table, ...]) -> tuple[Table, ...]:
    """The evidence stage across tables, once identification has named every table's kind:
    totals that must agree across tables of the report; a disagreement makes both uncertain."""
    doubts = cross_table_reasons(list(tables))
    return tuple(
        replace(t, reading="uncertain", reading_reasons=(*t.reading_reasons, doubts[t.id])) if t.id in doubts else t
        for t in tables
    )
