"""Cut a document's lines into table segments: title, meta lines, grid lines, notes.

A table starts at a title line (or at an untitled run of grid lines) and runs, across page
breaks, until narrative text, a note, a section heading or the next title. Running page
headers and page numbers are dropped first so that a table continuing on the next page stays
one segment (page stitching).

Which kind a table is, is not asked here: the pipeline passes the one question segmentation
needs, whether a line is a table title, and identification names the kind of the built table.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from parsers.amounts import is_amount
from parsers.read.layout import SourceDocument, SourceLine

# 表2 / 表十一 before a title; a numeral does not take the 一 of 一般 (表2 一般公共预算…)
TABLE_NUMBER = r"表(?:\d+|(?:[一二三四五六七八九十](?!般))+)"
_MARK = re.compile(r"(?:公开|附)?\s*(?:表\s*)?\d{1,2}\s*表$|^公开\d{1,2}表|^" + TABLE_NUMBER + r"\s*[:：.、]?")
_META = re.compile(
    r"^(?:(?:编制|填报|预算|主管)?(?:部门|单位)(?:名称|代码)?|编制单位|预算代码|金额单位|单位)\s*[:：]"
    r"|^公开\s*\d{1,2}\s*表$|^公开表\s*\d{1,2}$|^(?:\(|（)?(?:\d{4}|\d,\d{3})\s*年度?(?:\)|）)?$|金额单位|单位\s*[:：]\s*(?:万元|元|千元)"
)
_PAGE_NUMBER = re.compile(
    r"^[-—–第\s]*\d{1,3}[\s页]*[-—–]?$"
    r"|^第\s*\d+\s*页(?:\s*[,，、/]?\s*共\s*\d+\s*页)?$"  # 第3页，共40页
    r"|^共\s*\d+\s*页\s*[,，、]?\s*第\s*\d+\s*页$"
    r"|^\d{1,3}\s*/\s*\d{1,3}$"  # 3/40
)
_NOTE = re.compile(r"^(?:注|备注|说明)\s*\d*\s*[:：.]")
_SECTION = re.compile(r"^第[一二三四五六七八九十]+部分|^[一二三四五六七八九十]+、.{2,40}(?:说明|情况)$")
_EMPTY_STATEMENT = re.compile(r"本表无数据|无数据|本表为空|故本表为空|此表为空|空表|本表无|无相关数据|没有.{0,12}(?:收入|支出|数据)")
_SENTENCE = re.compile(r"[。；;]|[，,].*[，,。]")
_CLAUSE = re.compile(r"[，。；](?!$)|。$")
CJK = re.compile(r"[\u4e00-\u9fff]")
_UNIT_WORD = re.compile(r"^万元?(?:[，。、；：,]|$)")
_UNIT_NOTE = re.compile(r"[(（]?\s*(?:金额)?单位\s*[:：]\s*(?:人民币)?\s*(?:亿元|万元|千元|元)\s*[)）]?")


_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=16384)
def normalize_text(text: str) -> str:
    """NFKC without spaces. Cached: a line's cells are asked about again by every stage."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=16384)
def is_meta_text(text: str) -> bool:
    """部门：…, 金额单位：万元, 公开03表, 2021年度 — lines about a table, not in it."""
    return bool(_META.search(normalize_text(text)))


#: Does this printed text name a table? (The title catalog's question, asked by the pipeline.)
IsTitle = Callable[[str], bool]


@dataclass
class Segment:
    titled: bool  # the segment starts at a line that names a table
    title: str
    title_line: SourceLine | None
    lines: list[SourceLine] = field(default_factory=list)
    meta: list[SourceLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def pages(self) -> tuple[int, ...]:
        found = {line.page for line in self.lines}
        if self.title_line:
            found.add(self.title_line.page)
        return tuple(sorted(found))

    @property
    def holds_table(self) -> bool:
        """A heading or TOC entry that names a table is not the table: a table has grid lines or notes."""
        return bool(self.notes) or any(is_grid_line(line) for line in self.lines)

    @property
    def text(self) -> str:
        """What the table prints around its rows: the title line (its unit, if printed beside or
        inside the title), meta lines, rows and notes."""
        title = [self.title_line] if self.title_line else []
        return "\n".join(line.text for line in [*title, *self.meta, *self.lines]) + "\n" + "\n".join(self.notes)


def strip_running_text(doc: SourceDocument, tolerance: float = 2.0) -> list[SourceLine]:
    """All lines in reading order without running headers/footers and bare page numbers.

    Running text is printed on many pages at the same height, as one of the two lines at the
    top or the bottom edge, with nothing but running text or a page number between it and the
    edge. A table's header printed again on its continuation page repeats its text
    near the top of pages too, but under the table's title or at other heights: no running text.
    """
    repeated: set[str] = set()
    if len(doc.pages) >= 3:
        needed = max(3, len(doc.pages) // 2)
        for depth in range(2):
            heights: dict[str, list[float | None]] = {}
            for page in doc.pages:
                found: dict[str, float | None] = {}
                for edge in (page[:2], page[-2:][::-1]):
                    line = edge[depth] if depth < len(edge) else None
                    if line is None or line.region is not None or is_meta_text(line.text):
                        continue  # 单位：万元 repeats on every table page but belongs to each table
                    if all(_is_running(above, repeated) for above in edge[:depth]):
                        found.setdefault(normalize_text(line.text), line.bbox[1] if line.bbox else None)
                for text, height in found.items():
                    heights.setdefault(text, []).append(height)
            repeated |= {text for text, at in heights.items() if text and _most_at_one_height(at, tolerance) >= needed}
    kept = []
    for page in doc.pages:
        for line in page:
            text = normalize_text(line.text)
            if not text or text in repeated or (line.region is None and _PAGE_NUMBER.match(line.text.strip())):
                continue
            kept.append(line)
    return kept


def _is_running(line: SourceLine, repeated: set[str]) -> bool:
    text = line.text.strip()
    return normalize_text(text) in repeated or (line.region is None and bool(_PAGE_NUMBER.match(text)))


def _most_at_one_height(heights: list[float | None], tolerance: float) -> int:
    """How many of the pages print a text at one height (a text without a box: every page)."""
    return max(sum(h is None if at is None else h is not None and abs(h - at) <= tolerance for h in heights) for at in heights)


@dataclass(frozen=True)
class Segmentation:
    """The document's lines without running text, and the segments cut from them in reading order."""

    lines: list[SourceLine]
    segments: list[Segment]

    @property
    def tables(self) -> list[Segment]:
        return [segment for segment in self.segments if segment.holds_table]


def segment_document(doc: SourceDocument, is_title: IsTitle) -> Segmentation:
    """The segmentation stage: running text dropped, then the lines cut into segments."""
    lines = strip_running_text(doc)
    return Segmentation(lines, segment_tables(lines, is_title))


def table_title(line: SourceLine, is_title: IsTitle) -> str | None:
    """The printed title, if the line is a table title. A unit printed beside the title or
    inside it (…表（单位：元）) is the table's, not the title."""
    cells = []
    for cell in line.cells:
        cell = _UNIT_NOTE.sub("", cell)
        if cell.strip() and not _MARK.fullmatch(normalize_text(cell)) and not is_meta_text(cell):
            cells.append(cell)
            if len(cells) > 3:
                return None  # a row of a table (every line is asked)
    if not cells:
        return None
    title = _SPACES.sub("", cells[0]) if len(cells[0]) > 3 else _SPACES.sub("", "".join(cells))
    title = _MARK.sub("", title).strip()
    if not title or len(title) > 60:
        return None
    return title if is_title(title) else None


def is_toc_entry(line: SourceLine, is_title: IsTitle) -> bool:
    """A 目录 line: dot leaders, or a table title followed by a bare page number."""
    if line.region is not None:
        return False
    text = line.text
    if re.search(r"(?:\.{3,}|…{2,}|·{3,})\s*\d{0,3}\s*$", text):
        return True
    cells = line.cells
    return len(cells) == 2 and bool(re.fullmatch(r"\d{1,3}", cells[1].strip())) and is_title(cells[0])


def is_grid_line(line: SourceLine) -> bool:
    if line.region is not None:
        return True
    cells = line.cells
    return len(cells) >= 2 or (len(cells) == 1 and is_amount(cells[0]))


def is_narrative(line: SourceLine) -> bool:
    """Running text, not a table line: sentence punctuation among many CJK characters."""
    text = line.text
    if line.region is not None:
        return False
    if _SECTION.match(text.strip()):
        return True
    if len(line.cells) <= 1:
        return len(text) >= 24 and bool(_SENTENCE.search(text))
    if any(_UNIT_WORD.match(c) for c in line.cells):  # "2946.25" / "万元，" split off a sentence
        return True
    return len(CJK.findall(text)) >= 3 and bool(_CLAUSE.search(text))


def segment_tables(lines: list[SourceLine], is_title: IsTitle) -> list[Segment]:
    """Group lines into table segments; lines outside tables are narrative and ignored here."""
    segments: list[Segment] = []
    current: Segment | None = None
    pending_title: SourceLine | None = None
    pending_meta: list[SourceLine] = []  # 单位：元 / 部门： lines printed above the next table's title
    # below a table's rows, a 单位 line is held until the next line tells whose it is: the next
    # title's (printed above it), else the running table's (above its continued header)
    ruled_spans = _ruled_spans(lines)
    for line in lines:
        if is_toc_entry(line, is_title):
            current, pending_title, pending_meta = None, None, []
            continue
        title = table_title(line, is_title)
        if title and _repeats_title(current, title, line):
            current.meta.extend(pending_meta)
            pending_meta = []
            continue  # the title printed again at the top of a continuation page
        if title:
            current = Segment(True, title, line, meta=pending_meta)
            segments.append(current)
            pending_meta = []
            continue
        text = normalize_text(line.text)
        if current is None:
            if is_grid_line(line) and sum(is_amount(c) for c in line.cells) >= 2 and len(line.cells) >= 3:
                title = pending_title.text if pending_title is not None else ""
                current = Segment(False, title, pending_title, meta=pending_meta)
                segments.append(current)
                pending_meta = []
            elif line.cells and is_meta_text(line.cells[0]) and line.region is None:
                pending_meta.append(line)
                continue
            else:
                pending_title = line if 2 <= len(text) <= 40 and not is_narrative(line) else None
                if is_narrative(line):
                    pending_meta = []
                continue
        is_meta = bool(line.cells) and is_meta_text(line.cells[0]) and sum(map(is_amount, line.cells[1:])) < 2
        if is_meta and current.lines:
            pending_meta.append(line)  # "2026年 47.56 0.00 …" is a row whose label is a year, not a meta line
            continue
        current.meta.extend(pending_meta)
        pending_meta = []
        if is_meta:
            current.meta.append(line)
            continue
        if _NOTE.match(text):
            current.notes.append(line.text)
            current = None
            continue
        if _EMPTY_STATEMENT.search(text) and not any(is_amount(c) for c in line.cells):
            current.notes.append(line.text)
            continue
        if _beside_ruled_rows(line, ruled_spans):
            continue  # text in an unruled column beside ruled rows (a project's description) is not below the table
        if is_narrative(line) or _leaves_ruled_table(current, line):
            current = None
            pending_title = None
            continue
        current.lines.append(line)
    return segments


def _repeats_title(segment: Segment | None, title: str, line: SourceLine) -> bool:
    """Some templates print a table's title on every page it runs over: the same title on the
    page after the table's last line continues the table, it does not start a new one."""
    if segment is None or not segment.lines or not segment.titled or segment.title != title:
        return False
    earlier = [l for l in segment.lines if l.page < line.page]
    above = [l for l in segment.lines if l.page == line.page]  # a "表3" mark printed above the title
    if not earlier or earlier[-1].page != line.page - 1 or any(len(l.cells) > 1 for l in above):
        return False
    segment.lines[:] = earlier
    return True


def _ruled_spans(lines: list[SourceLine]) -> dict[int, list[tuple[float, float]]]:
    """Per page, the vertical extent of each ruled region."""
    extents: dict[tuple[int, int], tuple[float, float]] = {}
    for line in lines:
        if line.region is not None and line.bbox is not None:
            key = (line.page, line.region)
            top, bottom = extents.get(key, (line.bbox[1], line.bbox[3]))
            extents[key] = (min(top, line.bbox[1]), max(bottom, line.bbox[3]))
    spans: dict[int, list[tuple[float, float]]] = {}
    for (page, _), extent in extents.items():
        spans.setdefault(page, []).append(extent)
    return spans


def _beside_ruled_rows(line: SourceLine, spans: dict[int, list[tuple[float, float]]]) -> bool:
    """A free line without amounts whose middle lies between the first and last ruled row on
    its page sits beside the table (an unruled column), not above or below it."""
    if line.region is not None or line.bbox is None or any(is_amount(c) for c in line.cells):
        return False
    middle = (line.bbox[1] + line.bbox[3]) / 2
    return any(top < middle < bottom for top, bottom in spans.get(line.page, ()))


def _leaves_ruled_table(segment: Segment, line: SourceLine) -> bool:
    """Free text after a ruled table is not part of it (a heading below the grid)."""
    ruled = any(l.region is not None for l in segment.lines)
    return ruled and line.region is None and len(line.cells) == 1 and len(CJK.findall(line.text)) >= 4


def is_empty_statement(text: str) -> bool:
    return bool(_EMPTY_STATEMENT.search(normalize_text(text)))
