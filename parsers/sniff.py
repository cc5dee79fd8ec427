"""Is this text a 部门预算/决算 report? The content decides, for every format.

Kept apart from identify.py (which names tables and reads cover facts) because the question
is a different one: whether a document is a report at all, asked of a PDF's first pages, a
text dump, an OCR'd scan before the rest of it is read, and a file met in a folder.
"""

from __future__ import annotations

import re

from parsers.identify import _PAREN_TAIL, _lines, identify_table

_SECTION_NOTE = re.compile(r"(?:收入|支出|收支|三公|财政拨款).*(?:预算|决算).*说明$")
_COVER_LINE = re.compile(r"(?:部门|单位)(?:预算|决算)(?:公开)?(?:报告|报表|表)?$|(?:预算|决算)公开(?:报告)?$")


def is_report_text(text: str) -> bool:
    """Does this read like a 部门预算/决算 report? Needs several independent signs, not one word."""
    lines = _lines(text)
    score = 3 * any(len(line) <= 60 and _COVER_LINE.search(_PAREN_TAIL.sub("", line)) for line in lines)
    kinds = {kind.id for kind in map(identify_table, lines) if kind}
    marks = set(re.findall(r"公开\d{1,2}表", "".join(lines)))
    notes = {line for line in lines if len(line) <= 60 and _SECTION_NOTE.search(line)}
    score += min(len(kinds), 5) + min(len(marks), 3) + min(len(notes), 3)
    return score >= 3
