"""The pdfminer reader (through pdfplumber), kept for pages PDFium cannot measure.

PDFium lays out text from the fonts' metrics. When a font is not embedded and PDFium has
no metrics for it (a non-embedded CJK CID font, typically), its text objects come back
with no height and single characters are lost. pdfminer reads the widths from the PDF's
own font dictionary, so such pages are read here instead. ``parsers.read.pdf`` decides per page
and records which reader read which pages (``SourceDocument.readers``).
"""

from __future__ import annotations

from pathlib import Path

from parsers.read.layout import Fragment, SourceLine


class PdfminerPages:
    """Opens the file with pdfplumber only when a page needs it, once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pdf = None

    def lines(self, number: int, settings) -> list[SourceLine]:
        if self._pdf is None:
            import pdfplumber  # only files that need it pay for pdfminer

            from parsers.read.library_logs import quiet_reader_logs

            quiet_reader_logs()

            self._pdf = pdfplumber.open(self.path)
        return page_lines(self._pdf.pages[number - 1], number, settings)

    def close(self) -> None:
        if self._pdf is not None:
            try:
                self._pdf.close()
            except Exception:  # a damaged page tree fails again while closing: release the file, keep the first reason
                self._pdf.stream.close()


def page_lines(page, number: int, settings) -> list[SourceLine]:
    """Ruled rows and free text lines of one page, unordered (``parsers.read.pdf`` orders them)."""
    tables = [
        t
        for t in page.find_tables(settings.table_settings)
        if len(t.rows) >= settings.min_table_rows and len(t.columns) >= settings.min_table_cols
    ]
    lines: list[SourceLine] = []
    free = page
    for region, table in enumerate(tables):
        lines.extend(_table_lines(table, number, region))
        free = free.outside_bbox(_clip(table.bbox, page.bbox))
    words = free.extract_words(keep_blank_chars=True, x_tolerance=settings.word_x_tolerance, use_text_flow=False)
    lines.extend(_free_lines(words, number, settings.line_overlap))
    return lines


def _clip(bbox, page_bbox):
    """A table box that runs a little off the page (or a rotated page's box) is cut to the page."""
    return (max(bbox[0], page_bbox[0]), max(bbox[1], page_bbox[1]), min(bbox[2], page_bbox[2]), min(bbox[3], page_bbox[3]))


def _table_lines(table, page: int, region: int) -> list[SourceLine]:
    """One line per ruled row; a merged cell's span is the number of column starts it covers."""
    starts = sorted({round(cell[0], 1) for row in table.rows for cell in row.cells if cell})
    out = []
    for row, texts in zip(table.rows, table.extract()):
        fragments = []
        for col, (bbox, text) in enumerate(zip(row.cells, texts)):
            if text is None or bbox is None:
                continue
            span = max(1, sum(1 for x in starts if bbox[0] - 1 <= x < bbox[2] - 1))
            fragments.append(Fragment(text.strip(), col, tuple(bbox), span))
        if any(f.text for f in fragments):
            out.append(SourceLine(page, 0, fragments, region, tuple(row.bbox)))
    return out


def _free_lines(words: list[dict], page: int, min_overlap: float) -> list[SourceLine]:
    bands: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if not word["text"].strip():
            continue
        band = bands[-1] if bands else None
        if band is not None and _overlaps(band, word, min_overlap):
            band.append(word)
        else:
            bands.append([word])
    lines = []
    for band in bands:
        band.sort(key=lambda w: w["x0"])
        fragments = [Fragment(w["text"].strip(), None, (w["x0"], w["top"], w["x1"], w["bottom"])) for w in band]
        bbox = (min(w["x0"] for w in band), min(w["top"] for w in band), max(w["x1"] for w in band), max(w["bottom"] for w in band))
        lines.append(SourceLine(page, 0, fragments, None, bbox))
    return lines


def _overlaps(band: list[dict], word: dict, min_overlap: float) -> bool:
    top = min(w["top"] for w in band)
    bottom = max(w["bottom"] for w in band)
    inter = min(bottom, word["bottom"]) - max(top, word["top"])
    height = min(bottom - top, word["bottom"] - word["top"])
    return height > 0 and inter / height >= min_overlap
