"""Text dumps of reports → SourceDocument.

Three flavours are seen in the wild (see sample_reports/seeds):
- PDF text layer with tables as tab-separated rows (``tsv``);
- DOCX text with one cell per line, each starting with a tab, rows separated by blank
  lines, and "[bookmark: …]" noise (``docx``);
- OCR markdown: "#" headings, tab-separated tables, ``<sup>`` tags, garbage lines (``ocr``).
All become lines of column-indexed fragments; the grid does the rest. Form feeds, when
present, split pages; otherwise the whole dump is page 1 and provenance uses file lines.
"""

from __future__ import annotations

import re

from parsers.read.layout import Fragment, SourceDocument, SourceLine

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_TAGS = re.compile(r"</?(?:sup|sub|br|span|b|i|u)[^>]*>", re.IGNORECASE)
_HEADING = re.compile(r"^#{1,6}\s*")
_BULLET = re.compile(r"^[-*]\s+(?=\S)")


def sniff_text_flavour(text: str) -> str:
    """Which text dump this is; decided by content, not by file name."""
    if "[bookmark:" in text or _docx_cell_lines(text) > 20:
        return "docx"
    if re.search(r"^#{1,6}\s", text, re.MULTILINE) or "<sup>" in text:
        return "ocr"
    return "tsv"


def _docx_cell_lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.startswith("\t") and "\t" not in line[1:])


def parse_text(text: str) -> SourceDocument:
    """Parse any text dump flavour into a SourceDocument."""
    flavour = sniff_text_flavour(text)
    pages = text.split("\f")
    doc = SourceDocument(format=f"text/{flavour}", page_count=len(pages))
    for page_number, page_text in enumerate(pages, start=1):
        raw_lines = page_text.splitlines()
        if flavour == "docx":
            doc.pages.append(_docx_lines(raw_lines, page_number))
        else:
            doc.pages.append(_tab_lines(raw_lines, page_number))
    return doc


def _clean(text: str) -> str:
    text = _TAGS.sub("", _BOOKMARK.sub("", text))
    return _BULLET.sub("", _HEADING.sub("", text))


def _tab_lines(raw_lines: list[str], page: int) -> list[SourceLine]:
    lines = []
    for number, raw in enumerate(raw_lines, start=1):
        cleaned = _clean(raw.rstrip("\r\n"))
        if not cleaned.strip():
            continue
        fragments = [Fragment(cell.strip(), col) for col, cell in enumerate(cleaned.split("\t"))]
        lines.append(SourceLine(page, number, fragments))
    return lines


def _docx_lines(raw_lines: list[str], page: int) -> list[SourceLine]:
    """Rows are runs of tab-led lines (one cell each) separated by blank lines."""
    lines: list[SourceLine] = []
    row: list[Fragment] = []
    row_start = 0
    for number, raw in enumerate(raw_lines, start=1):
        cleaned = _clean(raw.rstrip("\r\n"))
        if raw.startswith("\t") and "\t" not in cleaned[1:]:
            if not row:
                row_start = number
            row.append(Fragment(cleaned.strip(), len(row)))
            continue
        if row:
            lines.append(SourceLine(page, row_start, row))
            row = []
        if cleaned.strip():
            fragments = [Fragment(cell.strip(), col) for col, cell in enumerate(cleaned.split("\t"))]
            lines.append(SourceLine(page, number, fragments))
    if row:
        lines.append(SourceLine(page, row_start, row))
    return lines
