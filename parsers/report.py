"""``read_report(path)``: any supported input → the one ``Report`` model.

The content decides the format (PDF magic, HTML saved under a .pdf name, text dumps);
the extension is only a hint. Unreadable input raises ``UnreadableReport`` with one
clear sentence; a readable file that is not a budget report is rejected the same way.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import replace
from functools import partial
from pathlib import Path

from parsers.model import CHART_KIND, EXTRACTOR_VERSION, Line, Page, Report, Table
from parsers.errors import NoTextLayer, UnreadableReport
from parsers.chart import build_chart, is_chart
from parsers.grid import build_table
from parsers.classify import Identification, classify_structure
from parsers.identify import (
    detect_department, detect_report_kind, detect_unit, detect_year, identify_title,
)
from parsers.layout import SourceDocument
from parsers.ocr import read_scanned_pages
from parsers.evidence import cross_table_reasons
from parsers.reading import read_table, split_at_inner_titles
from parsers.segment import is_grid_line, segment_tables, strip_running_text
from parsers.sniff import is_report_table, is_report_text
from parsers.text import parse_text

_HEAD_CHARS = 4000


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_source(path: Path) -> SourceDocument:
    """Sniff the content and run the matching format parser."""
    if not path.exists():
        raise UnreadableReport(f"{path}: no such file")
    if path.is_dir():
        raise UnreadableReport(f"{path}: is a folder, not a report file")
    size = path.stat().st_size
    if size == 0:
        raise UnreadableReport(f"{path.name}: the file is empty (0 bytes)")
    head = path.open("rb").read(2048)
    if head.lstrip().startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        from parsers.pdf import parse_pdf  # PDFium and pdfplumber's geometry load only to read a PDF

        try:
            doc = parse_pdf(path)
        except NoTextLayer:
            doc = None
        return read_scanned_pages(path, doc)  # pages that are scans are OCR'd (the ocr extra)
    lowered = head.lower()
    if b"<html" in lowered or b"<!doctype html" in lowered:
        raise UnreadableReport(f"{path.name}: an HTML page saved as {path.suffix or 'a file'}, not a report")
    if head.startswith(b"PK\x03\x04"):
        raise UnreadableReport(f"{path.name}: a ZIP/Office file; export it to PDF or text first")
    text = _decode(path.read_bytes())
    if text is None:
        raise UnreadableReport(f"{path.name}: neither a PDF nor a UTF-8/GB18030 text file")
    return parse_text(text)


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        printable = sum(ch.isprintable() or ch in "\t\n\r\f" for ch in text[:5000])
        if printable >= 0.95 * min(len(text), 5000):
            return text
    return None


def _document_unit(lines: list) -> str | None:
    """The unit stated anywhere in the document, else 万元 if the text keeps using it."""
    text = "\n".join(line.text for line in lines)
    return detect_unit(text) or ("万元" if text.count("万元") >= 3 else None)


def _identify(segment, report_kind: str | None, unit: str | None) -> Identification:
    """The segment's kind: from its title when the title names one, else from the structure
    of the table the grid builds from it."""
    if segment.kind is not None:
        titled = identify_title(segment.title, report_kind)
        if titled is not None and titled[0] == segment.kind:
            return Identification(segment.kind, titled[1], titled[2])
        return Identification(segment.kind, 1.0, "title")
    return classify_structure(build_table(segment, "unknown#0", unit), report_kind)


def _read_part(segment, report_kind: str | None, unit: str | None, ordinals: Counter[str]) -> Table:
    """One table: identified, read in the reading with the best evidence, and judged."""
    identification = _identify(segment, report_kind, unit)
    kind = identification.kind.id if identification.kind else "unknown"
    ordinals[kind] += 1
    table, _evidence = read_table(segment, f"{kind}#{ordinals[kind]}", unit)
    flags = (*table.flags, "kind_unknown") if kind == "unknown" else table.flags
    return replace(table, kind_confidence=identification.confidence, kind_reason=identification.reason, flags=flags)


def _cross_table_doubts(tables: list[Table]) -> list[Table]:
    """Totals that must agree across tables of the report: a disagreement makes both uncertain."""
    doubts = cross_table_reasons(tables)
    return [
        replace(t, reading="uncertain", reading_reasons=(*t.reading_reasons, doubts[t.id])) if t.id in doubts else t
        for t in tables
    ]


def _doubts(segment, report_kind: str | None, unit: str | None) -> int:
    """How much speaks against the best reading of ``segment`` as a table of its own."""
    identification = _identify(segment, report_kind, unit)
    kind = identification.kind.id if identification.kind else "unknown"
    return read_table(segment, f"{kind}#0", unit)[1].doubts


def read_report(path: str | Path, sha256: str | None = None) -> Report:
    """Extract a report; raises UnreadableReport for anything that is not a readable report.

    ``sha256`` may be passed by a caller that already hashed the file (the cache does).
    """
    path = Path(path)
    doc = read_source(path)
    lines = strip_running_text(doc)
    head = "\n".join(line.text for line in lines)[:_HEAD_CHARS]
    report_kind = detect_report_kind(head)
    segments = segment_tables(lines, report_kind)
    known = [s for s in segments if s.kind is not None]
    if not any(is_report_table(s.kind) for s in known) and not is_report_text("\n".join(line.text for line in lines)):
        raise UnreadableReport(f"{path.name}: not a department budget or final-account report (no known table or report title found)")
    if report_kind is None and known:
        report_kind = known[0].kind.report_kind
    ordinals: Counter[str] = Counter()
    tables: list[Table] = []
    unit = _document_unit(lines)
    for segment in segments:
        if not segment.notes and not any(is_grid_line(line) for line in segment.lines):
            continue  # a heading or TOC entry that names a table is not the table
        if is_chart(segment):
            ordinals[CHART_KIND] += 1
            tables.append(build_chart(segment, f"{CHART_KIND}#{ordinals[CHART_KIND]}", unit))
            continue
        parts = split_at_inner_titles(segment, report_kind, partial(_doubts, report_kind=report_kind, unit=unit))
        for part in parts:
            table = _read_part(part, report_kind, unit, ordinals)
            if len(parts) > 1:
                table = replace(table, flags=(*table.flags, "reading:split"))
            unit = table.unit if table.unit and "unit_inferred" not in table.flags else unit
            if table.kind != "unknown" or any(c.value is not None for r in table.rows for c in r.cells.values()):
                tables.append(table)
    tables = _cross_table_doubts(tables)
    pages = tuple(
        Page(number, tuple(Line(line.number, line.text, line.bbox) for line in page_lines))
        for number, page_lines in enumerate(doc.pages, start=1)
    )
    return Report(
        source=str(path),
        sha256=sha256 or file_sha256(path),
        size=path.stat().st_size,
        format=doc.format,
        report_kind=report_kind,
        department=detect_department(head),
        year=detect_year(head),
        pages=pages,
        tables=tuple(tables),
        extractor_version=EXTRACTOR_VERSION,
        readers=tuple((reader, tuple(pages)) for reader, pages in doc.readers.items()),
    )
