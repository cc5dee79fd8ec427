"""CJK ideographs, told by comparison.

``re`` builds a character class of the 20,992 unified ideographs (U+4E00–U+9FFF) one code
point at a time, about a millisecond per pattern when a process starts; a pattern that only
needs to know whether the next character is an ideograph asks ``is_han`` instead.
"""

from __future__ import annotations


def is_han(text: str) -> bool:
    """``text`` is one CJK unified ideograph (U+4E00–U+9FFF)."""
    return len(text) == 1 and "\u4e00" <= text <= "\u9fff"
