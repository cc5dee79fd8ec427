"""Scans: what OCR read unsurely becomes a review item, so a person checks it against the page.

- an amount cell read with a confidence below ``LOW_CONFIDENCE`` (the engine's least sure
  character) is a warning that points at the cell. Codes and names are not flagged here:
  matching verifies a code by its name and sends a garbled pair to review, while a fifth of
  all OCR'd names hold one unsure character, which would bury the numbers;
- an amount cell with text that does not read as an amount (digits mixed with letters or
  marks the OCR digit rules would not undo) is a warning too: the number was not guessed.

Text from a PDF text layer or a text dump has no confidence and never triggers these. A cell
the reviewer has edited (typing the same number confirms it) is no longer flagged.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.checks.findings import Finding, Location, rule
from parsers.amounts import is_amount
from parsers.model import Provenance, Report
from parsers.read.ocr.scan import LOW_CONFIDENCE


def is_unsure(provenance: Provenance | None) -> bool:
    return provenance is not None and provenance.confidence is not None and provenance.confidence < LOW_CONFIDENCE


@rule("ocr")
def ocr(report: Report) -> Iterable[Finding]:
    for table in report.tables:
        for row in table.rows:
            for key, cell in row.cells.items():
                if cell.status == "edited":
                    continue  # the reviewer has typed (or re-typed) the number: it is checked
                where = (Location(cell.provenance.page, table.id, row.id, key),)
                if is_unsure(cell.provenance):
                    yield Finding("ocr.low_confidence", "warning", f"OCR 读数“{cell.raw}”把握不大（置信度 {cell.provenance.confidence:.0%}），请对照原图核对", where)
                elif cell.provenance.confidence is not None and cell.value is None and cell.raw.strip() and any(ch.isdigit() for ch in cell.raw) and not is_amount(cell.raw):
                    yield Finding("ocr.unreadable", "warning", f"OCR 读出“{cell.raw}”，不是金额：请对照原图填写", where)
