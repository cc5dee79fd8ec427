"""Sentences kemu writes from templates, in the reader's language.

The JSON contracts keep the English sentence (scripts match on it); the workbench and the text
views show the same sentence in Chinese. A sentence is translated by the template that made it:
its fields are read back out of the English and put into the Chinese template, so no caller
has to keep the fields beside the text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from parsers.evidence.evidence import READING_REASONS
from parsers.model import Table

Templates = tuple[tuple[str, str], ...]  # (English, Chinese) with the same {fields}


@lru_cache(maxsize=8)
def _patterns(templates: Templates) -> list[tuple[re.Pattern[str], str]]:
    patterns = []
    for english, chinese in templates:
        parts = re.split(r"\{(\w+)\}", english)
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
        patterns.append((re.compile(f"^{regex}$"), chinese))
    return patterns


def in_language(text: str, templates: Templates, lang: str) -> str:
    """``text`` in ``lang`` ("zh" or "en"); text no template produced is shown as it is."""
    if lang == "en":
        return text
    for pattern, chinese in _patterns(templates):
        found = pattern.match(text)
        if found:
            return chinese.format(**found.groupdict())
    return text


def reading_reasons_text(table: Table, lang: str) -> str:
    """Why kemu doubts its reading of ``table``, in ``lang``, one clause per reason."""
    return ("；" if lang == "zh" else "; ").join(in_language(r, tuple(READING_REASONS.values()), lang) for r in table.reading_reasons)
