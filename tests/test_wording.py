"""Sentences made from templates read in one language: the workbench's Chinese never shows the contract's English."""

from __future__ import annotations

import re

import pytest

from app.matching.matcher import REASONS, reason, reason_text
from app.wording import in_language
from parsers.evidence.evidence import READING_REASONS, reading_reason


def _fields(template: str) -> dict[str, int]:
    return {name: 7 + i for i, name in enumerate(re.findall(r"\{(\w+)\}", template))}


@pytest.mark.parametrize("reason_id", sorted(READING_REASONS))
def test_every_reading_reason_reads_in_chinese(reason_id):
    english, chinese = READING_REASONS[reason_id]
    text = reading_reason(reason_id, **_fields(english))
    shown = in_language(text, tuple(READING_REASONS.values()), "zh")
    assert shown == chinese.format(**_fields(english))
    assert not re.search("[A-Za-z]", shown)
    assert in_language(text, tuple(READING_REASONS.values()), "en") == text


def test_match_reasons_keep_their_fields_in_chinese():
    text = reason("code_unknown", code="30311")
    assert reason_text(text, "zh") == "编码 30311 不在科目表中"
    assert reason_text("a sentence no template made", "zh") == "a sentence no template made"
    assert len(REASONS) > 20
