"""Which printed numbers can be 科目 codes: the 类 and 类+款 prefixes of the standard classification.

Reports print other numbers where a code could stand — a project's sequence number glued to
its name ("53045-北京文化艺术基金资助款"), unit codes, line numbers. The standard itself tells
them apart: a 科目 code starts with one of its 类 (201 一般公共服务支出 … 599 其他支出), and a
code glued to a name (weaker evidence than a code column) must also name a 款 the standard
has. The data are the catalog's CSV files, which live here, below the matcher that reads
their names (app/catalog).
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

CATALOG_DATA = Path(__file__).resolve().parent / "catalog"
FAMILIES = {
    "functional.csv": "functional",
    "economic_dept.csv": "economic_dept",
    "economic_gov.csv": "economic_gov",
    "income.csv": "income",
}


@lru_cache(maxsize=1)
def _prefixes() -> tuple[frozenset[str], frozenset[str]]:
    classes: set[str] = set()
    sections: set[str] = set()
    for file_name in FAMILIES:
        with (CATALOG_DATA / file_name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                code = row["code"].strip()
                classes.add(code[:3])
                if len(code) >= 5:
                    sections.add(code[:5])
    return frozenset(classes), frozenset(sections)


def is_class(code: str) -> bool:
    """A 类 of the standard (201, 302, 501, 103 …): the first three digits of every 科目 code."""
    return code[:3] in _prefixes()[0] and len(code) >= 3


def known_section(code: str) -> bool:
    """The code's 类 — and, for five or seven digits, its 类+款 — exist in the standard."""
    classes, sections = _prefixes()
    return code[:3] in classes and (len(code) < 5 or code[:5] in sections)
