"""The intermediate every format parser produces: pages of lines made of positioned fragments.

A fragment is a piece of text that sits in one table cell (or one run of words). Text
formats know a fragment's column from the tab that precedes it; ruled PDF tables know it
from the ruling; unruled PDF text only knows the x-range, and ``grid`` infers columns.
Keeping one intermediate means every grid fix (headers, codes, wraps, stitching) serves
every input format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points


@dataclass
class Fragment:
    text: str
    col: int | None = None
    bbox: BBox | None = None
    span: int | None = None  # columns covered by a merged cell, when the source knows it
    confidence: float | None = None  # OCR confidence (0–1) of the least sure character; None when printed text


@dataclass
class SourceLine:
    """One printed line (or one ruled-table row) on a page; ``number`` is 1-based on the page."""

    page: int
    number: int
    fragments: list[Fragment]
    region: int | None = None  # ruled-table region id on its page, None for free text
    bbox: BBox | None = None

    # Worked out once: every stage asks for a line's text and cells, and no stage changes a
    # line's fragments after it is made (a changed line is a new SourceLine).
    @cached_property
    def text(self) -> str:
        return " ".join(f.text for f in self.fragments if f.text).strip()

    @cached_property
    def cells(self) -> list[str]:
        return [f.text for f in self.fragments if f.text.strip()]


@dataclass
class SourceDocument:
    """What a format parser hands to the grid: the lines of every page, in reading order."""

    format: str
    pages: list[list[SourceLine]] = field(default_factory=list)
    page_count: int = 0
    readers: dict[str, list[int]] = field(default_factory=dict)  # PDF reader → pages it read
