"""Columns for tables printed without rulings, inferred from where the text sits.

Amount columns are right-aligned and names left-aligned, so across the body rows the
x-ranges of a column overlap and a column gap stays blank in (almost) every row. The
coverage profile of body fragments therefore gives the column spans; header fragments
are then placed by overlap, and a header fragment over several columns becomes a
spanning (merged) label.
"""

from __future__ import annotations

from dataclasses import dataclass

from parsers.read.layout import Fragment, SourceLine


WRAP_GAP = 3.0  # points: the lines of a label wrapped inside its cell stand closer than two header rows


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


def with_empty_columns(spans: list[tuple[float, float]], header: list[SourceLine], tolerance: float = 2.0) -> list[tuple[float, float]]:
    """Columns the header prints but no body row fills (公用经费 left blank on every row).

    Each label of a header row belongs to the body column nearest to it; when two labels of
    one row claim the same column, the one that does not overlap it (or the farther one) is
    a column of its own, so it is not read as part of its neighbour's label. A label of the
    lowest header row that overlaps no body column is one too when the column nearest to it
    has a label of its own (overlapping it, no label of the lowest row under it), on whatever
    line: 合计, spanning down beside 基本支出, prints higher than 人员经费 under 基本支出. (A label
    wrapped inside its cell counts as one, at the middle of its lines.)
    """
    if not spans:
        return spans
    added: list[tuple[float, float]] = []
    for line in header:
        claims: dict[int, list[tuple[float, tuple[float, float, float, float]]]] = {}
        for f in line.fragments:
            if f.col is not None or f.bbox is None or not f.text.strip():
                continue
            nearest = _nearest(f.bbox, spans)
            rank = -_overlap(f.bbox, spans[nearest]) or _distance((f.bbox[0] + f.bbox[2]) / 2, spans[nearest])
            claims.setdefault(nearest, []).append((rank, f.bbox))
        for claimants in claims.values():
            for rank, box in sorted(claimants)[1:]:
                if rank >= 0 and not any(_overlap(box, span) > 0 for span in spans):
                    added.append((box[0], box[2]))
    labels = _stacked([f for line in header for f in line.fragments if f.col is None and f.bbox is not None and f.text.strip()])
    lowest = max(map(_middle, labels), default=0.0)
    lowest_row = [f for f in labels if _middle(f) >= lowest - tolerance]
    own_labels = [g for g in labels if not any(_under(f, g, tolerance) for f in lowest_row)]  # no group labels
    for f in lowest_row:
        if not any(_overlap(f.bbox, span) > 0 for span in spans):
            column = spans[_nearest(f.bbox, spans)]
            if any(g is not f and _overlap(g.bbox, column) > 0 for g in own_labels):
                added.append((f.bbox[0], f.bbox[2]))
    return sorted(spans + _merge_close(sorted(set(added)), 0.0)) if added else spans


def _stacked(labels: list[Fragment], max_gap: float = WRAP_GAP) -> list[Fragment]:
    """The labels with the lines of each wrapped one taken together (one box over all of them):
    lines right under each other, across the same stretch of the page."""
    stacks: list[Fragment] = []
    for f in sorted(labels, key=lambda f: f.bbox[1]):
        above = [g for g in stacks if g.bbox[3] <= f.bbox[3] and f.bbox[1] - g.bbox[3] <= max_gap
                 and g.bbox[0] < f.bbox[2] and f.bbox[0] < g.bbox[2]]
        if above:
            g = max(above, key=lambda g: g.bbox[3])
            g.bbox = (min(g.bbox[0], f.bbox[0]), g.bbox[1], max(g.bbox[2], f.bbox[2]), f.bbox[3])
            g.text += f.text
        else:
            stacks.append(Fragment(f.text, None, f.bbox))
    return stacks


def _under(lower: Fragment, upper: Fragment, tolerance: float) -> bool:
    """``lower`` is printed under ``upper``: lower down, and across the same stretch of the page."""
    return _middle(lower) > _middle(upper) + tolerance and lower.bbox[0] < upper.bbox[2] and upper.bbox[0] < lower.bbox[2]


def _nearest(box: tuple[float, float, float, float], spans: list[tuple[float, float]]) -> int:
    centre = (box[0] + box[2]) / 2
    return min(range(len(spans)), key=lambda i: _distance(centre, spans[i]))


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
                f.col, f.span = _nearest(f.bbox, spans), 1
            else:
                f.col, f.span = touched[0], touched[-1] - touched[0] + 1


def widen_group_labels(header: list[SourceLine], spans: list[tuple[float, float]], tolerance: float = 2.0) -> None:
    """A group label printed centred above its sub-columns ("公务用车购置及运行费" over 小计 / 购置费
    / 运行费, "基本支出" over 人员经费 / 公用经费) is often narrower than they are. It may span the
    columns around it that no other label of its row stands over and whose first label below
    it stands at the level of its own sub-labels or lower (a cell spanning down from that
    level sits lower still, centred on its taller cell); a label between the group label and
    its sub-labels' level (合计 spanning down beside 基本支出) is a sibling of the group and stops
    it. Of those runs of columns it spans the one it is centred over (the widest, when several
    are within what the text tells of the cells). Lower labels are widened first, so a run is
    judged with the spans of the labels below it. Ruled header cells know their spans."""
    placed = [f for line in header if line.region is None for f in line.fragments if f.col is not None and f.bbox]
    edges = _cell_edges(placed, spans)
    for f in sorted(placed, key=lambda f: -_middle(f)):
        below = [g for g in placed if _middle(g) > _middle(f) + tolerance]
        children = [_middle(g) for g in below if set(_columns_of(g)) & set(_columns_of(f))]
        if not children:
            continue
        level = min(children)
        peers = {c for g in placed if g is not f and abs(_middle(g) - _middle(f)) <= tolerance for c in _columns_of(g)}

        def joins(col: int) -> bool:
            under = [_middle(g) for g in below if col in _columns_of(g)]
            return col in edges and col not in peers and bool(under) and min(under) >= level - tolerance

        first, last = f.col, f.col + (f.span or 1) - 1
        lowest, highest = first, last
        while joins(lowest - 1):
            lowest -= 1
        while joins(highest + 1):
            highest += 1
        centre = (f.bbox[0] + f.bbox[2]) / 2
        runs = [(a, b) for a in range(lowest, first + 1) for b in range(last, highest + 1) if a in edges and b in edges]
        if runs:
            offsets = {run: abs(centre - (edges[run[0]][0] + edges[run[1]][1]) / 2) for run in runs}
            best = min(offsets.values())
            start, end = max((run for run in runs if offsets[run] <= best + 2 * tolerance), key=lambda run: run[1] - run[0])
            f.col, f.span = start, end - start + 1


def _cell_edges(placed: list[Fragment], spans: list[tuple[float, float]]) -> dict[int, tuple[float, float]]:
    """Each column's cell, as far as text tells. A label is printed centred in its cell, so a
    column with a label of its own (its lowest, over it alone) has its cell centred there, wide
    enough for the column's text on both sides; right-aligned amounts leave the cell's left
    part blank, so the printed text alone is not centred in it. Other columns reach to the middle
    of the gaps beside them."""
    extents = dict(enumerate(spans))
    lowest: dict[int, Fragment] = {}
    for f in placed:
        for col in _columns_of(f):
            if col not in lowest or _middle(f) > _middle(lowest[col]):
                lowest[col] = f
    labelled = {col: f for col, f in lowest.items() if (f.span or 1) == 1}
    for col, f in labelled.items():
        x0, x1 = extents.get(col, (f.bbox[0], f.bbox[2]))
        extents[col] = (min(x0, f.bbox[0]), max(x1, f.bbox[2]))
    columns = sorted(extents)
    gaps = [extents[b][0] - extents[a][1] for a, b in zip(columns, columns[1:])]
    margin = max(0.0, min(gaps) / 2) if gaps else 0.0
    edges = {}
    for index, col in enumerate(columns):
        x0, x1 = extents[col]
        if col in labelled:
            centre = (labelled[col].bbox[0] + labelled[col].bbox[2]) / 2
            half = max(centre - x0, x1 - centre)
            edges[col] = (centre - half, centre + half)
            continue
        left = (extents[columns[index - 1]][1] + x0) / 2 if index else x0 - margin
        right = (x1 + extents[columns[index + 1]][0]) / 2 if index + 1 < len(columns) else x1 + margin
        edges[col] = (min(left, x0), max(right, x1))
    return edges


def _columns_of(f: Fragment) -> range:
    return range(f.col, f.col + (f.span or 1)) if f.col is not None else range(0)


def _middle(f: Fragment) -> float:
    """The height a label is printed at: the middle of its box (of all its lines, when wrapped)."""
    return (f.bbox[1] + f.bbox[3]) / 2 if f.bbox else 0.0


def merge_stacked_labels(lines: list[SourceLine], max_gap: float = WRAP_GAP) -> list[SourceLine]:
    """Join a header label wrapped inside its own cell ("事业单位" / "经营收入", "基本" / "支出").

    The pieces stand in the same column(s), one right under the other, closer than two header
    rows ever stand (``max_gap``), and need not be on neighbouring lines: a one-line label of
    another column is centred on the height of the row, so it prints between the two lines of a
    wrapped one. A parent label stands a header row above its children, so it is never joined to
    them.
    """
    kept: list[tuple[Fragment, float]] = []  # every label so far, with the bottom of its lowest piece
    out: list[SourceLine] = []
    for line in lines:
        if out and line.page != out[-1].page:
            kept = []
        rest: list[Fragment] = []
        for f in line.fragments:
            at = _piece_above(f, kept, max_gap)
            if at is None:
                rest.append(f)
                kept.append((f, f.bbox[3] if f.bbox else 0.0))
            else:
                upper = kept[at][0]
                upper.text += f.text
                upper.bbox = (min(upper.bbox[0], f.bbox[0]), upper.bbox[1], max(upper.bbox[2], f.bbox[2]), f.bbox[3])
                kept[at] = (upper, f.bbox[3])
        if rest:
            out.append(SourceLine(line.page, line.number, rest, line.region, line.bbox))
    return out


def _piece_above(f: Fragment, kept: list[tuple[Fragment, float]], max_gap: float) -> int | None:
    """The label ``f`` continues: the lowest one above it in the same column(s), just above."""
    if f.bbox is None or f.col is None:
        return None
    above = [i for i, (g, bottom) in enumerate(kept) if g.col == f.col and g.span == f.span and g.bbox and bottom <= f.bbox[3]]
    if not above:
        return None
    at = max(above, key=lambda i: kept[i][1])
    upper, bottom = kept[at]
    return at if f.bbox[1] - bottom <= max_gap and abs(f.bbox[0] - upper.bbox[0]) < 40 else None


def _overlap(box: tuple[float, float, float, float], span: tuple[float, float]) -> float:
    """Share of the span (or of the box, if narrower) covered by the box."""
    inter = min(box[2], span[1]) - max(box[0], span[0])
    if inter <= 0:
        return 0.0
    return inter / max(1e-6, min(span[1] - span[0], box[2] - box[0]))


def _distance(x: float, span: tuple[float, float]) -> float:
    return 0.0 if span[0] <= x <= span[1] else min(abs(x - span[0]), abs(x - span[1]))

