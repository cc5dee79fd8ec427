"""Which printed numbers can be 科目 codes: the 类 and 类+款 prefixes of the standard classification.

Reports print other numbers where a code could stand — a project's sequence number glued to
its name ("53045-北京文化艺术基金资助款"), unit codes, line numbers. The standard itself tells
them apart: a 科目 code starts with one of its 类 (201 一般公共服务支出 … 599 其他支出), and a
code glued to a name (weaker evidence than a code column) must also name a 款 the standard
has. The data are the catalog's CSV files, which live here, below the matcher that reads
their names (app/matching/catalog).
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

CATALOG_DATA = Path(__file__).resolve().parent / "catalog"
FAMILIES = {
    "functional.csv": "functional",
    "functional_pre2019.csv": "functional",  # 项 the 2019 edition retired or renumbered (检察)
    "economic_dept.csv": "economic_dept",
    "economic_pre2018.csv": "economic_dept",  # the single 支出经济分类 in force until 2017
    "economic_gov.csv": "economic_gov",
    "income.csv": "income",
}


_NEW_SECTIONS = 5  # 款 added by later editions than the catalog's continue a 类's numbering
_RESERVED_SECTIONS = (98, 99)  # 98 超长期特别国债安排的支出, 99 其他… — in any 类


@lru_cache(maxsize=1)
def _prefixes() -> tuple[frozenset[str], dict[str, int]]:
    """The standard's 类, and the highest ordinary 款 number each 类 has."""
    classes: set[str] = set()
    last_section: dict[str, int] = {}
    for file_name in FAMILIES:
        with (CATALOG_DATA / file_name).open(encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle)  # rows as lists: a DictReader's dict per row costs start-up
            column = next(rows).index("code")
            for row in rows:
                code = row[column].strip()
                classes.add(code[:3])
                if len(code) >= 5 and int(code[3:5]) not in _RESERVED_SECTIONS:
                    last_section[code[:3]] = max(last_section.get(code[:3], 0), int(code[3:5]))
    return frozenset(classes), last_section


def is_class(code: str) -> bool:
    """A 类 of the standard (201, 302, 501, 103 …): the first three digits of every 科目 code."""
    return len(code) >= 3 and code[:3] in _prefixes()[0]


def known_section(code: str) -> bool:
    """The code's 类 is the standard's, and its 款 one the 类 has or could have: 款 are numbered
    in order within a 类 (a later edition adds the next few, and 98/99 exist everywhere), so
    "20381" (国防 has 款 01–06) or "53045" (no 类 530) is a project number, not a 科目."""
    classes, last_section = _prefixes()
    if code[:3] not in classes:
        return False
    if len(code) < 5:
        return True
    section = int(code[3:5])
    return section in _RESERVED_SECTIONS or 1 <= section <= last_section.get(code[:3], 0) + _NEW_SECTIONS
