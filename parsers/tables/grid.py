"""A table segment → a model ``Table``: header/body split, column roles, groups, rows.

The same logic serves every source format. Column roles come from the body, not from the
header wording: a column of 3/5/7-digit strings left of the names holds codes (类/款/项
columns are joined), the mostly-CJK column holds names, columns right of it hold amounts.
A table whose body repeats code/name/amount groups side by side (基本支出 tables) or
shows 收入 and 支出 sides is unrolled into one row per item, group by group.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache

from parsers.model import Cell, Column, Provenance, Row, Table
from parsers.amounts import detect_unit, is_amount, parse_amount
from parsers.tables.columns import column_key, distinct_labels
from parsers.tables.geometry import (
    align_ruled_columns, column_spans, merge_stacked_labels, place_fragments, spans_from_ruled, widen_group_labels,
    with_empty_columns,
)
from parsers.tables.headers import has_inferred_merges, label_paths
from parsers.read.layout import Fragment, SourceLine
from parsers.tables.segment import CJK as _CJK
from parsers.ideographs import is_han
from parsers.tables.segment import Segment, is_empty_statement, is_meta_text, normalize_text
from parsers.subject_codes import is_class, known_section

_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_CODE_PART = re.compile(r"^\d{2,7}$")
_TWO_DIGITS = re.compile(r"^\d{2}$")
_THREE_DIGITS = re.compile(r"^\d{3}$")
#: A 科目 code as printed before a name, perhaps in brackets ("2010101", "[208]", "（20805）"),
#: and the marks that may stand between the two: one definition for every pattern that reads them.
PRINTED_CODE = r"[\[【(（]?(\d{3}(?:\d{2}){0,2})[\]】)）]?"
NAME_SEPARATOR = r"[-－—–:：.、]"
_BRACKETED_CODE = re.compile(PRINTED_CODE)
_NAME_SEPARATOR = re.compile(rf"\s*{NAME_SEPARATOR}\s*")
_SPACES = re.compile(r"\s+")
_TO_THE_END = re.compile(r"(.+)$")
_CODE_BEFORE_NAME = re.compile(rf"{PRINTED_CODE}\s*{NAME_SEPARATOR}?\s*")
_LEVELS = re.compile(r"^\d{3}(?:-\d{2}){1,2}$|^\d{3}\.\d{2}\.\d{2}$")  # 类-款-项; two dotted levels would read as an amount
_CODE_BRACKETS = re.compile(r"[\[\]【】()]")  # around a code: "（2101101）" (NFKC makes （） plain)
_UNIT_CODE = re.compile(r"^(\d{6,12})\s*(.*)$")  # and the name starts with an ideograph (_unit_code)
_DECIMAL = re.compile(r"\d[.,]\s?\d")
_JUNK = re.compile(r"[A-Za-z\u3040-\u30ff]|[*+•|/\\<>=~^_#@]|\d-\d")
_NUMBERING = re.compile(r"^(?:栏次|\d{1,2}|[a-zA-Z])$")
_SIDE_WORDS = ("收入", "支出")
_LINE_NO_LABELS = ("行次", "序号", "栏次")
_CODE_LABELS = ("编码", "代码", "类", "款", "项", "科目编码")



def is_code_name(text: str) -> bool:
    """A 科目 code printed glued to its name: "2050303-技校教育", "[208]社会保障…". (Whatever
    the code part matches, the character after it is a digit, bracket, space or dash, never an
    ideograph: the greedy match decides.)"""
    prefix = _CODE_BEFORE_NAME.match(text)
    return prefix is not None and is_han(text[prefix.end():prefix.end() + 1])


def leading_code(text: str) -> tuple[str, str] | None:
    """A code printed in front of its name in one cell, and the name: "2010101 行政运行",
    "[208]-社会保障和就业支出", "2080505养老保险". After the code come a separator and then
    an ideograph, or spaces, or the ideograph itself, tried in that order; the name runs to
    the end of the line. (The greedy code is the only one that can be followed by any of
    them: a shorter one is followed by a digit or a bracket.)"""
    code = _BRACKETED_CODE.match(text)
    if code is None:
        return None
    after = code.end()
    separator = _NAME_SEPARATOR.match(text, after)
    if separator and is_han(text[separator.end():separator.end() + 1]):
        name = _TO_THE_END.match(text, separator.end())
        if name:
            return code.group(1), name.group(1)
    spaces = _SPACES.match(text, after)
    if spaces:
        for start in range(spaces.end(), after, -1):  # the spaces give back one at a time to what follows
            name = _TO_THE_END.match(text, start)
            if name:
                return code.group(1), name.group(1)
    if is_han(text[after:after + 1]):
        name = _TO_THE_END.match(text, after)
        if name:
            return code.group(1), name.group(1)
    return None


def _unit_code(name: str) -> re.Match[str] | None:
    """"313001无锡市交通运输局（本级）": a 单位代码 glued to the unit's name (group 1, group 2)."""
    found = _UNIT_CODE.match(name)
    return found if found and is_han(found.group(2)[:1]) else None

@dataclass
class _Row:
    """One body row as column → text, with the fragments kept for provenance."""

    lines: list[SourceLine]
    cells: dict[int, list[Fragment]] = field(default_factory=dict)

    def text(self, col: int) -> str:
        return "".join(f.text for f in self.cells.get(col, [])).strip()

    @property
    def line(self) -> SourceLine:
        return self.lines[0]


@dataclass
class _Group:
    code_cols: list[int] = field(default_factory=list)
    name_cols: list[int] = field(default_factory=list)
    amount_cols: list[int] = field(default_factory=list)
    other_cols: list[int] = field(default_factory=list)
    extra_code_cols: list[int] = field(default_factory=list)  # 政府预算经济分类, 单位代码
    extra_coded_name_cols: list[int] = field(default_factory=list)  # a further classification printed "50101-工资福利支出"
    label: str | None = None

    @property
    def cols(self) -> list[int]:
        return sorted(
            self.code_cols + self.name_cols + self.amount_cols + self.other_cols + self.extra_code_cols
            + self.extra_coded_name_cols
        )


@dataclass(frozen=True)
class Reading:
    """The choices a reader makes that the table's evidence may overturn (parsers/evidence/reading.py):
    where the header ends, and whether header labels may decide a column's role."""

    header_shift: int = 0  # header lines more (+) or fewer (-) than the first figures suggest
    roles_by_content: bool = False  # a column's role from what its cells hold, whatever its label says
    name: str = "default"


def build_table(segment: Segment, table_id: str, default_unit: str | None, reading: Reading = Reading()) -> Table:
    """Assemble one table; flags say what a reviewer should look at."""
    flags: list[str] = []
    lines = [_placed_here(_without_meta(line)) for line in segment.lines]
    lines = [line for line in lines if line.fragments]
    align_ruled_columns(lines)
    header, body = _split_header(lines, reading.header_shift)
    _assign_columns(header, body)
    width = 1 + max((f.col + (f.span or 1) - 1 for line in header + body for f in line.fragments if f.col is not None), default=-1)
    paths = label_paths(header, width)
    if has_inferred_merges(header):
        flags.append("header_spans_inferred")
    rows = _body_rows(body)
    groups = _groups(rows, paths, width, reading.roles_by_content)
    unit = detect_unit(segment.text) or detect_unit(segment.title)
    if unit is None:
        unit = default_unit
        flags.append("unit_inferred" if unit else "unit_unknown")
    model_rows, columns = _model_rows(rows, groups, paths, table_id)
    empty = not model_rows or all(not r.cells or all(c.value is None for c in r.cells.values()) for r in model_rows)
    if empty and is_empty_statement(segment.text):
        model_rows = []
    elif empty and model_rows:
        flags.append("no_values")
    title_prov = None
    if segment.title_line is not None:
        title_prov = Provenance(segment.title_line.page, segment.title_line.number, segment.title_line.bbox, segment.title_line.text)
    return Table(
        id=table_id,
        kind=table_id.split("#")[0],
        title=segment.title,
        unit=unit,
        pages=segment.pages,
        columns=tuple(columns),
        rows=tuple(model_rows),
        empty=not model_rows,
        flags=tuple(flags),
        provenance=title_prov,
    )


def _placed_here(line: SourceLine) -> SourceLine:
    """The line with copies of its fragments when they have no column yet (unruled text): every
    reading places them anew, from its own header and body, and joins wrapped labels in its own
    header, so no reading sees what another one placed or joined."""
    if all(f.col is not None for f in line.fragments):
        return line
    return SourceLine(line.page, line.number, [replace(f) for f in line.fragments], line.region, line.bbox)


def _without_meta(line: SourceLine) -> SourceLine:
    """Drop 金额单位/部门 fragments that share a line with header labels (on a row of figures,
    "2026年" is the row's label)."""
    if sum(is_amount(c) for c in line.cells) >= 2:
        return line
    kept = [f for f in line.fragments if f.text.strip() and not is_meta_text(f.text)]
    if len(kept) == len([f for f in line.fragments if f.text.strip()]):
        return line
    return SourceLine(line.page, line.number, [f for f in line.fragments if f in kept or not f.text.strip()], line.region, line.bbox)


def is_body_start(line: SourceLine) -> bool:
    cells = line.cells
    if any(_DECIMAL.search(c) and is_amount(c) for c in cells):
        return True
    has_name = any(_CJK.search(c) for c in cells)
    return has_name and any(_CODE.match(c.replace(" ", "")) for c in cells[:3])


def _is_numbering(line: SourceLine) -> bool:
    cells = [normalize_text(c) for c in line.cells]
    return bool(cells) and ("栏次" in "".join(cells) or all(_NUMBERING.match(c) for c in cells))


def _is_junk(line: SourceLine) -> bool:
    """OCR debris; a label with Latin letters beside printed amounts ("A-货物 28,557.01") is a row."""
    cells = line.cells
    junk = sum(1 for c in cells if _JUNK.search(c) and not is_amount(c))
    clean_cjk = sum(1 for c in cells if len(_CJK.findall(c)) >= 2 and not _JUNK.search(c))
    figures = sum(1 for c in cells if is_amount(c) and _DECIMAL.search(c))
    return junk >= 2 or (junk == 1 and clean_cjk < 1 and not (figures and len(_CJK.findall(line.text)) >= 2))


def _split_header(lines: list[SourceLine], shift: int = 0) -> tuple[list[SourceLine], list[SourceLine]]:
    start = next((i for i, line in enumerate(lines) if is_body_start(line)), len(lines))
    while 0 < start < len(lines) and _overlaps(lines[start - 1], lines[start]):
        start -= 1  # the first line of a wrapped name, printed above its row's centred code and amounts
    start = min(max(0, start + shift), len(lines))
    header = [line for line in lines[:start] if not _is_numbering(line) and not _is_junk(line)]
    header_texts = {normalize_text(line.text) for line in header}
    header_words = set("".join(header_texts))
    body: list[SourceLine] = []
    pages_with_rows = {line.page for line in header}
    for line in lines[start:]:
        if _is_numbering(line) or _is_junk(line) or normalize_text(line.text) in header_texts:
            continue
        if line.page not in pages_with_rows and _header_again(line, header_words):
            continue
        if is_body_start(line):
            pages_with_rows.add(line.page)
        body.append(line)
    return header, body


def _header_again(line: SourceLine, header_words: set[str]) -> bool:
    """A line above the first row of a continuation page, printed only in the header's words:
    the header printed again, its labels wrapped at other points than on the first page."""
    text = normalize_text(line.text)
    return bool(_CJK.search(text)) and not any(is_amount(c) for c in line.cells) and set(text) <= header_words


def _overlaps(upper: SourceLine, lower: SourceLine) -> bool:
    """The body's first row printed without its name (code and amounts only), and one text just
    above it sharing its height: that text is the first line of the row's wrapped name."""
    if upper.region is not None or lower.region is not None or upper.page != lower.page:
        return False
    if len(upper.cells) != 1 or any(_CJK.search(c) for c in lower.cells):
        return False
    return upper.bbox is not None and lower.bbox is not None and upper.bbox[3] > lower.bbox[1]


def _assign_columns(header: list[SourceLine], body: list[SourceLine]) -> None:
    """Give unruled PDF fragments column indexes (text dumps and ruled tables have them)."""
    loose = [f for line in header + body for f in line.fragments if f.col is None]
    if not loose:
        return
    ruled = [line for line in header + body if line.region is not None]
    spans = spans_from_ruled(ruled) if ruled else with_empty_columns(column_spans([line for line in body if line.region is None]), header)
    place_fragments(body, spans)
    place_fragments(header, spans)
    header[:] = merge_stacked_labels(header)
    widen_group_labels(header, spans)


def _body_rows(body: list[SourceLine]) -> list[_Row]:
    rows = []
    for line in body:
        row = _Row([line])
        for f in line.fragments:
            if f.col is not None and f.text.strip():
                row.cells.setdefault(f.col, []).append(f)
        rows.append(row)
    return rows


def _column_profile(rows: list[_Row], width: int) -> tuple[list[float], ...]:
    """Per column: share of non-empty body cells that are code parts, names (CJK), amounts,
    names printed behind their code in the same cell ("2050303-技校教育"), whole 3/5/7-digit
    codes, and 科目 codes (``_subject_code_share``).

    A name column must also be filled in a fair share of rows, so that OCR debris in an
    otherwise empty column ("项", "•") does not pass for names.
    """
    codes, names, amounts, coded, full_codes, subjects = ([0.0] * width for _ in range(6))
    for col in range(width):
        texts = [text for text in (r.text(col) for r in rows) if text]
        if not texts:
            continue
        n = len(texts)
        code_texts = [code_text(t) for t in texts]
        codes[col] = sum(bool(_CODE_PART.match(c)) and "." not in t for c, t in zip(code_texts, texts)) / n
        full_codes[col] = sum(bool(_CODE.match(c)) for c in code_texts) / n
        names[col] = sum(len(_CJK.findall(t)) >= 2 for t in texts) / n if len(set(texts)) >= 3 or n >= 0.3 * len(rows) else 0.0
        amounts[col] = sum(is_amount(t) for t in texts) / n
        coded[col] = sum(is_code_name(t) for t in texts) / n
        subjects[col] = _subject_code_share(code_texts)
    return codes, names, amounts, coded, full_codes, subjects


def _subject_code_share(texts: list[str]) -> float:
    """Share of cells that are 科目 codes of the standard, when the column reads as a code
    column: codes of several levels (208, 20805, 2080505) or all of the 项 level. A column of
    3-digit integers alone may be counts; 7-digit codes whose 类 and 款 the standard has are not."""
    found = [t for t in texts if _CODE.match(t) and known_section(t)]
    levels = {len(t) for t in found}
    return len(found) / len(texts) if len(levels) >= 2 or levels == {7} else 0.0


def _split_code_cols(rows: list[_Row], names: list[float]) -> set[int]:
    """类|款|项 columns left of the first name column, known by what they hold whatever their
    header says (one 项目 label over all of them, or none): a column of 类 (208, 301) followed
    by one or two columns of two-digit parts (05, 99)."""
    first_name = next((col for col, share in enumerate(names) if share >= 0.5), 0)

    def holds(col: int, pattern: re.Pattern[str]) -> bool:
        texts = [code_text(text) for text in (r.text(col) for r in rows) if text]
        return bool(texts) and all(pattern.match(t) for t in texts)

    parts = [col for col in range(first_name - 1, max(first_name - 3, 0) - 1, -1) if holds(col, _TWO_DIGITS)]
    parts = parts[:next((i for i, col in enumerate(parts) if col != first_name - 1 - i), len(parts))]
    head = first_name - 1 - len(parts)
    if not parts or head < 0 or not holds(head, _THREE_DIGITS):
        return set()
    if not all(is_class(code_text(text)) for text in (r.text(head) for r in rows) if text):
        return set()
    return {head, *parts}


def _groups(rows: list[_Row], paths: list[list[str]], width: int, by_content: bool = False) -> list[_Group]:
    codes, names, amounts, coded, full_codes, subjects = _column_profile(rows, width)
    split_codes = _split_code_cols(rows, names)
    texts = [any(_CJK.search(r.text(col)) for r in rows) for col in range(width)]  # CJK debris, split labels
    heads = [[] for _ in paths] if by_content else paths  # the labels that may decide a role
    roles: list[str] = []
    for col in range(width):
        label = "".join(heads[col]) if col < len(heads) else ""
        leaf = heads[col][-1] if col < len(heads) and heads[col] else ""
        if any(word in leaf for word in _LINE_NO_LABELS):
            roles.append("other")
        elif subjects[col] >= 0.9 or col in split_codes:
            roles.append("code")  # a column of 科目 codes is the code column whatever its header says
        elif leaf in _CODE_LABELS and amounts[col] < 0.5 and names[col] < 0.5:
            roles.append("code")
        elif coded[col] >= 0.6 and names[col] >= 0.5:
            roles.append("coded_name")
        elif names[col] >= 0.5:
            roles.append("name")
        elif codes[col] >= 0.6 and (amounts[col] < 1 or any(word == leaf or leaf.endswith(word) for word in _CODE_LABELS)):
            roles.append("code")
        elif full_codes[col] >= 0.9 and col + 1 < width and names[col + 1] >= 0.5 and coded[col + 1] < 0.6:
            roles.append("code")  # whole 3/5/7-digit numbers left of a name column are its codes, not amounts
        elif amounts[col] > 0 or (label and not texts[col]):
            roles.append("amount")
        else:
            roles.append("empty")
    _demote_code_amounts(roles, heads, subjects)
    groups: list[_Group] = []
    current = _Group()
    for col, role in enumerate(roles):
        starts_new = role in ("code", "name", "coded_name") and current.amount_cols and (
            role != "name" or not current.code_cols or current.name_cols
        )
        if starts_new:
            groups.append(current)
            current = _Group()
        leaf = paths[col][-1] if col < len(paths) and paths[col] else ""
        first_subject_codes = subjects[col] >= 0.9 and not current.code_cols and not current.extra_code_cols
        if role == "code" and ("单位" in leaf or ((current.name_cols or current.extra_code_cols) and not first_subject_codes)):
            current.extra_code_cols.append(col)  # a second classification or a unit code on the row
        elif role == "code":
            current.code_cols.append(col)
        elif role == "coded_name":
            if current.name_cols or current.code_cols:  # the second classification of a row
                current.extra_coded_name_cols.append(col)
            else:
                current.name_cols.append(col)
        elif role == "name":
            if current.name_cols and (current.extra_code_cols or current.extra_coded_name_cols or current.name_cols[-1] != col - 1):
                current.other_cols.append(col)
            else:
                current.name_cols.append(col)
        elif role == "amount":
            if current.name_cols or current.code_cols:
                current.amount_cols.append(col)
            else:
                current.other_cols.append(col)
        else:
            current.other_cols.append(col)
    groups.append(current)
    if len(groups) == 1 and not current.name_cols and not current.code_cols:  # a bare row of numbers (三公)
        current.amount_cols = [c for c in current.other_cols if roles[c] == "amount"]
        current.other_cols = [c for c in current.other_cols if roles[c] != "amount"]
    groups = [g for g in groups if g.name_cols or g.code_cols or g.amount_cols]
    _label_groups(groups, paths)
    return groups


def _demote_code_amounts(roles: list[str], paths: list[list[str]], subjects: list[float]) -> None:
    """Integer-only amount columns right of a name are amounts, not codes (e.g. 车辆数), unless
    they hold 科目 codes (a code column printed after the name)."""
    seen_name = False
    for col, role in enumerate(roles):
        if role in ("name", "coded_name"):
            seen_name = True
        elif role == "code" and seen_name and col + 1 < len(roles) and roles[col + 1] not in ("name", "code", "coded_name") \
                and subjects[col] < 0.9:
            leaf = paths[col][-1] if paths[col] else ""
            if not any(leaf.endswith(word) for word in _CODE_LABELS):
                roles[col] = "amount"


def _label_groups(groups: list[_Group], paths: list[list[str]]) -> None:
    if len(groups) < 2:
        return
    two_sided = not any(g.code_cols for g in groups)
    for index, group in enumerate(groups):
        tops = [paths[c][0] for c in group.cols if c < len(paths) and paths[c]]
        joined = "".join(dict.fromkeys(tops))
        if two_sided:
            side = next((w for w in _SIDE_WORDS if w in joined), _SIDE_WORDS[min(index, 1)])
            group.label = side
        else:
            group.label = tops[0] if tops else None


def _column_label(path: list[str], group: _Group, two_sided: bool, side_by_side: bool) -> list[str]:
    """Two-sided tables key columns by side + leaf; side-by-side groups share leaf keys."""
    leaf = path[-1] if path else "金额"
    if two_sided:
        return [group.label or "", leaf]
    return [leaf] if side_by_side else path


def _model_rows(rows: list[_Row], groups: list[_Group], paths: list[list[str]], table_id: str) -> tuple[list[Row], list[Column]]:
    two_sided = len(groups) > 1 and not any(g.code_cols for g in groups)
    side_by_side = len(groups) > 1 and not two_sided
    columns: dict[tuple[int, int], Column] = {}
    used_keys: set[str] = set()
    keyed: dict[tuple[int, int], list[str]] = {}  # each column's key path, where it was made
    for gi, group in enumerate(groups):
        group.amount_cols = [c for c in group.amount_cols if not _inherited_blank(c, rows, paths)]
        for col in group.amount_cols:
            label_path = _column_label(paths[col] if col < len(paths) else [], group, two_sided, side_by_side) or [f"第{col + 1}列"]
            key = column_key(label_path)
            if side_by_side and any(c.key == key for c in columns.values()):
                columns[(gi, col)] = next(c for c in columns.values() if c.key == key)
                continue
            key = _unique(key, used_keys)
            columns[(gi, col)] = Column(key, "/".join(label_path), group.label if two_sided else None)
            keyed[(gi, col)] = label_path
    shown = distinct_labels(list(keyed.values()), [paths[col] if col < len(paths) else [] for _, col in keyed])
    columns.update({at: replace(columns[at], label=label) for at, label in zip(keyed, shown)})
    drafts = [
        _complete_split_codes(
            [_draft(row, group, columns, gi) for row in _rejoin_wrapped(_join_across_pages(rows, group), group)],
            group,
        )
        for gi, group in enumerate(groups)
    ]
    _merge_split_totals(drafts)
    out: list[Row] = []
    seen: dict[str, int] = {}
    for gi, group in enumerate(groups):
        for draft in drafts[gi]:
            if draft is not None and not draft.dropped and draft.has_content:
                out.append(draft.to_row(table_id, group.label, seen))
    ordered = list(dict.fromkeys(columns.values()))
    return out, ordered


def _merge_split_totals(drafts: list[list["_Draft | None"]]) -> None:
    """A total whose label sits in one group and its amounts in the next ("公用经费合计 … 2,902.33")."""
    by_line: dict[int, list[_Draft]] = {}
    for group_drafts in drafts:
        for draft in group_drafts:
            if draft is not None:
                by_line.setdefault(id(draft.line), []).append(draft)
    for parts in by_line.values():
        for index, part in enumerate(parts):
            if part.name or part.code or not part.has_values:
                continue
            donors = [p for p in parts[:index] if p.name and not p.code and not p.has_values and not p.dropped]
            if donors:
                part.name, part.provenance = donors[-1].name, donors[-1].provenance
                for donor in donors:
                    donor.dropped = True


def _inherited_blank(col: int, rows: list[_Row], paths: list[list[str]]) -> bool:
    """A trailing empty column that only inherited its neighbour's label (a stray tab)."""
    return 0 < col < len(paths) and paths[col] == paths[col - 1] and not any(r.text(col) for r in rows)


def _unique(key: str, used: set[str]) -> str:
    candidate, n = key, 2
    while candidate in used:
        candidate, n = f"{key}_{n}", n + 1
    used.add(candidate)
    return candidate


_CUT_VALUE = re.compile(r"^\d{1,2}$")
_ENUMERATED = re.compile(r"^[\(（]?[一二三四五六七八九十\d]+[、.．)）]")


def _join_across_pages(rows: list[_Row], group: _Group) -> list[_Row]:
    """A row the page break cut in two: the first row of a page carries only the rest of the
    previous row's name and the last digits of amounts cut mid-number ("12,437.3" / "6")."""
    out: list[_Row] = []
    for row in rows:
        previous = out[-1] if out else None
        if previous is not None and row.line.page != previous.lines[-1].page and _is_page_tail(previous, row, group):
            for col in group.cols:
                pieces = row.cells.get(col, [])
                if pieces:
                    previous.cells.setdefault(col, []).extend(pieces)
            previous.lines.append(row.line)
            continue
        out.append(row)
    return out


def _is_page_tail(previous: _Row, row: _Row, group: _Group) -> bool:
    if any(row.text(c) for c in group.code_cols) or any(_ENUMERATED.match(row.text(c)) for c in group.name_cols):
        return False
    amounts = [c for c in group.amount_cols if row.text(c)]
    if not amounts or not all(_CUT_VALUE.match(row.text(c)) for c in amounts):
        return False
    cut = [previous.text(c) for c in amounts]
    return all(re.search(r"\.\d$", text) for text in cut)  # each cut value lost its last digit(s)


def _rejoin_wrapped(rows: list[_Row], group: _Group) -> list[_Row]:
    """Names wrapped onto their own text line (no code, no amounts) rejoin their row."""
    out: list[_Row] = []
    pending: list[_Row] = []
    for row in rows:
        if row.line.region is not None:  # a ruled row is a row; wraps are inside its cells
            out.extend(pending)
            pending = []
            out.append(row)
            continue
        filled = {c for c in group.cols if row.text(c)}
        text_only = filled and filled <= set(group.name_cols) and not any(is_amount(row.text(c)) for c in filled)
        if text_only and _is_wrap_piece(row, out[-1] if out else None):
            _append_name(out[-1], row, group)
            continue
        if text_only and row.line.bbox is not None:
            pending.append(row)
            continue
        if pending:
            if filled and row.line.bbox is not None and _close(pending[-1], row):
                for piece in pending:
                    _prepend_name(row, piece, group)
            else:
                out.extend(pending)
            pending = []
        out.append(row)
    out.extend(pending)
    return out


def _is_wrap_piece(row: _Row, previous: _Row | None) -> bool:
    if previous is None or row.line.bbox is None or previous.line.bbox is None:
        return False
    return _close(previous, row)


def _close(upper: _Row, lower: _Row) -> bool:
    """Two text lines of one cell sit closer than two table rows do. They may even overlap: a
    spreadsheet centres a one-line cell (the code, the amounts) on the height of a wrapped
    name, between its two lines."""
    a, b = upper.lines[-1].bbox, lower.line.bbox
    if a is None or b is None or upper.line.page != lower.line.page:
        return False
    height = max(1.0, a[3] - a[1])
    return -height < b[1] - a[3] <= 0.45 * height


def _append_name(row: _Row, piece: _Row, group: _Group) -> None:
    for col in group.name_cols:
        row.cells.setdefault(col, []).extend(piece.cells.get(col, []))
    row.lines.append(piece.line)


def _prepend_name(row: _Row, piece: _Row, group: _Group) -> None:
    for col in group.name_cols:
        row.cells[col] = piece.cells.get(col, []) + row.cells.get(col, [])
    row.lines.insert(0, piece.line)


def clean_name(text: str) -> str:
    """Remove wrap breaks and spaces between CJK characters; keep spaces between Latin words."""
    text = re.sub(r"\s+", " ", text.replace("\n", " ")).strip().lstrip("•·●▪◆* ")
    return re.sub(r"(?<=[^\x00-\x7f]) (?=\S)|(?<=\S) (?=[^\x00-\x7f])", "", text)


@dataclass
class _Draft:
    """A row before its identity is fixed (parts of one printed line may still merge)."""

    line: SourceLine
    code: str | None
    name: str
    cells: dict[str, Cell]
    provenance: Provenance
    extra_codes: tuple[str, ...]
    extra_names: tuple[str, ...] = ()
    code_parts: tuple[str, ...] = ()  # the 类/款/项 cells as printed, when the code is split over columns
    dropped: bool = False

    @property
    def has_values(self) -> bool:
        return any(c.value is not None for c in self.cells.values())

    @property
    def has_content(self) -> bool:
        return bool(_CJK.search(self.name) or self.code or self.has_values)

    def to_row(self, table_id: str, group: str | None, seen: dict[str, int]) -> Row:
        row_id = row_identity(table_id, self.code or normalize_text(self.name), seen)
        return Row(row_id, self.code, self.name, self.cells, self.provenance, group, self.extra_codes, self.extra_names)


#: The id a table is built under until identification names it (``with_table_id``).
UNIDENTIFIED = "unknown#0"


def carried_unit(table: Table, unit: str | None) -> str | None:
    """The unit the next table takes when it prints none: the one this table prints, else ``unit``."""
    return table.unit if table.unit and "unit_inferred" not in table.flags else unit


def with_table_id(table: Table, table_id: str) -> Table:
    """The table under the id identification gives it (``kind#n``); its rows' ids start with it."""
    rows = tuple(replace(row, id=table_id + row.id[len(table.id):]) for row in table.rows)
    return replace(table, id=table_id, kind=table_id.split("#")[0], rows=rows)


def row_identity(table_id: str, anchor: str, seen: dict[str, int]) -> str:
    """A row's stable id: table id + code or normalised name, and its occurrence when repeated."""
    anchor = anchor or "row"
    seen[anchor] = seen.get(anchor, 0) + 1
    return f"{table_id}/{anchor}" + (f"#{seen[anchor]}" if seen[anchor] > 1 else "")


def _complete_split_codes(drafts: list["_Draft"], group: _Group) -> list["_Draft"]:
    """类/款/项 columns where a row prints only its 款 or 项 ("08" under 201): the reader
    completes the code from the rows above, and so does kemu. A code that stays partial
    (two or four digits with nothing above it) is never emitted as a code."""
    above = ["", "", ""]  # the last 类 (3 digits), 款 (2), 项 (2) printed
    for draft in drafts:
        parts = [p if p.isdigit() else "" for p in draft.code_parts[:3]]
        if len(group.code_cols) < 2 or not any(parts):
            _keep_subject_code(draft)
            continue
        if parts[0]:
            above = [parts[0] if len(parts[0]) == 3 and is_class(parts[0]) else "", "", ""]
        if len(parts) > 1 and parts[1]:
            above[1:] = [parts[1].zfill(2)[-2:], ""]
        if len(parts) > 2 and parts[2]:
            above[2] = parts[2].zfill(2)[-2:]
        if not parts[0] and above[0]:
            level = max(i for i, p in enumerate(parts) if p)
            draft.code = "".join(above[: level + 1]) if all(above[: level + 1]) else None
            _drop_parts_from_extra(draft, [p for p in parts if p])
        _keep_subject_code(draft)
    return drafts


def _drop_parts_from_extra(draft: "_Draft", parts: list[str]) -> None:
    """The 款 and 项 printed without their 类 ("11" | "02") first read as a code and a surplus
    second code; once completed from the rows above, both are the row's code and nothing else."""
    extra, names = list(draft.extra_codes), list(draft.extra_names)
    for part in parts:
        if part in extra:
            index = extra.index(part)
            del extra[index]
            if index < len(names):
                del names[index]
    draft.extra_codes, draft.extra_names = tuple(extra), tuple(names) if any(names) else ()


def _keep_subject_code(draft: "_Draft") -> None:
    """Only a 科目 code is a row's code: 3/5/7 digits under a 类 of the standard. Other numbers
    printed in the code's place (a project or unit code, "43840") move to ``extra_codes``."""
    if draft.code is None or (len(draft.code) in (3, 5, 7) and is_class(draft.code)):
        return
    if len(draft.code) >= 3:
        draft.extra_codes = (draft.code, *draft.extra_codes)
        if draft.extra_names:
            draft.extra_names = ("", *draft.extra_names)
    draft.code = None


def join_code_parts(parts: list[str]) -> tuple[str | None, list[str]]:
    """类/款/项 columns → one code: "208"+"05"+"05" → "2080505"; cumulative "208","20805" → "20805".

    Returns the code and any digits that cannot belong to it (a second code on the row).
    """
    if not parts:
        return None, []
    parts = [parts[0], *(p.zfill(2) if len(p) == 1 else p for p in parts[1:])]  # spreadsheets drop the 0 of "02"
    if all(b.startswith(a) for a, b in zip(parts, parts[1:])):
        return parts[-1], []
    joined = "".join(parts)
    if _CODE.match(joined):
        return joined, []
    return parts[0], parts[1:]


def _row_name(row: _Row, group: _Group, code_parts: list[str]) -> str:
    """The name cell, plus label pieces a text dump split into the code or next column ("合 | 计")."""
    before = [p for p in code_parts if _CJK.search(p) and not set(p) <= set("类款项")]
    name_texts = [row.text(c) for c in group.name_cols]
    after = [row.text(c) for c in group.other_cols if group.name_cols and c == group.name_cols[-1] + 1 and _CJK.search(row.text(c))]
    name = clean_name(" ".join(t for t in before + name_texts + after if t))
    if not name:  # a label printed in the 行次 column ("本年收入合计")
        name = clean_name(" ".join(row.text(c) for c in group.other_cols if _CJK.search(row.text(c))))
    return name


def _draft(row: _Row, group: _Group, columns: dict, gi: int) -> _Draft:
    code_parts = [code_text(row.text(c)) for c in group.code_cols]
    extra_parts = [code_text(row.text(c)) for c in group.extra_code_cols]
    extra = ["".join(p for p in extra_parts if p.isdigit())] if any(p.isdigit() for p in extra_parts) else []
    code, surplus = join_code_parts([p for p in code_parts if p.isdigit()])
    extra = surplus + extra
    extra_names = [""] * len(extra)
    for col in group.extra_coded_name_cols:
        leading = leading_code(clean_name(row.text(col)))
        if leading:
            extra.append(leading[0])
            extra_names.append(clean_name(leading[1]))
    name = _row_name(row, group, code_parts)
    if code is None:
        leading = leading_code(name)
        unit_code = _unit_code(name)
        printed = code_text(leading[0]) if leading else ""
        if leading and known_section(printed):
            code, name = printed, clean_name(leading[1])
        elif leading:  # "53045-北京文化艺术基金资助款": a project's number, no 款 of the standard
            extra, name = [printed, *extra], clean_name(leading[1])
            extra_names = ["", *extra_names]
        elif unit_code:  # "313001无锡市交通运输局（本级）": a 单位代码 glued to the unit's name
            extra, name = [unit_code.group(1), *extra], unit_code.group(2)
            extra_names = ["", *extra_names]
    cells: dict[str, Cell] = {}
    for col in group.amount_cols:
        frags = row.cells.get(col, [])
        raw = "".join(f.text for f in frags).strip()
        where = frags[0] if frags else None
        value = parse_amount(raw.replace("\n", ""))  # a narrow ruled cell wraps "18,536.8" / "8"
        cells[columns[(gi, col)].key] = Cell(raw, value, cell_provenance(_line_of(row, where), where, raw))
    name_frag = next((f for c in group.name_cols + group.code_cols for f in row.cells.get(c, [])), None)
    names = tuple(extra_names) if any(extra_names) else ()
    return _Draft(
        row.line, code, name, cells, cell_provenance(_line_of(row, name_frag), name_frag, name), tuple(extra), names, tuple(code_parts)
    )


@lru_cache(maxsize=16384)
def code_text(text: str) -> str:
    """A printed code as plain digits: full-width digits ("２０８"), brackets ("（2101101）",
    "[208]") and levels joined by hyphens ("208-05-05", or dots for all three: "210.11.01")
    are how some templates print the same code."""
    text = _CODE_BRACKETS.sub("", unicodedata.normalize("NFKC", text).replace(" ", ""))
    return text.replace("-", "").replace(".", "") if _LEVELS.match(text) else text


def _line_of(row: _Row, frag: Fragment | None) -> SourceLine:
    if frag is not None:
        for line in row.lines:
            if any(f is frag for f in line.fragments):
                return line
    return row.line


def cell_provenance(line: SourceLine, frag: Fragment | None, raw: str) -> Provenance:
    """Where ``raw`` was printed: the fragment's box, else its line's."""
    bbox = frag.bbox if frag is not None and frag.bbox is not None else line.bbox
    confidence = frag.confidence if frag is not None else None
    return Provenance(line.page, line.number, tuple(round(v, 2) for v in bbox) if bbox else None, raw, confidence)
