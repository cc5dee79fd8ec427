"""Ruled tables in a page image: which cell every OCR'd word sits in.

Most reports print their tables with rulings. Their lines are long straight runs of ink,
longer than any stroke of a character, so a morphological opening with a long thin kernel
keeps only them. A word is in a table cell when a ruling closes it in on all four sides:
the nearest vertical rulings left and right of the word at its height, and the nearest
horizontal ones above and below it at its centre. Looking outwards from each word, rather
than fitting a grid, follows merged header cells and survives a slightly skewed scan.

Cells give what pdfplumber's table finder gives a PDF with a text layer: one line per ruled
row, each cell's words joined (a name wrapped inside its cell stays one name), its column
index and span, and empty columns keep their place. A frame around a whole page of text is
not a table: a cell holding more than ``MAX_CELL_LINES`` lines of text is left as free text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from parsers.read.ocr.words import OcrWord

MAX_CELL_LINES = 4
INK = 160  # grey level below which a pixel is ink (the detector's margins are measured from it too)
_CLUSTER = 12  # pixels: ruling positions closer than this are one ruling (skew, thickness)


@dataclass(frozen=True)
class Rulings:
    """Masks of the horizontal and vertical rulings and the table region of every ruling pixel."""

    horizontal: np.ndarray
    vertical: np.ndarray
    regions: np.ndarray  # int label per pixel of the joined rulings, 0 = none


Enclosure = tuple[int, int, int, int, int]  # region, left, right, top, bottom (pixels)


@dataclass
class Cell:
    """A ruled cell with the words in it; ``col``/``span`` index the region's vertical rulings."""

    region: int
    row: int
    col: int
    span: int
    box: tuple[int, int, int, int]  # left, top, right, bottom (pixels)
    words: list[OcrWord] = field(default_factory=list)


def find_rulings(image: np.ndarray) -> Rulings | None:
    """The page's rulings, or None when it has no horizontal and vertical ones at all."""
    import cv2

    gray = image[..., 0] if image.ndim == 3 else image
    ink = (gray < INK).astype(np.uint8)
    height, width = ink.shape
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(40, width // 25), 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(30, height // 50))))
    if not horizontal.any() or not vertical.any():
        return None
    bridge = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))
    horizontal = cv2.dilate(horizontal, bridge)
    vertical = cv2.dilate(vertical, bridge)
    _, regions = cv2.connectedComponents(cv2.bitwise_or(horizontal, vertical))
    return Rulings(horizontal.astype(bool), vertical.astype(bool), regions)


def split_at_rulings(lines: list, rulings: Rulings | None) -> list:
    """Detected text lines (pixel quadrilaterals), each cut where a table's vertical ruling
    runs through it: text is never printed across a ruling, but the detector joins two
    amounts of neighbouring cells into one line when the ruling between them is thin
    (``82,096,797.4282,096,797.42``). A ruling separates the cells of other rows too, so it
    runs on above or below the line by half its height; the stroke of a large character
    (a cover's title) ends inside its line. A ruling inside the detector's margin at a line's
    end leaves the line as it is: a part is kept only if it is at least half as wide as the
    line is high."""
    if rulings is None:
        return lines
    height, width = rulings.vertical.shape
    out = []
    for line in lines:
        x0, x1 = (int(v) for v in np.clip([line[:, 0].min(), line[:, 0].max()], 0, width))
        y0, y1 = (int(v) for v in np.clip([line[:, 1].min(), line[:, 1].max()], 0, height))
        reach = (y1 - y0) // 2
        through = rulings.vertical[max(0, y0 - reach) : y1, x0:x1].all(axis=0) | rulings.vertical[y0 : y1 + reach, x0:x1].all(axis=0)
        edges = np.flatnonzero(np.diff(np.concatenate([[False], through, [False]]).astype(np.int8)))
        cuts = [x0, *(x0 + int(e) for e in edges), x1]  # text, ruling, text, ... , text
        parts = [(a, b) for a, b in zip(cuts[::2], cuts[1::2]) if b - a >= (y1 - y0) / 2]
        if len(parts) < 2:
            out.append(line)
            continue
        out += [np.array([[a, y0], [b, y0], [b, y1], [a, y1]], dtype=np.float32) for a, b in parts]
    return out


def enclosures(words: list[OcrWord], rulings: Rulings | None) -> list[Enclosure | None]:
    """For every word, the rulings closing it in (region, left, right, top, bottom), or None."""
    if rulings is None:
        return [None] * len(words)
    out: list[Enclosure | None] = []
    for word in words:
        box = _enclosing(word, rulings)
        if box is None:
            out.append(None)
            continue
        left, right, top, bottom = box
        region = int(rulings.regions[min(bottom, (top + bottom) // 2), left]) or int(rulings.regions[top, (left + right) // 2])
        out.append((region, *box) if region else None)
    return out


def column_rulings(rulings: Rulings | None) -> dict[int, tuple[int, ...]]:
    """For every table region, where its vertical rulings stand (pixels): the region's
    columns, those no word is printed in included. Each ruling counts at its middle, so a
    ruling of a slightly skewed scan, which wanders over a few pixels, is one column."""
    import cv2

    if rulings is None:
        return {}
    count, labels = cv2.connectedComponents(rulings.vertical.astype(np.uint8))
    ys, xs = np.nonzero(labels)
    ids = labels[ys, xs]
    order = np.argsort(ids, kind="stable")
    starts = np.searchsorted(ids[order], np.arange(1, count))
    columns: dict[int, list[int]] = {}
    for first, members in zip(starts, np.split(order, starts[1:])):
        region = int(rulings.regions[ys[order[first]], xs[order[first]]])
        columns.setdefault(region, []).append(int(np.median(xs[members])))
    return {region: tuple(grid_positions(found)) for region, found in columns.items() if region}


def group_cells(words: list[OcrWord], boxes: list[Enclosure | None], columns: dict[int, tuple[int, ...]]) -> tuple[list[Cell], list[OcrWord]]:
    """Words grouped into ruled cells (rulings clustered per table region), and the free words.
    ``columns`` are the regions' vertical rulings (``column_rulings``): a column no word is
    printed in keeps its place, as in a PDF's table."""
    free = [w for w, b in zip(words, boxes) if b is None]
    by_region: dict[int, list[tuple[OcrWord, Enclosure]]] = {}
    for word, box in zip(words, boxes):
        if box is not None:
            by_region.setdefault(box[0], []).append((word, box))
    cells: list[Cell] = []
    for region, members in by_region.items():
        xs = grid_positions([*columns.get(region, ()), *(v for _, b in members for v in (b[1], b[2]))])
        ys = grid_positions([v for _, b in members for v in (b[3], b[4])])
        found: dict[tuple[int, int, int, int], Cell] = {}
        for word, (_, left, right, top, bottom) in members:
            key = (index_of(left, xs), index_of(right, xs), index_of(top, ys), index_of(bottom, ys))
            cell = found.get(key)
            if cell is None:
                cell = found[key] = Cell(region, key[2], key[0], max(1, key[1] - key[0]), (xs[key[0]], ys[key[2]], xs[key[1]], ys[key[3]]))
            cell.words.append(word)
        kept = {}
        for key, cell in found.items():
            if len(_text_lines(cell.words)) > MAX_CELL_LINES:
                free.extend(cell.words)  # a frame around running text, not a table cell
            else:
                kept[key] = cell
        cells.extend(kept.values())
        cells.extend(_empty_cells(region, list(kept), xs, ys))
    return cells, free


def _empty_cells(region: int, keys: list[tuple[int, int, int, int]], xs: list[int], ys: list[int]) -> list[Cell]:
    """The cells of each row that hold no word, as pdfplumber's table finder gives a PDF's
    table: every column between two rulings keeps its place in its row, empty or not, unless a
    merged cell of the row, or one reaching down from a row above, covers it. ``keys`` are the
    (left, right, top, bottom) ruling indices of the cells with words."""
    empty = []
    for top in sorted({key[2] for key in keys}):
        bottom = min(key[3] for key in keys if key[2] == top)
        covered = {col for left, right, up, down in keys if up <= top and down >= bottom for col in range(left, max(right, left + 1))}
        empty += [Cell(region, top, col, 1, (xs[col], ys[top], xs[col + 1], ys[bottom])) for col in range(len(xs) - 1) if col not in covered]
    return empty


def _enclosing(word: OcrWord, rulings: Rulings) -> tuple[int, int, int, int] | None:
    x0, top, x1, bottom = (int(round(v)) for v in word.box)
    height, width = rulings.vertical.shape
    cx = min(width - 1, max(0, (x0 + x1) // 2))
    cy = min(height - 1, max(0, (top + bottom) // 2))
    row = rulings.vertical[max(0, cy - 2) : cy + 3].any(axis=0)
    column = rulings.horizontal[:, max(0, cx - 2) : cx + 3].any(axis=1)
    left = _last(row[: max(0, x0 + 2)])
    right = _first(row[max(0, x1 - 2) :])
    up = _last(column[: max(0, top + 2)])
    down = _first(column[max(0, bottom - 2) :])
    if None in (left, right, up, down):
        return None
    return left, max(0, x1 - 2) + right, up, max(0, bottom - 2) + down


def _last(values: np.ndarray) -> int | None:
    hits = np.flatnonzero(values)
    return int(hits[-1]) if hits.size else None


def _first(values: np.ndarray) -> int | None:
    hits = np.flatnonzero(values)
    return int(hits[0]) if hits.size else None


def _text_lines(words: list[OcrWord]) -> list[list[OcrWord]]:
    lines: list[list[OcrWord]] = []
    for word in sorted(words, key=lambda w: (w.box[1] + w.box[3]) / 2):
        centre = (word.box[1] + word.box[3]) / 2
        if lines and lines[-1][-1].box[1] <= centre <= lines[-1][-1].box[3]:
            lines[-1].append(word)
        else:
            lines.append([word])
    return lines


def cell_text(cell: Cell) -> str:
    """The cell's words in reading order; lines of a wrapped cell joined by a newline."""
    return "\n".join(" ".join(w.text for w in sorted(line, key=lambda w: w.box[0])) for line in _text_lines(cell.words))


def grid_positions(values: list[int]) -> list[int]:
    """Sorted distinct ruling positions: values within ``_CLUSTER`` pixels are one ruling."""
    out: list[int] = []
    for value in sorted(values):
        if out and value - out[-1] <= _CLUSTER:
            continue
        out.append(value)
    return out


def index_of(position: int, grid: list[int]) -> int:
    return min(range(len(grid)), key=lambda i: abs(grid[i] - position))
