"""OCR readings cached per page, beside kemu's extraction cache.

OCR costs seconds per page; the extraction cache is invalidated by any parser change, but
what the engine read on a page only changes with the file, the page, the resolution and
the engine. So each page's reading is kept on its own, keyed by exactly those, and a
re-extraction after a parser fix re-reads no pixels. Writes are atomic (temp file +
rename); an unreadable or read-only cache only costs time.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: numpy and the engine load when a page is OCR'd, not at start-up
    from parsers.read.ocr.words import OcrWord
    from parsers.read.ocr.rulings import Enclosure

#: Bump when the stored reading changes meaning (word splitting, orientation).
READING_VERSION = 6


@dataclass(frozen=True)
class PageReading:
    """What OCR read on one page: quarter turns applied to make it upright, image size, words,
    for each word the rulings that close it in (None outside ruled tables), and where each
    ruled table's columns stand."""

    turns: int
    width: int  # pixels of the upright image
    height: int
    words: tuple[OcrWord, ...]
    enclosures: tuple[Enclosure | None, ...]
    columns: dict[int, tuple[int, ...]]  # each table region's vertical rulings (pixels)


def cache_folder() -> Path:
    """The ``ocr`` folder inside kemu's cache folder (KEMU_CACHE_DIR, else XDG_CACHE_HOME/kemu)."""
    explicit = os.environ.get("KEMU_CACHE_DIR")
    base = Path(explicit) if explicit else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kemu"
    return base / "ocr"


def _entry(sha256: str, page: int, dpi: int, engine: str) -> Path:
    tag = "".join(ch if ch.isalnum() or ch in ".-" else "_" for ch in engine)
    return cache_folder() / f"{sha256}-p{page}-{dpi}dpi-{tag}-v{READING_VERSION}.pickle"


def load(sha256: str, page: int, dpi: int, engine: str) -> PageReading | None:
    entry = _entry(sha256, page, dpi, engine)
    try:
        with entry.open("rb") as handle:
            reading = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception:
        entry.unlink(missing_ok=True)
        return None
    return reading if isinstance(reading, PageReading) else None


def store(sha256: str, page: int, dpi: int, engine: str, reading: PageReading) -> None:
    import tempfile  # only where a page was OCR'd

    entry = _entry(sha256, page, dpi, engine)
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(reading, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, entry)
    except OSError:
        pass
