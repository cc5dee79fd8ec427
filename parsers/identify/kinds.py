"""Which table is this, and which report? Titles → canonical kinds; cover text → year/kind/department.

Titles vary by province and year ("表1：2026年市级部门收支预算总表", "公开01表 收支总表",
"2024年一般公共预算“三公”经费支出情况表"), so the catalog is data (table_kinds.toml) and a
title is reduced to its core wording before an exact lookup: NFKC, no spaces or quotes, no
year / ordinal / "市级部门" / "公开NN表" decoration. Exact matching (not "contains") is what
keeps narrative lines such as "（一）收入支出预算总体情况（详见表1）" from naming a table.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from parsers.ideographs import is_han
from parsers.tables.segment import TABLE_NUMBER

_CATALOG = Path(__file__).with_name("table_kinds.toml")
REPORT_KINDS = ("预算", "决算")


@dataclass(frozen=True)
class TableKind:
    """A canonical table kind; ``number`` is the standard 公开NN表 number, when there is one."""

    id: str
    name: str
    report_kind: str
    number: int | None


# --------------------------------------------------------------------------- normalisation

_QUOTES = re.compile(r"[\"'“”‘’「」『』〝〞〃]")
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\ufeff]+")
_OCR_YEAR = re.compile(r"(?<!\d)([12]),?(\d{3})(?=\s*年)")  # "2,024年度" → "2024年度"
_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")
_CN_YEAR = re.compile(r"([〇○零一二三四五六七八九]{4})(?=年)")


@lru_cache(maxsize=16384)
def _norm(text: str) -> str:
    """NFKC, quotes removed, spaces removed, OCR-split and Chinese-numeral years repaired.
    Cached: every line is asked whether it names a table, some several times."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", _QUOTES.sub("", text))
    text = _CN_YEAR.sub(lambda m: m.group(1).translate(_CN_DIGITS), text)
    return _OCR_YEAR.sub(r"\1\2", text)


_MARKS = re.compile(r"公开\d{1,2}表|公开表\d{1,2}|\(续表?\)|续表$")
_PREFIXES = re.compile(
    r"^(?:[#>*•·\-]+"
    r"|第[一二三四五六七八九十]+部分"
    r"|(?:附件|附表)\d*[:.、]?"
    rf"|{TABLE_NUMBER}(?:-\d+)?[:.、]?"
    r"|[一二三四五六七八九十]+[、.]"
    r"|\([一二三四五六七八九十\d]+\)[、.]?"
    r"|\d{1,2}(?:[、.)]|(?=[^\d年]))"
    r")"
)
_TRAILING_YEAR = re.compile(r"\((?:19|20)\d{2}年度?\)$")
_YEAR = re.compile(r"(?:19|20)\d{2}年度?")
_NOISE = re.compile(
    r"^(?:(?:市|区|县|省)(?:级|本级)(?:部门|单位)?|部门预算|单位预算|预算单位|部门\(单位\)|单位\(部门\)|本级|部门|单位|\(单位\))"
)
_PAREN_TAIL = re.compile(r"\([^()]*\)$")


def _strip_loop(pattern: re.Pattern[str], text: str) -> str:
    while True:
        stripped = pattern.sub("", text, count=1)
        if stripped == text:
            return text
        text = stripped


def _core(text: str) -> str:
    """The wording that names the table, without decoration (shared by titles and patterns)."""
    text = _MARKS.sub("", _norm(text))
    text = _TRAILING_YEAR.sub("", _strip_loop(_PREFIXES, text))
    year = _YEAR.search(text)
    if year and year.start() <= 40:
        text = _strip_loop(_PREFIXES, text[year.end():])
    return _strip_loop(_NOISE, text)


# --------------------------------------------------------------------------- catalog


@dataclass(frozen=True)
class _Catalog:
    kinds: tuple[TableKind, ...]
    by_id: dict[str, TableKind]
    exact: dict[str, tuple[TableKind, ...]]
    suffixes: tuple[tuple[str, TableKind], ...]  # longest first
    by_subject: dict[str, tuple[tuple[str, TableKind], ...]]  # subject → (funds, kind), catalog order


@lru_cache(maxsize=1)
def _catalog() -> _Catalog:
    data = tomllib.loads(_CATALOG.read_text(encoding="utf-8"))
    kinds: list[TableKind] = []
    exact: dict[str, list[TableKind]] = {}
    suffixes: list[tuple[str, TableKind]] = []
    for entry in data["kind"]:
        kind = TableKind(entry["id"], entry["name"], entry["report_kind"], entry.get("number"))
        if kind.report_kind not in REPORT_KINDS or any(k.id == kind.id for k in kinds):
            raise ValueError(f"table_kinds.toml: bad or duplicate kind {kind.id!r}")
        kinds.append(kind)
        for pattern in [kind.name, *entry.get("patterns", [])]:
            core = _core(pattern)
            if not _PAREN_TAIL.sub("", core).endswith("表"):
                raise ValueError(f"table_kinds.toml: pattern {pattern!r} must name a 表")
            found = exact.setdefault(core, [])
            if kind not in found:
                if any(k.report_kind == kind.report_kind for k in found):
                    raise ValueError(f"table_kinds.toml: {pattern!r} names two {kind.report_kind} kinds")
                found.append(kind)
        suffixes.extend((_core(s), kind) for s in entry.get("suffixes", []))
    suffixes.sort(key=lambda item: -len(item[0]))
    by_subject: dict[str, list[tuple[str, TableKind]]] = {}
    for kind in kinds:  # the kind's own name says what it holds; variants must not outvote it
        wording = title_wording(_core(kind.name))
        if wording is not None:
            by_subject.setdefault(wording[1], []).append((wording[0], kind))
    return _Catalog(
        tuple(kinds), {k.id: k for k in kinds}, {c: tuple(ks) for c, ks in exact.items()}, tuple(suffixes),
        {subject: tuple(entries) for subject, entries in by_subject.items()},
    )


def table_kind(kind_id: str) -> TableKind:
    """The kind with this id; KeyError for an unknown id."""
    return _catalog().by_id[kind_id]


def all_table_kinds() -> list[TableKind]:
    """Every kind, in catalog order (决算 first, then 预算)."""
    return list(_catalog().kinds)


# --------------------------------------------------------------------------- wording

# Every title of these reports is built from two parts: whose money (the funds the table
# covers) and what it shows (the subject). "一般公共预算拨款支出预算表", "一般公共预算支出情况表"
# and "一般公共预算财政拨款支出表" all say (一般公共预算, 支出). A title that is in no list of
# variants is still read by its parts. Order matters: the first rule that fits wins.
_FUNDS = (
    ("non_fiscal", re.compile(r"非财政拨款")),
    ("gov_fund", re.compile(r"政府性基金")),
    ("soe_capital", re.compile(r"国有资本经营")),
    ("general_budget", re.compile(r"一般公共预算")),
    ("fiscal", re.compile(r"财政拨款|财政资金")),
)
_SUBJECTS = (
    ("three_public", re.compile(r"三公")),
    ("operating_costs", re.compile(r"机关运行经费|运行经费")),
    ("procurement", re.compile(r"政府采购")),
    ("purchase_services", re.compile(r"购买服务")),
    ("info_stats", re.compile(r"相关信息统计")),
    ("dept_performance", re.compile(r"整体.*绩效")),
    ("project_performance", re.compile(r"项目.*绩效|绩效目标")),
    ("basic", re.compile(r"基本支出")),
    ("project", re.compile(r"项目支出")),
    ("summary", re.compile(r"收支|收入支出|收入和支出|收入及支出")),
    ("economic", re.compile(r"经济分类汇总|按经济分类|经济分类(?:预算)?(?:情况)?表")),
    ("income", re.compile(r"收入")),
    ("expense", re.compile(r"支出")),
)


def title_wording(core: str) -> tuple[str, str] | None:
    """(funds, subject) a title's core wording names, e.g. ("general_budget", "expense")."""
    plain = _PAREN_TAIL.sub("", core)
    if not plain.endswith("表"):
        return None
    subject = next((name for name, pattern in _SUBJECTS if pattern.search(plain)), None)
    if subject is None:
        return None
    funds = next((name for name, pattern in _FUNDS if pattern.search(plain)), "department")
    return funds, subject


# --------------------------------------------------------------------------- titles

_TOC = re.compile(r"\.{2,}|…|·{2,}|-{3,}|_{3,}|\d+$")
_NARRATIVE = re.compile(r"[。;；,，!?]|详见|见表|见附|如下|说明|反映|本表|注:|备注|无数据|空表")


def identify_table(title: str, report_kind: str | None = None) -> TableKind | None:
    """The kind one printed title line names, or None for narrative, TOC lines and unknown tables.

    ``report_kind`` ("预算"/"决算") only chooses between kinds that share a generic title
    (收支总表, “三公”经费支出表); without it a title containing 决算 means 决算, else 预算.
    """
    text = _MARKS.sub("", _norm(title))
    if not text or len(text) > 80 or _TOC.search(text) or _NARRATIVE.search(text):
        return None
    core = _core(title)
    if ":" in core:
        return None
    candidates = [core]
    for token in ("部门", "单位"):  # "滑县医疗保障局部门收支总体情况表" → "收支总体情况表"
        if token in core[1:]:
            candidates.append(_strip_loop(_NOISE, core[core.rindex(token):]))
    for candidate in candidates:
        found = _lookup(candidate)
        if found:
            return _choose(found, report_kind, "决算" in text)
    wording = title_wording(core)
    return _by_wording(wording, report_kind, "决算" in text) if wording else None


def is_table_title(text: str) -> bool:
    """Does this printed line name a table? Segmentation's one question, where a table starts;
    the answer does not depend on the report kind, which only chooses between named kinds."""
    return identify_table(text) is not None


def _by_wording(wording: tuple[str, str], report_kind: str | None, says_final: bool) -> TableKind | None:
    """The kind with this subject in the report's kind of report, the same funds preferred.

    Templates differ in how they name the funds of one table (财政拨款"三公"经费表 in one
    province is 一般公共预算"三公"经费表 in another), never in its subject.
    """
    funds, subject = wording
    wanted = report_kind if report_kind in REPORT_KINDS else ("决算" if says_final else "预算")
    entries = _catalog().by_subject.get(subject, ())
    ranked = sorted(entries, key=lambda e: (e[1].report_kind != wanted, e[0] != funds))
    return ranked[0][1] if ranked else None


def identify_title(title: str, report_kind: str | None = None) -> tuple[TableKind, float, str] | None:
    """The kind a title names, how sure that is, and why: a listed title variant (1.0),
    or a title read by its wording (0.9)."""
    kind = identify_table(title, report_kind)
    if kind is None:
        return None
    core = _core(title)
    listed = any(_lookup(c) for c in (core, *(core[core.rindex(t):] for t in ("部门", "单位") if t in core[1:])))
    if listed:
        return kind, 1.0, "title"
    funds, subject = title_wording(core) or ("", "")
    return kind, 0.9, f"title wording ({funds}, {subject})"


def _lookup(core: str) -> tuple[TableKind, ...]:
    catalog = _catalog()
    plain = _PAREN_TAIL.sub("", core)
    if not plain.endswith("表"):
        return ()
    for variant in (core, plain):
        if variant in catalog.exact:
            return catalog.exact[variant]
    for suffix, kind in catalog.suffixes:
        if plain.endswith(suffix):
            return (kind,)
    return ()


def _choose(found: tuple[TableKind, ...], report_kind: str | None, says_final: bool) -> TableKind:
    if len(found) == 1:
        return found[0]
    wanted = report_kind if report_kind in REPORT_KINDS else ("决算" if says_final else "预算")
    return next((k for k in found if k.report_kind == wanted), found[0])


# --------------------------------------------------------------------------- document facts

_REPORT_TITLE = re.compile(r"(?:部门|单位)(?:预算|决算)|(?:预算|决算)(?:公开|报告|报表|表)")
_YEAR_HIT = re.compile(r"((?:19|20)\d{2})年(度)?")
_BARE_YEAR = re.compile(r"^((?:19|20)\d{2})(?:年度?)?$")
_DATE_OR_DEADLINE = re.compile(r"公开时间|印发|截至|截止|发布")


def _lines(text: str) -> list[str]:
    return [line for line in (_norm(raw).lstrip("#>-*• ") for raw in text.splitlines()) if line]


_TABLE_YEAR = re.compile(r"^\(?((?:19|20)\d{2})\(?年度\)?$")  # "（2026年度）", "2026（年度）"


def detect_year(text: str, table_rows: Iterable[Sequence[str]] = ()) -> int | None:
    """The report year; a year printed in (or next to) the report title beats narrative and dates;
    without one, the year a table prints on its own ("（2026年度）") above or in its rows."""
    return _year_in_text(text) or next(
        (int(m.group(1)) for cells in table_rows for cell in cells if (m := _TABLE_YEAR.match(_norm(cell)))), None
    )


def _year_in_text(text: str) -> int | None:
    lines = _lines(text)
    best: tuple[int, int, int] | None = None  # (score, -order, year)
    order = 0
    for index, line in enumerate(lines):
        near_title = any(_REPORT_TITLE.search(lines[j]) for j in (index - 1, index + 1) if 0 <= j < len(lines))
        hits = [(m.group(1), bool(m.group(2)), m.end()) for m in _YEAR_HIT.finditer(line)]
        bare = _BARE_YEAR.match(line)
        if bare and not hits:
            hits = [(bare.group(1), False, len(line))]
        for year, annual, end in hits:
            score = 2 * annual + 4 * bool(_REPORT_TITLE.search(line)) + 3 * (near_title and len(line) <= 12)
            if re.match(r"\d{1,2}月", line[end:]) or _DATE_OR_DEADLINE.search(line):
                score -= 5
            order += 1
            candidate = (score, -order, int(year))
            best = candidate if best is None or candidate > best else best
    return best[2] if best else None


_FINAL_TITLE = re.compile(r"(?:部门|单位)决算|决算(?:公开|报告|报表|表|总表|情况说明)|收入支出决算")
_BUDGET_TITLE = re.compile(
    r"(?:部门|单位)预算(?!项目|执行|绩效|编制|管理|单位|资金)|预算(?:公开|报告|表|总表|情况说明|编制说明|安排情况)|收支预算"
)


def detect_report_kind(text: str) -> str | None:
    """"预算" or "决算": the cover/title lines decide; otherwise the more frequent report wording."""
    lines = _lines(text)
    for line in lines[:10]:
        final, budget = _FINAL_TITLE.search(line), _BUDGET_TITLE.search(line)
        if final or budget:
            return "决算" if final and (not budget or final.start() <= budget.start()) else "预算"
    joined = "\n".join(lines)
    finals, budgets = len(_FINAL_TITLE.findall(joined)), len(_BUDGET_TITLE.findall(joined))
    if finals == budgets:
        return None
    return "决算" if finals > budgets else "预算"


_LABEL = re.compile(
    r"(?:^|(?<=\s))(?:预算主管部门|编制部门|编制单位|填报单位|部门名称|单位名称|主管部门|预算单位|部门|单位)\s*:\s*(\S+)"
)
_FIELD_CELL = re.compile(r"(?:预算主管部门|编制部门|编制单位|填报单位|部门名称|单位名称|主管部门|预算单位)(?:\(盖章\))?:?")
_VALUE_END = re.compile(r"(?:金额)?单位:|(?:19|20)\d{2}年|公开\d{1,2}表")
_COVER_PATTERNS = (
    re.compile(r"^(?:19|20)\d{2}年度?(?P<name>.+?)(?:部门|单位)(?:预算|决算)"),
    re.compile(r"^(?P<name>.+?)(?:19|20)\d{2}年度?(?:[市区县省]级)?(?:部门|单位)(?:预算|决算)"),
    re.compile(r"^(?P<name>.+?)(?:年度)?(?:部门|单位)(?:预算|决算)(?:信息)?(?:公开)?(?:报告)?$"),
)
_COVER_END = re.compile(r"(?:部门|单位)(?:预算|决算)(?:信息)?(?:公开)?(?:报告|报表)?$")
_COVER_PIECE = re.compile(r"^[^:;,.、。，；!?]{2,30}$")
#: Places only ("江苏省南京市"): of ideographs alone (``_region_only``), each place ending in its level.
_REGION_ONLY = re.compile(r"^(?:.{1,8}?(?:自治区|自治州|自治县|省|市|区|县|旗|州|盟))+$")
_NOT_A_NAME = re.compile(r"预算|决算|说明|公开|情况|部分|目录|报告|表|^[市区县省]级|^[本我该各]|万元|^元$")
_SENTENCE_MARK = re.compile(r"[。，；、,;]")
# A department's name ends with the kind of body it is (局, 委员会, 办公室, 中心, 街道办事处,
# "…及下属单位"), a parenthesis aside ("（本级）"). Anything else ends in a word that is not part
# of the name: "深圳市人民政府办公厅纳入" is a sentence (…纳入2026年部门预算编制范围的单位).
_BODY_END = re.compile(r"(?:[局会委办室厅部所校站队院馆处园府署台社司团联行场厂库狱组科股庭关宫学镇乡]|中心|单位|基地|街道)$")
_GENERIC_TAIL = "部门"  # 北京市统计局部门: the word for what the body is, printed after its name


def _region_only(value: str) -> bool:
    return all(map(is_han, value.removesuffix("\n"))) and _REGION_ONLY.match(value) is not None  # $ allows a last \n


def _clean_name(value: str) -> str | None:
    value = _VALUE_END.split(value, maxsplit=1)[0]
    value = _strip_loop(_PREFIXES, value.rsplit(":", 1)[-1]).strip("-—·.,、 ")
    if value.endswith(_GENERIC_TAIL) and _BODY_END.search(value.removesuffix(_GENERIC_TAIL)):
        value = value.removesuffix(_GENERIC_TAIL)
    cjk = len(re.findall(r"[\u4e00-\u9fff]", value))
    if not 3 <= len(value) <= 40 or cjk < 3 or re.search(r"\d", value) or _SENTENCE_MARK.search(value):
        return None
    if _region_only(value) or _NOT_A_NAME.search(value) or not _BODY_END.search(_strip_loop(_PAREN_TAIL, value)):
        return None
    return value.replace("(", "（").replace(")", "）")


def _cover_titles(lines: list[str]) -> Iterator[str]:
    """Cover titles as printed, rejoined: a cover wraps "2026年度 / 某某局 / （本级） / 部门预算"
    over two to four short lines, and the name is only whole when they are read as one."""
    for end, line in enumerate(lines):
        if not _COVER_END.search(line) or ":" in line:
            continue
        start = end
        while start > 0 and end - start < 3 and _COVER_PIECE.match(lines[start - 1]) and not _COVER_END.search(lines[start - 1]):
            start -= 1
        for first in range(start, end + 1):
            yield "".join(lines[first : end + 1])


def detect_department(text: str, table_rows: Iterable[Sequence[str]] = ()) -> str | None:
    """The department as printed: a 部门/编制单位/部门名称 field first, else the cover or title
    line, else a field printed with the tables (``table_rows``: the cells of the 部门：lines the
    segmenter set aside and of the tables' rows, from every page), else a line shaped like a
    cover title.

    A field's value ends at the next field; a value running on into a sentence (…；全市…) is a
    narrative that happens to start with 单位：, not a field. A line holding ":" is never a cover.
    """
    name = _field_value(text.splitlines())
    if name:
        return name
    lines = _lines(text)
    for title in _cover_titles(lines):
        name = _cover_name(_strip_loop(_PREFIXES, title))
        if name:
            return name
    name = _field_in_cells(table_rows)
    if name:
        return name
    for line in lines:
        line = _strip_loop(_PREFIXES, line)
        if len(line) > 50 or ":" in line or _NARRATIVE.search(line.replace("说明", "")):
            continue
        name = _cover_name(line)
        if name:
            return name
    return None


def _field_value(lines: Iterable[str]) -> str | None:
    """The first 部门：/编制单位：/预算单位：… field whose value is a department's name."""
    for raw in lines:
        for match in _LABEL.finditer(unicodedata.normalize("NFKC", raw).strip()):
            name = _clean_name(match.group(1))
            if name:
                return name
    return None


def _field_in_cells(rows: Iterable[Sequence[str]]) -> str | None:
    """A field printed with a table: "部门：X" in a line, or in a ruled row a cell holding only
    the label (部门名称, 预算单位 …) and the next cell holding the value."""
    for cells in rows:
        name = _field_value([" ".join(cells)])
        if name:
            return name
        for label, value in zip(cells, cells[1:]):
            if _FIELD_CELL.fullmatch(_norm(label)):
                name = _clean_name(_norm(value))
                if name:
                    return name
    return None


def _cover_name(line: str) -> str | None:
    for pattern in _COVER_PATTERNS:
        match = pattern.search(line)
        name = _clean_name(match.group("name")) if match else None
        if name:
            return name
    return None
