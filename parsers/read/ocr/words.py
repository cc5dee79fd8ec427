"""What OCR reads on a page: words with pixel boxes and their characters' confidences.

Its own module because the engine makes them, the page cache stores them, and the rulings,
the scan reader and the workbench's source view read them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OcrWord:
    """A run of characters read together: pixel box (x0, top, x1, bottom) and confidences."""

    text: str
    box: tuple[float, float, float, float]
    char_confidences: tuple[float, ...]

    @property
    def confidence(self) -> float:
        return min(self.char_confidences, default=0.0)
