"""Map every line item to a standard 科目, reconciliation style: ranked candidates, a decision, a reason.

Code first, the name verifies it: a printed code whose catalog name disagrees with the
printed name is a conflict shown with both candidates (seed 003 prints 30208 物业管理费;
物业管理费 is 30209). Rows without codes are resolved by name inside the hierarchy the rows
above have established (行政运行 exists under dozens of 款; the 款 above decides which),
or by a narrative path "卫生健康支出(类)行政事业单位医疗(款)行政单位医疗(项)". Fuzzy
scores come from rapidfuzz, computed in one batch per table for speed. The same text in the
same context always gets the same decision.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz import fuzz, process

from app.matching.catalog import Catalog, Edition, Entry, current_catalog
from app.wording import in_language
from parsers.model import CHART_KIND, Candidate, Match, Report, Row, Table


@dataclass(frozen=True)
class MatchSettings:
    """Thresholds on the 0–100 name score."""

    agree: float = 90.0  # printed code's catalog name vs printed name: they agree
    auto_fuzzy: float = 95.0  # a name-only match this good (and clear of the runner-up) is automatic
    margin: float = 4.0
    floor: float = 60.0  # below this a candidate is not worth showing
    top_k: int = 5


_LEVEL_MARK = re.compile(r"[(（]\s*(类|款|项)\s*[)）]")
_ENUM = re.compile(r"^(?:[一二三四五六七八九十百]+[、.．]|[(（][一二三四五六七八九十百\d]+[)）]|\d{1,2}[.、．](?!\d))\s*")
_PREFIX = re.compile(r"^(?:其中[:：]|其中)")
_TRAILER = re.compile(r"[:：]$|[(（](?:万元|元)[)）]$")
_ORG = re.compile(r"(?:局|委员会|办公室|办公厅|中心|院|所|站|队|处|馆|学校|本级|单位|政府|委|办)(?:[(（].*[)）])?$")
_TOTALS = {"合计", "总计", "小计", "共计"}
#: OCR misreads whose wrong character never occurs in a 科目 name, so they can be undone safely.
_CONFUSABLES = str.maketrans({"〇": "0", "—": "-", "－": "-", "曰": "日", "攴": "支", "岀": "出", "亊": "事", "貝": "贝", "亍": "行"})
#: Table kinds (by id fragment) whose rows are not 科目 lines: statistics, 三公, performance, projects.
NON_SUBJECT_KINDS = ("info_stats", "three_public", "performance", "project_expense", "purchase_services", CHART_KIND)

#: Every reason a match can give: id → (English, Chinese). The English text is the JSON contract's
#: ``reason``; the workbench shows the reviewer's language (``reason_text``).
REASONS: dict[str, tuple[str, str]] = {
    "no_label": ("no label printed on this row", "本行未印名称"),
    "summary_label": ("standard summary-table label", "汇总表标准栏目"),
    "total_line": ("table total line", "表的合计行"),
    "not_subject_table": ("this table's rows are not 科目 lines", "本表各行不是科目行"),
    "not_class_line": ("not a 类 line of the summary table", "不是汇总表的类级行"),
    "class_named": ("summary-table line names this 类", "汇总表行即此类"),
    "class_resembles": ("summary-table line resembles these 类", "汇总表行近似这些类"),
    "other_year_class": ("{code} {name} is valid {start}–{end}, not in {year}", "{code} {name} 仅 {start}–{end} 年有效，{year} 年不适用"),
    "misprint_no_subject": ("known misprint: {code} is not a 科目; {printed} is {correct}", "已知印刷错误：{code} 不是科目；{printed} 应为 {correct}"),
    "misprint": ("known misprint: {code} is {name}; {printed} is {correct}", "已知印刷错误：{code} 是 {name}；{printed} 应为 {correct}"),
    "code_other_year": ("code {code} ({name}) is not valid in {year} (valid {years})", "编码 {code}（{name}）{year} 年无效（有效期 {years}）"),
    "year_unknown_code": ("report year unknown: {code} is {name} from {start}, and was {old} until {end}", "报告年度不明：{code} 自 {start} 年起为 {name}，{end} 年及以前为 {old}"),
    "year_unknown_retired": ("report year unknown: {code} {name} is a 科目 until {end} only", "报告年度不明：{code} {name} 仅在 {end} 年及以前是科目"),
    "code_unknown": ("code {code} is not in the catalog", "编码 {code} 不在科目表中"),
    "unit_code": ("{code} is a unit code; an organisation line, not a 科目", "{code} 是单位编码：单位行，不是科目"),
    "code_no_name": ("code found; no name printed", "编码存在，未印名称"),
    "code_name_agree": ("code and name agree", "编码与名称一致"),
    "code_name_conflict": ("code/name conflict: {code} is {name}, but {printed} is {other}", "编码与名称冲突：{code} 是 {name}，而 {printed} 是 {other}"),
    "code_name_differs": ("code {code} found but its name is {name}", "编码 {code} 存在，但其名称是 {name}"),
    "organisation": ("an organisation line, not a 科目", "单位行，不是科目"),
    "no_resemblance": ("no catalog entry resembles this name", "科目表中没有相近的名称"),
    "exact_name": ("name matches exactly", "名称完全一致"),
    "exact_name_under": ("name matches exactly, under {parent} (rows above)", "名称完全一致，属上方的 {parent}"),
    "ambiguous_name": ("name occurs {count} times in the catalog; context does not decide", "名称在科目表中出现 {count} 次，上下文无法确定"),
    "close_name": ("close name match", "名称相近"),
    "close_name_under": ("close name match, under {parent} (rows above)", "名称相近，属上方的 {parent}"),
    "name_resembles": ("name resembles these 科目", "名称近似这些科目"),
    "empty_path": ("empty path", "路径为空"),
    "narrative_path": ("narrative path resolved level by level", "按类/款/项路径逐级确定"),
    "organisation_neighbours": ("an organisation line, like most lines of this table", "单位行（本表多数行为单位）"),
    "summary_sub_line": ("sub-line of the summary table; the same name is {code} in {table}", "汇总表的细项：同名行在{table}中为 {code}"),
    "confirmed_by": ("confirmed by {who}", "{who} 已确认"),
    "chosen_by": ("chosen by {who}", "{who} 选定"),
    "not_subject_by": ("not a 科目 line (by {who})", "非科目行（{who} 判定）"),
    "rejected_by": ("mapping rejected by {who}", "{who} 拒绝了此映射"),
}


def reason(reason_id: str, **fields: object) -> str:
    """The English reason (the JSON contract's wording) for ``reason_id``."""
    return REASONS[reason_id][0].format(**fields)


def reason_text(text: str, lang: str) -> str:
    """A match reason in the reviewer's language; text no template produced is shown as it is."""
    return in_language(text, tuple(REASONS.values()), lang)


def is_two_sided(table: Table) -> bool:
    """收支总表-style: 收入 and 支出 sides (columns carry the side); its 支出 lines name 类."""
    return any(c.group for c in table.columns)


def _stem(name: str) -> str:
    return name[:-2] if name.endswith("支出") and len(name) > 3 else name


def _class_score(printed: str, catalog: str) -> float:
    """Exact, or a cut-short print of the catalog name (≥ 4 characters), counts as a match."""
    if printed == catalog:
        return 100.0
    if len(printed) >= 4 and catalog.startswith(printed):
        return 95.0
    return fuzz.ratio(printed, catalog)


def normalize_name(text: str) -> str:
    """Printed name → comparison key: width, spaces, enumerators, (类)(款)(项) marks, 其中."""
    text = unicodedata.normalize("NFKC", text or "").translate(_CONFUSABLES)
    text = re.sub(r"\s+", "", text)
    text = _LEVEL_MARK.sub("", text)
    for _ in range(2):
        text = _ENUM.sub("", text)
        text = _PREFIX.sub("", text)
    return _TRAILER.sub("", text)


def _family_of_code(code: str) -> str:
    return {"1": "income", "2": "functional", "3": "economic_dept", "5": "economic_gov"}.get(code[:1], "functional")


class Matcher:
    """Matches the rows of reports of one year against one catalog edition."""

    def __init__(self, edition: Edition, settings: MatchSettings = MatchSettings()) -> None:
        self.edition = edition
        self.settings = settings
        self.by_name: dict[str, list[Entry]] = {}
        self.choices: dict[str, tuple[list[str], list[Entry]]] = {}
        for entry in edition.entries:
            for name in edition.all_names(entry):
                key = normalize_name(name)
                bucket = self.by_name.setdefault(key, [])
                if entry not in bucket:
                    bucket.append(entry)
                names, entries = self.choices.setdefault(entry.family, ([], []))
                names.append(key)
                entries.append(entry)
        self.classes = [e for e in edition.entries if e.level == "类" and e.family == "functional"]
        self.summary: dict[tuple[str, str | None], tuple[str, str]] = {}
        for label in edition.catalog.summary:
            for name in (label.name, *label.aliases):
                self.summary.setdefault((normalize_name(name), label.side or None), (label.label_id, label.name))
        self._memo: dict[tuple, Match] = {}
        self._next_name = ""  # the following row's name, for parent/child lookahead
        self._previous_code: str | None = None
        self.by_name_any_year: dict[str, list[Entry]] = {}
        for entry in edition.catalog.entries:
            for name in (entry.name, *entry.aliases):
                self.by_name_any_year.setdefault(normalize_name(name), []).append(entry)

    # -- public -------------------------------------------------------------------------
    def match_report(self, report: Report) -> Report:
        tables = [self.match_table(t) for t in report.tables]
        return replace(report, tables=tuple(_summary_sub_lines(tables)))

    def match_table(self, table: Table) -> Table:
        family = self._table_family(table)
        fuzzy = self._prefetch(table, family)
        context: list[Entry] = []
        rows = []
        self._previous_code = None
        names = [normalize_name(r.name) for r in table.rows]
        for index, row in enumerate(table.rows):
            self._next_name = names[index + 1] if index + 1 < len(names) else ""
            match = self._match_row(row, table, family, context, fuzzy)
            rows.append(replace(row, match=match))
            self._previous_code = match.code if match.kind == "subject" else None
            if match.kind == "subject" and match.code and match.decision != "none":
                entry = self.edition.by_code.get(match.code)
                if entry is not None:
                    context[:] = self.edition.path(entry.code)
        return replace(table, rows=tuple(_organisation_neighbours(rows)))

    # -- per row --------------------------------------------------------------------------
    def _match_row(self, row: Row, table: Table, family: str, context: list[Entry], fuzzy: dict) -> Match:
        key = (table.kind, row.code, normalize_name(row.name), context[-1].code if context else None, self._next_name, self._previous_code)
        if key not in self._memo:
            self._memo[key] = self._decide(row, table, family, context, fuzzy)
        return self._memo[key]

    def _decide(self, row: Row, table: Table, family: str, context: list[Entry], fuzzy: dict) -> Match:
        name = normalize_name(row.name)
        if row.code:
            return self._by_code(row.code, name, row.name, family, fuzzy)
        if not name:
            return Match(None, None, 0.0, "none", reason("no_label"), (), "total")
        label = self._summary_label(name, row.group, is_two_sided(table))
        if label:
            return Match(label[0], label[1], 100.0, "auto", reason("summary_label"), (Candidate(label[0], label[1], 100.0),), "summary")
        if name in _TOTALS:
            return Match(None, name, 100.0, "auto", reason("total_line"), (), "total")
        if any(word in table.kind for word in NON_SUBJECT_KINDS):
            return Match(None, None, 0.0, "none", reason("not_subject_table"), (), "label")
        if _LEVEL_MARK.search(row.name):
            return self._by_path(row.name, family)
        if is_two_sided(table):
            return self._by_class_name(name, row.name, fuzzy)
        return self._by_name(name, family, context, fuzzy)

    def _summary_label(self, name: str, side: str | None, two_sided: bool) -> tuple[str, str] | None:
        """A standard label; 总计 on the 支出 side is 支出总计. Plain 合计 is a total line, not a label."""
        if two_sided and side:
            found = self.summary.get((name, side))
            if found:
                return found
            if name in _TOTALS:
                return self.summary.get(("收入总计" if side == "收入" else "支出总计", side))
        if name in _TOTALS:
            return None
        return self.summary.get((name, None)) or next((v for (n, _), v in self.summary.items() if n == name), None)

    def _by_class_name(self, name: str, printed: str, fuzzy: dict) -> Match:
        """收支总表 lines name a 类, often without 支出 or cut short ("(十五)资源勘探信息等支")."""
        stem = _stem(name)
        scored = []
        for entry in self.classes:
            names = self.edition.all_names(entry)
            best = max(_class_score(stem, _stem(normalize_name(n))) for n in names)
            scored.append((entry, best))
        scored.sort(key=lambda item: -item[1])
        candidates = tuple(self._candidate(e, s) for e, s in scored[: self.settings.top_k] if s >= self.settings.floor)
        if not candidates:
            retired = self._other_year_class(stem)
            if retired:
                return retired
            return Match(None, None, 0.0, "none", reason("not_class_line"), (), "label")
        best = candidates[0]
        runner_up = candidates[1].score if len(candidates) > 1 else 0.0
        if best.score >= self.settings.agree and best.score - runner_up >= self.settings.margin:
            return Match(best.code, best.name, best.score, "auto", reason("class_named"), candidates)
        retired = self._other_year_class(stem)
        return retired or Match(best.code, best.name, best.score, "review", reason("class_resembles"), candidates)

    def _other_year_class(self, stem: str) -> Match | None:
        """A template line for a 类 of another year (抗疫特别国债安排的支出 in a 2024 report)."""
        for entries in self.edition.other_years.values():
            for entry in entries:
                if entry.level == "类" and _class_score(stem, _stem(normalize_name(entry.name))) >= self.settings.agree:
                    return Match(
                        entry.code, entry.name, 100.0, "review",
                        reason("other_year_class", code=entry.code, name=entry.name, start=entry.valid_from or "", end=entry.valid_to or "", year=self.edition.year),
                        (Candidate(entry.code, entry.name, 100.0, (entry.name,)),),
                    )
        return None

    def _by_code(self, code: str, name: str, printed: str, family: str, fuzzy: dict) -> Match:
        misprint = self.edition.misprints.get((code, printed)) or self.edition.misprints.get((code, name))
        entry = self.edition.by_code.get(code)
        if misprint:
            right = self.edition.by_code.get(misprint.correct_code) or next(iter(self.edition.other_years.get(misprint.correct_code, [])), None)
            candidates = tuple(c for c in (self._candidate(right, 100.0), self._candidate(entry, self._score(name, entry))) if c)
            chosen = right or entry
            return Match(
                chosen.code if chosen else None, chosen.name if chosen else None, 100.0, "review",
                reason("misprint", code=code, name=entry.name, printed=printed, correct=misprint.correct_code) if entry
                else reason("misprint_no_subject", code=code, printed=printed, correct=misprint.correct_code), candidates,
            )
        if self.edition.year is None:
            other_meaning = self._other_edition(code, name, entry)
            if other_meaning is not None:
                return other_meaning
        if entry is None:
            other = self.edition.other_years.get(code)
            if other:
                years = ", ".join(f"{e.valid_from or ''}–{e.valid_to or ''}" for e in other)
                why = reason("code_other_year", code=code, name=other[0].name, year=self.edition.year, years=years)
            else:
                why = reason("code_unknown", code=code)
            if _ORG.search(name) and not self.by_name.get(name):
                return Match(None, None, 0.0, "none", reason("unit_code", code=code), (), "unit")
            by_name = self._name_candidates(name, _family_of_code(code), [], fuzzy)
            best = by_name[0] if by_name else None
            return Match(best.code if best else None, best.name if best else None, best.score if best else 0.0,
                         "review" if best else "none", why, tuple(by_name))
        if not name:
            return Match(code, entry.name, 100.0, "auto", reason("code_no_name"), (self._candidate(entry, 100.0),))
        score = self._score(name, entry)
        if score >= self.settings.agree:
            return Match(code, entry.name, score, "auto", reason("code_name_agree"), (self._candidate(entry, score),))
        by_name = [c for c in self._name_candidates(name, entry.family, [], fuzzy) if c.code != code]
        printed_code = self._candidate(entry, score)
        if by_name and by_name[0].score >= self.settings.agree:
            return Match(
                code, entry.name, score, "review",
                reason("code_name_conflict", code=code, name=entry.name, printed=printed, other=by_name[0].code),
                (by_name[0], printed_code, *by_name[1:]),
            )
        return Match(code, entry.name, score, "review", reason("code_name_differs", code=code, name=entry.name), (printed_code, *by_name))

    def _other_edition(self, code: str, name: str, entry: Entry | None) -> Match | None:
        """A report of unknown year printing a code with the name it has in another edition
        (30311 住房公积金: 2017 and earlier; 30311 is 代缴社会保险费 from 2018): say so, and offer both."""
        if entry is not None and name and self._score(name, entry) >= self.settings.agree:
            return None
        old = next((e for e in self.edition.reused(code) if name and _name_score(name, e) >= self.settings.agree), None)
        if old is None:
            return None
        if entry is not None:
            why = reason("year_unknown_code", code=code, name=entry.name, start=entry.valid_from or "", old=old.name, end=old.valid_to)
        else:
            why = reason("year_unknown_retired", code=code, name=old.name, end=old.valid_to)
        successor = self.edition.by_code.get(old.successor) if old.successor not in ("", "-") else None
        older = Candidate(old.code, old.name, 100.0, tuple(e.name for e in self.edition.catalog.edition(old.valid_to).path(old.code)))
        candidates = tuple(c for c in (self._candidate(successor, 100.0), older, self._candidate(entry, self._score(name, entry))) if c)
        chosen = candidates[0]
        return Match(chosen.code, chosen.name, chosen.score, "review", why, candidates)

    def _by_name(self, name: str, family: str, context: list[Entry], fuzzy: dict) -> Match:
        candidates = self._name_candidates(name, family, context, fuzzy)
        if not candidates:
            kind = "unit" if _ORG.search(name) else "subject"
            return Match(None, None, 0.0, "none", reason("organisation") if kind == "unit" else reason("no_resemblance"), (), kind)
        best = candidates[0]
        runner_up = candidates[1].score if len(candidates) > 1 else 0.0
        exact = [c for c in candidates if c.score >= 100.0]
        if best.score >= 100.0 and len(exact) == 1:
            return Match(best.code, best.name, best.score, "auto", self._why(best, context, "exact_name"), tuple(candidates))
        if best.score >= 100.0:
            return Match(best.code, best.name, best.score, "review", reason("ambiguous_name", count=len(exact)), tuple(candidates))
        if best.score >= self.settings.auto_fuzzy and best.score - runner_up >= self.settings.margin:
            return Match(best.code, best.name, best.score, "auto", self._why(best, context, "close_name"), tuple(candidates))
        if _ORG.search(name):  # named like an organisation and no catalog name fits exactly
            return Match(None, None, 0.0, "none", reason("organisation"), tuple(candidates), "unit")
        return Match(best.code, best.name, best.score, "review", reason("name_resembles"), tuple(candidates))

    def _by_path(self, printed: str, family: str) -> Match:
        """"卫生健康支出(类)行政事业单位医疗(款)行政单位医疗(项)" resolved level by level."""
        parts = [p for p in _LEVEL_MARK.split(printed) if p and p not in ("类", "款", "项")]
        context: list[Entry] = []
        match = Match(None, None, 0.0, "none", reason("empty_path"), ())
        for part in parts:
            match = self._by_name(normalize_name(part), family, context, {})
            entry = self.edition.by_code.get(match.code or "")
            if entry is None:
                return replace(match, decision="review" if match.code else "none")
            context[:] = self.edition.path(entry.code)
        return replace(match, reason=reason("narrative_path"))

    # -- candidates --------------------------------------------------------------------------
    def _name_candidates(self, name: str, family: str, context: list[Entry], fuzzy: dict) -> list[Candidate]:
        """Exact names first (ranked by how well they fit the context), then fuzzy ones."""
        exact = [e for e in self.by_name.get(name, []) if e.family == family]
        exact = self._parent_or_child(exact)
        if exact:
            ranks = {e.code: self._context_rank(e, context) for e in exact}
            ranked = sorted(exact, key=lambda e: ranks[e.code])[: self.settings.top_k]
            best_rank = ranks[ranked[0].code]
            return [self._candidate(e, 100.0 if ranks[e.code] == best_rank else 99.0) for e in ranked]
        scored = fuzzy.get(name)
        if scored is None:
            scored = self._fuzzy(name, family)
        ranked = sorted(scored, key=lambda item: (-item[1], self._context_rank(item[0], context)))
        return [self._candidate(e, s) for e, s in ranked[: self.settings.top_k]]

    def _parent_or_child(self, exact: list[Entry]) -> list[Entry]:
        """款 "其他…支出" and its 项 of the same name: the 款 only if the next row sits under it."""
        by_code = {e.code: e for e in exact}
        pairs = [(by_code[c.parent], c) for c in exact if c.parent in by_code]
        if not pairs:
            return exact
        parent, child = pairs[0]
        if self._previous_code == parent.code:  # the 款 was the row above: this is its 项
            return [e for e in exact if e is not parent]
        following = self.by_name_any_year.get(self._next_name, [])
        drop = child if any(f.parent == parent.code for f in following) else parent
        return [e for e in exact if e is not drop]

    def _context_rank(self, entry: Entry, context: list[Entry]) -> int:
        """0 = child of the deepest context row, 1 = child of its parent, …; unrelated last."""
        for depth, ancestor in enumerate(reversed(context)):
            if entry.parent == ancestor.code:
                return depth
        if entry.parent is None:
            return len(context)
        return len(context) + 1 + {"类": 0, "款": 1, "项": 2}.get(entry.level, 3)

    def _fuzzy(self, name: str, family: str) -> list[tuple[Entry, float]]:
        names, entries = self.choices.get(family, ([], []))
        found = process.extract(name, names, scorer=fuzz.WRatio, limit=self.settings.top_k * 3, score_cutoff=self.settings.floor)
        return _dedupe((entries[i], score) for _, score, i in found)

    def _prefetch(self, table: Table, family: str) -> dict[str, list[tuple[Entry, float]]]:
        """Fuzzy candidates for every distinct name of the table that has no exact match, in one batch."""
        names, entries = self.choices.get(family, ([], []))
        queries = sorted({normalize_name(r.name) for r in table.rows} - set(self.by_name) - {""})
        if not queries or not names:
            return {}
        import numpy as np  # loads only when names are matched, not when a matched report is re-opened

        scores = process.cdist(queries, names, scorer=fuzz.WRatio, score_cutoff=self.settings.floor, workers=-1, dtype=np.uint8)
        out = {}
        limit = self.settings.top_k * 3
        for query, row in zip(queries, scores):
            top = np.argpartition(row, -limit)[-limit:] if len(row) > limit else np.arange(len(row))
            out[query] = _dedupe((entries[i], float(row[i])) for i in top[np.argsort(-row[top])] if row[i] > 0)
        return out

    def _score(self, name: str, entry: Entry | None) -> float:
        if entry is None or not name:
            return 0.0
        return max(fuzz.WRatio(name, normalize_name(n)) for n in self.edition.all_names(entry))

    def _candidate(self, entry: Entry | None, score: float) -> Candidate | None:
        if entry is None:
            return None
        return Candidate(entry.code, entry.name, round(score, 1), tuple(e.name for e in self.edition.path(entry.code)))

    def _why(self, best: Candidate, context: list[Entry], reason_id: str) -> str:
        entry = self.edition.by_code.get(best.code)
        if context and entry is not None and entry.parent in {c.code for c in context}:
            return reason(f"{reason_id}_under", parent=entry.parent)
        return reason(reason_id)

    def _table_family(self, table: Table) -> str:
        """By the codes printed; without codes, by which classification knows most of the names."""
        prefixes = [r.code[:1] for r in table.rows if r.code]
        if prefixes:
            return _family_of_code(max(set(prefixes), key=prefixes.count))
        hits: dict[str, int] = {"functional": 0}
        for row in table.rows:
            for family in {e.family for e in self.by_name.get(normalize_name(row.name), [])}:
                hits[family] = hits.get(family, 0) + 1
        return max(hits, key=lambda family: (hits[family], family == "functional"))


def _name_score(name: str, entry: Entry) -> float:
    return max(fuzz.WRatio(name, normalize_name(n)) for n in (entry.name, *entry.aliases))


def _organisation_neighbours(rows: list[Row]) -> list[Row]:
    """A table that lists organisations (收入总表 by unit): when most named rows are organisation
    lines, a row the catalog only resembles is one too (a name cut by a line break, a 技工学校)."""
    named = [r for r in rows if r.match is not None and r.match.kind in ("subject", "unit")]
    units = sum(1 for r in named if r.match.kind == "unit")
    if units < 2 or units * 2 < len(named):
        return rows
    return [
        replace(r, match=Match(None, None, 0.0, "none", reason("organisation_neighbours"), r.match.candidates, "unit"))
        if r.match is not None and r.match.kind == "subject" and r.match.decision in ("review", "none") and r.match.score < 100.0
        else r
        for r in rows
    ]


def _summary_sub_lines(tables: list[Table]) -> list[Table]:
    """Sub-lines of a two-sided summary (职业教育 under 教育支出 in a 收支总表) are the 款/项 the
    report's expense tables print with the same name (by code, or by an exact name): take the mapping found there, the
    n-th same-named sub-line getting the n-th coded row, instead of asking about their 类."""
    elsewhere: dict[str, list[tuple[Row, Table]]] = {}
    for table in tables:
        if is_two_sided(table):
            continue
        for row in table.rows:
            m = row.match
            if m is not None and m.kind == "subject" and m.decision == "auto" and m.code and (row.code or m.score >= 100.0):
                elsewhere.setdefault(normalize_name(row.name), []).append((row, table))
    out = []
    for table in tables:
        if not is_two_sided(table):
            out.append(table)
            continue
        seen: dict[str, int] = {}
        rows = []
        for row in table.rows:
            name = normalize_name(row.name)
            found = elsewhere.get(name, [])
            m = row.match
            if not found or m is None or m.decision == "auto" or m.kind not in ("subject", "label"):
                rows.append(row)
                continue
            nth = seen.get(name, 0)
            seen[name] = nth + 1
            codes = {source.match.code for source, _ in found}
            if len(codes) > 1 and nth >= len(found):
                rows.append(row)
                continue
            source, source_table = found[min(nth, len(found) - 1)]
            why = reason("summary_sub_line", code=source.match.code, table=source_table.title or source_table.kind)
            rows.append(replace(row, match=replace(source.match, reason=why)))
        out.append(replace(table, rows=tuple(rows)))
    return out


def _dedupe(scored) -> list[tuple[Entry, float]]:
    best: dict[str, tuple[Entry, float]] = {}
    for entry, score in scored:
        if entry.code not in best or best[entry.code][1] < score:
            best[entry.code] = (entry, score)
    return sorted(best.values(), key=lambda item: -item[1])


def match_report(report: Report, catalog: Catalog | None = None, settings: MatchSettings = MatchSettings()) -> Report:
    """The report with a ``match`` on every row."""
    return matcher_for((catalog or current_catalog()).edition(report.year), settings).match_report(report)


@lru_cache(maxsize=16)
def matcher_for(edition: Edition, settings: MatchSettings = MatchSettings()) -> Matcher:
    """One matcher per catalog edition: its name index is built once, its memo reused."""
    return Matcher(edition, settings)


def search_catalog(edition: Edition, query: str, limit: int = 12) -> list[tuple[str, str, float]]:
    """(code, 类/款/项 path, score) for a code prefix or a fuzzy name — the catalog search box."""
    query = query.strip()
    if not query:
        return []
    if query.isdigit():
        hits = [(e, 100.0) for e in edition.entries if e.code.startswith(query)][:limit]
    else:
        names = [normalize_name(e.name) for e in edition.entries]
        found = process.extract(normalize_name(query), names, scorer=fuzz.WRatio, limit=limit)
        hits = [(edition.entries[i], score) for _, score, i in found]
    return [(e.code, " / ".join(p.name for p in edition.path(e.code)), round(s, 1)) for e, s in hits]
