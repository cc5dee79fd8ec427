"""The reading stage's front door: any supported file → a ``SourceDocument``.

The content decides the format (PDF magic, HTML saved under a .pdf name, text dumps); the
extension is only a hint. Unreadable input raises ``UnreadableReport`` with one clear sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from parsers.errors import NoTextLayer, UnreadableReport, path_problem
from parsers.read.layout import SourceDocument
from parsers.read.text import parse_text


def read_source(path: Path, looks_like_report: Callable[[str], bool]) -> SourceDocument:
    """Sniff the content and run the matching format parser. ``looks_like_report`` judges the
    first OCR'd pages of an all-scan PDF, so a long letter is not OCR'd to the end."""
    problem = path_problem(path)  # before any open: a FIFO would wait for a writer forever
    if problem:
        raise UnreadableReport(f"{path}: {problem}")
    if path.is_dir():
        raise UnreadableReport(f"{path}: is a folder, not a report file")
    size = path.stat().st_size
    if size == 0:
        raise UnreadableReport(f"{path.name}: the file is empty (0 bytes)")
    head = path.open("rb").read(2048)
    if head.lstrip().startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        from parsers.read.pdf import parse_pdf  # PDFium and pdfplumber's geometry load only to read a PDF

        try:
            doc = parse_pdf(path)
        except NoTextLayer:
            doc = None
        if doc is not None and all(doc.pages):
            return doc
        from parsers.read.ocr.scan import read_scanned_pages  # pages without text may be scans: OCR'd (the ocr extra)

        return read_scanned_pages(path, doc, looks_like_report)
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
