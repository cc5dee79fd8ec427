"""Multi-row headers → one label path per column.

A merged header cell is printed once, in the first column it covers. Its span is known
for ruled PDF tables and unruled geometry; for text dumps it runs to the next label in the
same row, bounded by the span of its parent label in the row above. Each column's path
lists the labels above it, top row first ("本年支出" → "基本支出" → "人员经费").
"""

from __future__ import annotations

import re

from parsers.read.layout import SourceLine

_SPACES = re.compile(r"\s+")


def clean_label(text: str) -> str:
    return _SPACES.sub("", text).strip()


_Label = tuple[int, int | None, str]  # column, span (None when the extent must be inferred), text


def label_paths(header: list[SourceLine], width: int) -> list[list[str]]:
    """The label path of every column 0..width-1 (empty list where nothing is printed)."""
    paths: list[list[str]] = [[] for _ in range(width)]
    parent_end = [width] * width
    rows = _align_rows([_labels(line) for line in header])
    for row_index, labels in enumerate(rows):
        above = {text for _, _, text in rows[row_index - 1]} if row_index else set()
        new_end = list(parent_end)
        for index, (col, span, text) in enumerate(labels):
            if col >= width:
                continue
            if span:
                end = min(col + span, width)
            else:
                next_col = labels[index + 1][0] if index + 1 < len(labels) else width
                end = min(next_col, parent_end[col])
            for c in range(col, max(end, col + 1)):
                if span is None and text in above and paths[c] and paths[c][-1] != text:
                    paths[c].pop()  # the row above has this label beside the parent: a sibling, not a child
                if not paths[c] or paths[c][-1] != text:
                    paths[c].append(text)
                new_end[c] = max(end, col + 1)
        parent_end = new_end
    _drop_full_width(paths)
    return paths


def _labels(line: SourceLine) -> list[_Label]:
    found = ((f.col, f.span, clean_label(f.text)) for f in line.fragments if f.col is not None and clean_label(f.text))
    return sorted(found, key=lambda item: item[0])


def _align_rows(rows: list[list[_Label]]) -> list[list[_Label]]:
    """Undo a blank cell a text dump inserted into an upper header row.

    A cell merged over two rows may be printed in both; when the lower copy stands one column
    left of the upper one over a blank, everything from the upper copy on was pushed right by
    that blank ("公务用车购置及运行费" given four cells for its three), and moves back.
    """
    aligned = [list(row) for row in rows]
    for upper, lower in zip(aligned, aligned[1:]):
        upper_at = {col: text for col, span, text in upper if span is None}
        for col, span, text in lower:
            if span is None and upper_at.get(col + 1) == text and col not in upper_at:
                upper[:] = [(c - 1 if c > col else c, s, t) for c, s, t in upper]
                break
        _align_halves(upper, lower)
    return aligned


def _repeat(row: list[_Label]) -> tuple[int, int] | None:
    """Where a row's labels start over (预算数 | 决算数 halves), and the distance they repeat at."""
    first: dict[str, int] = {}
    for col, span, text in row:
        if span is not None:
            return None
        if text in first:
            return col, col - first[text]
        first[text] = col
    return None


def _align_halves(upper: list[_Label], lower: list[_Label]) -> None:
    """Both halves of a table (预算数 | 决算数) print the same header: when a lower row repeats one
    column further apart than the row above, a blank was inserted before its second half."""
    above, below = _repeat(upper), _repeat(lower)
    if above and below and below[1] - above[1] == 1:
        start = below[0]
        lower[:] = [(c - 1 if c >= start else c, s, t) for c, s, t in lower]


def has_inferred_merges(header: list[SourceLine]) -> bool:
    """True when a merged header cell's extent had to be guessed (a text dump: label, then blanks).

    Column identities read from such a header are less certain, so checks soften their verdict.
    """
    for line in header:
        labelled = sorted(f.col for f in line.fragments if f.col is not None and f.span is None and clean_label(f.text))
        if any(b - a > 1 for a, b in zip(labelled, labelled[1:])):
            return True
    return False


def _drop_full_width(paths: list[list[str]]) -> None:
    """A label printed over the whole table ("项目", "单位：万元") names nothing in particular."""
    populated = [p for p in paths if p]
    if len(populated) < 2:
        return
    while all(p and p[0] == populated[0][0] for p in populated) and all(len(p) > 1 for p in populated):
        for p in populated:
            p.pop(0)
