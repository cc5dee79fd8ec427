"""Who is who in a collection: the reports of one department across years and kinds.

Reports name their department in many ways: 江苏省人民检察院 on one cover, 省人民检察院 on the
next year's; 上海市普陀区人民政府办公室 as 部门 (with its units) and as 单位 (itself). A report's
identity is its department's core name (the regions in front taken off), the regions, the scope
(部门 / 单位 / 本级, kept apart: their figures differ by design), year and kind. Two reports
are one department when the cores and scopes are equal and the regions do not contradict;
a report that fits two departments of the collection is listed as ambiguous, never linked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.model import Report

#: A region in front of the department: 江苏省, 上海市, 普陀区, 海淀区, 大兴安岭地区, 阿拉善盟 ….
_REGION = re.compile(r"^[\u4e00-\u9fff]{1,9}?(?:省|自治区|特别行政区|市|自治州|地区|盟|州市?|区|县|旗)(?=[\u4e00-\u9fff]{2})")
_PARTY = re.compile(r"^中共|^中国共产党")
_SCOPE_SUFFIX = re.compile(r"[（(]?(本级|本部)[）)]?$")
_TRAILING_WORD = re.compile(r"(?<=[局委院办厅处会室站所馆队部心校团社府])(?:部门|单位)$")
_SCOPE_TEXT = re.compile(r"(部门|单位)(?:预算|决算)")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Identity:
    """The department a report belongs to, and where the report sits in its series."""

    core: str  # the department's own name: 人民检察院, 公安局, 人民政府万里街道办事处
    regions: tuple[str, ...]  # 江苏省 / (上海市, 普陀区); "省" alone when a name starts 省… (the reader's own province)
    scope: str  # 部门 | 单位 | 本级 | "" (not said)
    year: int | None
    kind: str | None  # 预算 | 决算

    @property
    def department_key(self) -> str:
        """A stable key for the department (export panels): regions and core, with the scope."""
        return "/".join((*self.regions, self.core)) + (f"#{self.scope}" if self.scope else "")

    def same_department(self, other: "Identity") -> bool:
        return self.core == other.core and self.scope == other.scope and regions_agree(self.regions, other.regions)


def regions_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """(上海市, 普陀区) agrees with (普陀区,) and with (); 省 agrees with any 省; 杭州市 ≠ 上海市."""
    short, long = sorted((a, b), key=len)
    if not short:
        return True
    tail = long[len(long) - len(short):]
    return all(s == t or (len(s) == 1 and t.endswith(s)) or (len(t) == 1 and s.endswith(t)) for s, t in zip(short, tail))


def identity(report: Report) -> Identity | None:
    """The report's identity, or None when it prints no department (it then links to nothing)."""
    if not report.department:
        return None
    name = _PARTY.sub("", _SPACE.sub("", report.department))
    scope = ""
    found = _SCOPE_SUFFIX.search(name)
    if found:
        scope, name = "本级", name[: found.start()]
    regions: list[str] = []
    if name.startswith("省") and len(name) > 3:
        regions.append("省")
        name = name[1:]
    while (found := _REGION.match(name)) is not None:
        regions.append(found.group(0))
        name = name[found.end():]
    name = _TRAILING_WORD.sub("", name)
    return Identity(name, tuple(regions), scope or _scope_from_text(report), report.year, report.report_kind)


def _scope_from_text(report: Report) -> str:
    """部门 or 单位 as the first pages say it (上海市普陀区2025年区级单位预算 / 部门预算)."""
    for page in report.pages[:2]:
        for line in page.lines[:8]:
            found = _SCOPE_TEXT.search(line.text.replace(" ", ""))
            if found:
                return found.group(1)
    return ""


@dataclass(frozen=True)
class Linking:
    """Departments found in a collection: groups of report indices, and what could not be placed."""

    groups: tuple[tuple[int, ...], ...]
    ambiguous: tuple[tuple[int, str], ...]  # (report index, why it was not linked)


def link(identities: list[Identity | None]) -> Linking:
    """Group reports by department; most specific regions first, so a report without regions
    joins the one department it fits, and is listed when it fits several."""
    order = sorted(range(len(identities)), key=lambda i: -len(identities[i].regions) if identities[i] else 0)
    groups: list[list[int]] = []
    ambiguous: list[tuple[int, str]] = []
    for index in order:
        own = identities[index]
        if own is None:
            ambiguous.append((index, "no department printed"))
            continue
        fits = [g for g in groups if all(own.same_department(identities[i]) for i in g)]
        if len(fits) > 1:
            names = "; ".join(identities[g[0]].department_key for g in fits)
            ambiguous.append((index, f"fits several departments: {names}"))
        elif fits:
            fits[0].append(index)
        else:
            groups.append([index])
    return Linking(tuple(tuple(sorted(g)) for g in groups), tuple(sorted(ambiguous)))
