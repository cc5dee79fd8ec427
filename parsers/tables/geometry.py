"""Columns for tables printed without rulings, inferred from where the text sits.

Amount columns are right-aligned and names left-aligned, so across the body rows the
x-ranges of a column overlap and a column gap stays blank in (almost) every row. The
coverage profile of body fragments therefore gives the column spans; header fragments
are then placed by overlap, and a header fragment over several columns becomes a
spanning (merged) label.
"""

from __future__ import annotations

from dataclasses import dataclass

from parsers.read.layout import SourceLine


@dataclass(frozen=True)
class GeometrySettings:
    """Tolerances in PDF points; ``gap_share`` = share of body lines allowed to cross a gap."""

    resolution: float = 1.0
    gap_share: float = 0.08
    min_gap: float = 2.0


def column_spans(body: list[SourceLine], settings: GeometrySettings = GeometrySettings()) -> list[tuple[float, float]]:
    """x-ranges of the columns, from the coverage of body fragments.

    A few lines may cross a gap (a long name running into the next column), so a gap is where
    at most ``gap_share`` of the lines print. Text that touches no column so found is a column
    of its own however rarely it prints: a 类 column of sparse split codes holds one 类 code
    ("210") over a whole table of 款 and 项 rows.
    """
    boxes = [f.bbox for line in body for f in line.fragments if f.bbox and f.text.strip()]
    if not boxes:
        return []
    left = min(b[0] for b in boxes)
    right = max(b[2] for b in boxes)
    size = int((right - left) / settings.resolution) + 2
    coverage = [0] * size
    for line in body:
        covered = set()
        for f in line.fragments:
            if f.bbox and f.text.strip():
                start = int((f.bbox[0] - left) / settings.resolution)
                end = int((f.bbox[2] - left) / settings.resolution)
                covered.update(range(start, end + 1))
        for i in covered:
            coverage[i] += 1
    threshold = int(len(body) * settings.gap_share)
    spans: list[tuple[float, float]] = []
    start: int | None = None
    for i, count in enumerate(coverage + [0]):
        if count > threshold and start is None:
            start = i
        elif count <= threshold and start is not None:
            spans.append((left + start * settings.resolution, left + i * settings.resolution))
            start = None
    return _merge_close(sorted(spans + _rare_columns(boxes, spans)), settings.min_gap)


def _rare_columns(boxes: list[tuple[float, float, float, float]], spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The x-ranges of text printed in too few lines to make a column, touching no column."""
    apart = sorted((b[0], b[2]) for b in boxes if not any(b[0] < span[1] and span[0] < b[2] for span in spans))
    return _merge_close(apart, 0.0)


def with_empty_columns(spans: list[tuple[float, float]], header: list[SourceLine]) -> list[tuple[float, float]]:
    """Columns the header prints but no body row fills (公用经费 left blank on every row).

    Each label of a header row belongs to the body column nearest to it; when two labels of
    one row claim the same column, the one that does not overlap it (or the farther one) is
    a column of its own, so it is not read as part of its neighbour's label.
    """
    if not spans:
        return spans
    added: list[tuple[float, float]] = []
    for line in header:
        claims: dict[int, list[tuple[float, tuple[float, float, float, float]]]] = {}
        for f in line.fragments:
            if f.col is not None or f.bbox is None or not f.text.strip():
                continue
            centre = (f.bbox[0] + f.bbox[2]) / 2
            nearest = min(range(len(spans)), key=lambda i: _distance(centre, spans[i]))
            rank = -_overlap(f.bbox, spans[nearest]) or _distance(centre, spans[nearest])
            claims.setdefault(nearest, []).append((rank, f.bbox))
        for claimants in claims.values():
            for rank, box in sorted(claimants)[1:]:
                if rank >= 0 and not any(_overlap(box, span) > 0 for span in spans):
                    added.append((box[0], box[2]))
    return sorted(spans + _merge_close(sorted(added), 0.0)) if added else spans


def _merge_close(spans: list[tuple[float, float]], min_gap: float) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for span in spans:
        if merged and span[0] - merged[-1][1] < min_gap:
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


def align_ruled_columns(lines: list[SourceLine]) -> None:
    """One column index per printed column across every page of a ruled table.

    The PDF reader numbers cells per ruled region, so a continuation page that lacks a
    narrow margin column would shift every index by one. A page whose ruling has another
    number of columns than the table's widest page is renumbered by overlap with that
    page's columns; pages with the same count keep their numbers (a slightly wider name
    column on one page must not split a column in two).
    """
    pages: dict[int, list[SourceLine]] = {}
    for line in lines:
        if line.region is not None and any(f.bbox is not None for f in line.fragments):
            pages.setdefault(line.page, []).append(line)
    if len(pages) < 2:
        return
    width = {page: 1 + max(f.col + (f.span or 1) - 1 for l in ls for f in l.fragments) for page, ls in pages.items()}
    reference = max(pages, key=lambda page: (width[page], -page))
    columns = _ruled_ranges(pages[reference])
    for page, page_lines in pages.items():
        if width[page] == width[reference] or not columns:
            continue
        for line in page_lines:
            for f in line.fragments:
                if f.bbox is None:
                    continue
                covered = [c for c, (x0, x1) in columns.items() if f.bbox[0] - 1 <= (x0 + x1) / 2 <= f.bbox[2] + 1]
                if covered:
                    f.col, f.span = covered[0], len(covered)
                else:
                    f.col = max(columns, key=lambda c: _overlap(f.bbox, columns[c]))
                    f.span = 1


def _ruled_ranges(lines: list[SourceLine]) -> dict[int, tuple[float, float]]:
    """Column index → x-range, from the cells that span one column."""
    ranges: dict[int, tuple[float, float]] = {}
    for line in lines:
        for f in line.fragments:
            if f.col is None or f.bbox is None or (f.span or 1) != 1:
                continue
            x0, x1 = ranges.get(f.col, (f.bbox[0], f.bbox[2]))
            ranges[f.col] = (min(x0, f.bbox[0]), max(x1, f.bbox[2]))
    return dict(sorted(ranges.items()))


def spans_from_ruled(lines: list[SourceLine]) -> list[tuple[float, float]]:
    """Column x-ranges of a ruled table, from its cells' bboxes (by column index)."""
    return list(_ruled_ranges(lines).values())


def place_fragments(lines: list[SourceLine], spans: list[tuple[float, float]]) -> None:
    """Give every fragment without a column the column(s) its x-range overlaps."""
    for line in lines:
        for f in line.fragments:
            if f.col is not None or f.bbox is None or not spans:
                continue
            overlaps = [_overlap(f.bbox, span) for span in spans]
            centred = [i for i, span in enumerate(spans) if f.bbox[0] <= (span[0] + span[1]) / 2 <= f.bbox[2]]
            touched = centred if len(centred) > 1 else [i for i, o in enumerate(overlaps) if o > 0.5]
            if not touched:
                centre = (f.bbox[0] + f.bbox[2]) / 2
                f.col = min(range(len(spans)), key=lambda i: _distance(centre, spans[i]))
                f.span = 1
            else:
                f.col, f.span = touched[0], touched[-1] - touched[0] + 1


def widen_group_labels(header: list[SourceLine]) -> None:
    """A group label printed centred above its sub-columns ("公务用车购置及运行费" over 小计 / 购置费
    / 运行费) is often narrower than they are; it spans the run of columns around it that have
    sub-labels below and are not claimed by a label on its own or an intermediate line."""
    lines = [line for line in header if line.fragments]
    if len(lines) < 2:
        return
    deepest = {f.col for f in lines[-1].fragments if f.col is not None}
    for index, line in enumerate(lines[:-1]):
        claimed = {
            c
            for other in lines[index:-1]
            for f in other.fragments
            if f.col is not None
            for c in range(f.col, f.col + (f.span or 1))
        }
        for f in line.fragments:
            if f.col is None or (f.span or 1) > 1 or f.col not in deepest:
                continue
            own = claimed - {f.col}
            start = end = f.col
            while start - 1 in deepest and start - 1 not in own:
                start -= 1
            while end + 1 in deepest and end + 1 not in own:
                end += 1
            f.col, f.span = start, end - start + 1


def merge_stacked_labels(lines: list[SourceLine], max_gap: float) -> list[SourceLine]:
    """Join a header label wrapped onto two lines in one column ("事业单位" / "经营收入")."""
    out: list[SourceLine] = []
    for line in lines:
        if out and line.bbox and out[-1].bbox and line.bbox[1] - out[-1].bbox[3] <= max_gap:
            above = {f.col: f for f in out[-1].fragments if f.span == 1}
            rest = []
            for f in line.fragments:
                target = above.get(f.col)
                if f.span == 1 and target is not None and f.bbox and target.bbox and abs(f.bbox[0] - target.bbox[0]) < 40:
                    target.text += f.text
                else:
                    rest.append(f)
            if len(rest) < len(line.fragments):
                if rest:
                    out.append(SourceLine(line.page, line.number, rest, line.region, line.bbox))
                continue
        out.append(line)
    return out


def _overlap(box: tuple[float, float, float, float], span: tuple[float, float]) -> float:
    """Share of the span (or of the box, if narrower) covered by the box."""
    inter = min(box[2], span[1]) - max(box[0], span[0])
    if inter <= 0:
        return 0.0
    return inter / max(1e-6, min(span[1] - span[0], box[2] - box[0]))


def _distance(x: float, span: tuple[float, float]) -> float:
    return 0.0 if span[0] <= x <= span[1] else min(abs(x - span[0]), abs(x - span[1]))

