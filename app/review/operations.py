"""Review operations and the one set of rules they must satisfy.

A decision typed in the CLI or the workbench and one read back from a sidecar (which a
person may have edited by hand) pass the same checks (``operation_problem``), so nothing the
input would refuse can enter the reviewed view through the file: no "abc" or 1e400 as an
amount, no 科目 code outside the catalog, no unit or table kind kemu does not know.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from app.errors import ReviewError
from parsers.amounts import YUAN_PER_UNIT, parse_amount

if TYPE_CHECKING:
    from app.matching.catalog import Edition

OPS = ("edit", "confirm", "choose", "not_subject", "reject", "set_kind", "set_unit", "ignore", "note")
ROW_OPS = ("edit", "confirm", "choose", "not_subject", "reject", "ignore")  # anchored to a row
BLANKS = ("", "-", "—", "null")
SCOPES = ("row", "same_text")
# Exports and the JSON contract write amounts as 64-bit floats, which hold 15 significant
# digits exactly; a longer amount would come out as another number (or as Infinity).
MAX_AMOUNT_DIGITS = 15


@dataclass(frozen=True)
class Operation:
    op: str
    who: str
    when: str
    table: str | None = None
    row: str | None = None
    column: str | None = None
    original: str | None = None  # raw text of the cell (edit) or the printed "code name" (mapping ops)
    value: str | None = None  # edit: amount text; choose: code; set_kind/set_unit/note: the new text
    scope: str = "row"  # row | same_text: every row with the same printed text in the same kind of table
    group: str | None = None  # operations made by one bulk action share it: one undo step
    extra: dict[str, Any] = field(default_factory=dict, compare=False)  # keys a person added by hand, kept as written

    def to_dict(self) -> dict[str, Any]:
        fields = {k: v for k, v in asdict(self).items() if k != "extra" and v is not None and not (k == "scope" and v == "row")}
        return {**fields, **self.extra}

    @classmethod
    def from_dict(cls, data: Any) -> "Operation":
        """The operation these fields describe; ``ReviewError`` naming the field that is wrong."""
        if not isinstance(data, dict):
            raise ReviewError(f"an operation must be a table of fields, not {shown(data)}")
        names = [k for k in cls.__dataclass_fields__ if k != "extra"]
        known = {k: data[k] for k in names if k in data}
        for key, value in known.items():
            if not isinstance(value, str):
                raise ReviewError(f"field {key}: {shown(value)} is not text")
        for key in ("op", "who", "when"):
            if not known.get(key, "").strip():
                raise ReviewError(f"field {key}: missing or empty")
        return cls(**known, extra={k: v for k, v in data.items() if k not in names})

    def describe(self) -> str:
        """How a message names this operation: ``edit final_gp_basic#1/303 amount``."""
        return " ".join(_clip(part) for part in (self.op, self.row or self.table, self.column) if part)


def shown(value: Any) -> str:
    """A value as a message quotes it: whole when short, else its start and its length."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:24]}… ({len(str(value))} characters)"


def _clip(text: str) -> str:
    return text if len(text) <= 40 else text[:24] + "…"


def amount_problem(text: str) -> str | None:
    """Why ``text`` cannot be an edited amount, or None when it can (a number, or - for none)."""
    if text.strip() in BLANKS:
        return None
    value = parse_amount(text)
    if value is None:
        return f"{shown(text)} is not an amount (use digits like 1234.56, or - for no value)"
    if len(value.as_tuple().digits) > MAX_AMOUNT_DIGITS:
        return f"{shown(text)} has more than {MAX_AMOUNT_DIGITS} significant digits, more than an amount can keep exactly in the exports"
    return None


def operation_problem(op: Operation, edition: "Edition") -> tuple[str, str] | None:
    """Why ``op`` cannot be a review decision on a report whose catalog is ``edition``, as (the
    field, a sentence about its value), or None."""
    if op.op not in OPS:
        return "op", f"{shown(op.op)} is not an operation (one of {', '.join(OPS)})"
    if not _is_time(op.when):
        return "when", f"{shown(op.when)} is not a time like 2026-11-23T15:40:28Z"
    if op.scope not in SCOPES:
        return "scope", f"{shown(op.scope)} is not one of {', '.join(SCOPES)}"
    needed = ("table", *(("row",) if op.op in ROW_OPS else ()), *(("column",) if op.op == "edit" else ()))
    missing = next((name for name in needed if not getattr(op, name)), None)
    if missing:
        return missing, f"{op.op} needs a {missing}"
    if op.op == "edit":
        problem = amount_problem(op.value or "")
        return ("value", problem) if problem else None
    if op.op == "choose" and (op.value or "") not in edition.by_code:
        return "value", f"{shown(op.value)} is not a 科目 code of the {edition.year or 'current'} catalog"
    if op.op == "set_unit" and op.value not in YUAN_PER_UNIT:
        return "value", f"{shown(op.value)} is not a unit (one of {', '.join(YUAN_PER_UNIT)})"
    if op.op == "set_kind" and op.value not in _kind_ids():
        return "value", f"{shown(op.value)} is not a table kind (docs/table-kinds.md lists them)"
    if op.op == "note" and op.value is None:
        return "value", "a note needs its text"
    return None


@cache
def _kind_ids() -> frozenset[str]:
    from parsers.identify.kinds import all_table_kinds

    return frozenset(kind.id for kind in all_table_kinds())


def _is_time(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True
