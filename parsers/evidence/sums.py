"""The arithmetic a budget table must satisfy, over the model alone: printed precision and
rounding, the 类 → 款 → 项 families of its codes, and the column identities its header defines.

Two readers use it: the checks (app/checks), which tell a reviewer where the report's figures
disagree, and the reading's own evidence (parsers/evidence/evidence.py), which asks whether kemu read
the table right. Both must count a sum the same way, so it lives here, below both.

Rounding (尾数误差) is explicit: reports round every term to the printed precision, so a sum
of n terms may be off by up to one unit of the last printed digit per term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from parsers.model import Cell, Column, Row, Table

ZERO = Decimal(0)


def step(cells: list[Cell | None]) -> Decimal:
    """One unit of the last printed digit among ``cells`` (0.01 for "12.34", 1 for "1,234")."""
    places = 0
    for cell in cells:
        if cell is not None and cell.value is not None:
            exponent = cell.value.as_tuple().exponent
            places = max(places, -exponent if isinstance(exponent, int) else 0)
    return Decimal(1).scaleb(-places)


def value(cell: Cell | None) -> Decimal:
    return cell.value if cell is not None and cell.value is not None else ZERO


@dataclass(frozen=True)
class Sum:
    """A checked sum: the printed total, the parts, and how far apart they are."""

    total: Cell | None
    parts: list[Cell | None]

    @property
    def difference(self) -> Decimal:
        return value(self.total) - sum((value(c) for c in self.parts), ZERO)

    @property
    def tolerance(self) -> Decimal:
        return step([self.total, *self.parts]) * max(1, len(self.parts))

    @property
    def checkable(self) -> bool:
        return any(c is not None and c.value is not None for c in [self.total, *self.parts])

    def severity(self) -> str | None:
        """None when it adds up, info within rounding, error beyond."""
        diff = abs(self.difference)
        if diff == 0:
            return None
        return "info" if diff <= self.tolerance else "error"


def parent_code(code: str) -> str | None:
    """项 → its 款, 款 → its 类; a 类 has no parent."""
    if len(code) == 7:
        return code[:5]
    if len(code) == 5:
        return code[:3]
    return None


def families(coded: list[Row]) -> list[tuple[Row, list[Row]]]:
    """(parent, the children the table prints) for every parent with printed children.

    A table with two economic classifications prints the same 部门经济 301 once under each
    政府经济 code (301 beside 501, 301 again beside 505), each with its own children: each is a
    block of its own. A child belongs to the line with its parent code whose second code is the
    parent of its own (30101 beside 50501 → 301 beside 505), else to the nearest such line above
    it, else (an unusual order) to the first."""
    seen: dict[str, list[tuple[int, Row]]] = {}
    for index, row in enumerate(coded):
        seen.setdefault(row.code, []).append((index, row))
    children: dict[str, tuple[Row, list[Row]]] = {}
    for index, row in enumerate(coded):
        candidates = seen.get(parent_code(row.code) or "", [])
        if not candidates:
            continue
        same_block = [c for c in candidates if _second_code_parent(c[1], row)] or candidates
        above = [c for c in same_block if c[0] < index]
        parent = (above[-1] if above else same_block[0])[1]
        children.setdefault(parent.id, (parent, []))[1].append(row)
    return list(children.values())


def _second_code_parent(parent: Row, child: Row) -> bool:
    """Whether ``parent``'s second classification code is the parent of ``child``'s (505 / 50501)."""
    return any(c.startswith(p) and len(c) > len(p) for p in parent.extra_codes for c in child.extra_codes)


def same_amount(a: Decimal, b: Decimal) -> bool:
    """The same gap, up to the rounding a figure picks up as it is carried up (50.60 in a row,
    50.59 in the 合计): within a thousandth of it. One wrong figure makes every sum it takes
    part in fail by this amount (its parent, the parent's parent), so such failures are one fault."""
    return abs(abs(a) - abs(b)) <= abs(a) / 1000


_TOTAL = re.compile(r"(?:合计|小计|总计)$")
#: Totals whose parts are all their siblings; a qualified one ("“三公”经费合计" beside 会议费) is not.
_PLAIN_TOTAL = re.compile(r"^(?:合计|小计|总计|本年收入合计|本年支出合计|收入合计|支出合计)$")


def label_path(column: Column) -> list[str]:
    return column.label.split("/")


def identities(table: Table) -> list[tuple[Column, list[Column]]]:
    """(total column, its part columns) for every total column the header defines.

    "本年支出/本年支出合计" = "本年支出/基本支出" + "本年支出/项目支出"; "总计" = "本年收入/合计" +
    "上年结转结余/小计"; a group with its own 小计 counts once; a "其中：" column is a part of a
    part and never added."""
    columns = [c for c in table.columns if not c.label.startswith("第")]
    out = []
    for column in columns:
        path = label_path(column)
        if not _PLAIN_TOTAL.match(path[-1]):
            continue
        parts = _components(path[:-1], [c for c in columns if c is not column])
        if len(parts) >= 2:
            out.append((column, parts))
    return out


def _components(prefix: list[str], columns: list[Column]) -> list[Column]:
    inside = [c for c in columns if label_path(c)[: len(prefix)] == prefix and len(label_path(c)) > len(prefix)]
    groups: dict[str, list[Column]] = {}
    for column in inside:
        groups.setdefault(label_path(column)[len(prefix)], []).append(column)
    parts: list[Column] = []
    for element, members in groups.items():
        if element.startswith("其中"):
            continue
        whole = [c for c in members if label_path(c) == prefix + [element]]
        subtotal = [c for c in members if len(label_path(c)) == len(prefix) + 2 and _TOTAL.search(label_path(c)[-1])]
        if whole:
            parts.append(whole[0])
        elif subtotal:
            parts.append(subtotal[0])
        else:
            parts.extend(_components(prefix + [element], members))
    return parts
