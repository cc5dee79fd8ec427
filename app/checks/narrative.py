"""The 情况说明 against the tables and against arithmetic.

The running text is read as passages and sentences (app/checks/text.py). Checked:
- headline figures (收入总计, 支出总计, 本年收入合计, 本年支出合计, “三公”经费 决算/预算) against
  the tables, converting units; a blank “三公” table whose amounts the text states;
- shares: "X 万元，占 P%" against the whole the sentence names before "其中";
- growth: "比上年增加 D 万元，增长 R%" against the current figure before it; 增加 with 下降
  is a contradiction;
- comparison words: 决算数 大于/小于/等于/基本持平 预算数 and "完成预算的 P%" against the
  预算 and 决算 amounts of the item they explain, in whatever sentence of it they stand.
Numbers the text layer printed away from their blanks ("基本支出 万元，占 ；… T B P%") are put
back in order; what is read that way, or from amounts whose attachment is not certain, is a
warning, never an error. Phrasings that are not unambiguous are not read at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from app.checks.findings import Finding, Location, rule
from app.checks.arith import fmt
from app.checks.tally import record
from app.checks.text import Passage, Sentence, passages, sentences
from parsers.amounts import YUAN_PER_UNIT
from parsers.model import Report, Table

NUM = r"(-?\d[\d,，]*(?:\.\d+)?)"
_HEADLINE = re.compile(r"(本年收入合计|本年支出合计|收入总计|支出总计)(?:为|是|共计|：|:)?\s*" + NUM + r"\s*万元")
_THREE_PUBLIC = re.compile(r"三公.{0,2}经费(?:财政拨款)?(?:支出)?(决算|预算)(?:数)?(?:为|是)?\s*" + NUM + r"\s*万元")
_SHARE = re.compile(NUM + r"\s*万元[，,]?\s*占(?:[^0-9%，。；]{0,12}的)?\s*" + NUM + r"\s*%")
_WHOLE = re.compile(NUM + r"\s*万元[^。；]{0,6}?其中")
_GROWTH = re.compile(
    r"(?:比|较|与)(?:上年|上一年|去年|\d{4}年)[^。；\d]{0,16}?(增加|减少|增长|下降|上升)(?:了)?\s*" + NUM + r"\s*万元[，,]\s*(增长|下降|减少|上升)\s*" + NUM + r"\s*%"
)
_NARROWER = re.compile(r"财政拨款|一般公共预算|政府性基金|国有资本|非财政|上年|上一年|去年")
_FLAT = re.compile(r"(?:与|和|较|同)上年(?:相比)?(?:基本)?持平|同比持平")
_PRIOR_AMOUNT = re.compile(r"上年(?:度)?[^。；，,\d增减]{0,12}?(?:为|是)?\s*" + NUM + r"\s*万元")
_SUMMARY_IDS = {"本年收入合计": "income_total_year", "本年支出合计": "expense_total_year", "收入总计": "income_grand_total", "支出总计": "expense_grand_total"}

# Comparison claims and the amounts they are about.
_CLAIM = re.compile(
    r"决算(?:数)?(?:(大于|高于|超过|多于|小于|低于|少于|等于|持平于)(?:年初|全年|调整)?预算"
    r"|(?:与|和|同|较)(?:年初|全年|调整)?预算(?:数)?(?:相比)?(基本持平|基本一致|基本相当|基本相同|持平|一致|相等|相同))"
)
_CLAIM_WORDS = {"大于": "大于", "高于": "大于", "超过": "大于", "多于": "大于", "小于": "小于", "低于": "小于", "少于": "小于"}
_ROUGHLY = "基本"  # 基本持平 / 基本一致: within _ROUGHLY_WITHIN of the 预算数
_ROUGHLY_WITHIN = Decimal("0.10")
_BUDGET_AMOUNT = re.compile(r"(?<!公共)(?<!基金)(?<!经营)(?<!资本)预算(?:数)?\s*(?:为|是)?\s*" + NUM + r"\s*万元")
_FINAL_AMOUNT = re.compile(r"决算(?:数)?\s*(?:为|是)?\s*" + NUM + r"\s*万元")
_COMPLETION = re.compile(r"完成(?:年初|全年|调整)?预算(?:数)?的?\s*" + NUM + r"\s*%")

# Numbers the text layer moved away from the blank they were printed in.
_NUMBER = re.compile(r"(?<![\d.,，第（(])(\d[\d,，]*(?:\.\d+)?)\s*(%)?")
_SHARE_SLOT = re.compile(r"占[^0-9%，。；,;]{0,16}?\s*(?=\d|[，。；,;]|$)")  # "占 P%", "占总支出的比重为 P%"
_PERCENT = re.compile(NUM + r"\s*%")
_ATTACHED_BEFORE = re.compile(r"(?:增长|下降|上升|减少|增加|的|为|达|约)\s*$")
_NOT_A_BLANK = re.compile(r"(?:\d|单位[：:]?|[（(百千亿])\s*$")  # "12.5 万元", "单位：万元", "（万元）", "百万元"
_ATTACHED_AFTER = re.compile(r"\s*(?:万元|[\u4e00-\u9fff、）)])")


def printed_number(text: str | None) -> Decimal | None:
    """A figure as the running text prints it ("3,355.65"), or None (also across reports)."""
    try:
        return Decimal(text.replace(",", "").replace("，", "")) if text else None
    except InvalidOperation:
        return None


def printed_places(text: str) -> int:
    """Decimal places the figure is printed with: its precision."""
    return len(text.split(".")[1]) if "." in text else 0


def _half_unit(printed: str) -> Decimal:
    """Half a unit of the last printed digit: how far a rounded figure may be from its value."""
    return Decimal(1).scaleb(-printed_places(printed)) / 2


def _share_off(part: str, whole: Decimal, whole_slack: Decimal, share: str) -> bool:
    """A printed share is wrong only when no values the rounded part and whole stand for give
    it: 40.60 of a whole printed 46.21 (or summed from rounded items as 46.20) both allow 87.88%."""
    amount, printed = printed_number(part), printed_number(share)
    if amount is None or printed is None or whole - whole_slack <= 0:
        return False
    low = (amount - _half_unit(part)) / (whole + whole_slack) * 100
    high = (amount + _half_unit(part)) / (whole - whole_slack) * 100
    unit = Decimal(1).scaleb(-printed_places(share))
    return printed + unit < low or printed - unit > high


def _off(expected: Decimal, printed: str) -> bool:
    """A printed percentage or amount is wrong when it misses by more than its last digit."""
    value = printed_number(printed)
    return value is not None and abs(expected - value) > Decimal(1).scaleb(-printed_places(printed))


def _where(sentence: Sentence) -> tuple[Location, ...]:
    return (Location(sentence.page, line=sentence.line),)


@rule("narrative")
def narrative(report: Report) -> Iterable[Finding]:
    figures = _table_figures(report)
    read = sentences(report)
    for sentence in read:
        if "万元" not in sentence.text and "%" not in sentence.text:
            continue
        text, moved = placed_numbers(sentence.text)
        if text is None:
            continue  # numbers displaced in the text layer that do not fill the blanks one to one
        placed = replace(sentence, text=text)
        found = [*_headlines(placed, figures), *_shares(placed), *_growth(placed), *_flat(placed)]
        yield from (_uncertain(f, "文本层中数字位置错乱，已按出现顺序归位") for f in found) if moved else found
    for passage in passages(report):
        yield from _comparisons(passage)
    yield from _blank_three_public(report, read)


def _uncertain(finding: Finding, why: str) -> Finding:
    """A finding resting on a reading kemu is not sure of: a warning that says why, never an error."""
    severity = "warning" if finding.severity == "error" else finding.severity
    return replace(finding, severity=severity, message=f"{finding.message}（{why}，请核对原文）")


def placed_numbers(text: str) -> tuple[str | None, bool]:
    """The sentence with its numbers in their blanks.

    Returns ``(text, False)`` when no 万元 or 占 lacks its number; ``(rebuilt, True)`` when the
    text layer printed the numbers elsewhere in the sentence ("基本支出 万元，占 ；项目支出 T B
    P%") and they fill the blanks one to one, in order (amounts before 万元, percentages after
    占); ``(None, True)`` when they do not, so nothing in the sentence can be attached."""
    amount_blanks = [m.start() for m in re.finditer("万元", text) if not _NOT_A_BLANK.search(text, 0, m.start())]
    filled = {m.end() for m in _SHARE_SLOT.finditer(text) if _PERCENT.match(text, m.end())}
    share_blanks = [m.end() for m in _SHARE_SLOT.finditer(text) if m.end() not in filled]
    if not amount_blanks and not share_blanks:
        return text, False
    loose = [
        m for m in _NUMBER.finditer(text)
        if m.start() not in filled
        and not _ATTACHED_AFTER.match(text, m.end(1) if not m.group(2) else m.end())
        and not _ATTACHED_BEFORE.search(text, 0, m.start())
    ]
    amounts, shares = [m for m in loose if not m.group(2)], [m for m in loose if m.group(2)]
    if len(amounts) != len(amount_blanks) or len(shares) != len(share_blanks):
        return None, True
    edits = [(m.start(), m.end(), "") for m in loose]
    edits += [(at, at, m.group(1)) for at, m in zip(amount_blanks, amounts)]
    edits += [(at, at, m.group(1) + "%") for at, m in zip(share_blanks, shares)]
    out, last = [], 0
    for begin, end, insert in sorted(edits, key=lambda e: (e[0], e[1])):
        if begin < last:
            return None, True
        out += [text[last:begin], insert]
        last = end
    out.append(text[last:])
    return re.sub(r"%\s*%", "%", "".join(out)), True


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
        label, amount = found.group(1), printed_number(found.group(2))
        yield from _against(sentence, figures.get(_SUMMARY_IDS[label]), label, amount, found.group(2))
    for found in _THREE_PUBLIC.finditer(sentence.text):
        if _NARROWER.search(sentence.text[max(0, found.start() - 4) : found.start()]):
            continue  # "（上年“三公”经费预算为…）"
        side, amount = found.group(1), printed_number(found.group(2))
        yield from _against(sentence, figures.get(f"three_public_{side}"), f"“三公”经费{side}", amount, found.group(2))


def _against(sentence: Sentence, figure, label: str, amount: Decimal | None, printed: str) -> Iterable[Finding]:
    if figure is None or amount is None:
        return
    value, table = figure
    tolerance = Decimal(1).scaleb(-printed_places(printed))
    wrong = abs(value - amount) > tolerance / 2 + Decimal("0.000001")
    record("narrative.amount", not wrong)
    if wrong:
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
    base = printed_number(whole.group(1))
    if not base:
        return
    for found in _SHARE.finditer(sentence.text, whole.end()):
        part, share = printed_number(found.group(1)), printed_number(found.group(2))
        if part is None or share is None:
            continue
        expected = part / base * 100
        wrong = _share_off(found.group(1), base, _half_unit(whole.group(1)), found.group(2))
        record("narrative.share", not wrong)
        if wrong:
            yield Finding(
                "narrative.share", "error",
                f"情况说明：{found.group(1)} 万元占 {whole.group(1)} 万元的 {expected.quantize(Decimal('0.01'))}%，文中写作 {found.group(2)}%",
                _where(sentence),
            )


def _shares_of_listed_parts(sentence: Sentence) -> Iterable[Finding]:
    """"基本支出 A 万元，占 p%；项目支出 B 万元，占 q%" with no whole named: the parts make the whole
    when the printed shares add up to about 100% and at least one agrees with that reading."""
    items = [(f, printed_number(f.group(1)), printed_number(f.group(2))) for f in _SHARE.finditer(sentence.text)]
    items = [(f, a, p) for f, a, p in items if a is not None and p is not None]
    total = sum((a for _, a, _ in items), Decimal(0))
    printed_total = sum((p for _, _, p in items), Decimal(0))
    if len(items) < 2 or not total or not Decimal("99.5") <= printed_total <= Decimal("100.5"):
        return  # the shares are of a whole named elsewhere: the listed parts are not all of it
    slack = sum((_half_unit(f.group(1)) for f, _, _ in items), Decimal(0))  # each listed part was rounded
    off = [(f, a / total * 100) for f, a, _ in items if _share_off(f.group(1), total, slack, f.group(2))]
    if len(off) == len(items):
        return  # no share fits: the parts are not the whole the shares are of
    for found, _, _ in items:
        record("narrative.share", all(found is not f for f, _ in off))
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
            record("narrative.growth", False)
            yield Finding("narrative.growth", "error", f"情况说明：先说{direction} {delta_text} 万元，又说{rate_word} {rate_text}%，方向矛盾", _where(sentence))
            continue
        before = [m for m in re.finditer(NUM + r"\s*万元", sentence.text[: found.start()])]
        if not before:
            continue
        current, delta, rate = printed_number(before[-1].group(1)), printed_number(delta_text), printed_number(rate_text)
        if current is None or delta is None or rate is None:
            continue
        prior = current - delta if up else current + delta
        if prior <= 0:
            continue
        expected = delta / prior * 100
        wrong = _off(expected, rate_text)
        record("narrative.growth", not wrong)
        if wrong:
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
    current, last_year = printed_number(before[-1].group(1)), printed_number(prior.group(1))
    if current is None or last_year is None:
        return
    record("narrative.comparison", current == last_year)
    if current != last_year:
        yield Finding(
            "narrative.comparison", "error",
            f"情况说明称与上年持平，但本年 {before[-1].group(1)} 万元、上年 {prior.group(1)} 万元",
            _where(sentence),
        )


def _comparisons(passage: Passage) -> Iterable[Finding]:
    """决算数 大于/小于/等于/基本持平 预算数, and 完成预算的 P%, against the 预算 and 决算 amounts
    the item states before the claim (since the previous claim), in whatever sentence they stand.
    When the last two such amounts are not one 预算 and one 决算, the attachment is a guess."""
    text, start = passage.text, 0
    claims = sorted([*_CLAIM.finditer(text), *_COMPLETION.finditer(text)], key=lambda m: m.start())
    for claim in claims:
        amounts = sorted(
            [("预算", m) for m in _BUDGET_AMOUNT.finditer(text, start, claim.start())]
            + [("决算", m) for m in _FINAL_AMOUNT.finditer(text, start, claim.start())],
            key=lambda a: a[1].start(),
        )
        if claim.re is _CLAIM:
            start = claim.end()
        budgets, finals = [m for k, m in amounts if k == "预算"], [m for k, m in amounts if k == "决算"]
        if not budgets or not finals:
            continue
        certain = {k for k, _ in amounts[-2:]} == {"预算", "决算"}
        b, f = budgets[-1], finals[-1]
        finding = (_claim if claim.re is _CLAIM else _completion)(passage, claim, b, f)
        if finding is not None:
            yield finding if certain else _uncertain(finding, "句中预算数、决算数与结论的对应不确定")


def _claim(passage: Passage, claim: re.Match, budget: re.Match, final: re.Match) -> Finding | None:
    b, f = printed_number(budget.group(1)), printed_number(final.group(1))
    if b is None or f is None:
        return None
    said = claim.group(1) or claim.group(2)
    wording = f"决算数{said}预算数" if claim.group(1) else f"决算数与预算数{said}"
    actual = "大于" if f > b else "小于" if f < b else "等于"
    if said.startswith(_ROUGHLY):
        wrong = abs(f - b) > abs(b) * _ROUGHLY_WITHIN
    else:
        wrong = _CLAIM_WORDS.get(said, "等于") != actual
    record("narrative.comparison", not wrong)
    if not wrong:
        return None
    return Finding(
        "narrative.comparison", "error",
        f"情况说明称{wording}，但决算数 {final.group(1)} 万元{actual}预算数 {budget.group(1)} 万元",
        (passage.where(claim.start()),),
    )


def _completion(passage: Passage, claim: re.Match, budget: re.Match, final: re.Match) -> Finding | None:
    b, f, rate = printed_number(budget.group(1)), printed_number(final.group(1)), printed_number(claim.group(1))
    if not b or f is None or rate is None:
        return None
    wrong = _off(f / b * 100, claim.group(1))
    record("narrative.completion", not wrong)
    if not wrong:
        return None
    return Finding(
        "narrative.completion", "error",
        f"情况说明：决算 {final.group(1)} 万元为预算 {budget.group(1)} 万元的 {(f / b * 100).quantize(Decimal('0.01'))}%，文中写作 {claim.group(1)}%",
        (passage.where(claim.start()),),
    )


def _blank_three_public(report: Report, read: list[Sentence]) -> Iterable[Finding]:
    """A “三公” table with no figure in it while the text states a “三公” amount: table and text
    disagree. A cell kemu could not read as a number makes it uncertain (a warning)."""
    for table in report.tables:
        if "three_public" not in table.kind or any(c.value is not None for r in table.rows for c in r.cells.values()):
            continue
        unread = any(c.raw.strip() and c.raw.strip() not in ("-", "—", "－") for r in table.rows for c in r.cells.values())
        for sentence in read:
            found = _THREE_PUBLIC.search(sentence.text)
            amount = printed_number(found.group(2)) if found else None
            if not amount or _NARROWER.search(sentence.text[max(0, found.start() - 4) : found.start()]):
                continue
            record("narrative.amount", False)
            page = table.provenance.page if table.provenance else table.pages[0]
            finding = Finding(
                "narrative.amount", "error",
                f"情况说明称“三公”经费{found.group(1)} {found.group(2)} 万元，但{table.title}未填列任何数字",
                (Location(page, table.id), *_where(sentence)),  # the blank table is the slip
            )
            yield _uncertain(finding, "表中有未能识别为数字的内容") if unread else finding
            break
