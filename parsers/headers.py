"""Multi-row headers → one label path per column.

A merged header cell is printed once, in the first column it covers. Its span is known
for ruled PDF tables and unruled geometry; for text dumps it runs to the next label in the
same row, bounded by the span of its parent label in the row above. Each column's path
lists the labels above it, top row first ("本年支出" → "基本支出" → "人员经费").
"""

from __future__ import annotations

import re

from parsers.layout import SourceLine

_SPACES = re.compile(r"\s+")


def clean_label(text: str) -> str:
    return _SPACES.sub("", text).strip()


def label_paths(header: list[SourceLine], width: int) -> list[list[str]]:
    """The label path of every column 0..width-1 (empty list where nothing is printed)."""
    paths: list[list[str]] = [[] for _ in range(width)]
    parent_end = [width] * width
    for line in header:
        labels = sorted(
            ((f.col, f.span, clean_label(f.text)) for f in line.fragments if f.col is not None and clean_label(f.text)),
            key=lambda item: item[0],
        )
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
                if not paths[c] or paths[c][-1] != text:
                    paths[c].append(text)
                new_end[c] = max(end, col + 1)
        parent_end = new_end
    _drop_full_width(paths)
    return paths


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
