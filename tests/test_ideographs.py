"""Patterns that asked ``re`` for a class of CJK ideographs now ask ``is_han`` (start-up: the
class costs a millisecond per pattern to compile). Each rewrite must answer as the pattern did,
on strings built from the pieces that decide it: codes, brackets, separators, spaces, line ends,
ideographs and other letters."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from parsers.amounts import detect_unit
from parsers.evidence.evidence import _glued_amount
from parsers.identify.kinds import _region_only
from parsers.ideographs import is_han
from parsers.tables.grid import is_code_name, leading_code

HAN = "[\u4e00-\u9fff]"
CODE_PIECES = ["201", "01", "1", "0", "[", "]", "【", "】", "(", "（", ")", "）", "-", "－", "：", ":", ".", "、", " ", "\n", "\u3000", "行", "政", "a", "２"]


def _strings(pieces: list[str], seed: int, count: int = 20000) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(count)]


def test_is_han_is_one_unified_ideograph():
    assert is_han("行") and is_han("\u4e00") and is_han("\u9fff")
    assert not any(map(is_han, ["", "行政", "a", "１", "、", "（", "\u3400", "\ua000"]))


def test_leading_code_answers_as_the_pattern_did():
    pattern = re.compile(rf"^[\[【(（]?(\d{{3}}(?:\d{{2}}){{0,2}})[\]】)）]?(?:\s*[-－—–:：.、]\s*(?={HAN})|\s+|(?={HAN}))(.+)$")
    for text in _strings(CODE_PIECES, 1):
        found = pattern.match(text)
        assert leading_code(text) == (found.groups() if found else None), text


def test_code_name_answers_as_the_pattern_did():
    pattern = re.compile(rf"^[\[【(（]?\d{{3}}(?:\d{{2}}){{0,2}}[\]】)）]?\s*[-－—–:：.、]?\s*{HAN}")
    for text in _strings(CODE_PIECES, 2):
        assert is_code_name(text) == bool(pattern.match(text)), text


def test_glued_amount_answers_as_the_pattern_did():
    pattern = re.compile(rf"{HAN}\s*(\d[\d,]*[.,]\d*|\d{{3,}})$")
    for text in _strings(["支", "出", "a", " ", "1", "2", "3", ",", ".", "\n", "\u3000", "２", "（", ")"], 3):
        assert _glued_amount(text) == bool(pattern.search(text)), text


@pytest.mark.parametrize("seed", [4, 5])
def test_the_unit_answers_as_the_pattern_did(seed):
    pattern = re.compile(rf"单位\s*(?::\s*\(?|\()\s*(?:人民币)?\s*(亿元|万元|千元|元|万(?!{HAN}))")
    for text in _strings(["单位", "：", ":", "(", "（", " ", "\n", "人民币", "万", "元", "万元", "千元", "亿元", "人", "a", "1"], seed):
        found = pattern.search(unicodedata.normalize("NFKC", text))
        expected = None if not found else ("万元" if found.group(1) == "万" else found.group(1))
        assert detect_unit(text) == expected, text


def test_place_only_names_answer_as_the_pattern_did():
    pattern = re.compile(rf"^(?:{HAN}{{1,8}}?(?:自治区|自治州|自治县|省|市|区|县|旗|州|盟))+$")
    for text in _strings(["江", "苏", "省", "市", "区", "县", "自治", "州", "盟", "旗", "a", "\n", "1", "南京", "内蒙古"], 6):
        assert _region_only(text) == bool(pattern.match(text)), text
