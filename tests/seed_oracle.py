"""An independent reading of the seeds' own code-bearing table lines, to test extraction against.

Deliberately naive and separate from parsers/tables/grid.py: it walks each tab-separated line,
starts an item at every code cell (joining 类/款/项 parts), takes the next CJK cell as the
name and the numbers up to the next code as the amounts. Lines it cannot read this way
are skipped, so it only ever states what a line says unambiguously.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from parsers.amounts import parse_amount

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CLASS = re.compile(r"^(?:10[1-9]|11\d|2[0-3]\d|3\d\d|5\d\d)(?:\d{2}){0,2}$")  # 科目 类 prefixes only
_PART = re.compile(r"^\d{2}$")


@dataclass(frozen=True)
class SeedItem:
    line: int
    code: str
    name: str
    amounts: tuple[Decimal, ...]


def seed_items(path: Path) -> list[SeedItem]:
    items: list[SeedItem] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if "\t" not in raw:
            continue
        cells = [c.strip() for c in re.sub(r"^[-#]+\s*", "", raw).split("\t")]
        items.extend(_line_items(number, cells))
    return items


def _line_items(number: int, cells: list[str]) -> list[SeedItem]:
    items: list[SeedItem] = []
    i = 0
    while i < len(cells):
        if not _CLASS.match(cells[i]):
            i += 1
            continue
        code = cells[i]
        i += 1
        while i < len(cells) and _PART.match(cells[i]) and len(code) < 7:
            code += cells[i]
            i += 1
        while i < len(cells) and not cells[i]:
            i += 1
        if i >= len(cells) or not _CJK.search(cells[i]):
            return items  # not a code/name line (e.g. a unit code or a number row)
        name = re.sub(r"\s+", "", cells[i]).lstrip("•")
        i += 1
        i = _skip_second_classification(cells, i)
        amounts: list[Decimal] = []
        while i < len(cells) and not (_CLASS.match(cells[i]) and i + 1 < len(cells) and _CJK.search(cells[i + 1] + "".join(cells[i + 1 : i + 3]))):
            value = parse_amount(cells[i])
            if value is not None:
                amounts.append(value)
            elif _CJK.search(cells[i]):
                pass  # a second classification's name (政府预算经济分类)
            i += 1
        if amounts:
            items.append(SeedItem(number, code, name, tuple(amounts)))
    return items


def _skip_second_classification(cells: list[str], i: int) -> int:
    """"30102 津贴补贴 50101 工资奖金津补贴 57.20": the 政府预算经济分类 pair is not an item."""
    j = i
    while j < len(cells) and (_CLASS.match(cells[j]) or _PART.match(cells[j])):
        j += 1
    if j > i and j < len(cells) and _CJK.search(cells[j]):
        return j + 1
    return i
