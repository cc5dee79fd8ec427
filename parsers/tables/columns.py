"""Header label paths → stable column keys ("本年收入/一般公共预算/小计" → "current_income.general_budget.subtotal").

Reviews and checks refer to cells by column key, so a key must not change when a report
prints "事 业 收 入" with spaces, "其中：财政拨款" or “三公” in other quotes, or when the next
year's edition is re-extracted. The vocabulary is data (column_vocabulary.toml); each label
maps to one key segment and segments join with "." to mirror the header nesting.

Labels outside the vocabulary get ``x_`` + 10 hex digits of the SHA-1 of the normalised
label: deterministic, ASCII (safe as a CSV/SQL column name), and never colliding with a
vocabulary key. The printed label stays available in the model's ``Column.label``.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_VOCABULARY = Path(__file__).with_name("column_vocabulary.toml")
_QUOTES = re.compile(r"[\"'“”‘’「」『』〝〞〃]")
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\ufeff]+")
_OF_WHICH = re.compile(r"^其中[:、]?")
_YEAR = re.compile(r"^(?:19|20)\d{2}年度?")
_UNIT_TAIL = re.compile(r"\((?:万元|元|千元|亿元|[A-Za-z])\)$")  # "项目金额(万元)", "年度指标值(A)"
_PAREN_TAIL = re.compile(r"\([^()]*\)$")  # "支出表(按功能分类)"
_NTH_COLUMN = re.compile(r"^第(\d+)列$")
_DIGITS = re.compile(r"^[\d.]+$")


def normalize_label(text: str) -> str:
    """A header label as compared: NFKC, no whitespace or quotes ("其中：财 政拨款" → "其中:财政拨款")."""
    return _INVISIBLE.sub("", _QUOTES.sub("", unicodedata.normalize("NFKC", text)))


@dataclass(frozen=True)
class _Vocabulary:
    keys: dict[str, str]
    top_level: dict[str, str]
    noise: frozenset[str]
    transparent: frozenset[str]


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    data = tomllib.loads(_VOCABULARY.read_text(encoding="utf-8"))
    keys: dict[str, str] = {}
    for key, labels in data["labels"].items():
        if not re.fullmatch(r"[a-z][a-z0-9_]*", key):
            raise ValueError(f"column_vocabulary.toml: key {key!r} is not snake_case")
        for label in labels:
            normal = normalize_label(label)
            if keys.get(normal, key) != key:
                raise ValueError(f"column_vocabulary.toml: {label!r} maps to {keys[normal]!r} and {key!r}")
            keys[normal] = key
    return _Vocabulary(
        keys,
        {normalize_label(label): key for label, key in data.get("top_level", {}).items()},
        frozenset(normalize_label(label) for label in data.get("noise", [])),
        frozenset(normalize_label(label) for label in data.get("transparent", [])),
    )


def _segment_key(label: str, vocabulary: _Vocabulary) -> str:
    """One label's key: vocabulary first (also without 其中/year/unit decoration), else a hash."""
    for variant in (label, _OF_WHICH.sub("", label)):
        for candidate in (variant, _YEAR.sub("", variant), _UNIT_TAIL.sub("", variant)):
            if candidate in vocabulary.keys:
                return vocabulary.keys[candidate]
    nth = _NTH_COLUMN.match(label)
    if nth:
        return f"col_{nth.group(1)}"
    return "x_" + hashlib.sha1(label.encode("utf-8")).hexdigest()[:10]


def _meaningful(label_path: Sequence[str], vocabulary: _Vocabulary) -> list[str]:
    labels = [normalize_label(label) for label in label_path]
    labels = [label for label in labels if label and label not in vocabulary.noise and not _DIGITS.match(label) and not _names_a_table(label)]
    return [label for i, label in enumerate(labels) if label not in vocabulary.transparent or i == len(labels) - 1]


def _names_a_table(label: str) -> bool:
    """A title printed in the grid's first row ("2026年度支出预算总表") is over every column and
    names none: a column's label never ends in 表."""
    return _PAREN_TAIL.sub("", label).endswith("表")


def column_key(label_path: Sequence[str]) -> str:
    """The stable key of a column from its header labels, top row first; same path → same key."""
    vocabulary = _vocabulary()
    labels = _meaningful(label_path, vocabulary)
    if not labels:
        return "unlabelled"
    if len(labels) == 1 and labels[0] in vocabulary.top_level:
        return vocabulary.top_level[labels[0]]
    return ".".join(_segment_key(label, vocabulary) for label in labels)


def distinct_labels(labels: Sequence[Sequence[str]], printed: Sequence[Sequence[str]]) -> list[str]:
    """The label each column shows: its key path, unless another column of the table shows the
    same one (支出/基本支出 printed under 财政拨款 and again under 其他资金); those take back the
    printed header labels that tell them apart, so a reviewer finds each on the page."""
    joined = ["/".join(label) for label in labels]
    out = []
    for label, keyed, path in zip(joined, labels, printed):
        alike = [set(other) for other, shown in zip(printed, joined) if shown == label]
        if len(alike) > 1 and path:
            common = set.intersection(*alike)
            middle = [text for text in path[:-1] if text not in keyed and text not in common]
            label = "/".join([*keyed[:-1], *middle, *keyed[-1:]])
        out.append(label)
    return out
