"""Random report templates drawn from independent choices, each rendered with its ground truth.

The handful of layouts in ``generate_layouts.py`` test one rule each; real templates combine
the same few decisions freely. Here every decision a template maker takes is one field of
``Choices``, drawn independently from ``random.Random(seed)``, so a seed names a template and a
failing seed is a one-line regression test. Four steps, each a function of the one before:

    draw_choices(rng)            → Choices        (what the template looks like)
    draw_tables(choices, rng)    → [TableContent] (what it prints: codes, names, amounts)
    lay_out(choices, tables, rng)→ [PagePlan]     (where each title, header and row goes)
    render(plans, path)          → PDF            (reportlab, fonts as generate_layouts.py)

``write(seed, path)`` does all four and returns the truth (the JSON shape of generate.py's
``*.truth.json``, plus each table's kind id and each row's second-classification code).
Amounts are integer hundredths with parents = Σ children and 合计 = Σ parts, so every check
kemu's reading may rely on holds on the truth.

Run: python sample_reports/templates.py SEED [SEED ...] [--out DIR]  (writes SEED.pdf + SEED.truth.json)
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: the repository's packages

from sample_reports.generate import BUDGET_ITEMS, ECON_NAMES, FINAL_ECON, FINAL_ITEMS, FUNC_NAMES  # noqa: E402
from sample_reports.generate_layouts import FONT, draw_text, offset_glyph_boxes  # noqa: E402

YEAR = 2026
DEPARTMENT = "示例市卫生健康委员会"
SIZE = 9.0
ROW_H = 18.0
WRAP_H = 11.0
MARGIN = 40.0
DIGIT_FONT = "Helvetica"  # digits in their own font: with offset glyphs the CJK boxes float above them

# -- 1. choices -----------------------------------------------------------------------------

TITLE_FORMS = ("plain", "mark_above", "mark_below", "table_n", "year_run")
PACKINGS = ("one_per_page", "several")
CODE_LAYOUTS = ("first", "second", "numbered", "split")
SPLIT_FILLS = ("sparse", "full")
CODE_HEADERS = ("科目编码", "功能科目代码", "经济科目代码", "项目")
HEADER_DEPTHS = (1, 2, 3)
RULINGS = ("full", "partial", "none")
CONTINUATIONS = ("none", "with_header", "bare", "with_title")
UNIT_PLACES = ("above", "below", "beside", "inside", "with_department")
ZEROS = ("blank", "zero")


@dataclass(frozen=True)
class Choices:
    """One template: every field is an independent decision of its maker."""

    report_kind: str  # 预算 | 决算
    title_form: str  # plain | mark_above (公开NN表 on its own line above) | mark_below | table_n (表N prefix) | year_run
    packing: str  # one_per_page | several (a table starts below the last when it fits)
    code_layout: str  # first | second (after the name) | numbered (after a 序号 column) | split (类|款|项 columns)
    split_fill: str  # sparse (a row prints only its new part) | full (every part on every row)
    code_header: str  # the code column's label; 项目 spans code and name
    header_depth: int  # 1–3 header rows
    wrap_labels: bool  # header labels wrapped, differently on every page
    rulings: str  # full | partial (horizontal rules at top, under the header, at the bottom) | none
    continuation: str  # none | with_header | bare (rows only) | with_title (title and header again)
    dual: bool  # the basic-expense table prints 部门经济 and 政府经济 side by side, codes repeated per block
    unit_place: str  # above | below | beside (on the title's line) | inside (the title's brackets) | with_department
    procurement: bool  # a 政府采购 table with quantity and amount (budgets only)
    offset_glyphs: bool  # CJK glyph boxes ~14 pt above the baseline of their digits
    thousands: bool  # amounts printed with thousands separators
    zeros: str  # blank | zero ("0.00")

    def values(self) -> dict[str, str]:
        """Each choice as ``field=value`` text, the unit the benchmark groups failures by."""
        return {name: str(value) for name, value in asdict(self).items()}


def draw_choices(rng: random.Random) -> Choices:
    procurement = rng.random() < 0.3
    return Choices(
        report_kind="预算" if procurement else rng.choice(("预算", "决算")),
        title_form=rng.choice(TITLE_FORMS),
        packing=rng.choice(PACKINGS),
        code_layout=rng.choice(CODE_LAYOUTS),
        split_fill=rng.choice(SPLIT_FILLS),
        code_header=rng.choice(CODE_HEADERS),
        header_depth=rng.choice(HEADER_DEPTHS),
        wrap_labels=rng.random() < 0.5,
        rulings=rng.choice(RULINGS),
        continuation=rng.choice(CONTINUATIONS),
        dual=rng.random() < 0.4,
        unit_place=rng.choice(UNIT_PLACES),
        procurement=procurement,
        offset_glyphs=rng.random() < 0.2,
        thousands=rng.random() < 0.5,
        zeros=rng.choice(ZEROS),
    )


# -- 2. table content -----------------------------------------------------------------------


@dataclass(frozen=True)
class TruthRow:
    code: str | None  # the full code, whatever columns it is printed in
    name: str
    values: tuple[int | None, ...]  # hundredths, one per amount column; None = printed blank
    extra_code: str | None = None  # the second classification's code (dual tables)
    extra_name: str | None = None
    text: str = ""  # a text column's content (the procurement item)


@dataclass(frozen=True)
class TableContent:
    kind: str  # the kind id kemu should identify
    title: str  # the listed title, as printed
    unit: str  # 元 | 万元
    classification: str  # function | economic | dual | procurement
    amounts: tuple[tuple[str, ...], ...]  # each amount column's label path
    rows: tuple[TruthRow, ...]
    text_label: str | None = None  # a text column between names and amounts (procurement)


def _items(block: str) -> dict[str, str]:
    return dict(re.findall(r"(\d{5,7}) (\S+)", block))


FUNCTION_LEAVES = {**_items(FINAL_ITEMS), **_items(BUDGET_ITEMS)}
ECONOMIC_LEAVES = _items(FINAL_ECON)
GOV_ECONOMIC = {
    "501": "机关工资福利支出", "50101": "工资奖金津补贴", "50102": "社会保障缴费", "50103": "住房公积金",
    "50199": "其他工资福利支出", "502": "机关商品和服务支出", "50201": "办公经费", "50202": "会议费",
    "50203": "培训费", "50205": "委托业务费", "50206": "公务接待费", "50208": "公务用车运行维护费",
    "50299": "其他商品和服务支出", "505": "对事业单位经常性补助", "50501": "工资福利支出",
    "50502": "商品和服务支出", "509": "对个人和家庭的补助", "50901": "社会福利和救助", "50905": "离退休费",
}
_DEPT_TO_GOV = {"30101": "50101", "30102": "50101", "30103": "50101", "30107": "50101", "30108": "50102",
                "30109": "50102", "30110": "50102", "30111": "50102", "30112": "50102", "30113": "50103",
                "30199": "50199", "30215": "50202", "30216": "50203", "30227": "50205", "30217": "50206",
                "30231": "50208", "30301": "50905", "30302": "50905"}
PROCUREMENT_ITEMS = ("台式计算机", "复印纸", "印刷服务", "物业管理服务", "空调", "打印设备", "车辆维修和保养服务", "办公家具")
TITLES = {  # (report kind, classification) → (kind id, title)
    ("预算", "function"): ("budget_expense", "部门支出总体情况表"),
    ("预算", "gp_function"): ("budget_gp_expense", "一般公共预算支出情况表"),
    ("预算", "economic"): ("budget_gp_basic", "一般公共预算基本支出表"),
    ("预算", "procurement"): ("budget_procurement", "政府采购支出表"),
    ("决算", "function"): ("final_expense", "支出决算表"),
    ("决算", "gp_function"): ("final_gp_expense", "一般公共预算财政拨款支出决算表"),
    ("决算", "economic"): ("final_gp_basic", "一般公共预算财政拨款基本支出决算表"),
}


def _amount(rng: random.Random, unit: str) -> int:
    """Hundredths: 100.00–500,000.00 元 or 1.00–5,000.00 万元."""
    return rng.randrange(10_000, 50_000_000) if unit == "元" else rng.randrange(100, 500_000)


def _function_rows(rng: random.Random, unit: str, parts: int) -> list[TruthRow]:
    """类 → 款 → 项 in code order, each leaf's ``parts`` amounts random, parents their sums.

    ``parts`` = 3: 人员经费, 公用经费, 项目支出 (合计 first); 2: 基本支出, 项目支出."""
    leaves = sorted(rng.sample(sorted(FUNCTION_LEAVES), rng.randint(4, 9)))
    values: dict[str, list[int]] = {}
    for code in leaves:
        split = [_amount(rng, unit) if rng.random() < 0.6 else 0 for _ in range(parts)]
        if not any(split):
            split[-1] = _amount(rng, unit)
        for prefix in (code[:3], code[:5], code):
            values[prefix] = [a + b for a, b in zip(values.get(prefix, [0] * parts), split)]
    return [TruthRow(code, FUNCTION_LEAVES.get(code) or FUNC_NAMES[code], (sum(v), *v)) for code, v in sorted(values.items())]


def _economic_rows(rng: random.Random, unit: str, dual: bool) -> list[TruthRow]:
    """301/302/303 → their 款, amounts in 人员经费 (301, 303) or 公用经费 (302), in blocks by
    (部门类, 政府类). Only dual tables send a share to 505 (对事业单位经常性补助), so only there
    a 部门经济 类 heads more than one block: 301 beside 501 and again beside 505."""
    leaves = sorted(rng.sample(sorted(c for c in ECONOMIC_LEAVES if c[:3] != "310"), rng.randint(4, 9)))
    blocks: dict[tuple[str, str], list[tuple[str, str, int]]] = {}
    for code in leaves:
        gov = _DEPT_TO_GOV.get(code) or {"301": "50199", "302": "50299", "303": "50901"}[code[:3]]
        if dual and rng.random() < 0.35:  # an institution's share: 对事业单位经常性补助
            gov = "50501" if code[:3] != "302" else "50502"
        blocks.setdefault((code[:3], gov[:3]), []).append((code, gov, _amount(rng, unit)))
    rows: list[TruthRow] = []
    for (dept, gov), children in sorted(blocks.items()):
        for code, gov_code, amount in [(dept, gov, sum(c[2] for c in children)), *children]:
            personnel = amount if dept != "302" else 0
            amounts = (amount, personnel, amount - personnel)
            name = ECONOMIC_LEAVES.get(code) or ECON_NAMES[code]
            rows.append(TruthRow(code, name, amounts, gov_code, GOV_ECONOMIC[gov_code]) if dual else TruthRow(code, name, amounts))
    return rows


def _procurement_rows(rng: random.Random, unit: str) -> list[TruthRow]:
    leaves = sorted(rng.sample(sorted(FUNCTION_LEAVES), rng.randint(3, 7)))
    return [
        TruthRow(code, FUNCTION_LEAVES[code], (rng.randint(1, 60) * 100, _amount(rng, unit)), text=rng.choice(PROCUREMENT_ITEMS))
        for code in leaves
    ]


def _amount_paths(classification: str, depth: int) -> tuple[tuple[str, ...], ...]:
    """The amount columns' label paths for a header ``depth`` rows deep."""
    if classification == "procurement":
        flat = (("数量",), ("金额",))
        nested = (("采购预算", "数量"), ("采购预算", "金额"))
        return flat if depth == 1 else nested if depth == 2 else tuple(("政府采购", *p) for p in nested)
    if classification in ("economic", "dual"):
        flat = (("合计",), ("人员经费",), ("公用经费",))
        nested = (("合计",), ("基本支出", "人员经费"), ("基本支出", "公用经费"))
        top = "本年基本支出"
    else:
        flat = (("合计",), ("基本支出",), ("项目支出",))
        nested = (("合计",), ("基本支出", "人员经费"), ("基本支出", "公用经费"), ("项目支出",))
        top = "本年支出"
    return flat if depth == 1 else nested if depth == 2 else tuple((top, *p) for p in nested)


def _function_table(choices: Choices, rng: random.Random, which: str) -> TableContent:
    unit = rng.choice(("元", "万元"))
    paths = _amount_paths("function", choices.header_depth)
    rows = _function_rows(rng, unit, len(paths) - 1)
    kind, title = TITLES[(choices.report_kind, which)]
    return TableContent(kind, title, unit, "function", paths, _with_total(rows))


def _with_total(rows: list[TruthRow]) -> tuple[TruthRow, ...]:
    """The 合计 row heading the body: the sum of the 类 rows."""
    heads = [row.values for row in rows if row.code and len(row.code) == 3]
    return (TruthRow(None, "合计", tuple(sum(column) for column in zip(*heads))), *rows)


def draw_tables(choices: Choices, rng: random.Random) -> list[TableContent]:
    """A function-classification table or two, the basic-expense table by economic
    classification, and a procurement table when chosen; all but procurement open with 合计."""
    tables = [_function_table(choices, rng, "function")]
    if rng.random() < 0.5:
        tables.append(_function_table(choices, rng, "gp_function"))
    unit = rng.choice(("元", "万元"))
    classification = "dual" if choices.dual else "economic"
    kind, title = TITLES[(choices.report_kind, "economic")]
    tables.append(TableContent(kind, title, unit, classification, _amount_paths(classification, choices.header_depth),
                               _with_total(_economic_rows(rng, unit, choices.dual))))
    if choices.procurement:
        unit = rng.choice(("元", "万元"))
        kind, title = TITLES[("预算", "procurement")]
        tables.append(TableContent(kind, title, unit, "procurement", _amount_paths("procurement", choices.header_depth),
                                   tuple(_procurement_rows(rng, unit)), text_label="采购项目"))
    return tables


# -- 3. layout ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    path: tuple[str, ...]  # header label path, top row first
    width: float
    align: str  # l | r


@dataclass
class Block:
    """One table's part on one page: what is printed above it and which rows."""

    table: int  # index into the spec's tables
    title_lines: list[list[tuple[str, str]]]  # lines above the header; each a list of (text, align) runs
    header: list[list[tuple[int, int, int, str]]]  # per header row: (first col, last col, row span, text)
    rows: list[list[str]]
    columns: list[Column]
    top: float = 0.0  # set by lay_out


@dataclass
class PagePlan:
    size: tuple[float, float]
    blocks: list[Block] = field(default_factory=list)
    cover: bool = False


def _shown(hundredths: int | None, choices: Choices) -> int | None:
    """The amount as the page shows it: a zero printed blank is no value."""
    return None if hundredths == 0 and choices.zeros == "blank" else hundredths


def money(hundredths: int | None, choices: Choices) -> str:
    if _shown(hundredths, choices) is None:
        return ""
    units, cents = divmod(hundredths, 100)
    return f"{units:,}.{cents:02d}" if choices.thousands else f"{units}.{cents:02d}"


def printed_values(table: TableContent, choices: Choices) -> list[tuple[int | None, ...]]:
    return [tuple(_shown(v, choices) for v in row.values) for row in table.rows]


def _code_parts(code: str, previous: str | None, choices: Choices, economic: bool) -> list[str]:
    """A code in 类|款(|项) columns; sparse prints only the parts that differ from the row above."""
    count = 2 if economic else 3
    cuts = [code[:3], code[3:5], code[5:7]][:count]
    if choices.split_fill == "full" or previous is None:
        return cuts
    old = [previous[:3], previous[3:5], previous[5:7]][:count]
    first_new = next((i for i, (cut, was) in enumerate(zip(cuts, old)) if cut != was), count)
    return [""] * first_new + cuts[first_new:]


def _money_cell(value: int | None, path: tuple[str, ...], choices: Choices) -> str:
    if value is not None and path[-1] == "数量":  # a count, printed as a whole number
        return str(value // 100)
    return money(value, choices)


def _columns(table: TableContent, choices: Choices) -> tuple[list[Column], list[list[str]]]:
    """Every printed column (label path, width) and the body cells, 合计 row first."""
    depth = choices.header_depth
    header = choices.code_header
    economic = table.classification in ("economic", "dual")
    group = "支出经济分类科目" if economic else "支出功能分类科目"

    def label(text: str) -> tuple[str, ...]:
        return (group, text) if depth >= 2 else (text,)

    if table.classification == "dual":  # two classifications, each code beside its name
        columns = [Column(("部门经济分类", "科目编码") if depth >= 2 else ("部门经济编码",), 0, "l"),
                   Column(("部门经济分类", "科目名称") if depth >= 2 else ("部门经济名称",), 0, "l"),
                   Column(("政府经济分类", "科目编码") if depth >= 2 else ("政府经济编码",), 0, "l"),
                   Column(("政府经济分类", "科目名称") if depth >= 2 else ("政府经济名称",), 0, "l")]
        cells = [[row.code or "", row.name, row.extra_code or "", row.extra_name or ""] for row in table.rows]
    else:
        split = choices.code_layout == "split"
        parts = (("类", "款") if economic else ("类", "款", "项")) if split else (header,)
        if header == "项目":  # one label over code and name
            code_paths, name_path = [("项目",)] * len(parts), ("项目",)
        elif split:
            code_paths, name_path = [(header, p) if depth >= 2 else (p,) for p in parts], label("科目名称")
        else:
            code_paths, name_path = [label(header)], label("科目名称")
        code_columns = [Column(p, 0, "l") for p in code_paths]
        second = choices.code_layout == "second"
        columns = [Column(name_path, 0, "l"), *code_columns] if second else [*code_columns, Column(name_path, 0, "l")]
        cells = []
        previous: str | None = None
        for row in table.rows:
            codes = [row.code or ""] if not split else _code_parts(row.code, previous, choices, economic) if row.code else [""] * len(parts)
            previous = row.code
            cells.append([row.name, *codes] if second else [*codes, row.name])
        if choices.code_layout == "numbered":  # code rows numbered 1, 2, …; 合计 has none
            columns.insert(0, Column(("序号",), 0, "l"))
            numbers = iter(range(1, len(cells) + 1))
            cells = [[str(next(numbers)) if row.code else "", *row_cells] for row, row_cells in zip(table.rows, cells)]
    if table.text_label:
        columns.append(Column((table.text_label,), 0, "l"))
        for row_cells, row in zip(cells, table.rows):
            row_cells.append(row.text)
    columns += [Column(p, 0, "r") for p in table.amounts]
    for row_cells, values in zip(cells, printed_values(table, choices)):
        row_cells += [_money_cell(v, p, choices) for v, p in zip(values, table.amounts)]
    return [replace(c, width=_width(c, [row_cells[i] for row_cells in cells], choices)) for i, c in enumerate(columns)], cells


def _width(column: Column, texts: list[str], choices: Choices) -> float:
    """Room for the widest text in the font it is printed in, amounts with a gap a reader can see."""
    widest = max(pdfmetrics.stringWidth(text, _font(text, choices), SIZE) for text in texts)
    padding = 20.0 if column.align == "r" else 10.0
    label = pdfmetrics.stringWidth(column.path[-1], FONT, SIZE) + 10
    return max(widest + padding, min(label, 70.0), 34.0)


def _header_grid(columns: Sequence[Column]) -> list[list[tuple[int, int, int, str]]]:
    """Header cells from label paths: equal prefixes merge across, a path that ends early spans down."""
    depth = max(len(c.path) for c in columns)
    grid: list[list[tuple[int, int, int, str]]] = []
    for level in range(depth):
        row: list[tuple[int, int, int, str]] = []
        start = 0
        while start < len(columns):
            path = columns[start].path
            end = start
            if len(path) <= level:  # covered by a cell spanning down from above
                start += 1
                continue
            while end + 1 < len(columns) and columns[end + 1].path[: level + 1] == path[: level + 1] and len(columns[end + 1].path) > level:
                end += 1
            span = depth - level if len(path) == level + 1 else 1
            row.append((start, end, span, path[level]))
            start = end + 1
        grid.append(row)
    return grid


def _wrapped(text: str, rng: random.Random, wrap: bool) -> str:
    """A label wrapped at a point drawn afresh for every page ("人员\\n经费" or "人员经\\n费")."""
    if not wrap or len(text) < 4 or rng.random() < 0.3:
        return text
    cut = rng.randint(2, len(text) - 2)
    return f"{text[:cut]}\n{text[cut:]}"


def _title_lines(table: TableContent, index: int, choices: Choices) -> list[list[tuple[str, str]]]:
    """The lines printed above a table's header: marks, title, unit, department."""
    unit = f"单位：{table.unit}"
    title = table.title
    if choices.title_form == "table_n":
        title = f"表{index + 1} {title}"
    if choices.unit_place == "inside":
        title = f"{title}（{unit}）"
    title_runs = [(f"{YEAR}", "year"), (f"年{title}", "c")] if choices.title_form == "year_run" else [(title, "c")]
    title_line = title_runs + ([(unit, "r")] if choices.unit_place == "beside" else [])
    mark = f"公开{index + 1:02d}表"
    lines: list[list[tuple[str, str]]] = []
    if choices.unit_place == "above":
        lines.append([(unit, "r")])
    if choices.title_form == "mark_above":
        lines.append([(mark, "l")])
    lines.append(title_line)
    if choices.title_form == "mark_below":
        lines.append([(mark, "l")])
    if choices.unit_place == "below":
        lines.append([(unit, "r")])
    if choices.unit_place == "with_department":
        lines.append([(f"编制单位：{DEPARTMENT}", "l"), (unit, "r")])
    return lines


def _row_height(cells: Sequence[str]) -> float:
    return ROW_H + WRAP_H * max([c.count("\n") for c in cells] + [0])


def _header_height(header: list[list[tuple[int, int, int, str]]]) -> float:
    return sum(_row_height([cell[3] for cell in row if cell[2] == 1] or [""]) for row in header)


def lay_out(choices: Choices, tables: list[TableContent], rng: random.Random) -> list[PagePlan]:
    """Pages of blocks. A forced page break (continuation) falls inside the first long table."""
    wide = any(sum(c.width for c in _columns(t, choices)[0]) > A4[0] - 2 * MARGIN for t in tables)
    size = landscape(A4) if wide else A4
    pages = [PagePlan(size, cover=True), PagePlan(size)]
    y = size[1] - 50
    bottom = 50.0
    for index, table in enumerate(tables):
        columns, cells = _columns(table, choices)
        titles = _title_lines(table, index, choices)
        header = _header_grid(columns)
        breaks = set()
        if choices.continuation != "none" and index == 0 and len(cells) > 5:
            breaks.add(rng.randint(3, len(cells) - 2))
        first_height = 22 * len(titles) + 8 + 3 * ROW_H + 2 * WRAP_H * len(header) + ROW_H * len(header)
        if pages[-1].blocks and (choices.packing == "one_per_page" or y - first_height < bottom):
            pages.append(PagePlan(size))
            y = size[1] - 50
        start, first = 0, True
        while start < len(cells):
            page_header = [[(a, b, s, _wrapped(t, rng, choices.wrap_labels)) for a, b, s, t in row] for row in header]
            show_header = first or choices.continuation != "bare"
            lines = titles if first or choices.continuation == "with_title" else []
            y -= 22 * len(lines) + (8 if lines else 0)
            block = Block(index, lines, page_header if show_header else [], [], columns, top=y)
            y -= _header_height(block.header)
            while start < len(cells) and y - _row_height(cells[start]) >= bottom and not (start in breaks and block.rows):
                block.rows.append(cells[start])
                y -= _row_height(cells[start])
                start += 1
            breaks.discard(start)
            pages[-1].blocks.append(block)
            if start < len(cells):
                pages.append(PagePlan(size))
                y = size[1] - 50
            first = False
        y -= 30
    return pages


# -- 4. render ------------------------------------------------------------------------------


def _font(text: str, choices: Choices | None) -> str:
    """Digits in their own font when glyph boxes are offset, everything else in the CJK font."""
    digits = re.fullmatch(r"[\d,.\-]+", text) is not None
    return DIGIT_FONT if digits and choices is not None and choices.offset_glyphs else FONT


def _draw(c: canvas.Canvas, x: float, y: float, text: str, align: str, size: float = SIZE, choices: Choices | None = None) -> None:
    draw_text(c, x, y, text, size, align, _font(text, choices))


def _draw_title(c: canvas.Canvas, block: Block, xs: list[float], page_width: float) -> None:
    """Title lines above the table: the title centred (its year a run of its own when so
    chosen), marks at the left, the unit at the right, clear of a title on the same line."""
    y = block.top + 22 * len(block.title_lines) + 8
    for line in block.title_lines:
        y -= 22
        title = [(text, align) for text, align in line if align in ("year", "c")]
        widths = [pdfmetrics.stringWidth(text, FONT, 14) for text, _ in title]
        x = page_width / 2 - (sum(widths) + 2 * (len(title) - 1)) / 2
        for (text, _), width in zip(title, widths):
            _draw(c, x, y, text, "l", 14)
            x += width + 2
        for text, align in line:
            if align == "l":
                _draw(c, xs[0], y, text, "l", 10)
            elif align == "r":
                right = x + 24 + pdfmetrics.stringWidth(text, FONT, 10) if title else 0.0
                _draw(c, max(xs[-1], right), y, text, "r", 10)


def _draw_block(c: canvas.Canvas, block: Block, page_width: float, choices: Choices) -> None:
    xs = [MARGIN]
    for column in block.columns:
        xs.append(xs[-1] + column.width)
    _draw_title(c, block, xs, page_width)
    top = block.top
    c.setLineWidth(0.6)
    heights = [_row_height([cell[3] for cell in row if cell[2] == 1] or [""]) for row in block.header]
    row_tops = [top - sum(heights[:i]) for i in range(len(heights) + 1)]
    for level, row in enumerate(block.header):
        for first, last, span, text in row:
            cell_top, cell_bottom = row_tops[level], row_tops[min(level + span, len(heights))]
            lines = text.split("\n")
            middle = (cell_top + cell_bottom) / 2 + (len(lines) - 1) * WRAP_H / 2 - 3
            for n, part in enumerate(lines):
                _draw(c, (xs[first] + xs[last + 1]) / 2, middle - n * WRAP_H, part, "c", choices=choices)
            if choices.rulings == "full":
                c.line(xs[first], cell_bottom, xs[last + 1], cell_bottom)
                c.line(xs[first], cell_top, xs[first], cell_bottom)
                c.line(xs[last + 1], cell_top, xs[last + 1], cell_bottom)
    y = row_tops[-1]
    body_top = y
    for cells in block.rows:
        height = _row_height(cells)
        for i, (text, column) in enumerate(zip(cells, block.columns)):
            x = xs[i + 1] - 3 if column.align == "r" else xs[i] + 3
            _draw(c, x, y - 13, text, column.align, choices=choices)
        y -= height
        if choices.rulings == "full":
            c.line(xs[0], y, xs[-1], y)
    if choices.rulings == "full":
        for x in xs:
            c.line(x, body_top, x, y)
    if choices.rulings != "none":
        c.line(xs[0], top, xs[-1], top)
        c.line(xs[0], body_top, xs[-1], body_top)
        c.line(xs[0], y, xs[-1], y)


def render(choices: Choices, pages: list[PagePlan], path: Path) -> None:
    c = canvas.Canvas(str(path), pagesize=pages[0].size, invariant=1)
    for number, page in enumerate(pages):
        if number:
            c.showPage()
        if page.cover:
            kind = "部门预算" if choices.report_kind == "预算" else "部门决算"
            _draw(c, page.size[0] / 2, page.size[1] * 0.6, f"{DEPARTMENT}", "c", 20)
            _draw(c, page.size[0] / 2, page.size[1] * 0.6 - 40, f"{YEAR}年{kind}", "c", 20)
        for block in page.blocks:
            _draw_block(c, block, page.size[0], choices)
    c.save()
    if choices.offset_glyphs:
        offset_glyph_boxes(path)


# -- spec and truth -------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    seed: int
    choices: Choices
    tables: tuple[TableContent, ...]
    pages: tuple[PagePlan, ...]


def draw_spec(seed: int) -> Spec:
    rng = random.Random(seed)
    choices = draw_choices(rng)
    tables = draw_tables(choices, rng)
    return Spec(seed, choices, tuple(tables), tuple(lay_out(choices, tables, rng)))


def truth(spec: Spec) -> dict:
    """Ground truth in generate.py's shape, plus ``kind`` per table and ``extra_code`` per row."""
    tables = []
    for index, table in enumerate(spec.tables):
        pages = sorted({n + 1 for n, page in enumerate(spec.pages) for b in page.blocks if b.table == index})
        labels = ["/".join(p) for p in table.amounts]
        rows = [
            {"code": row.code, "name": row.name, "extra_code": row.extra_code,
             "values": {label: None if v is None else v / 100 for label, v in zip(labels, values)}}
            for row, values in zip(table.rows, printed_values(table, spec.choices))
        ]
        tables.append({"kind": table.kind, "kind_title": table.title, "unit": table.unit, "pages": pages, "empty": False,
                       "columns": [list(p) for p in table.amounts], "rows": rows})
    report = {"report_kind": spec.choices.report_kind, "year": YEAR, "department": DEPARTMENT, "pages": len(spec.pages)}
    return {"source": f"template-{spec.seed}", "seed": spec.seed, "choices": spec.choices.values(), "report": report, "tables": tables}


def write(seed: int, path: Path) -> dict:
    """Render the template of ``seed`` to ``path``; return its truth."""
    spec = draw_spec(seed)
    render(spec.choices, list(spec.pages), path)
    return truth(spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", type=int, nargs="+")
    parser.add_argument("--out", type=Path, default=Path("templates"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for seed in args.seeds:
        data = write(seed, args.out / f"{seed}.pdf")
        (args.out / f"{seed}.truth.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        print(args.out / f"{seed}.pdf", json.dumps(data["choices"], ensure_ascii=False))


if __name__ == "__main__":
    main()
