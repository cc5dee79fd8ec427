"""The 情况说明 against the tables and against arithmetic.

Sentences are read page by page (lines joined, split at 。；). Checked:
- headline figures (收入总计, 支出总计, 本年收入合计, 本年支出合计, “三公”经费 决算/预算) against
  the tables, converting units;
- shares: "X 万元，占 P%" against the whole the sentence names before "其中";
- growth: "比上年增加 D 万元，增长 R%" against the current figure before it; 增加 with 下降
  is a contradiction;
- comparison words: 决算数 大于/小于/等于/持平 预算数 against the two amounts, and
  "完成预算的 P%".
Only unambiguous phrasings are read; anything else is left alone rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from app.checks import Finding, Location, rule
from app.checks.arith import fmt
from parsers.model import Report, Table
from parsers.amounts import YUAN_PER_UNIT

NUM = r"(-?\d[\d,，]*(?:\.\d+)?)"
_SENTENCES = re.compile(r"[^。]+。?")  # "；" stays inside: "其中：A…，占 x%；B…，占 y%" is one statement
_HEADLINE = re.compile(r"(本年收入合计|本年支出合计|收入总计|支出总计)(?:为|是|共计|：|:)?\s*" + NUM + r"\s*万元")
_THREE_PUBLIC = re.compile(r"三公.{0,2}经费(?:财政拨款)?(?:支出)?(决算|预算)(?:数)?(?:为|是)?\s*" + NUM + r"\s*万元")
_SHARE = re.compile(NUM + r"\s*万元[，,]?\s*占(?:[^0-9%，。；]{0,12}的)?\s*" + NUM + r"\s*%")
_WHOLE = re.compile(NUM + r"\s*万元[^。；]{0,6}?其中")
_GROWTH = re.compile(
    r"(?:比|较|与)(?:上年|上一年|去年|\d{4}年)[^。；\d]{0,16}?(增加|减少|增长|下降|上升)(?:了)?\s*" + NUM + r"\s*万元[，,]\s*(增长|下降|减少|上升)\s*" + NUM + r"\s*%"
)
_COMPARISON = re.compile(r"决算数?(大于|小于|等于|高于|低于|超过|持平于?|与)预算数?")
_BUDGET_AMOUNT = re.compile(r"预算(?:数)?(?:为|是)?\s*" + NUM + r"\s*万元")
_FINAL_AMOUNT = re.compile(r"决算(?:数)?(?:为|是)?\s*" + NUM + r"\s*万元")
_NARROWER = re.compile(r"财政拨款|一般公共预算|政府性基金|国有资本|非财政|上年|上一年|去年")
_FLAT = re.compile(r"(?:与|和|较|同)上年(?:相比)?(?:基本)?持平|同比持平")
_PRIOR_AMOUNT = re.compile(r"上年(?:度)?[^。；，,\d增减]{0,12}?(?:为|是)?\s*" + NUM + r"\s*万元")
_COMPLETION = re.compile(r"完成(?:年初)?预算的\s*" + NUM + r"\s*%")
_CLAIMS = {"大于": "大于", "高于": "大于", "超过": "大于", "小于": "小于", "低于": "小于", "等于": "等于", "持平": "等于", "持平于": "等于"}
_SUMMARY_IDS = {"本年收入合计": "income_total_year", "本年支出合计": "expense_total_year", "收入总计": "income_grand_total", "支出总计": "expense_grand_total"}


@dataclass(frozen=True)
class Sentence:
    text: str
    page: int
    line: int | None


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None


def _places(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _off(expected: Decimal, printed: str) -> bool:
    """A printed percentage or amount is wrong when it misses by more than its last digit."""
    value = _number(printed)
    return value is not None and abs(expected - value) > Decimal(1).scaleb(-_places(printed))


def sentences(report: Report) -> list[Sentence]:
    """Running-text sentences with the page (and line) they start on; a sentence cut by a page
    break is joined with its end on the next page."""
    out: list[Sentence] = []
    carried: Sentence | None = None  # the start of a sentence the page break cut
    for page in report.pages:
        joined = carried.text if carried else ""
        starts: list[tuple[int, int]] = []
        for line in page.lines:
            starts.append((len(joined), line.number))
            joined += line.text.strip()

        def where(offset: int) -> tuple[int, int | None]:
            if carried is not None and offset == 0:
                return carried.page, carried.line
            return page.number, max((n for start, n in starts if start <= offset), default=None)

        found = list(_SENTENCES.finditer(joined))
        cut = found.pop() if found and not found[-1].group(0).endswith("。") else None
        for match in found:
            if "万元" in match.group(0) or "%" in match.group(0) or "决算" in match.group(0):
                out.append(Sentence(match.group(0), *where(match.start())))
        carried = None
        if cut is not None and "，" in cut.group(0) and len(cut.group(0)) < 400:  # a sentence in progress, not a cover or TOC
            carried = Sentence(cut.group(0), *where(cut.start()))
        elif cut is not None and ("万元" in cut.group(0) or "%" in cut.group(0)):
            out.append(Sentence(cut.group(0), *where(cut.start())))
    if carried is not None:
        out.append(carried)
    return out


def _where(sentence: Sentence) -> tuple[Location, ...]:
    return (Location(sentence.page, line=sentence.line),)


@rule("narrative")
def narrative(report: Report) -> Iterable[Finding]:
    figures = _table_figures(report)
    for sentence in sentences(report):
        yield from _headlines(sentence, figures)
        yield from _shares(sentence)
        yield from _growth(sentence)
        yield from _comparison(sentence)
        yield from _flat(sentence)


def _table_figures(report: Report) -> dict[str, tuple[Decimal, Table]]:
    """Headline figures of the report in 万元, from the summary and 三公 tables."""
    figures: dict[str, tuple[Decimal, Table]] = {}
    for table in report.tables:
        scale = Decimal(YUAN_PER_UNIT["万元"]) / YUAN_PER_UNIT.get(table.unit or "万元", YUAN_PER_UNIT["万元"])  # table unit → 万元
        if any(c.group for c in table.columns):
            for row in table.rows:
                if row.match and row.match.kind == "summary" and row.match.code in _SUMMARY_IDS.values():
                    first = next(iter(row.cells.values()), None)
                    if first is not None and first.value is not None:
                        figures.setdefault(row.match.code, (first.value / scale, table))
        if "three_public" in table.kind and table.rows:
            row = _current_row(table)
            for column in table.columns:
                path = column.label.split("/")
                cell = row.cells.get(column.key)
                if cell is None or cell.value is None or not path[-1].endswith("合计"):
                    continue
                side = "决算" if "决算" in column.label else "预算" if "预算" in column.label else report.report_kind or "预算"
                figures.setdefault(f"three_public_{side}", (cell.value / scale, table))
    return figures


def _current_row(table: Table):
    """The 三公 row of the report year: the only row, or 本年…/合计, never 上年…."""
    rows = [r for r in table.rows if "上年" not in r.name]
    return next((r for r in rows if "本年" in r.name or r.name in ("合计", "")), rows[0] if rows else table.rows[0])


def _headlines(sentence: Sentence, figures: dict) -> Iterable[Finding]:
    for found in _HEADLINE.finditer(sentence.text):
        if _NARROWER.search(sentence.text[: found.start()]):
            continue  # "财政拨款收入总计 …、支出总计 …": a narrower total than the report's
        label, amount = found.group(1), _number(found.group(2))
        yield from _against(sentence, figures.get(_SUMMARY_IDS[label]), label, amount, found.group(2))
    for found in _THREE_PUBLIC.finditer(sentence.text):
        if _NARROWER.search(sentence.text[max(0, found.start() - 4) : found.start()]):
            continue  # "（上年“三公”经费预算为…）"
        side, amount = found.group(1), _number(found.group(2))
        yield from _against(sentence, figures.get(f"three_public_{side}"), f"“三公”经费{side}", amount, found.group(2))


def _against(sentence: Sentence, figure, label: str, amount: Decimal | None, printed: str) -> Iterable[Finding]:
    if figure is None or amount is None:
        return
    value, table = figure
    tolerance = Decimal(1).scaleb(-_places(printed))
    if abs(value - amount) > tolerance / 2 + Decimal("0.000001"):
        locations = list(_where(sentence))
        if table.provenance is not None:
            locations.append(Location(table.provenance.page, table.id))
        yield Finding(
            "narrative.amount", "error",
            f"情况说明称{label} {printed} 万元，但{table.title}为 {fmt(value.quantize(Decimal('0.01')))} 万元",
            tuple(locations),
        )


def _shares(sentence: Sentence) -> Iterable[Finding]:
    whole = _WHOLE.search(sentence.text)
    if whole is None:
        yield from _shares_of_listed_parts(sentence)
        return
    base = _number(whole.group(1))
    if not base:
        return
    for found in _SHARE.finditer(sentence.text, whole.end()):
        part, share = _number(found.group(1)), _number(found.group(2))
        if part is None or share is None:
            continue
        expected = part / base * 100
        if _off(expected, found.group(2)):
            yield Finding(
                "narrative.share", "error",
                f"情况说明：{found.group(1)} 万元占 {whole.group(1)} 万元的 {expected.quantize(Decimal('0.01'))}%，文中写作 {found.group(2)}%",
                _where(sentence),
            )


def _shares_of_listed_parts(sentence: Sentence) -> Iterable[Finding]:
    """"基本支出 A 万元，占 p%；项目支出 B 万元，占 q%" with no whole named: the parts make the whole
    when the printed shares add up to about 100% and at least one agrees with that reading."""
    items = [(f, _number(f.group(1)), _number(f.group(2))) for f in _SHARE.finditer(sentence.text)]
    items = [(f, a, p) for f, a, p in items if a is not None and p is not None]
    total = sum((a for _, a, _ in items), Decimal(0))
    printed_total = sum((p for _, _, p in items), Decimal(0))
    if len(items) < 2 or not total or not Decimal("99.5") <= printed_total <= Decimal("100.5"):
        return  # the shares are of a whole named elsewhere: the listed parts are not all of it
    off = [(f, a / total * 100) for f, a, _ in items if _off(a / total * 100, f.group(2))]
    if off and len(off) < len(items):
        for found, expected in off:
            yield Finding(
                "narrative.share", "error",
                f"情况说明：{found.group(1)} 万元占所列合计 {fmt(total)} 万元的 {expected.quantize(Decimal('0.01'))}%，文中写作 {found.group(2)}%",
                _where(sentence),
            )


def _growth(sentence: Sentence) -> Iterable[Finding]:
    for found in _GROWTH.finditer(sentence.text):
        direction, delta_text, rate_word, rate_text = found.groups()
        up = direction in ("增加", "增长", "上升")
        if up != (rate_word in ("增长", "上升")):
            yield Finding("narrative.growth", "error", f"情况说明：先说{direction} {delta_text} 万元，又说{rate_word} {rate_text}%，方向矛盾", _where(sentence))
            continue
        before = [m for m in re.finditer(NUM + r"\s*万元", sentence.text[: found.start()])]
        if not before:
            continue
        current, delta, rate = _number(before[-1].group(1)), _number(delta_text), _number(rate_text)
        if current is None or delta is None or rate is None:
            continue
        prior = current - delta if up else current + delta
        if prior <= 0:
            continue
        expected = delta / prior * 100
        if _off(expected, rate_text):
            yield Finding(
                "narrative.growth", "error",
                f"情况说明：{before[-1].group(1)} 万元比上年{direction} {delta_text} 万元，应{rate_word} {expected.quantize(Decimal('0.01'))}%，文中写作 {rate_text}%",
                _where(sentence),
            )


def _flat(sentence: Sentence) -> Iterable[Finding]:
    """"…X 万元，与上年持平（上年 Y 万元）": 持平 needs X = Y."""
    word = _FLAT.search(sentence.text)
    if word is None:
        return
    before = list(re.finditer(NUM + r"\s*万元", sentence.text[: word.start()]))
    clause = re.split(r"[；;。]", sentence.text[word.end():], maxsplit=1)[0]  # the 上年 figure, if given, follows in the clause
    prior = _PRIOR_AMOUNT.search(clause)
    if not before or prior is None:
        return
    current, last_year = _number(before[-1].group(1)), _number(prior.group(1))
    if current is not None and last_year is not None and current != last_year:
        yield Finding(
            "narrative.comparison", "error",
            f"情况说明称与上年持平，但本年 {before[-1].group(1)} 万元、上年 {prior.group(1)} 万元",
            _where(sentence),
        )


def _comparison(sentence: Sentence) -> Iterable[Finding]:
    """决算数 大于/小于/等于 预算数, and 完成预算的 P%, against the nearest amounts before them."""
    for word in _COMPARISON.finditer(sentence.text):
        before = sentence.text[: word.start()]
        budgets, finals = list(_BUDGET_AMOUNT.finditer(before)), list(_FINAL_AMOUNT.finditer(before))
        if not budgets or not finals:
            continue
        b, f = _number(budgets[-1].group(1)), _number(finals[-1].group(1))
        if b is None or f is None:
            continue
        said = word.group(1)
        actual = "大于" if f > b else "小于" if f < b else "等于"
        claimed = _CLAIMS.get(said)
        if claimed and claimed != actual:
            yield Finding(
                "narrative.comparison", "error",
                f"情况说明称决算数{said}预算数，但决算数 {finals[-1].group(1)} 万元{actual}预算数 {budgets[-1].group(1)} 万元",
                _where(sentence),
            )
    for found in _COMPLETION.finditer(sentence.text):
        before = sentence.text[: found.start()]
        budgets, finals = list(_BUDGET_AMOUNT.finditer(before)), list(_FINAL_AMOUNT.finditer(before))
        if not budgets or not finals:
            continue
        b, f, rate = _number(budgets[-1].group(1)), _number(finals[-1].group(1)), _number(found.group(1))
        if not b or f is None or rate is None:
            continue
        expected = f / b * 100
        if _off(expected, found.group(1)):
            yield Finding(
                "narrative.completion", "error",
                f"情况说明：决算 {finals[-1].group(1)} 万元为预算 {budgets[-1].group(1)} 万元的 {expected.quantize(Decimal('0.01'))}%，文中写作 {found.group(1)}%",
                _where(sentence),
            )
