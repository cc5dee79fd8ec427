"""Is this text a 部门预算/决算 report? The content decides, for every format.

Kept apart from identify.py (which names tables and reads cover facts) because the question
is a different one: whether a document is a report at all, asked of a PDF's first pages, a
text dump, an OCR'd scan before the rest of it is read, and a file met in a folder.

The signs follow from how the reports are built, each independent of the others:

- the cover: a title line that names a 部门/单位 预算 or 决算, among the first lines and
  not inside a paragraph;
- the standard money tables (收支总表, 收入/支出表, 财政拨款…, 一般公共预算…, 三公 …),
  recognised by title, and their 公开NN表 numbers;
- the standard 情况说明 headings (收入支出预算总体情况说明 …);
- 科目 code rows: lines led by a code of the classification standard printed with its own
  name, amounts after it. A row of a report's table is a 科目; a fund notice's table
  also prints codes, but behind the project or unit its row is about.

Performance tables (绩效目标表, 绩效自评表) are no sign: fund notices, target declarations
and evaluation reports carry them too. Prose is no sign either: a sentence that mentions a
部门预算 or a 科目 code ("列…支出功能科目“2130804…”") is not a cover or a code row, so a
line with sentence punctuation counts for neither.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache

from parsers.identify.kinds import _PAREN_TAIL, TableKind, _lines, detect_report_kind, identify_table
from parsers.subject_codes import CATALOG_DATA, FAMILIES
from parsers.ideographs import is_han
from parsers.tables.grid import NAME_SEPARATOR, PRINTED_CODE
from parsers.tables.segment import CJK

#: The cover is the document's first page: its title is among this many first lines.
COVER_LINES = 15
#: Distinct named 科目 codes that make the rows of a report's tables (one code is a mention).
MIN_CODE_ROWS = 3

_SECTION_NOTE = re.compile(r"(?:收入|支出|收支|三公|财政拨款).*(?:预算|决算).*说明$")
_COVER_LINE = re.compile(r"(?:部门|单位)(?:预算|决算)(?:公开)?(?:报告|报表|表)?$|(?:预算|决算)公开(?:报告)?$")
#: Sentence punctuation, as _lines leaves it (NFKC: ，；！？ are , ; ! ?; quotes removed); a comma
#: between digits is a thousands separator.
_PROSE = re.compile(r"[。;!?]|,(?!\d)|(?<!\d),")
_CODE_ROW = re.compile(rf"^{PRINTED_CODE}{NAME_SEPARATOR}?")  # then two ideographs


def is_report_table(kind: TableKind) -> bool:
    """Does a table of this kind show that its document is a report? Every money table does;
    a performance table does not (notices and evaluations attach them too)."""
    return "绩效" not in kind.name


def is_report(head: str, titles: list[str], text: str) -> bool:
    """Is a document with this first text, these table titles and this whole text a report? A
    money table's title is enough; else the whole text needs the report signs (a report may
    open with pages of 情况说明 and print its 科目 code rows further on). Asked before any table
    is built, so a long document that is no report is rejected without building its tables."""
    report_kind = detect_report_kind(head)
    named = (identify_table(title, report_kind) for title in titles)
    return any(kind is not None and is_report_table(kind) for kind in named) or is_report_text(text)


def is_report_text(text: str) -> bool:
    """Does this read like a 部门预算/决算 report? Needs several independent signs, not one word."""
    lines = _lines(text)
    score = 3 * _has_cover(lines)
    kinds = {kind.id for kind in map(identify_table, lines) if kind and is_report_table(kind)}
    marks = set(re.findall(r"公开\d{1,2}表", "".join(lines)))
    notes = {line for line in lines if len(line) <= 60 and not _PROSE.search(line) and _SECTION_NOTE.search(line)}
    score += min(len(kinds), 5) + min(len(marks), 3) + min(len(notes), 3)
    score += 3 * (len(_named_codes(lines)) >= MIN_CODE_ROWS)
    return score >= 3


def _has_cover(lines: list[str]) -> bool:
    """A short title line naming the report among the first lines, not after a sentence:
    a paragraph that wraps before "部门预算" has prose on the line above."""
    for index, line in enumerate(lines[:COVER_LINES]):
        if len(line) <= 40 and not _PROSE.search(line) and _COVER_LINE.search(_PAREN_TAIL.sub("", line)):
            if index == 0 or not _PROSE.search(lines[index - 1]):
                return True
    return False


def _named_codes(lines: list[str]) -> set[str]:
    """The codes of lines led by a 科目 code with its own name (the first two characters the
    standard spells), digits after it and no prose."""
    found = set()
    for line in lines:
        match = _CODE_ROW.match(line)
        start = line[match.end():match.end() + 2] if match else ""
        if len(start) == 2 and is_han(start[0]) and is_han(start[1]) and re.search(r"\d", line[match.end() + 2:]):
            if not _PROSE.search(line) and start in _standard_names().get(match.group(1), ()):
                found.add(match.group(1))
    return found


@lru_cache(maxsize=1)
def _standard_names() -> dict[str, frozenset[str]]:
    """Code → the first two characters of its names (every edition, aliases too)."""
    names: dict[str, set[str]] = {}
    for file_name in FAMILIES:
        with (CATALOG_DATA / file_name).open(encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle)  # lists, not a dict per row: read at start-up of every sniff
            header = next(rows)
            code_at, name_at = header.index("code"), header.index("name")
            aliases_at = header.index("aliases") if "aliases" in header else None
            for row in rows:
                aliases = row[aliases_at] if aliases_at is not None and aliases_at < len(row) else ""
                for name in (row[name_at], *aliases.split("|")):
                    start = "".join(CJK.findall(name)[:2])
                    if len(start) == 2:
                        names.setdefault(row[code_at].strip(), set()).add(start)
    return {code: frozenset(starts) for code, starts in names.items()}
