"""``read_report(path)``: any supported input → the one ``Report`` model, stage by stage.

read (a file becomes pages of lines) → segment (lines become table segments) → sniff (is
this a report at all, asked before any table is built) → grid (a segment becomes its tables,
each read as a choice between readings judged by their evidence: parsers/evidence/reading.py) →
identify (the report's facts, each table's kind) → evidence across tables (totals two kinds
of table print twice). Each stage is called once, in that order, and none imports a later
one: the pipeline passes the two questions an earlier stage needs a later one's knowledge
for (is this text a table title, do these OCR'd pages read like a report). Unreadable input
and readable files that are not budget reports raise ``UnreadableReport`` with one clear
sentence.
"""

from __future__ import annotations

from pathlib import Path

from parsers.amounts import detect_unit
from parsers.identify.chart import build_chart, is_chart
from parsers.errors import UnreadableReport
from parsers.evidence.evidence import doubt_across
from parsers.tables.grid import carried_unit
from parsers.identify.identification import identify_report
from parsers.identify.kinds import is_table_title
from parsers.model import CHART_KIND, EXTRACTOR_VERSION, Line, Page, Report, Table, file_sha256
from parsers.evidence.reading import read_segment
from parsers.tables.segment import Segment, segment_document
from parsers.identify.sniff import is_report, is_report_text
from parsers.read.source import read_source

_HEAD_CHARS = 4000


def read_report(path: str | Path, sha256: str | None = None) -> Report:
    """Extract a report; raises UnreadableReport for anything that is not a readable report.

    ``sha256`` may be passed by a caller that already hashed the file (the cache does).
    """
    path = Path(path)
    doc = read_source(path, is_report_text)
    found = segment_document(doc, is_table_title)
    text = "\n".join(line.text for line in found.lines)
    head = text[:_HEAD_CHARS]
    if not is_report(head, [segment.title for segment in found.segments if segment.titled], text):
        raise UnreadableReport(f"{path.name}: not a department budget or final-account report (no known table or report title found)")
    built = _build_tables(found.tables, _document_unit(text))
    identified = identify_report(head, found.segments, built)
    pages = tuple(
        Page(number, tuple(Line(line.number, line.text, line.bbox) for line in page_lines))
        for number, page_lines in enumerate(doc.pages, start=1)
    )
    return Report(
        source=str(path),
        sha256=sha256 or file_sha256(path),
        size=path.stat().st_size,
        format=doc.format,
        report_kind=identified.report_kind,
        department=identified.department,
        year=identified.year,
        pages=pages,
        tables=doubt_across(identified.tables),
        extractor_version=EXTRACTOR_VERSION,
        readers=tuple((reader, tuple(pages)) for reader, pages in doc.readers.items()),
    )


def _build_tables(segments: list[Segment], unit: str | None) -> list[tuple[Segment, Table]]:
    """The grid stage: each segment becomes its tables (chart data by its own rule; a table that
    swallowed the next one is split, parsers/evidence/reading.py), in reading order, so a table that
    prints no unit takes the last one printed."""
    built = []
    for segment in segments:
        if is_chart(segment):
            built.append((segment, build_chart(segment, f"{CHART_KIND}#0", unit)))
            continue
        parts = read_segment(segment, unit, is_table_title)
        unit = carried_unit(parts[-1][1], unit)
        built.extend(parts)
    return built


def _document_unit(text: str) -> str | None:
    """The unit stated anywhere in the document, else 万元 if the text keeps using it."""
    return detect_unit(text) or ("万元" if text.count("万元") >= 3 else None)
