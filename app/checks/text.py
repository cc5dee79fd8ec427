"""The running text of a report, as the narrative rules read it: passages and sentences.

A passage is one numbered item or paragraph ("1、…（类）…（款）…（项）…", "（三）…"), read
across line and page breaks until the next item marker or table; its sentences are split at
"。". Claims are read against the amounts of the passage they belong to, wherever its
sentence breaks fall ("年初预算为 A 万元，支出决算为 B 万元。决算数大于预算数的主要原因：…").
Lines that are table rows or bare page numbers are not running text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.checks.findings import Location
from parsers.model import Report

#: A line that opens a new item or heading: "1、", "2.", "- 3．", "（一）", "一、", "第二部分".
ITEM_START = re.compile(
    r"^\s*(?:[-*•]\s*)?(?:\d{1,3}\s*[、.．](?![\d.．])|[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十]+部分)"
)
_PAGE_NUMBER = re.compile(r"^[\s\-—－·第]*\d{1,3}[\s\-—－·页/共\d]*$")
_SENTENCE = re.compile(r"[^。]+。*")


@dataclass(frozen=True)
class Passage:
    """Running text with the (offset, page, line) where each of its lines starts."""

    text: str
    starts: tuple[tuple[int, int, int], ...]

    def where(self, offset: int) -> Location:
        page, line = self.starts[0][1:]
        for start, p, n in self.starts:
            if start > offset:
                break
            page, line = p, n
        return Location(page, line=line)


@dataclass(frozen=True)
class Sentence:
    text: str
    page: int
    line: int | None
    passage: Passage
    offset: int  # where the sentence starts in its passage


_last: tuple[object, object, list[Passage]] | None = None  # the narrative and hygiene rules read the same report in turn


def passages(report: Report) -> list[Passage]:
    """The report's passages (computed once per report for the rules that read them in turn)."""
    global _last
    if _last is None or _last[0] is not report.pages or _last[1] is not report.tables:
        _last = (report.pages, report.tables, _read_passages(report))
    return _last[2]


def _read_passages(report: Report) -> list[Passage]:
    table_lines = {(r.provenance.page, r.provenance.line) for t in report.tables for r in t.rows if r.provenance.line is not None}
    out: list[Passage] = []
    text, starts = "", []

    def close() -> None:
        nonlocal text, starts
        if text.strip():
            out.append(Passage(text, tuple(starts)))
        text, starts = "", []

    for page in report.pages:
        for line in page.lines:
            stripped = line.text.strip()
            if (page.number, line.number) in table_lines:
                close()
                continue
            if not stripped or _PAGE_NUMBER.match(stripped):
                continue
            if ITEM_START.match(stripped):
                close()
            starts.append((len(text), page.number, line.number))
            text += stripped
    close()
    return out


def sentences(report: Report) -> list[Sentence]:
    """Every sentence of the running text, with the page and line it starts on."""
    out = []
    for passage in passages(report):
        for found in _SENTENCE.finditer(passage.text):
            where = passage.where(found.start())
            out.append(Sentence(found.group(0), where.page, where.line, passage, found.start()))
    return out


def sentence_at(passage: Passage, offset: int) -> str:
    """The sentence of ``passage`` that holds ``offset`` (a run of "。" ends it)."""
    text = passage.text
    start = text.rfind("。", 0, len(text[:offset].rstrip("。"))) + 1
    end = text.find("。", offset)
    end = len(text) if end < 0 else end
    while end < len(text) and text[end] == "。":
        end += 1
    return text[start:end]
