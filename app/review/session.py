"""Review operations, undo/redo, and the reviewed view = extraction + operations.

Operations are anchored to stable identities (table id = kind#ordinal, row id = table id +
code or normalised name + occurrence, column key) and keep the original raw value, so they
survive re-extraction; one whose anchor is gone, or whose original no longer matches the
source, is reported as orphaned, never dropped. Every operation records who and when.
The session journals each operation through the sidecar before it counts.
"""

from __future__ import annotations

import getpass
import os
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any

from app.cache import file_sha256, load_matched
from app.config import settings
from app.matching.catalog import current_catalog
from app.matching.matcher import normalize_name, reason
from parsers.model import Cell, Match, Report, Row, Table
from app.review.operations import BLANKS, Operation, ReviewError, amount_problem, operation_problem, shown
from app.review.sidecar import SidecarError, SidecarState, SidecarStore
from parsers.amounts import parse_amount
from parsers.model import EXTRACTOR_VERSION

FINDING_DECISIONS = ("edit", "note", "ignore", "set_kind", "set_unit")  # what decides an error finding


@dataclass(frozen=True)
class Orphan:
    operation: Operation
    reason: str


@dataclass
class Applied:
    report: Report
    orphans: list[Orphan] = field(default_factory=list)


def reviewer() -> str:
    """Who is reviewing: KEMU_USER, else ``user`` in ~/.config/kemu/config.toml, else the login."""
    if os.environ.get("KEMU_USER"):
        return os.environ["KEMU_USER"]
    if settings().get("user"):
        return str(settings()["user"])
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def printed(row: Row) -> str:
    return f"{row.code or ''} {row.name}".strip()


def apply_operations(report: Report, operations: list[Operation]) -> Applied:
    """The reviewed view: each operation applied in order; those that cannot apply are orphans."""
    tables = {t.id: t for t in report.tables}
    orphans: list[Orphan] = []
    edition = current_catalog().edition(report.year)
    for op in operations:
        table = tables.get(op.table or "")
        if table is None:
            orphans.append(Orphan(op, f"table {op.table} is no longer in the source"))
            continue
        if op.op == "set_kind":
            tables[table.id] = replace(table, kind=op.value or table.kind)
            continue
        if op.op == "set_unit":
            tables[table.id] = replace(table, unit=op.value)
            continue
        if op.op == "note" and op.row is None:
            continue
        rows = {r.id: r for r in table.rows}
        row = rows.get(op.row or "")
        if row is None:
            orphans.append(Orphan(op, f"row {op.row} is no longer in the source"))
            continue
        if op.op == "edit":
            cell = row.cells.get(op.column or "")
            if cell is None:
                orphans.append(Orphan(op, f"column {op.column} is no longer in table {table.id}"))
                continue
            if cell.status != "edited" and op.original is not None and cell.raw != op.original:
                orphans.append(Orphan(op, f"the source now prints {cell.raw!r} where the edit expected {op.original!r}"))
                continue
            value = None if (op.value or "").strip() in BLANKS else parse_amount(op.value)
            cells = dict(row.cells)
            cells[op.column] = Cell(op.value or "", value, cell.provenance, "edited")
            tables[table.id] = _replace_rows(table, {row.id: replace(row, cells=cells)})
            continue
        targets = _targets(tables, table, row, op.scope)
        updated = {r.id: _mapping(r, op, edition) for r in targets.get(table.id, [])}
        tables[table.id] = _replace_rows(tables[table.id], updated)
        for other_id, other_rows in targets.items():
            if other_id != table.id:
                tables[other_id] = _replace_rows(tables[other_id], {r.id: _mapping(r, op, edition) for r in other_rows})
    return Applied(replace(report, tables=tuple(tables[t.id] for t in report.tables)), orphans)


def _replace_rows(table: Table, updated: dict[str, Row]) -> Table:
    return replace(table, rows=tuple(updated.get(r.id, r) for r in table.rows))


def _targets(tables: dict[str, Table], table: Table, row: Row, scope: str) -> dict[str, list[Row]]:
    """The row itself, or every row with the same printed text in tables of the same kind."""
    current = {r.id: r for r in tables[table.id].rows}[row.id]
    if scope != "same_text":
        return {table.id: [current]}
    key = (current.code, normalize_name(current.name))
    out: dict[str, list[Row]] = {}
    for other in tables.values():
        if other.kind != table.kind:
            continue
        same = [r for r in other.rows if (r.code, normalize_name(r.name)) == key]
        if same:
            out[other.id] = same
    return out


def _mapping(row: Row, op: Operation, edition) -> Row:
    match = row.match or Match(None, None, 0.0, "none", "", ())
    if op.op == "confirm":
        return replace(row, match=replace(match, decision="confirmed", reason=reason("confirmed_by", who=op.who)))
    if op.op == "choose":
        entry = edition.by_code.get(op.value or "")
        name = entry.name if entry else match.name
        return replace(row, match=replace(match, code=op.value, name=name, score=100.0, decision="confirmed", reason=reason("chosen_by", who=op.who), kind="subject"))
    if op.op == "not_subject":
        return replace(row, match=replace(match, code=None, name=None, decision="confirmed", reason=reason("not_subject_by", who=op.who), kind="label"))
    if op.op == "reject":
        return replace(row, match=replace(match, code=None, name=None, decision="rejected", reason=reason("rejected_by", who=op.who)))
    if op.op == "ignore":
        return replace(row, ignored=True)
    if op.op == "note":
        return replace(row, note=op.value)
    return row


def _stamp(path: Path) -> tuple[int, int] | None:
    """Size and modification time of a file (None when it is gone): a change is worth a hash."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def _move_step(source: list[Operation], target: list[Operation]) -> None:
    """Undo/redo one step: the last operation, or the whole group of a bulk action."""
    if not source:
        return
    group = source[-1].group
    target.append(source.pop())
    while group is not None and source and source[-1].group == group:
        target.append(source.pop())


class ReviewSession:
    """One report under review: its extraction, the reviewer's operations, undo and redo."""

    def __init__(self, source: Path, fmt: str | None = None, use_cache: bool = True) -> None:
        self.source = Path(source)
        self._source_stamp = _stamp(self.source)  # before reading: a file replaced meanwhile differs
        self.base = load_matched(self.source, use_cache=use_cache)
        self.store = SidecarStore(self.source, fmt)
        self.reload()

    # -- state ----------------------------------------------------------------------------
    def _replay(self, event: dict[str, Any], where: str = "") -> None:
        kind = event.get("event")
        if kind not in ("do", "undo", "redo"):
            raise SidecarError(f"{where}: {shown(kind)} is not a journal event (do, undo or redo)")
        if kind == "do":
            done = event.get("operations", [event.get("operation")])
            if not isinstance(done, list):
                raise SidecarError(f"{where}: 'operations' is not a list")
            self.operations.extend(self._valid(d, where) for d in done)
            self.redo_stack.clear()
        elif kind == "undo":
            _move_step(self.operations, self.redo_stack)
        elif kind == "redo":
            _move_step(self.redo_stack, self.operations)
        self.__dict__.pop("applied", None)

    def reload(self) -> None:
        """Read the sidecar again (another kemu wrote it): this session continues from there.
        Every operation read passes the checks a typed one does; the first that fails refuses
        the whole sidecar in one sentence (file, operation, field), and the file is left as it is."""
        state, events = self.store.load()
        try:
            self.operations = [self._valid(d, f"{self.store.path}: operation {n}") for n, d in enumerate(state.operations, 1)]
            self.redo_stack = [self._valid(d, f"{self.store.path}: redo {n}") for n, d in enumerate(state.redo, 1)]
            for line, event in events:
                self._replay(event, f"{self.store.journal}: line {line}")
        except SidecarError as exc:
            raise SidecarError(f"{exc}; the file was left untouched — correct it or move it aside") from exc
        self.source_info = state.source
        self.kept_keys = state.extra  # keys a person added to the sidecar: written back as they are
        self.__dict__.pop("applied", None)

    def _valid(self, data: Any, where: str) -> Operation:
        """The operation a sidecar or journal holds, if it passes the rules of the input."""
        try:
            op = Operation.from_dict(data)
        except ReviewError as exc:
            raise SidecarError(f"{where}: {exc}") from exc
        problem = operation_problem(op, self.edition)
        if problem:
            field_name, sentence = problem
            raise SidecarError(f"{where} ({op.describe()}), field {field_name}: {sentence}")
        return op

    @cached_property
    def edition(self):
        """The catalog edition of the report's year: what a chosen 科目 code must be in."""
        return current_catalog().edition(self.base.year)

    @contextmanager
    def transaction(self):
        """A scripted command: wait for other writers, start from what the sidecar holds now,
        and leave it compacted, so simultaneous scripts all succeed in turn."""
        with self.store.locked(check=False):
            self.reload()
            yield self
            self.save()

    def _record(self, event: dict[str, Any]) -> None:
        self.store.append(event)
        self._replay(event)

    @cached_property
    def applied(self) -> Applied:
        return apply_operations(self.base, self.operations)

    @property
    def reviewed(self) -> Report:
        return self.applied.report

    @property
    def orphans(self) -> list[Orphan]:
        return self.applied.orphans

    @property
    def source_changed(self) -> bool:
        return bool(self.source_info) and self.source_info.get("sha256") != self.base.sha256

    def source_replaced(self) -> bool:
        """The file on disk is no longer the report this session read (replaced while the
        workbench was open): decisions made now would silently belong to another source.
        A stat each call; the file is hashed only when its size or time changed."""
        stamp = _stamp(self.source)
        if stamp == self._source_stamp:
            return False
        if stamp is not None and file_sha256(self.source) == self.base.sha256:
            self._source_stamp = stamp  # touched or copied over with the same bytes
            return False
        return True

    # -- operations -----------------------------------------------------------------------
    def do(self, op: Operation) -> None:
        """Record ``op`` if it passes the rules every operation must (``operation_problem``)."""
        problem = operation_problem(op, self.edition)
        if problem:
            raise ReviewError(problem[1])
        self._record({"event": "do", "operation": op.to_dict()})

    def undo(self) -> Operation | None:
        """Take back the last step (a bulk action is one step); the last operation undone."""
        if not self.operations:
            return None
        op = self.operations[-1]
        self._record({"event": "undo"})
        return op

    def redo(self) -> Operation | None:
        if not self.redo_stack:
            return None
        op = self.redo_stack[-1]
        self._record({"event": "redo"})
        return op

    def edit(self, table_id: str, row_id: str, column: str, value: str) -> Operation | None:
        """Record a corrected amount; None (nothing recorded) when the cell already holds it."""
        table, row = self._find(table_id, row_id)
        cell = row.cells.get(column)
        if cell is None and any(c.key == column for c in table.columns):  # the other side of a two-sided table
            raise ReviewError(f"row {row.id} prints no amount under {column!r} (its cells: {', '.join(row.cells) or 'none'}); nothing to edit there")
        if cell is None:
            raise ReviewError(f"table {table.id} has no column {column!r}; columns: {', '.join(c.key for c in table.columns)}")
        problem = amount_problem(value)
        if problem:
            raise ReviewError(problem)
        if (None if value.strip() in BLANKS else parse_amount(value)) == cell.value:
            return None  # an edit that changes nothing is no decision
        base = self._base_row(table.id, row.id)
        original = base.cells[column].raw if base is not None and column in base.cells else cell.raw  # as printed
        op = Operation("edit", reviewer(), now(), table.id, row.id, column, original, value.strip())
        self.do(op)
        return op

    def mapping(self, kind: str, table_id: str, row_id: str, code: str | None = None, all_same: bool = False) -> Operation:
        if kind not in ("confirm", "choose", "not_subject", "reject", "ignore"):
            raise ReviewError(f"unknown mapping operation {kind!r}")
        table, row = self._find(table_id, row_id)
        op = Operation(kind, reviewer(), now(), table.id, row.id, None, printed(row), code, "same_text" if all_same else "row")
        self.do(op)
        return op

    def set_table(self, table_id: str, kind: str | None = None, unit: str | None = None) -> Operation:
        table, _ = self._find(table_id, None)
        op = Operation("set_kind" if kind else "set_unit", reviewer(), now(), table.id, value=kind or unit)
        self.do(op)
        return op

    def note(self, text: str, table_id: str, row_id: str | None = None) -> Operation:
        table, row = self._find(table_id, row_id)
        op = Operation("note", reviewer(), now(), table.id, row.id if row else None, value=text)
        self.do(op)
        return op

    def confirm_all_auto(self) -> int:
        """Confirm every row whose mapping is automatic: one operation per row, journaled together
        as one step, so one undo takes them all back."""
        who, when, group = reviewer(), now(), uuid.uuid4().hex[:12]
        ops = [
            Operation("confirm", who, when, table.id, row.id, original=printed(row), group=group)
            for table in self.reviewed.tables
            for row in table.rows
            if row.match and row.match.decision == "auto" and row.match.kind == "subject"
        ]
        if ops:
            self._record({"event": "do", "operations": [o.to_dict() for o in ops]})
        return len(ops)

    @property
    def writable(self) -> bool:
        return self.store.writable

    def save(self) -> None:
        """Compact journaled work into the sidecar and remove the journal. Nothing to compact,
        nothing written: a report nobody decided anything on gets no sidecar."""
        if not self.store.pending:
            return
        source = {"path": self.source.name, "sha256": self.base.sha256, "size": self.base.size, "extractor_version": EXTRACTOR_VERSION}
        state = SidecarState(source, [o.to_dict() for o in self.operations], [o.to_dict() for o in self.redo_stack], extra=self.kept_keys)
        self.store.compact(state)
        self.source_info = source

    # -- lookup ---------------------------------------------------------------------------
    def _base_row(self, table_id: str, row_id: str) -> Row | None:
        table = self.base.table(table_id)
        return table.row(row_id) if table else None

    def _find(self, table_id: str, row_id: str | None) -> tuple[Table, Row | None]:
        table = self.reviewed.table(table_id)
        if table is None:
            raise ReviewError(f"no table {table_id!r}; tables: {', '.join(t.id for t in self.reviewed.tables)}")
        if row_id is None:
            return table, None
        row = table.row(row_id)
        if row is None:
            raise ReviewError(f"no row {row_id!r} in {table.id}")
        return table, row

    def progress(self) -> dict[str, int]:
        rows = [r for t in self.reviewed.tables for r in t.rows if r.match and not r.ignored]
        mappable = [  # rows with a mapping to decide: 科目 lines (and anything a reviewer decided)
            r for r in rows if (r.match.kind in ("subject", "label") and r.match.decision != "none") or r.match.decision == "confirmed"
        ]
        return {
            "rows": len(rows),
            "mappings": len(mappable),
            "confirmed": sum(1 for r in mappable if r.match.decision == "confirmed"),
            "auto": sum(1 for r in mappable if r.match.decision == "auto"),
            "needs_review": sum(1 for r in mappable if r.match.decision in ("review", "rejected")),
            "edited_cells": sum(1 for t in self.reviewed.tables for r in t.rows for c in r.cells.values() if c.status == "edited"),
            "orphaned": len(self.orphans),
            "operations": len(self.operations),
        }


    def undecided_errors(self, findings: list) -> int:
        """Error findings no reviewer has acted on. A person decides one at its first location:
        an edit (the fix), a note (why the print stands) or an ignore on its row; on its table for
        a finding without a row (a unit or kind set counts too); a note for one about the report."""
        ops = [o for o in self.operations if o.op in FINDING_DECISIONS]
        return sum(1 for f in findings if f.severity == "error" and not _decided(f, ops))

    def is_complete(self, findings: list) -> bool:
        """Complete means a person decided: at least one decision recorded, every mapping that
        needed review decided, every error finding decided, no orphaned edit (docs/review.md)."""
        progress = self.progress()
        return bool(self.operations) and progress["needs_review"] == 0 and progress["orphaned"] == 0 and self.undecided_errors(findings) == 0


def _decided(finding, operations: list[Operation]) -> bool:
    first = finding.locations[0] if finding.locations else None
    if first is None or not first.table:
        return any(o.op == "note" for o in operations)
    if not first.row:
        return any(o.table == first.table for o in operations)
    return any(o.table == first.table and o.row == first.row for o in operations)


@dataclass(frozen=True)
class Problem:
    """A place needing the reviewer: an undecided mapping or a finding, in reading order."""

    table: str
    row: str | None
    column: str | None
    page: int
    reason: str
    line: int | None = None
    reading: bool = False  # the table's reading is uncertain (reason: its reasons): walked first in its table


def problems(report: Report, findings: list, threshold: float = 90.0) -> list[Problem]:
    """Unconfirmed mappings below ``threshold`` (or needing review) and error/warning findings,
    ordered by table then row, so next/previous walks the report from top to bottom."""
    order = {t.id: i for i, t in enumerate(report.tables)}
    row_order = {r.id: i for t in report.tables for i, r in enumerate(t.rows)}
    out: list[Problem] = []
    for table in report.tables:
        if table.reading == "uncertain" and table.rows:  # before its figures are trusted, the table itself
            first_row = table.rows[0]
            out.append(Problem(table.id, first_row.id, None, first_row.provenance.page, "; ".join(table.reading_reasons), reading=True))
        for row in table.rows:
            m = row.match
            if row.ignored or m is None or m.decision in ("confirmed", "none"):
                continue
            if m.decision in ("review", "rejected") or (m.kind == "subject" and m.score < threshold):
                out.append(Problem(table.id, row.id, None, row.provenance.page, m.reason))
    for finding in (f for fault in findings for f in (fault, *fault.echoes)):  # each echo of a fault is a place to look too
        if finding.severity not in ("error", "warning"):
            continue
        first = finding.locations[0]
        table = first.table or next((t.id for t in report.tables if first.page in t.pages), report.tables[0].id if report.tables else "")
        out.append(Problem(table, first.row, first.column, first.page, finding.message, first.line))
    return sorted(out, key=lambda p: (order.get(p.table, 1 << 30), -2 if p.reading else row_order.get(p.row or "", -1), p.page))
