"""Printed amount text → Decimal, or None. Never a guess.

Reports print amounts with thousands separators, full-width digits, OCR spacing
("4, 627. 11"), dashes for "nothing" and float noise from spreadsheet exports
(311.15000000000009). The raw text is always kept beside the value by the caller;
this module only decides what number, if any, the text unambiguously states.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from parsers.ideographs import is_han

#: Texts that state "no value" rather than zero.
_BLANKS = {"", "-", "—", "——", "–", "－", "/", "／", "…", "-—", "--", "—-", "无", "x", "X", "*"}

# A plain number after cleaning: optional sign, digits with optional comma groups, decimals.
_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
# OCR inserts spaces around separators: "4, 627. 11", "1 234.5" is NOT accepted (ambiguous).
_OCR_SPACES = re.compile(r"(?<=[\d,.])\s+(?=[\d,.])")
_SPACED_SEPARATOR = re.compile(r"\d[,.]\s+\d|\d\s+[,.]\d")
_PARENS_NEGATIVE = re.compile(r"^\((.*)\)$")
# Spreadsheet float noise: 311.15000000000009 or 2.5899999999999999
_FLOAT_NOISE = re.compile(r"^([-+]?\d+\.\d*?)(0{6,}\d{0,3}|9{6,}\d{0,3})$")


#: 元 per unit of the units reports print amounts in (单位：万元 …).
YUAN_PER_UNIT = {"元": 1, "千元": 1_000, "万元": 10_000, "亿元": 100_000_000}


def normalize_numeric_text(raw: str) -> str:
    """NFKC (full-width digits and punctuation → ASCII) and trim; keep inner spacing."""
    text = unicodedata.normalize("NFKC", raw).strip()
    return text.replace("−", "-").replace("，", ",").replace("．", ".")


@lru_cache(maxsize=65536)
def parse_amount(raw: str | None) -> Decimal | None:
    """The amount ``raw`` states, or None when it states none (blank, dash, words). Cached
    (a Decimal is immutable): the grid asks of every cell whether it is an amount, then reads it."""
    if raw is None:
        return None
    text = normalize_numeric_text(raw)
    if text in _BLANKS:
        return None
    negative = False
    parens = _PARENS_NEGATIVE.match(text)
    if parens:
        text, negative = parens.group(1).strip(), True
    if _SPACED_SEPARATOR.search(text):
        text = _OCR_SPACES.sub("", text)
    if text.startswith(("-", "+")) and len(text) > 1:
        negative ^= text[0] == "-"
        text = text[1:].lstrip()
    if not _NUMBER.match(text):
        return None
    value = _denoise(text.replace(",", ""))
    return -value if negative else value


def parse_percent(raw: str | None) -> Decimal | None:
    """"12.5%" → Decimal("12.5"); None when the text is not a percentage."""
    if raw is None:
        return None
    text = normalize_numeric_text(raw).rstrip()
    if not text.endswith("%"):
        return None
    return parse_amount(text[:-1])


def states_no_value(raw: str | None) -> bool:
    """True when ``raw`` says "nothing here" (blank, a dash, 无) rather than printing text kemu cannot read."""
    return raw is None or normalize_numeric_text(raw) in _BLANKS


def is_amount(raw: str | None) -> bool:
    """True when ``raw`` is a number (as printed in an amount column)."""
    return parse_amount(raw) is not None


def _denoise(text: str) -> Decimal:
    """Undo binary-float artefacts from spreadsheet exports, never touching real digits."""
    noise = _FLOAT_NOISE.match(text)
    if not noise:
        return Decimal(text)
    value = Decimal(text)
    kept_places = len(noise.group(1).split(".")[1])
    try:
        return value.quantize(Decimal(1).scaleb(-kept_places))
    except InvalidOperation:
        return value


_UNIT = re.compile(r"单位\s*(?::\s*\(?|\()\s*(?:人民币)?\s*(亿元|万元|千元|元|万)")


def detect_unit(text: str) -> str | None:
    """"万元" | "元" | "千元" | "亿元" from the first 单位 line ("金额单位：万元", "单位:元", "单位：\\n万元").
    A bare 万 is the unit only when no other ideograph follows it (单位：万人 counts people)."""
    normalized = unicodedata.normalize("NFKC", text)
    for found in _UNIT.finditer(normalized):
        unit = found.group(1)
        if unit != "万":
            return unit
        if not is_han(normalized[found.end():found.end() + 1]):
            return "万元"
    return None
