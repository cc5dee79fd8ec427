"""Metadata and text hygiene: the year and department agree throughout; no template leftovers.

- a table title or heading that prints another year than the report's ("2022年度…决算表"
  in a 2023 report) is an error;
- placeholders (XX, ××, 某某) are errors: the template was not filled in;
- "截至YYYY年12月31日" must be the report year in a 决算 (an error: the text describes another
  year, as a wrong heading does); in a 预算 the year before (a warning: budget texts may quote
  older data);
- doubled punctuation (。。) and doubled function words (的的) are warnings that quote the
  sentence holding them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.checks.findings import Finding, Location, rule
from app.checks.text import passages, sentence_at
from parsers.model import Report

_YEAR = re.compile(r"(?<!\d)(20\d{2})\s*年")
_HEADING = re.compile(r"(部门|单位)(?:整体)?(?:预算|决算)|预算表|决算表|情况说明|公开")
_PLACEHOLDER = re.compile(r"[XＸ]{2,}|[xｘ]{2,}(?![a-z])|×{2,}|某某")
_AS_OF = re.compile(r"截[至止]\s*(20\d{2})\s*年\s*12\s*月\s*31\s*日")
_DOUBLED_PUNCT = re.compile(r"([。，、；：])\1")
_DOUBLED_WORD = re.compile(r"(的|了|和|及|与|是|在)\1")
_SENTENCE = re.compile(r"[，。；]")
_DATE = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*日")  # a publication date, not the report year


@rule("metadata")
def metadata(report: Report) -> Iterable[Finding]:
    yield from _title_years(report)
    for page in report.pages:
        for line in page.lines:
            text = line.text.strip()
            where = (Location(page.number, line=line.number),)
            if report.year and len(text) <= 40 and not _SENTENCE.search(text) and not _DATE.search(text) and _HEADING.search(text):
                for year in {int(y) for y in _YEAR.findall(text)}:
                    if year != report.year:
                        yield Finding("metadata.year", "error", f"标题“{text}”写作 {year} 年，报告年度为 {report.year} 年", where)
            placeholder = _PLACEHOLDER.search(text)
            if placeholder:
                yield Finding("metadata.placeholder", "error", f"未替换的占位符“{placeholder.group(0)}”：{text[:40]}", where)
            as_of = _AS_OF.search(text)
            if as_of and report.year:
                expected = report.year if report.report_kind == "决算" else report.year - 1
                if int(as_of.group(1)) != expected:
                    severity = "error" if report.report_kind == "决算" else "warning"
                    yield Finding("metadata.as_of", severity, f"“{as_of.group(0)}”与{report.year}年{report.report_kind or ''}不符（应为{expected}年12月31日）", where)
    yield from _doubled(report)


def _doubled(report: Report) -> Iterable[Finding]:
    for passage in passages(report):
        for pattern, what in ((_DOUBLED_PUNCT, "重复标点"), (_DOUBLED_WORD, "重复用字")):
            for found in pattern.finditer(passage.text):
                sentence = sentence_at(passage, found.start())
                quoted = sentence if len(sentence) <= 80 else "…" + passage.text[max(0, found.start() - 60) : found.end()]
                yield Finding("hygiene.doubled", "warning", f"{what}“{found.group(0)}”：{quoted}", (passage.where(found.start()),))


def _title_years(report: Report) -> Iterable[Finding]:
    if not report.year:
        return
    for table in report.tables:
        for year in {int(y) for y in _YEAR.findall(table.title)}:
            if year != report.year:
                page = table.provenance.page if table.provenance else table.pages[0]
                yield Finding("metadata.year", "error", f"表题“{table.title}”写作 {year} 年，报告年度为 {report.year} 年", (Location(page, table.id),))
