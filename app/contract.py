"""The public JSON contract of ``kemu extract`` (docs/extract-json.md), versioned.

Users script against this shape, so it changes only with ``SCHEMA_VERSION``: additions
bump the minor part, removals or renames the major part. Amounts are JSON numbers
(float's shortest repr of the Decimal, so 311.15 stays 311.15); raw text rides along.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from parsers.model import Cell, Match, Provenance, Report, Row, Table

CHECK_SCHEMA_VERSION = "1.1"
SCHEMA_VERSION = "1.5"  # 1.1: rows carry "match" (kemu match/apply), cells "status", rows "ignored"/"note"; 1.2: OCR (format "pdf/ocr", provenance "confidence"); 1.3: report "readers", table "kind_confidence"/"kind_reason", row "extra_names"; 1.4: table kind "chart_data"; 1.5: table "reading"/"reading_reasons" (issue 21)


def provenance_json(p: Provenance | None) -> dict[str, Any] | None:
    if p is None:
        return None
    out = {"page": p.page, "line": p.line, "bbox": list(p.bbox) if p.bbox else None, "raw": p.raw}
    return out if p.confidence is None else {**out, "confidence": p.confidence}  # read by OCR


def cell_json(cell: Cell) -> dict[str, Any]:
    return {"raw": cell.raw, "value": cell.value, "status": cell.status, "provenance": provenance_json(cell.provenance)}


def match_json(match: Match | None) -> dict[str, Any] | None:
    if match is None:
        return None
    return {
        "kind": match.kind,
        "code": match.code,
        "name": match.name,
        "score": match.score,
        "decision": match.decision,
        "reason": match.reason,
        "candidates": [{"code": c.code, "name": c.name, "score": c.score, "path": list(c.path)} for c in match.candidates],
    }


def row_json(row: Row) -> dict[str, Any]:
    out = {
        "id": row.id,
        "code": row.code,
        "name": row.name,
        "group": row.group,
        "extra_codes": list(row.extra_codes),
        "extra_names": list(row.extra_names),
        "values": {key: cell.value for key, cell in row.cells.items()},
        "cells": {key: cell_json(cell) for key, cell in row.cells.items()},
        "provenance": provenance_json(row.provenance),
        "ignored": row.ignored,
        "note": row.note,
    }
    if row.match is not None:
        out["match"] = match_json(row.match)
    return out


def table_json(table: Table) -> dict[str, Any]:
    return {
        "id": table.id,
        "kind": table.kind,
        "kind_confidence": table.kind_confidence,
        "kind_reason": table.kind_reason,
        "reading": table.reading,
        "reading_reasons": list(table.reading_reasons),
        "title": table.title,
        "unit": table.unit,
        "pages": list(table.pages),
        "empty": table.empty,
        "flags": list(table.flags),
        "columns": [{"key": c.key, "label": c.label, "group": c.group} for c in table.columns],
        "rows": [row_json(r) for r in table.rows],
        "provenance": provenance_json(table.provenance),
    }


def findings_json(report: Report, findings: list, checked: dict | None = None) -> dict[str, Any]:
    """`kemu check` output: the report's identity, what was compared (``checked``) and the
    findings, one per fault with its echoes (docs/checks.md)."""
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    out = {
        "schema": "kemu.check",
        "schema_version": CHECK_SCHEMA_VERSION,
        "source": report.source,
        "sha256": report.sha256,
        "report_kind": report.report_kind,
        "department": report.department,
        "year": report.year,
        "counts": counts,
        "findings": [{**_finding_json(f), "echoes": [_finding_json(e) for e in f.echoes]} for f in findings],
    }
    if checked is not None:
        out["checked"] = {family: {"compared": t.compared, "agreed": t.agreed} for family, t in checked.items()}
    return out


def _finding_json(f) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "severity": f.severity,
        "message": f.message,
        "locations": [{"page": l.page, "table": l.table, "row": l.row, "column": l.column, "line": l.line} for l in f.locations],
    }


def report_json(report: Report, with_text: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "schema": "kemu.extract",
        "schema_version": SCHEMA_VERSION,
        "extractor_version": report.extractor_version,
        "source": report.source,
        "sha256": report.sha256,
        "size": report.size,
        "format": report.format,
        "readers": {reader: list(pages) for reader, pages in report.readers},
        "report_kind": report.report_kind,
        "department": report.department,
        "year": report.year,
        "page_count": len(report.pages),
        "tables": [table_json(t) for t in report.tables],
    }
    if with_text:
        out["pages"] = [
            {"page": p.number, "lines": [{"line": l.number, "text": l.text} for l in p.lines]} for p in report.pages
        ]
    return out


def dumps(data: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2)`` with Decimals as JSON numbers, byte for byte.

    The standard library writes indented JSON in pure Python, one generator per nesting level,
    each token passing through all of them; a report's JSON nests eight deep, so that took
    longer than the rest of a cached ``kemu extract``. Here one recursive pass appends to a list.
    """
    out: list[str] = []
    _write(data, out, "\n")
    return "".join(out)


_quote = json.encoder.encode_basestring  # the encoder's own string escaping (ensure_ascii=False), in C
_int_text = int.__repr__
_float_text = float.__repr__


def _write(o: Any, out: list[str], newline: str) -> None:
    """Append ``o`` as JSON; ``newline`` is a line break with the indentation of ``o``'s own line."""
    if isinstance(o, str):
        out.append(_quote(o))
    elif o is None:
        out.append("null")
    elif o is True:
        out.append("true")
    elif o is False:
        out.append("false")
    elif isinstance(o, int):
        out.append(_int_text(o))
    elif isinstance(o, (float, Decimal)):
        out.append(_number(float(o)))
    elif isinstance(o, dict):
        if not o:
            out.append("{}")
            return
        inner = newline + "  "
        first, later = "{" + inner, "," + inner
        separator = first
        for key, value in o.items():
            head = separator + (_KEYS.get(key) or _key(key))
            kind = type(value)  # the common leaves inline, as in _write_value
            if kind is str:
                out.append(head + _quote(value))
            elif value is None:
                out.append(head + "null")
            elif kind is float and value - value == 0.0:
                out.append(head + _float_text(value))
            else:
                out.append(head)
                _write_value(value, out, inner)
            separator = later
        out.append(newline + "}")
    elif isinstance(o, (list, tuple)):
        if not o:
            out.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for value in o:
            out.append(separator)
            _write_value(value, out, inner)
            separator = "," + inner
        out.append(newline + "]")
    else:
        raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


_KEYS: dict[Any, str] = {}  # a key as written with its colon: a report repeats a few dozen keys thousands of times


def _key(key: Any) -> str:
    written = _KEYS[key] = (_quote(key) if isinstance(key, str) else _quote(json.dumps(key))) + ": "
    return written


def _write_value(value: Any, out: list[str], newline: str) -> None:
    """``_write`` with the common leaves (text, null, finite numbers) handled without a call."""
    kind = type(value)
    if kind is str:
        out.append(_quote(value))
    elif value is None:
        out.append("null")
    elif kind is float and value - value == 0.0:  # finite
        out.append(_float_text(value))
    elif kind is int:
        out.append(_int_text(value))
    else:
        _write(value, out, newline)


def _number(value: float) -> str:
    """A float as the json module writes it (NaN and the infinities as JavaScript names)."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return _float_text(value)
