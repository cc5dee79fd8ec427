"""OCR digit confusions, undone only where the result is an amount.

The recogniser sometimes reads 0 as O/Q/D, 1 as l/I/|, the decimal point as a comma
("21781，49"), and the dash of an empty cell as 一. A number is never guessed: a word is rewritten only when it does not parse
as printed, the rewrite parses as an amount (or a percentage), and real digits outnumber
the characters replaced. Everything else (names, codes in words, junk) stays as read.
"""

from __future__ import annotations

import re

from parsers.amounts import is_amount, normalize_numeric_text, parse_percent

_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "Q": "0", "D": "0", "〇": "0", "l": "1", "I": "1", "|": "1", "丨": "1", "。": "."})
_DASHES = set("一—－-–~～_")  # a printed dash ("no value") is often read as 一, the CJK one
# A comma before exactly two final digits, with no other separator after it, was a decimal point.
_COMMA_DECIMAL = re.compile(r",(\d{2})(%?)$")


def is_number(text: str) -> bool:
    return is_amount(text) or parse_percent(text) is not None


def normalize_amount_text(text: str) -> str:
    """``text``, or its digit-corrected form when only that reads as an amount or percentage;
    a word of dashes alone (read as 一 or ——) is the dash that states "no value"."""
    if text and set(text) <= _DASHES:
        return "—" if len(text) <= 2 else text
    if is_number(text) or not any(ch.isdigit() for ch in text):
        return text
    replaced = sum(1 for ch in text if ch in "OoQD〇lI|丨")
    digits = sum(ch.isdigit() for ch in text)
    candidate = normalize_numeric_text(text).translate(_LOOKALIKES)
    if not is_number(candidate):
        candidate = _COMMA_DECIMAL.sub(r".\1\2", candidate)
    if is_number(candidate) and digits > replaced:
        return candidate
    return text
