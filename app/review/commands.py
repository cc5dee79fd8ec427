"""The scripted review commands (edit, confirm, note, undo, redo, status, apply) over a ReviewSession.

Arguments name things the way a person reads the report — table kind, row code or printed
name, column key or label — and are resolved to stable identities here, with a clear
error for anything ambiguous or unknown.
"""

from __future__ import annotations

import sys

from app.checks import run_checks
from app.contract import dumps, report_json
from app.matching.matcher import normalize_name
from app.text_views import printed_amount
from parsers.model import Report, Row, Table
from app.review.session import ReviewError, ReviewSession
from app.review.sidecar import CompactionFailed


def resolve_table(report: Report, name: str) -> Table:
    table = report.table(name)
    if table is not None:
        return table
    found = report.tables_of_kind(name)
    if len(found) == 1:
        return found[0]
    if found:
        raise ReviewError(f"{len(found)} tables of kind {name}: use one of {', '.join(t.id for t in found)}")
    raise ReviewError(f"no table {name!r}; tables: {', '.join(t.id for t in report.tables)}")


def resolve_row(table: Table, name: str) -> Row:
    found = [r for r in table.rows if r.id == name or r.code == name]
    if not found:
        key = normalize_name(name)
        found = [r for r in table.rows if normalize_name(r.name) == key]
    if len(found) == 1:
        return found[0]
    if found:
        raise ReviewError(f"{name!r} matches {len(found)} rows of {table.id}: use a row id ({', '.join(r.id for r in found)})")
    raise ReviewError(f"no row {name!r} in {table.id}")


def resolve_column(table: Table, name: str) -> str:
    for column in table.columns:
        if name in (column.key, column.label) or name == column.label.split("/")[-1]:
            return column.key
    raise ReviewError(f"no column {name!r} in {table.id}; columns: {', '.join(f'{c.key} ({c.label})' for c in table.columns)}")


READ_ONLY = ("status", "apply")


def run(session: ReviewSession, args) -> int:
    """Read-only commands never write; the others hold the sidecar's lock for the whole command
    (waiting for another writer), so simultaneous scripts all apply."""
    if args.command in READ_ONLY:
        return _status(session, args.format) if args.command == "status" else _apply(session, args.format)
    try:
        with session.transaction():
            _change(session, args)
    except CompactionFailed as exc:  # the decision is recorded (in the journal): done, with a warning
        print(f"kemu: warning: {exc}", file=sys.stderr)
    return 0


def _change(session: ReviewSession, args) -> None:
    command = args.command
    if command == "edit":
        table = resolve_table(session.reviewed, args.table)
        row = resolve_row(table, args.row)
        column = resolve_column(table, args.column)
        op = session.edit(table.id, row.id, column, args.value)
        if op is None:
            print(f"unchanged: {row.id} {column} already reads {printed_amount(row.cells[column].raw)}; nothing recorded", file=sys.stderr)
        else:
            print(f"edited {op.row} {op.column}: {printed_amount(op.original)} → {printed_amount(op.value)}", file=sys.stderr)
    elif command == "confirm":
        if args.all_auto:
            print(f"confirmed {session.confirm_all_auto()} automatic mappings", file=sys.stderr)
        else:
            if not args.table or not args.row:
                raise ReviewError("confirm needs --table and --row, or --all-auto")
            table = resolve_table(session.reviewed, args.table)
            row = resolve_row(table, args.row)
            session.mapping("choose" if args.code else "confirm", table.id, row.id, args.code, args.same_text)
            print(f"confirmed {row.id}", file=sys.stderr)
    elif command == "note":
        table = resolve_table(session.reviewed, args.table)
        row = resolve_row(table, args.row) if args.row else None
        session.note(args.text, table.id, row.id if row else None)
        print(f"noted on {row.id if row else table.id}", file=sys.stderr)
    elif command in ("undo", "redo"):
        before = len(session.operations) if command == "undo" else len(session.redo_stack)
        op = session.undo() if command == "undo" else session.redo()
        steps = before - (len(session.operations) if command == "undo" else len(session.redo_stack))
        what = f"{steps} operations" if steps > 1 else (f"{op.op} {op.row or op.table}" if op else "")
        print(f"{command}: {what}" if op else f"nothing to {command}", file=sys.stderr)


def _apply(session: ReviewSession, fmt: str) -> int:
    report = session.reviewed
    if fmt == "json":
        data = report_json(report)
        data["review"] = _review_block(session)
        sys.stdout.write(dumps(data) + "\n")
    else:
        from app.text_views import render_text

        sys.stdout.write(render_text(report) + "\n")
    return 0


def _review_block(session: ReviewSession) -> dict:
    return {
        "sidecar": str(session.store.path),
        "progress": session.progress(),
        "source_changed": session.source_changed,
        "orphaned": [{"operation": o.operation.to_dict(), "reason": o.reason} for o in session.orphans],
    }


def _status(session: ReviewSession, fmt: str) -> int:
    progress = session.progress()
    findings = run_checks(session.reviewed)
    open_findings = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning")}
    if fmt == "json":
        block = _review_block(session)
        block.update({"findings": open_findings, "complete": session.is_complete(findings)})
        sys.stdout.write(dumps(block) + "\n")
    else:
        print(f"{session.source}")
        print(f"  mappings confirmed {progress['confirmed']} / {progress['mappings']} (auto {progress['auto']}, to review {progress['needs_review']})")
        print(f"  edited cells {progress['edited_cells']}, operations {progress['operations']}")
        print(f"  open findings: {open_findings['error']} errors, {open_findings['warning']} warnings")
        print(f"  orphaned edits: {progress['orphaned']}" + (" (the source changed since the review began)" if session.source_changed else ""))
        for orphan in session.orphans:
            print(f"    - {orphan.operation.op} {orphan.operation.row or orphan.operation.table}: {orphan.reason}")
    return 0
