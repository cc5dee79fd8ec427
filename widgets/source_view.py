"""The report's own text, page by page, so a reviewer always sees where a number came from.

Rendered with Textual's line API: only visible lines are drawn, so a 50-page report scrolls
and re-highlights in constant time.

A scan's text is what OCR read, after digit normalisation, so it cannot show what the engine
was unsure of. For a cell read by OCR the pane therefore adds, under the highlighted line,
the raw reading at the cell's place with every unsure character in ⟦ ⟧ (``reading``): the
reviewer sees which digit to check on the paper before typing the number with ``e``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from parsers.model import Page, Provenance

_PAGE = Style(bold=True, color="cyan")
_NUMBER = Style(dim=True)
_HIGHLIGHT = Style(reverse=True, bold=True)
_UNSURE = Style(bold=True, color="red", underline=True)
_MARKED = re.compile(r"(⟦[^⟧]*⟧)")
#: Label in front of an OCR reading in the pane; the confidence follows it.
READING_LABEL = "OCR"


def one_line(text: str) -> str:
    """A printed line as one screen line: a line break inside a cell ("因公出国（境）\\n费") joins up,
    other control characters become spaces, so nothing spills past the panel border."""
    text = text.replace("\r\n", "").replace("\n", "").replace("\r", "")
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)


class SourceView(ScrollView, can_focus=True):
    """``show(provenance)`` highlights the printed line a cell came from and scrolls to it."""

    def __init__(
        self,
        pages: tuple[Page, ...],
        page_label: str = "── 第 {page} 页 ──",
        reading: Callable[[Provenance], str | None] | None = None,
        **kwargs,
    ) -> None:
        """``page_label``: the heading above each page, in the interface language; ``reading``:
        what OCR read where a cell sits, unsure characters in ⟦ ⟧ (None for text that was not OCR'd)."""
        super().__init__(**kwargs)
        self._read = reading
        self.reading: str | None = None  # shown under the highlighted line
        self._lines: list[tuple[int | None, int | None, str]] = []
        self._index: dict[tuple[int, int], int] = {}
        for page in pages:
            self._lines.append((page.number, None, page_label.format(page=page.number)))
            for line in page.lines:
                self._index[(page.number, line.number)] = len(self._lines)
                self._lines.append((page.number, line.number, one_line(line.text)))
        self._width = max((cell_len(text) + 6 for _, _, text in self._lines), default=10)
        self.virtual_size = Size(self._width, len(self._lines))
        self.highlighted: Provenance | None = None
        self._highlight_row: int | None = None

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = y + scroll_y
        below = self._highlight_row is not None and self.reading is not None and index > self._highlight_row
        if below and index == self._highlight_row + 1:
            return self._fit(self._reading_strip(), scroll_x)
        if below:
            index -= 1  # the reading line pushed the rest down
        if index >= len(self._lines):
            return Strip.blank(self.size.width, self.rich_style)
        page, number, text = self._lines[index]
        if number is None:
            segments = [Segment(text, _PAGE)]
        else:
            style = _HIGHLIGHT if index == self._highlight_row else Style()
            segments = [Segment(f"{number:>4}  ", _NUMBER), Segment(text, style)]
        return self._fit(Strip(segments), scroll_x)

    def _fit(self, strip: Strip, scroll_x: int) -> Strip:
        """Crop, then pad: a short line must still overwrite what a dialog left on the screen. The
        padding carries the widget's style (a segment without one breaks NO_COLOR's monochrome filter)."""
        return strip.crop(scroll_x, scroll_x + self.size.width).extend_cell_length(self.size.width, self.rich_style)

    def _reading_strip(self) -> Strip:
        confidence = self.highlighted.confidence if self.highlighted else None
        label = f"      {READING_LABEL} {confidence:.2f} ▸ " if confidence is not None else f"      {READING_LABEL} ▸ "
        segments = [Segment(label, _NUMBER)]
        for piece in _MARKED.split(self.reading or ""):
            if piece:
                segments.append(Segment(piece, _UNSURE if piece.startswith("⟦") else Style()))
        return Strip(segments)

    def show(self, provenance: Provenance | None) -> None:
        self.highlighted = provenance
        row = self._index.get((provenance.page, provenance.line or 0)) if provenance else None
        if row is None and provenance is not None:
            row = next((i for i, (p, n, _) in enumerate(self._lines) if p == provenance.page and n is None), None)
        self._highlight_row = row
        self.reading = (self._read(provenance) or None) if provenance is not None and self._read and row is not None else None
        self.virtual_size = Size(self._width, len(self._lines) + (self.reading is not None))
        if row is not None:
            self.scroll_to(y=max(0, row - self.size.height // 2), animate=False)
        self.refresh()
