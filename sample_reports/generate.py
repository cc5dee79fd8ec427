#!/usr/bin/env python3
"""Render synthetic Chinese 部门预算 / 部门决算 report PDFs with ground-truth JSON.

Usage: python sample_reports/generate.py [--out DIR] [--injected]   (default: sample_reports/generated/)

Writes NAME.pdf and NAME.truth.json for gen_final_ruled, gen_budget_unruled and
gen_mixed_small, then OUT/injected/CLEAN__KIND.pdf + .expected.json: the clean report with
exactly one printed error (see INJECTIONS) for testing the consistency checks; --injected
writes only those. Output is deterministic (no randomness; reportlab ``invariant`` mode).
Amounts are integer hundredths, so 类 = Σ款, 款 = Σ项, 合计 = Σ类 and 合计 = 基本支出 + 项目支出
hold exactly. Truth values are parsed back from the printed strings and column paths are
derived from the printed header, so truth and PDF cannot drift apart.
"""
from __future__ import annotations

import argparse
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable, Union

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

# ---------------------------------------------------------------- classification data
# 政府收支分类科目 — 支出功能分类 类 (3 digits) and 款 (5 digits) names.
FUNC_NAMES = dict(item.split() for item in re.split(r";|\n", """
208 社会保障和就业支出; 20801 人力资源和社会保障管理事务; 20805 行政事业单位养老支出
20808 抚恤; 20899 其他社会保障和就业支出; 210 卫生健康支出; 21001 卫生健康管理事务
21002 公立医院; 21003 基层医疗卫生机构; 21004 公共卫生; 21007 计划生育事务
21011 行政事业单位医疗; 21012 财政对基本医疗保险基金的补助; 21013 医疗救助
21015 医疗保障管理事务; 21016 老龄卫生健康事务; 21017 中医药事务; 21099 其他卫生健康支出
221 住房保障支出; 22102 住房改革支出""".strip()))
# 部门预算支出经济分类 类 names.
ECON_NAMES = {"301": "工资福利支出", "302": "商品和服务支出", "303": "对个人和家庭的补助",
              "310": "资本性支出"}
# 支出功能分类 类 as listed on the 支出 side of 收支总表 ("…支出").
EXP_CLASSES = ("一般公共服务 外交 国防 公共安全 教育 科学技术 文化旅游体育与传媒 社会保障和就业 "
               "社会保险基金 卫生健康 节能环保 城乡社区 农林水 交通运输 资源勘探工业信息等 商业服务业等 "
               "金融 援助其他地区 自然资源海洋气象等 住房保障 粮油物资储备 国有资本经营预算 "
               "灾害防治及应急管理 预备费 其他 转移性 债务还本 债务付息 债务发行费用").split()
CN_NUM = "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七 十八 十九 二十".split()
CN_NUM += ["二十" + n for n in CN_NUM[:9]]

# 洛阳市卫生健康委员会 2023 决算, per 项: code name 基本支出 项目支出 (万元).
# 2100101 行政运行's 基本支出 is a placeholder, balanced against FINAL_ECON in balance().
FINAL_ITEMS = """
2080501 行政单位离退休 42.18 0
2080502 事业单位离退休 186.35 12.40
2080505 机关事业单位基本养老保险缴费支出 612.74 0
2080506 机关事业单位职业年金缴费支出 245.10 0
2080801 死亡抚恤 18.62 0
2089999 其他社会保障和就业支出 0 6.80
2100101 行政运行 0 35.60
2100102 一般行政管理事务 0 286.45
2100103 机关服务 96.21 0
2100199 其他卫生健康管理事务支出 0 152.30
2100201 综合医院 0 3825.00
2100202 中医（民族）医院 0 1260.50
2100205 精神病医院 0 486.20
2100206 妇幼保健医院 0 735.88
2100301 城市社区卫生机构 0 418.60
2100302 乡镇卫生院 0 962.35
2100399 其他基层医疗卫生机构支出 0 74.10
2100401 疾病预防控制机构 1286.42 356.70
2100402 卫生监督机构 524.63 48.90
2100403 妇幼保健机构 0 210.00
2100404 精神卫生机构 0 95.50
2100405 应急救治机构 312.08 66.40
2100406 采供血机构 398.75 120.30
2100408 基本公共卫生服务 0 2864.93
2100409 重大公共卫生服务 0 1045.16
2100410 突发公共卫生事件应急处置 0 523.47
2100499 其他公共卫生支出 0 88.25
2100717 计划生育服务 0 342.60
2100799 其他计划生育事务支出 0 1496.82
2101101 行政单位医疗 86.54 0
2101102 事业单位医疗 198.37 0
2101103 公务员医疗补助 45.20 0
2101199 其他行政事业单位医疗支出 12.66 0
2101601 老龄卫生健康事务 0 58.00
2101704 中医（民族医）药专项 0 120.00
2101799 其他中医药事务支出 0 35.40
2109999 其他卫生健康支出 0 214.78
2210201 住房公积金 398.16 0
2210202 提租补贴 24.30 0
2210203 购房补贴 56.85 0
"""
# Its 一般公共预算财政拨款基本支出 by 经济分类 (万元).
FINAL_ECON = """
30101 基本工资 1352.46; 30102 津贴补贴 486.30; 30103 奖金 112.58; 30107 绩效工资 1024.67
30108 机关事业单位基本养老保险缴费 612.74; 30109 职业年金缴费 245.10
30110 职工基本医疗保险缴费 284.91; 30111 公务员医疗补助缴费 45.20; 30112 其他社会保障缴费 38.27
30113 住房公积金 398.16; 30199 其他工资福利支出 76.45; 30301 离休费 28.64; 30302 退休费 199.89
30304 抚恤金 18.62; 30305 生活补助 9.36; 30309 奖励金 2.40; 30399 其他对个人和家庭的补助 81.15
30201 办公费 68.42; 30202 印刷费 12.35; 30205 水费 8.76; 30206 电费 36.20; 30207 邮电费 14.83
30208 取暖费 22.10; 30209 物业管理费 96.21; 30211 差旅费 45.37; 30213 维修（护）费 28.64
30214 租赁费 15.00; 30215 会议费 4.26; 30216 培训费 9.85; 30217 公务接待费 3.12
30218 专用材料费 56.90; 30226 劳务费 18.40; 30227 委托业务费 24.55; 30228 工会经费 52.38
30229 福利费 31.60; 30231 公务用车运行维护费 18.75; 30239 其他交通费用 86.40
30299 其他商品和服务支出 21.34; 31002 办公设备购置 12.80; 31003 专用设备购置 35.60
31007 信息网络及软件购置更新 8.90
"""
# 宜昌市医疗保障局 2024 预算 (万元); 2101501 行政运行's 基本支出 is balanced likewise.
BUDGET_ITEMS = """
2080109 社会保险经办机构 486.25 35.00
2080501 行政单位离退休 12.36 0
2080502 事业单位离退休 8.74 0
2080505 机关事业单位基本养老保险缴费支出 96.48 0
2080506 机关事业单位职业年金缴费支出 38.59 0
2089999 其他社会保障和就业支出 4.20 0
2100410 突发公共卫生事件应急处置 0 180.00
2101101 行政单位医疗 42.15 0
2101102 事业单位医疗 31.82 0
2101103 公务员医疗补助 9.60 0
2101199 其他行政事业单位医疗支出 1.35 650.00
2101201 财政对职工基本医疗保险基金的补助 0 1250.00
2101202 财政对城乡居民基本医疗保险基金的补助 0 14862.50
2101301 城乡医疗救助 0 3120.40
2101399 其他医疗救助支出 0 215.60
2101501 行政运行 0 0
2101502 一般行政管理事务 0 46.80
2101503 机关服务 28.40 0
2101504 信息化建设 0 120.00
2101505 医疗保障政策管理 0 18.50
2101506 医疗保障经办事务 0 85.30
2101550 事业运行 215.64 0
2101599 其他医疗保障管理事务支出 0 96.20
2210201 住房公积金 62.88 0
2210203 购房补贴 5.40 0
"""
# Its 一般公共预算基本支出 (元); 30199 / 30299 are topped up so each 经费 total is whole 百元.
BUDGET_ECON = """
30101 基本工资 3286452.00; 30102 津贴补贴 1452380.00; 30103 奖金 268930.00
30107 绩效工资 1865240.00; 30108 机关事业单位基本养老保险缴费 964800.00; 30109 职业年金缴费 385900.00
30110 职工基本医疗保险缴费 739700.00; 30111 公务员医疗补助缴费 96000.00
30112 其他社会保障缴费 52316.48; 30113 住房公积金 628800.00; 30199 其他工资福利支出 134562.30
30201 办公费 186420.50; 30202 印刷费 35600.00; 30205 水费 18236.40; 30206 电费 96518.75
30207 邮电费 42380.00; 30209 物业管理费 284000.00; 30211 差旅费 125600.00
30213 维修（护）费 48260.00; 30215 会议费 12000.00; 30216 培训费 26500.00
30217 公务接待费 15000.00; 30226 劳务费 68350.00; 30228 工会经费 132487.62; 30229 福利费 86400.00
30231 公务用车运行维护费 72000.00; 30239 其他交通费用 198600.00; 30299 其他商品和服务支出 24000.00
30302 退休费 211000.00; 30305 生活补助 42000.00; 30399 其他对个人和家庭的补助 54000.00
31002 办公设备购置 56800.00
"""
# 安陆市医疗保障局 2023 收入决算: code name 财政拨款收入 其他收入 (万元).
MIXED_ITEMS = """
2080505 机关事业单位基本养老保险缴费支出 28.64 0
2080506 机关事业单位职业年金缴费支出 11.46 0
2101101 行政单位医疗 13.27 0
2101202 财政对城乡居民基本医疗保险基金的补助 1856.30 0
2101501 行政运行 186.52 8.30
2101599 其他医疗保障管理事务支出 42.75 -12.50
2210201 住房公积金 21.48 0
"""

Item = tuple[str, str, list[int]]               # (code, name, amounts in hundredths)


# ---------------------------------------------------------------- amounts and rows
def fen(s: str) -> int:
    """'1234.56' -> 123456 (hundredths of the unit)."""
    return int(Decimal(s) * 100)


def parse(block: str) -> list[Item]:
    """Parse 'code name amount…' entries separated by newlines or ';'."""
    items = []
    for entry in filter(str.strip, re.split(r";|\n", block)):
        code, name, *nums = entry.split()
        items.append((code, name, [fen(n) for n in nums]))
    return items


def money(v: int | None, zero: str = "0.00", sep: bool = True) -> str:
    """Format hundredths as printed: optional thousands separators, a chosen zero style."""
    if v is None:
        return ""
    if v == 0:
        return zero
    whole = f"{abs(v) // 100:,}" if sep else str(abs(v) // 100)
    return f"{'-' if v < 0 else ''}{whole}.{abs(v) % 100:02d}"


def value(s: str) -> float | None:
    """Parse a printed amount back; '' and '—' are null."""
    s = s.strip()
    return None if s in ("", "—") else float(s.replace(",", ""))


def pct(a: int, b: int) -> str:
    return f"{Decimal(a * 100) / Decimal(b):.2f}"


def versus(now: int, prev: int, what: str = "比上年") -> list[Union[str, "Num"]]:
    """'，比上年增加 X 万元' / '，比上年减少 X 万元' / '，与上年持平' (comparison word from the amounts)."""
    if now == prev:
        return ["，与上年持平"]
    word = f"{what}{'增加' if now > prev else '减少'}"
    return [f"，{word}", Num(word, abs(now - prev)), "万元"]


def expand(items: list[Item]) -> list[Item]:
    """Turn 项-level items into 类/款/项 rows (code order) whose amounts are exact sums."""
    sums: dict[str, list[int]] = {}
    for code, _, vals in items:
        for key in (code[:3], code[:5]):
            sums[key] = [a + b for a, b in zip(sums.get(key, [0] * len(vals)), vals)]
    rows, seen = [], set()
    for code, name, vals in sorted(items):
        for key in (code[:3], code[:5]):
            if key not in seen:
                seen.add(key)
                rows.append((key, FUNC_NAMES[key], sums[key]))
        rows.append((code, name, vals))
    return rows


def econ_rows(items: list[Item]) -> list[tuple[str, str, int]]:
    """Group 5-digit 经济分类 items under their 3-digit 类 rows."""
    out = []
    for cls in sorted({c[:3] for c, _, _ in items}):
        kids = sorted((c, n, v[0]) for c, n, v in items if c[:3] == cls)
        out += [(cls, ECON_NAMES[cls], sum(v for _, _, v in kids)), *kids]
    return out


def class_total(rows: list[Item]) -> list[int]:
    """合计 = column sums over the 类 rows."""
    return [sum(col) for col in zip(*(v for c, _, v in rows if len(c) == 3))]


def balance(items: list[Item], code: str, basic_total: int) -> list[Item]:
    """Set ``code``'s 基本支出 so Σ基本支出 == basic_total; amounts become [合计, 基本, 项目]."""
    other = sum(v[0] for c, _, v in items if c != code)
    assert basic_total > other, "balancing item would go negative"
    fixed = [(c, n, [basic_total - other if c == code else b, p]) for c, n, (b, p) in items]
    return [(c, n, [b + p, b, p]) for c, n, (b, p) in fixed]


# ---------------------------------------------------------------- document model
Cell = Union[str, tuple]                         # printed text, or (text, colspan)
HeadCell = tuple[int, int, int, int, str]        # (row, col, rowspan, colspan, text)


def hdr(*rows: str) -> list[HeadCell]:
    """Header from rows of 'text[:colspan][^rowspan]' tokens, flowing around row spans."""
    cells, taken = [], set()
    for r, row in enumerate(rows):
        c = 0
        for tok in row.split():
            text, cs, rs = re.fullmatch(r"(.+?)(?::(\d+))?(?:\^(\d+))?", tok).groups()
            cs, rs = int(cs or 1), int(rs or 1)
            while (r, c) in taken:
                c += 1
            cells.append((r, c, rs, cs, text))
            taken |= {(r + i, c + j) for i in range(rs) for j in range(cs)}
            c += cs
    return cells


@dataclass
class Num:
    """A figure cited in narrative text; dy != 0 draws it off the sentence baseline, and
    ``font`` sets it in another font run (as many real reports do), so a text layer that
    follows drawing order rather than position may print it away from its blank."""
    label: str
    value: int
    dy: float = 0.0
    font: str | None = None


@dataclass
class Table:
    title: str
    widths: list[float]
    align: str                                   # per column l / c / r; "r" = amount column
    header: list[HeadCell]
    meta: tuple[str, str]                        # left / right text under the title
    body: list[list[Cell]] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    columns: list[list[str]] = field(default_factory=list)
    unit: str = "万元"
    mark: str = ""                               # 公开0N表
    ruled: bool = True
    repeat_header: bool = True
    land: bool = False
    row_h: float = 18.0
    valign: str = "middle"
    note: str = ""
    empty: bool = False
    pages: list[int] = field(default_factory=list)
    row_pages: list[int] = field(default_factory=list)   # page of each body row, as rendered

    def __post_init__(self) -> None:
        if not self.columns:                     # label path of each column, as printed
            self.columns = [[t for _, c, _, cs, t in sorted(self.header) if c <= j < c + cs]
                            for j in range(len(self.widths))]

    def keys(self) -> list[str]:
        """values keys: joined label paths of the amount ("r") columns."""
        return ["/".join(p) for p, a in zip(self.columns, self.align) if a == "r"]

    def add(self, code: str | None, name: str, amts: list[str], split: bool = False,
            span: bool = True) -> None:
        """Append a code | name | amounts row to both the printed body and the truth."""
        codes = ([code[:3], code[3:5], code[5:]] if split else [code]) if code else \
            [""] * (3 if split else 1)
        self.body.append([(name, len(codes) + 1), *amts] if code is None and span
                         else [*codes, name, *amts])
        self.rows.append({"code": code, "name": name,
                          "values": {k: value(a) for k, a in zip(self.keys(), amts)}})


@dataclass
class Narrative:
    heading: str
    paras: list[list[Union[str, Num]]]          # a paragraph starting with "#" is a sub-heading
    page: int = 0                                # set when rendered
    para_pages: list[int] = field(default_factory=list)   # page of each paragraph, as rendered


@dataclass
class Report:
    name: str
    kind: str
    year: int
    dept: str
    parts: list                                  # "cover" | "toc" | Narrative | Table
    toc: dict[int, str] = field(default_factory=dict)
    numbers: list[dict] = field(default_factory=list)


def two_sided(t: Table, left: list[tuple[str, str]], right: list[tuple[str, str]],
              tail: list[tuple[tuple[str, str], tuple[str, str]]]) -> Table:
    """Fill a 收入 | 支出 table: item lists padded to equal length, then aligned total rows."""
    n, line_no = max(len(left), len(right)), any(h[4] == "行次" for h in t.header)
    pairs = [(left[i] if i < len(left) else ("", ""), right[i] if i < len(right) else ("", ""))
             for i in range(n)] + tail
    for i, ((ln, la), (rn, ra)) in enumerate(pairs):
        t.body.append([ln, str(i + 1), la, rn, str(i + 1 + len(pairs)), ra] if line_no
                      else [ln, la, rn, ra])
    t.rows = [{"code": None, "name": name, "values": {f"{side}/金额": value(amt)}}
              for k, side in enumerate(("收入", "支出")) for pair in pairs
              for name, amt in [pair[k]] if name]
    return t


# ---------------------------------------------------------------- rendering
PAD, SIZE, LH = 3.0, 9.0, 12.5
NO_BREAK, NUMERIC = "，。；：、）”%", "0123456789.,-%"


def wrap(text: str, width: float, size: float) -> list[str]:
    """Greedy character wrap; no line starts with closing punctuation; numbers stay whole."""
    lines, cur = [], ""
    for ch in text:
        if cur and ch not in NO_BREAK and pdfmetrics.stringWidth(cur + ch, FONT, size) > width:
            keep = (len(cur.rstrip(NUMERIC)) if ch in NUMERIC else 0) or len(cur)
            lines.append(cur[:keep])
            cur = cur[keep:] + ch
        else:
            cur += ch
    return lines + [cur]


class Doc:
    """Thin wrapper over a reportlab canvas that tracks page numbers."""

    def __init__(self, target) -> None:
        self.c = canvas.Canvas(target, pagesize=A4, invariant=1)
        self.page, (self.w, self.h) = 0, A4

    def new_page(self, land: bool = False, footer: bool = True) -> None:
        if self.page:
            self.c.showPage()
        self.w, self.h = landscape(A4) if land else A4
        self.c.setPageSize((self.w, self.h))
        self.page += 1
        if footer:
            self.text(self.w / 2, 28, f"- {self.page} -", 9, "c")

    def text(self, x: float, y: float, s: str, size: float = 10.5, align: str = "l", font: str = FONT) -> None:
        if not s:
            return
        if len(s) == 1 and not s.isascii():  # PDFium drops a lone CJK character of this non-embedded
            s = {"l": f"{s} ", "c": f" {s} ", "r": f" {s}"}[align]  # CID font; real reports embed theirs
        self.c.setFont(font, size)
        {"l": self.c.drawString, "c": self.c.drawCentredString,
         "r": self.c.drawRightString}[align](x, y, s)

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.c.setLineWidth(0.6)
        self.c.line(x1, y1, x2, y2)


def need(text: str, w: float, base: float) -> float:
    """Cell height: ``base`` for one line, one line-height more per wrapped line."""
    return base + (len(wrap(text, w - 2 * PAD, SIZE)) - 1) * LH


def draw_cell(doc: Doc, t: Table, x: float, top: float, w: float, h: float, text: str,
              align: str, valign: str, left: bool, upper: bool) -> None:
    """Draw wrapped text in a cell; if ruled, its right and bottom edges (left/top on borders)."""
    lines = wrap(text, w - 2 * PAD, SIZE)
    start = top - (h - len(lines) * LH) / 2 if valign == "middle" else top - PAD
    for i, ln in enumerate(lines):
        base = start - i * LH - (LH - SIZE) / 2 - SIZE * 0.86
        doc.text({"l": x + PAD, "c": x + w / 2, "r": x + w - PAD}[align], base, ln, SIZE, align)
    if t.ruled:
        doc.line(x + w, top, x + w, top - h)
        doc.line(x, top - h, x + w, top - h)
        if left:
            doc.line(x, top, x, top - h)
        if upper:
            doc.line(x, top, x + w, top)


def draw_header(doc: Doc, t: Table, xs: list[float], y: float) -> float:
    hs = [20.0] * max(r + rs for r, _, rs, _, _ in t.header)
    for r, c, rs, cs, text in sorted(t.header, key=lambda h: h[2]):   # grow rows to fit text
        hs[r + rs - 1] += max(0.0, need(text, xs[c + cs] - xs[c], 20.0) - sum(hs[r:r + rs]))
    for r, c, rs, cs, text in t.header:
        draw_cell(doc, t, xs[c], y - sum(hs[:r]), xs[c + cs] - xs[c], sum(hs[r:r + rs]), text,
                  "c", "middle", c == 0, r == 0)
    return y - sum(hs)


def render_table(doc: Doc, t: Table) -> None:
    """Title, 部门/单位 line, header and body with page breaks, then the note."""
    doc.new_page(t.land)
    xs = [(doc.w - sum(t.widths)) / 2 + sum(t.widths[:i]) for i in range(len(t.widths) + 1)]
    y = doc.h - 58
    doc.text(doc.w / 2, y, t.title, 16, "c")
    doc.text(xs[-1], y + 14, t.mark, 10, "r")
    doc.text(xs[0], y - 26, t.meta[0], 10)
    doc.text(xs[-1], y - 26, t.meta[1], 10, "r")
    y = draw_header(doc, t, xs, y - 34)
    t.pages, t.row_pages, top_rule = [doc.page], [], False
    for row in t.body:
        cells, col = [], 0
        for cell in row:
            text, span = cell if isinstance(cell, tuple) else (cell, 1)
            cells.append((col, span, text))
            col += span
        h = max(need(s, xs[c + n] - xs[c], t.row_h) for c, n, s in cells)
        if y - h < 52:                           # page break
            doc.new_page(t.land)
            t.pages.append(doc.page)
            y = doc.h - 50
            top_rule = not t.repeat_header
            if t.repeat_header:
                y = draw_header(doc, t, xs, y)
        t.row_pages.append(doc.page)
        for c, n, s in cells:
            draw_cell(doc, t, xs[c], y, xs[c + n] - xs[c], h, s, "c" if n > 1 else t.align[c],
                      t.valign, c == 0, top_rule)
        y, top_rule = y - h, False
    doc.text(xs[0], y - 15, t.note, 9)


def render_narrative(doc: Doc, n: Narrative, numbers: list[dict]) -> None:
    """Heading plus paragraphs; cited figures are recorded into ``numbers``."""
    doc.new_page()
    n.page = doc.page
    x0, width, size, lh = 72, doc.w - 144, 12, 22
    doc.text(doc.w / 2, doc.h - 80, n.heading, 16, "c")
    y = doc.h - 120
    n.para_pages = []
    for para in n.paras:
        text = "".join(money(p.value, sep=False) if isinstance(p, Num) else p for p in para)
        if y - lh * len(wrap(text, width - 2 * size, size)) < 60:   # the paragraph goes on the next page
            doc.new_page()
            y = doc.h - 80
        n.para_pages.append(doc.page)
        nums = [p for p in para if isinstance(p, Num)]
        numbers += [{"page": doc.page, "text": p.label, "value": value(money(p.value))} for p in nums]
        if any(p.dy or p.font for p in nums):    # one line; figures off the baseline or in another font
            x = x0 + 2 * size
            for p in para:
                s, dy, gap, font = (money(p.value, sep=False), p.dy, size * 0.6 * bool(p.dy), p.font or FONT) \
                    if isinstance(p, Num) else (p, 0, 0, FONT)
                doc.text(x + gap, y + dy, s, size, font=font)
                x += pdfmetrics.stringWidth(s, font, size) + 2 * gap
            y -= lh
            continue
        if text.startswith("#"):
            doc.text(x0, y, text[1:], 13)
            y -= lh
            continue
        first = wrap(text, width - 2 * size, size)[0]          # first line is indented
        for i, ln in enumerate([first] + (wrap(text[len(first):], width, size)
                                          if len(text) > len(first) else [])):
            doc.text(x0 + (2 * size if i == 0 else 0), y, ln, size)
            y -= lh
        y -= 4


def render_cover(doc: Doc, r: Report) -> None:
    doc.new_page(footer=False)
    doc.text(doc.w / 2, doc.h * 0.62, r.dept, 26, "c")
    doc.text(doc.w / 2, doc.h * 0.62 - 56, f"{r.year}年度部门{r.kind}", 30, "c")
    doc.text(doc.w / 2, doc.h * 0.22, r.dept, 14, "c")
    date = f"{r.year + 1}年9月" if r.kind == "决算" else f"{r.year}年2月"
    doc.text(doc.w / 2, doc.h * 0.22 - 24, date, 14, "c")


def render_toc(doc: Doc, r: Report, part_pages: dict[int, int]) -> None:
    doc.new_page()
    doc.text(doc.w / 2, doc.h - 90, "目  录", 20, "c")
    for k, (i, label) in enumerate(r.toc.items()):
        y = doc.h - 150 - 28 * k
        dots = (doc.w - 200 - pdfmetrics.stringWidth(label, FONT, 12)) / \
            pdfmetrics.stringWidth(".", FONT, 12)
        doc.text(90, y, label + "." * int(dots), 12)
        doc.text(doc.w - 90, y, str(part_pages.get(i, "")), 12, "r")


def render(r: Report, target, part_pages: dict[int, int]) -> tuple[int, dict[int, int]]:
    """Render every part; returns (page count, first page of each part)."""
    doc, starts = Doc(target), {}
    doc.c.setTitle(f"{r.dept}{r.year}年度部门{r.kind}")
    r.numbers.clear()
    for i, part in enumerate(r.parts):
        starts[i] = doc.page + 1
        if part == "cover":
            render_cover(doc, r)
        elif part == "toc":
            render_toc(doc, r, part_pages)
        elif isinstance(part, Narrative):
            render_narrative(doc, part, r.numbers)
        else:
            render_table(doc, part)
    doc.c.save()
    return doc.page, starts


def write(r: Report, out: Path) -> int:
    """Render twice (the 目录 needs final page numbers), then write PDF + truth JSON."""
    _, starts = render(r, io.BytesIO(), {})
    pages, _ = render(r, str(out / f"{r.name}.pdf"), starts)
    truth = {
        "source": f"{r.name}.pdf",
        "report": {"report_kind": r.kind, "year": r.year, "department": r.dept, "pages": pages},
        "tables": [{"kind_title": t.title, "unit": t.unit, "pages": t.pages, "empty": t.empty,
                    "columns": t.columns, "rows": t.rows}
                   for t in r.parts if isinstance(t, Table)],
        "narrative_numbers": r.numbers,
    }
    (out / f"{r.name}.truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return pages


# ---------------------------------------------------------------- report builders
NUMBER_FONT = "Helvetica"                       # figures set in a font of their own
# 年初预算 of some 项 of the 决算 (万元), and why 决算 differs: the 情况说明 explains each item in
# the real pattern — amounts in one sentence, the 大于/小于/等于/基本持平 claim in the next.
FINAL_BUDGETS = {
    "2100401": ("1593.12", "疫情防控经费追加"),
    "2100102": ("300.00", "压减一般性支出"),
    "2101101": (None, ""),                       # 预算 = 决算: 决算数等于预算数
    "2210201": ("400.00", ""),                   # within a few per cent: 基本持平
}


def items_explained(func: list[Item], budgets: dict[str, tuple[str | None, str]]) -> list[list]:
    """"1、X（类）Y（款）Z（项）。年初预算为 A 万元，支出决算为 B 万元，完成年初预算的 P%。决算数大于
    预算数的主要原因是：…" — one paragraph per item, the claim after the amounts' full stop."""
    names = {c: n for c, n, _ in func}
    finals = {c: v[0] for c, _, v in func}
    paras = []
    for k, (code, (budget_text, why)) in enumerate(budgets.items(), 1):
        final = finals[code]
        budget = final if budget_text is None else fen(budget_text)
        if budget == final:
            claim = "决算数等于预算数。"
        elif why:
            claim = f"决算数{'大于' if final > budget else '小于'}年初预算数的主要原因是：{why}。"
        else:
            claim = "决算数与预算数基本持平。"
        paras.append([f"{k}、{names[code[:3]]}（类）{names[code[:5]]}（款）{names[code]}（项）。年初预算为",
                      Num(f"{code} 年初预算", budget), "万元，支出决算为", Num(f"{code} 支出决算", final),
                      f"万元，完成年初预算的{pct(final, budget)}%。{claim}"])
    return paras


def final_ruled() -> Report:
    """部门决算 with ruled tables (公开01/03/06/07/08表), cover, 目录 and 情况说明."""
    dept, year, m = "洛阳市卫生健康委员会", 2023, money
    meta, y = (f"部门：{dept}", "金额单位：万元"), f"{year}年度"
    econ = econ_rows(parse(FINAL_ECON))
    basic = sum(v for c, _, v in econ if len(c) == 3)
    func = expand(balance(parse(FINAL_ITEMS), "2100101", basic))
    total = class_total(func)
    other_inc, carry_in, carry_out = fen("45.60"), fen("156.32"), fen("88.47")
    unknown_line = fen("12.30")                 # a summary line no catalog names (上年实户资金余额), part of 收入总计
    gpb = total[0] + carry_out - carry_in - other_inc - unknown_line   # 一般公共预算财政拨款收入
    grand = total[0] + carry_out
    prev_grand = fen("19862.35")                                 # 上年度收入、支出总计

    incomes = ["一般公共预算财政拨款收入", "政府性基金预算财政拨款收入", "国有资本经营预算财政拨款收入",
               "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"]
    left = [(f"{CN_NUM[i]}、{s}", m({0: gpb, 7: other_inc}.get(i, 0))) for i, s in enumerate(incomes)]
    by_class = {FUNC_NAMES[c][:-2]: v[0] for c, _, v in func if len(c) == 3}
    classes = [c for c in EXP_CLASSES if c not in ("社会保险基金", "预备费", "转移性", "债务发行费用")]
    right = [(f"{CN_NUM[i]}、{c}支出", m(by_class.get(c, 0)))
             for i, c in enumerate(classes + ["抗疫特别国债安排的"])]
    t01 = two_sided(Table("收入支出决算总表", [156, 30, 72, 156, 30, 72], "lcrlcr",
                          hdr("收入:3 支出:3", "项目 行次 金额 项目 行次 金额"), meta, mark="公开01表",
                          row_h=17, note="注：本表反映部门本年度的总收支和年末结转结余情况。"),
                    left, right,
                    [(("本年收入合计", m(gpb + other_inc)), ("本年支出合计", m(total[0]))),
                     (("使用非财政拨款结余", m(0)), ("结余分配", m(0))),
                     (("上年实户资金余额", m(unknown_line)), ("", "")),
                     (("年初结转和结余", m(carry_in)), ("年末结转和结余", m(carry_out))),
                     (("", ""), ("", "")), (("总计", m(grand)), ("总计", m(grand)))])

    t03 = Table("支出决算表", [62, 200, 80, 80, 80], "llrrr",
                hdr("项目:2 本年支出:3", "科目编码 科目名称 本年支出合计 基本支出 项目支出"), meta,
                mark="公开03表", note="注：本表反映部门本年度各项支出情况。")
    for code, name, vals in [(None, "合计", total)] + func:
        t03.add(code, name, [m(v, "") for v in vals])

    people = [r for r in econ if r[0][:3] in ("301", "303")]
    public = [r for r in econ if r[0][:3] in ("302", "310")]
    p_sum, g_sum = (sum(v for c, _, v in grp if len(c) == 3) for grp in (people, public))
    groups = [people, public[:len(people)], public[len(people):]]     # side by side
    t06 = Table("一般公共预算财政拨款基本支出决算表", [44, 138, 66] * 3, "llr" * 3,
                hdr("人员经费:3 公用经费:6", "科目编码 科目名称 决算数 " * 3), meta, mark="公开06表",
                columns=[["科目编码"], ["科目名称"], ["决算数"]], land=True, row_h=17,
                note="注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。")
    t06.body = [[x for g in groups for x in ((g[i][0], g[i][1], m(g[i][2])) if i < len(g)
                                             else ("", "", ""))] for i in range(len(people))]
    t06.body.append([("人员经费合计", 2), m(p_sum), ("公用经费合计", 5), m(g_sum)])
    t06.rows = [{"code": c, "name": n, "values": {"决算数": value(m(v))}}
                for c, n, v in people + [(None, "人员经费合计", p_sum)] + public +
                [(None, "公用经费合计", g_sum)]]

    econ_amt = {c: v for c, _, v in econ}
    budget = [fen("5.00"), 0, fen("22.00"), fen("6.00")]     # 出国, 用车购置, 用车运行, 接待
    actual = [0, 0, econ_amt["30231"], econ_amt["30217"]]
    amts = [m(x) for a, b, c, d in (budget, actual) for x in (a + b + c + d, a, b + c, b, c, d)]
    t07 = Table("一般公共预算财政拨款“三公”经费支出决算表", [62] * 12, "r" * 12,
                hdr("预算数:6 决算数:6", "合计^2 因公出国（境）费^2 公务用车购置及运行费:3 公务接待费^2 " * 2,
                    "小计 公务用车购置费 公务用车运行费 " * 2), meta, mark="公开07表", land=True,
                row_h=22, note="注：本表反映部门本年度“三公”经费支出预决算情况。")
    t07.body = [amts]
    t07.rows = [{"code": None, "name": None, "values": dict(zip(t07.keys(), map(value, amts)))}]

    t08 = Table("政府性基金预算财政拨款收入支出决算表", [58, 130, 62, 62, 62, 62, 62, 62], "llrrrrrr",
                hdr("项目:2 年初结转和结余^2 本年收入^2 本年支出:3 年末结转和结余^2",
                    "科目编码 科目名称 小计 基本支出 项目支出"), meta, mark="公开08表", empty=True,
                row_h=40, note="注：本表反映部门本年度政府性基金预算财政拨款收入、支出及结转和结余情况。")
    t08.body = [[(f"本单位{y}无政府性基金预算财政拨款收入支出，故本表为空。", 8)]]

    narr = Narrative(f"{dept}{y}部门决算情况说明", [
        ["#一、收入支出决算总体情况说明"],
        [f"{y}收入、支出总计均为", Num("收入、支出总计", grand), "万元，比上年增加",
         Num("比上年增加", grand - prev_grand), f"万元，增长{pct(grand - prev_grand, prev_grand)}%（上年度收入、"
         "支出总计为", Num("上年度收入、支出总计", prev_grand), "万元），主要原因是基本公共卫生服务和重大公共卫生服务"
         "项目资金增加。"],
        ["#二、收入决算情况说明"],
        [f"{y}本年收入合计", Num("本年收入合计", gpb + other_inc), "万元，其中：一般公共预算财政拨款收入",
         Num("一般公共预算财政拨款收入", gpb), f"万元，占{pct(gpb, gpb + other_inc)}%；其他收入",
         Num("其他收入", other_inc), f"万元，占{pct(other_inc, gpb + other_inc)}%。"],
        ["#三、支出决算情况说明"],
        [f"{y}本年支出合计", Num("本年支出合计", total[0]), "万元，其中：基本支出", Num("基本支出", total[1]),
         f"万元，占{pct(total[1], total[0])}%；项目支出", Num("项目支出", total[2]),
         f"万元，占{pct(total[2], total[0])}%。"],
        [f"{y}本年支出合计", Num("本年支出合计（另一字体）", total[0], font=NUMBER_FONT), "万元，其中：基本支出",
         Num("基本支出（另一字体）", total[1], font=NUMBER_FONT), f"万元，占{pct(total[1], total[0])}%。"],
        ["#（一）一般公共预算财政拨款支出决算具体情况"],
        *items_explained(func, FINAL_BUDGETS),
        ["#四、一般公共预算财政拨款基本支出决算情况说明"],
        [f"{y}一般公共预算财政拨款基本支出", Num("一般公共预算财政拨款基本支出", basic), "万元，其中：人员经费",
         Num("人员经费", p_sum), "万元，主要包括基本工资、津贴补贴、奖金、绩效工资、机关事业单位基本养老保险缴费、"
         "住房公积金、退休费等；公用经费", Num("公用经费", g_sum), "万元，主要包括办公费、印刷费、水电费、"
         "物业管理费、差旅费、公务用车运行维护费、专用设备购置等。"],
        ["#五、“三公”经费财政拨款支出决算情况说明"],
        [f"{y}“三公”经费财政拨款支出决算为", Num("“三公”经费财政拨款支出决算", sum(actual)), "万元，预算为",
         Num("“三公”经费财政拨款支出预算", sum(budget)), f"万元，完成预算的{pct(sum(actual), sum(budget))}%，"
         f"决算数{'大于' if sum(actual) > sum(budget) else '小于'}预算数，主要原因是严格落实过紧日子要求，压减公务用车"
         "运行和公务接待支出。其中：因公出国（境）费0.00万元；公务用车购置费0.00万元；公务用车运行费",
         Num("公务用车运行费", actual[2]), "万元；公务接待费", Num("公务接待费", actual[3]), "万元。"],
        ["#六、政府性基金预算财政拨款收入支出决算情况说明"],
        [f"本部门{y}无政府性基金预算财政拨款收入支出。"],
    ])
    parts = ["cover", "toc", narr, t01, t03, t06, t07, t08]
    toc = {2: f"一、{y}部门决算情况说明"}
    toc.update({i: f"{CN_NUM[i - 2]}、{p.title}" for i, p in enumerate(parts) if isinstance(p, Table)})
    return Report("gen_final_ruled", "决算", year, dept, parts, toc)


def budget_unruled() -> Report:
    """部门预算 with unruled (text-only) tables; split 类/款/项 codes; one table in 元."""
    dept, year = "宜昌市医疗保障局", 2024
    econ_items = parse(BUDGET_ECON)
    for code, grp in (("30199", ("301", "303")), ("30299", ("302", "310"))):
        short = -sum(v[0] for c, _, v in econ_items if c[:3] in grp) % 10000   # to whole 百元
        econ_items = [(c, n, [v[0] + short * (c == code)]) for c, n, v in econ_items]
    econ = econ_rows(econ_items)
    people, public = (sum(v for c, _, v in econ if c in grp) for grp in (("301", "303"), ("302", "310")))
    basic = (people + public) // 10000                            # 元 -> 万元, exact
    func = expand(balance(parse(BUDGET_ITEMS), "2101501", basic))
    total = class_total(func)
    meta = (f"部门名称：{dept}", "单位：万元")
    prev_total = fen("20386.72")                                  # 上年预算收入总计、支出总计

    incomes = ["一般公共预算拨款收入", "政府性基金预算拨款收入", "国有资本经营预算拨款收入", "财政专户管理资金收入",
               "事业收入", "事业单位经营收入", "上级补助收入", "附属单位上缴收入", "其他收入"]
    by_class = {FUNC_NAMES[c][:-2]: v[0] for c, _, v in func if len(c) == 3}
    t1 = two_sided(Table("部门收支总体情况表", [170, 78, 170, 78], "lrlr",
                         hdr("收入:2 支出:2", "项目 金额 项目 金额"), meta, ruled=False, row_h=17),
                   [(f"{CN_NUM[i]}、{s}", money(total[0] * (i == 0), "")) for i, s in enumerate(incomes)],
                   [(f"{CN_NUM[i]}、{c}支出", money(by_class.get(c, 0), ""))
                    for i, c in enumerate(EXP_CLASSES)],
                   [(("本年收入合计", money(total[0])), ("本年支出合计", money(total[0]))),
                    (("上年结转结余", ""), ("年终结转结余", "")),
                    (("收入总计", money(total[0])), ("支出总计", money(total[0])))])

    t2 = Table("部门支出总体情况表", [32, 28, 28, 108, 98, 98, 98], "llllrrr",
               hdr("项目:4 合计^3 基本支出^3 项目支出^3", "科目编码:3 科目名称^2", "类 款 项"), meta,
               ruled=False, repeat_header=False, valign="top")
    for code, name, vals in [(None, "合计", total)] + func:
        t2.add(code, name, [money(v, "") for v in vals], split=True, span=False)

    t3 = Table("一般公共预算基本支出表", [56, 170, 90, 90, 90], "llrrr",
               hdr("部门预算支出经济分类科目:2 本年一般公共预算基本支出:3", "科目编码 科目名称 合计 人员经费 公用经费"),
               (meta[0], "单位：元"), unit="元", ruled=False, row_h=15)
    t3.add(None, "合计", [money(people + public), money(people), money(public)], span=False)
    for c, n, v in econ:
        pe = c[:3] in ("301", "303")
        t3.add(c, n, [money(v), money(v) if pe else "", "" if pe else money(v)])

    # “三公” (万元): 因公出国（境）, 公务用车购置, 公务用车运行, 公务接待; this year's from the 基本支出表.
    econ_amt = {c: v for c, _, v in econ}
    assert econ_amt["30231"] % 10000 == econ_amt["30217"] % 10000 == 0
    now = [0, 0, econ_amt["30231"] // 10000, econ_amt["30217"] // 10000]
    prev = [0, 0, fen("8.40"), fen("1.80")]
    assert sum(now) < sum(prev)                                   # the narrative says 下降
    t4 = Table("一般公共预算“三公”经费支出情况表", [92, 62, 84, 60, 72, 72, 62], "lrrrrrr",
               hdr("项目^2 合计^2 因公出国（境）费^2 公务用车购置及运行费:3 公务接待费^2",
                   "小计 公务用车购置费 公务用车运行费"), (meta[0], "金额单位：万元"), ruled=False, row_h=20)
    for label, (a, b, c, d) in (("上年预算数", prev), ("本年预算数", now)):
        amts = [money(x) for x in (a + b + c + d, a, b + c, b, c, d)]
        t4.body.append([label, *amts])
        t4.rows.append({"code": None, "name": label, "values": dict(zip(t4.keys(), map(value, amts)))})

    narr = Narrative(f"{dept}{year}年部门预算情况说明", [
        ["#一、收支预算总体情况"],
        [f"{year}年收入总计、支出总计均为", Num("收入总计、支出总计", total[0]), "万元，比上年增加",
         Num("比上年增加", total[0] - prev_total), f"万元，增长{pct(total[0] - prev_total, prev_total)}%（上年"
         "收入总计、支出总计为", Num("上年收入总计、支出总计", prev_total), "万元），主要原因是财政对城乡居民基本医疗"
         "保险基金的补助增加。"],
        [f"{year}年本年收入合计", Num("本年收入合计", total[0], 4.0), "万元，本年支出合计",
         Num("本年支出合计", total[0], -3.5), "万元，收支平衡。"],
        ["本年收入中，一般公共预算拨款收入", Num("一般公共预算拨款收入", total[0]),
         f"万元，占{pct(total[0], total[0])}%；无政府性基金预算、国有资本经营预算拨款收入，无上年结转结余。"],
        ["#二、支出预算情况"],
        [f"{year}年支出预算中，基本支出", Num("基本支出", total[1]), f"万元，占{pct(total[1], total[0])}%；"
         "项目支出", Num("项目支出", total[2]), f"万元，占{pct(total[2], total[0])}%。项目支出主要用于"
         "财政对城乡居民基本医疗保险基金的补助、城乡医疗救助等。"],
        ["#三、一般公共预算基本支出情况"],
        [f"{year}年一般公共预算基本支出", Num("一般公共预算基本支出", basic), "万元，其中：人员经费",
         Num("人员经费", people // 10000), "万元，主要包括基本工资、津贴补贴、奖金、绩效工资、社会保障缴费、"
         "住房公积金、退休费等；公用经费", Num("公用经费", public // 10000), "万元，主要包括办公费、印刷费、"
         "水电费、物业管理费、差旅费、公务用车运行维护费、办公设备购置等。"],
        ["#四、一般公共预算“三公”经费预算情况"],
        [f"{year}年一般公共预算“三公”经费预算为", Num("“三公”经费预算", sum(now)), "万元",
         *versus(sum(now), sum(prev)), f"，下降{pct(sum(prev) - sum(now), sum(prev))}%（上年“三公”经费预算为",
         Num("上年“三公”经费预算", sum(prev)), "万元），主要原因是严格落实过紧日子要求，压减公务用车运行和公务接待"
         "支出。其中：因公出国（境）费", Num("因公出国（境）费", now[0]), "万元", *versus(now[0], prev[0]),
         "；公务用车购置费", Num("公务用车购置费", now[1]), "万元", *versus(now[1], prev[1]), "；公务用车运行费",
         Num("公务用车运行费", now[2]), "万元", *versus(now[2], prev[2]), "；公务接待费",
         Num("公务接待费", now[3]), "万元", *versus(now[3], prev[3]), "。"],
    ])
    return Report("gen_budget_unruled", "预算", year, dept, ["cover", narr, t1, t2, t3, t4])


def mixed_small() -> Report:
    """Short 决算: one ruled 收入决算表 with wrapped names, 0.00 / — / blank and negatives."""
    dept, year = "安陆市医疗保障局", 2023
    func = expand([(c, n, [f + o, f, 0, 0, 0, 0, o]) for c, n, (f, o) in parse(MIXED_ITEMS)])
    total = class_total(func)
    t02 = Table("收入决算表", [72, 120] + [78] * 7, "llrrrrrrr",
                hdr("项目:2 本年收入合计^2 财政拨款收入^2 上级补助收入^2 事业收入^2 经营收入^2 "
                    "附属单位上缴收入^2 其他收入^2", "功能分类科目编码 科目名称"),
                (f"部门：{dept}", "金额单位：万元"), mark="公开02表", land=True,
                note="注：本表反映部门本年度取得的各项收入情况。其他收入负数为以前年度多收款项退回冲减。")
    for code, name, v in [(None, "合计", total)] + func:
        # 上级补助收入 prints 0.00; 事业收入 / 附属单位上缴收入 stay blank; 经营收入 is "—".
        t02.add(code, name, [money(v[0]), money(v[1]), money(v[2]), "", "—", "", money(v[6])])
    narr = Narrative(f"{dept}{year}年度部门决算", [
        ["#收入决算情况说明"],
        [f"{year}年度本年收入合计", Num("本年收入合计", total[0]), "万元，其中：财政拨款收入",
         Num("财政拨款收入", total[1]), "万元；其他收入", Num("其他收入", total[6]),
         "万元，主要是以前年度多收款项退回冲减收入；无上级补助收入、事业收入、经营收入和附属单位上缴收入。"],
        ["本部门决算公开表格仅包含收入决算表，其余公开表格详见部门决算公开平台。"],
    ])
    return Report("gen_mixed_small", "决算", year, dept, [narr, t02])


# ---------------------------------------------------------------- injected errors
# Each variant is a clean report with exactly ONE printed string changed (a table amount, a
# narrative figure or phrase, a heading); its NAME.expected.json says what and where. Truth rows
# are kept in step with the printed change, so ``rows`` describe the injected PDF too.
AMOUNT = re.compile(r"-?[\d,]*\d\.\d\d")
Where = Callable[[], int]                        # page of the change, known after rendering


def part(r: Report, cls: type, title: str | None = None):
    return next(p for p in r.parts if isinstance(p, cls) and title in (None, getattr(p, "title", None)))


def set_amount(r: Report, title: str, row: str, key: str, new) -> dict:
    """Print ``new`` (a string, or a function of the printed amount) for row (code or name) × key."""
    t = part(r, Table, title)
    hits = [i for i, x in enumerate(t.rows) if row in (x["code"], x["name"])]
    ri = next(i for i in hits if key in t.rows[i]["values"])
    if len(t.body) == len(t.rows):               # one printed row per truth row (Table.add)
        bi, cj = ri, len(t.body[ri]) - len(t.keys()) + t.keys().index(key)
    else:                                        # side by side / two-sided: the amount right of the label
        spots = [(b, j) for b, cells in enumerate(t.body) for j, c in enumerate(cells)
                 if row in (c, c[0] if isinstance(c, tuple) else None)]
        bi, j = spots[hits.index(ri)]
        cj = next(k for k in range(j + 1, len(t.body[bi]))
                  if isinstance(t.body[bi][k], str) and AMOUNT.fullmatch(t.body[bi][k]))
    old = t.body[bi][cj]
    new = new(old) if callable(new) else new
    assert AMOUNT.fullmatch(new) and new != old
    t.body[bi][cj] = new
    t.rows[ri]["values"][key] = value(new)
    x = t.rows[ri]
    return {"page": lambda: t.row_pages[bi], "table_title": t.title, "row_code": x["code"],
            "row_name": x["name"], "column_label": key, "printed_before": old, "printed_after": new}


def set_text(r: Report, old: str, new: str, heading: bool = False) -> dict:
    """Replace ``old`` (printed once in the narrative: its heading or one text piece) by ``new``."""
    n = part(r, Narrative)
    if heading:
        assert n.heading.count(old) == 1
        n.heading = n.heading.replace(old, new)
    else:
        spots = [(k, para, i) for k, para in enumerate(n.paras) for i, s in enumerate(para)
                 if isinstance(s, str) and old in s]
        assert len(spots) == 1 and spots[0][1][spots[0][2]].count(old) == 1, old
        k, para, i = spots[0]
        para[i] = para[i].replace(old, new)
        return {"page": lambda: n.para_pages[k], "table_title": None, "row_code": None, "row_name": None,
                "column_label": None, "printed_before": old, "printed_after": new}
    return {"page": lambda: n.page, "table_title": None, "row_code": None, "row_name": None,
            "column_label": None, "printed_before": old, "printed_after": new}


def set_figure(r: Report, label: str, new) -> dict:
    """Print another amount for the narrative figure ``label`` (a Num; ``new`` maps old → new)."""
    n = part(r, Narrative)
    num = next(p for para in n.paras for p in para if isinstance(p, Num) and p.label == label)
    old = money(num.value, sep=False)
    num.value = fen(new(old))
    return {"page": lambda: n.page, "table_title": None, "row_code": None, "row_name": None,
            "column_label": None, "narrative_label": label, "printed_before": old,
            "printed_after": money(num.value, sep=False)}


def plus(delta: str):
    """old → old + delta, printed in the same style (thousands separators if old has them)."""
    return lambda old: money(fen(old.replace(",", "")) + fen(delta), sep="," in old)


def swap(i: int):
    """Swap the i-th and (i+1)-th digit of a printed amount: '1,352.46' with i=2 → '1,325.46'."""
    def fn(old: str) -> str:
        digits = [c for c in old if c.isdigit()]
        digits[i], digits[i + 1] = digits[i + 1], digits[i]
        it = iter(digits)
        return "".join(next(it) if c.isdigit() else c for c in old)
    return fn


def row_name(r: Report, title: str, suffix: str) -> str:
    return next(x["name"] for x in part(r, Table, title).rows if x["name"].endswith(suffix))


def inj_final_wrong_sum(r: Report) -> dict:
    w = set_amount(r, "支出决算表", "2101101", "本年支出/本年支出合计", plus("10.00"))
    w["description"] = (f"2101101 行政单位医疗 本年支出合计 changed {w['printed_before']} → {w['printed_after']}, "
                        "so 21011 行政事业单位医疗 no longer equals the sum of its 项")
    w["also_breaks"] = ["2101101 本年支出合计 ≠ 基本支出 + 项目支出 (column identity, same row)"]
    return w


def inj_final_swapped_digits(r: Report) -> dict:
    w = set_amount(r, "一般公共预算财政拨款基本支出决算表", "30101", "决算数", swap(2))
    w["description"] = (f"30101 基本工资 决算数 digits swapped {w['printed_before']} → {w['printed_after']}, "
                        "so 301 工资福利支出 no longer equals the sum of its 款")
    w["also_breaks"] = []
    return w


def inj_final_two_sided_total(r: Report) -> dict:
    w = set_amount(r, "收入支出决算总表", "总计", "收入/金额", plus("100.00"))
    w["description"] = (f"收入 side 总计 changed {w['printed_before']} → {w['printed_after']}, so 收入总计 ≠ 支出总计 "
                        f"({w['printed_before']})")
    w["also_breaks"] = ["本年收入合计 + 使用非财政拨款结余 + 年初结转和结余 ≠ 收入总计",
                        "narrative 收入、支出总计 (page 3) ≠ 收入总计"]
    return w


def inj_final_cross_table(r: Report) -> dict:
    name = row_name(r, "收入支出决算总表", "卫生健康支出")
    w = set_amount(r, "收入支出决算总表", name, "支出/金额", plus("100.00"))
    w["description"] = (f"收入支出决算总表 支出 line {name} changed {w['printed_before']} → {w['printed_after']}, "
                        f"so it no longer equals 支出决算表 类 210 卫生健康支出 本年支出合计 ({w['printed_before']})")
    w["also_breaks"] = ["收入支出决算总表 支出 类 lines no longer add up to 本年支出合计"]
    return w


def inj_final_narrative_amount(r: Report) -> dict:
    w = set_figure(r, "本年支出合计", swap(2))
    w["description"] = (f"narrative 本年支出合计 printed {w['printed_after']} 万元 instead of {w['printed_before']} "
                        "(收入支出决算总表 本年支出合计 and 支出决算表 合计)")
    w["also_breaks"] = ["narrative 基本支出 + 项目支出 ≠ narrative 本年支出合计",
                        "narrative 占 % of 基本支出 / 项目支出 no longer match the narrative 本年支出合计 "
                        "(they still match the tables)"]
    return w


def inj_final_narrative_comparison(r: Report) -> dict:
    t = part(r, Table, "一般公共预算财政拨款“三公”经费支出决算表")
    final, budget = (t.rows[0]["values"][f"{k}/合计"] for k in ("决算数", "预算数"))
    assert final < budget
    w = set_text(r, "决算数小于预算数", "决算数大于预算数")
    w["description"] = (f"三公 paragraph says 决算数大于预算数, but the “三公” 决算数 ({final:.2f}) is smaller than the "
                        f"预算数 ({budget:.2f}) in the 三公经费 table (and in the same sentence)")
    w["also_breaks"] = []
    return w


def inj_final_narrative_growth(r: Report) -> dict:
    n = part(r, Narrative)
    grand, inc, prev = (next(p.value for para in n.paras for p in para if isinstance(p, Num) and p.label == k)
                        for k in ("收入、支出总计", "比上年增加", "上年度收入、支出总计"))
    w = set_text(r, f"增长{pct(inc, prev)}%", f"增长{pct(inc, grand)}%")
    w["description"] = (f"growth printed {w['printed_after']} (increase ÷ this year's total) instead of "
                        f"{w['printed_before']}: {money(inc, sep=False)} ÷ 上年 {money(prev, sep=False)}")
    w["also_breaks"] = []
    return w


def inj_final_claim_next_sentence(r: Report) -> dict:
    w = set_text(r, "决算数大于年初预算数的主要原因", "决算数小于年初预算数的主要原因")
    w["description"] = ("item 2100401: 年初预算 and 支出决算 in one sentence, and the next sentence says 决算数小于预算数 "
                        "though 决算 is larger")
    w["also_breaks"] = []
    return w


def inj_final_claim_equal(r: Report) -> dict:
    w = set_text(r, "决算数等于预算数", "决算数大于预算数")
    w["description"] = "item 2101101: 预算 = 决算, but the next sentence says 决算数大于预算数"
    w["also_breaks"] = []
    return w


def inj_final_wrong_year(r: Report) -> dict:
    w = set_text(r, f"{r.year}年度", f"{r.year - 1}年度", heading=True)
    w["description"] = (f"情况说明 heading prints {r.year - 1}年度 in a {r.year} report "
                        f"(“{r.dept}{r.year - 1}年度部门决算情况说明”)")
    w["also_breaks"] = []
    return w


def inj_budget_wrong_sum(r: Report) -> dict:
    w = set_amount(r, "部门支出总体情况表", "2101301", "项目支出", plus("100.00"))
    w["description"] = (f"2101301 城乡医疗救助 项目支出 changed {w['printed_before']} → {w['printed_after']}, "
                        "so 21013 医疗救助 no longer equals the sum of its 项")
    w["also_breaks"] = ["2101301 合计 ≠ 基本支出 + 项目支出 (column identity, same row)"]
    return w


def inj_budget_column_identity(r: Report) -> dict:
    w = set_amount(r, "部门支出总体情况表", "2101199", "基本支出", lambda old: money(fen(old) * 10))
    w["description"] = (f"2101199 其他行政事业单位医疗支出 基本支出 changed {w['printed_before']} → "
                        f"{w['printed_after']} (decimal point shifted), so its 合计 ≠ 基本支出 + 项目支出")
    w["also_breaks"] = ["21011 行政事业单位医疗 基本支出 ≠ the sum of its 项"]
    return w


def inj_budget_wrong_total_row(r: Report) -> dict:
    w = set_amount(r, "一般公共预算基本支出表", "合计", "本年一般公共预算基本支出/人员经费", plus("10000.00"))
    w["description"] = (f"合计 row 人员经费 changed {w['printed_before']} → {w['printed_after']} 元, so it no "
                        "longer equals 301 + 303 (the 人员经费 类 rows)")
    w["also_breaks"] = ["合计 row 合计 ≠ 人员经费 + 公用经费",
                        "narrative 人员经费 (page 2, 万元) ≠ this table's 合计 人员经费"]
    return w


def inj_budget_narrative_share(r: Report) -> dict:
    t = part(r, Table, "部门支出总体情况表")
    total, basic, project = (t.rows[0]["values"][k] for k in ("合计", "基本支出", "项目支出"))
    basic, project, total = fen(f"{basic:.2f}"), fen(f"{project:.2f}"), fen(f"{total:.2f}")
    w = set_text(r, f"占{pct(basic, total)}%", f"占{pct(basic, project)}%")
    w["description"] = (f"基本支出 share printed {w['printed_after']} (基本支出 ÷ 项目支出) instead of "
                        f"{w['printed_before']} (基本支出 ÷ 本年支出合计)")
    w["also_breaks"] = ["narrative 基本支出 and 项目支出 shares no longer add up to 100%"]
    return w


def inj_budget_placeholder(r: Report) -> dict:
    w = set_text(r, r.dept, "XX局", heading=True)
    w["description"] = f"情况说明 heading prints the department as “XX局” (“XX局{r.year}年部门预算情况说明”)"
    w["also_breaks"] = []
    return w


INJECTIONS: list[tuple[Callable[[], Report], str, Callable[[Report], dict]]] = [
    (final_ruled, "wrong_sum", inj_final_wrong_sum),
    (final_ruled, "swapped_digits", inj_final_swapped_digits),
    (final_ruled, "two_sided_total", inj_final_two_sided_total),
    (final_ruled, "cross_table", inj_final_cross_table),
    (final_ruled, "narrative_amount", inj_final_narrative_amount),
    (final_ruled, "narrative_comparison", inj_final_narrative_comparison),
    (final_ruled, "narrative_growth", inj_final_narrative_growth),
    (final_ruled, "wrong_year", inj_final_wrong_year),
    (final_ruled, "claim_next_sentence", inj_final_claim_next_sentence),
    (final_ruled, "claim_equal", inj_final_claim_equal),
    (budget_unruled, "wrong_sum", inj_budget_wrong_sum),
    (budget_unruled, "column_identity", inj_budget_column_identity),
    (budget_unruled, "wrong_total_row", inj_budget_wrong_total_row),
    (budget_unruled, "narrative_share", inj_budget_narrative_share),
    (budget_unruled, "placeholder", inj_budget_placeholder),
]


def injected(build: Callable[[], Report], kind: str, inject: Callable[[Report], dict]) -> tuple[Report, dict]:
    """The clean report with one change applied, and its expected finding (page still a callable)."""
    r = build()
    where = inject(r)
    expected = {"clean": f"{r.name}.pdf", "kind": kind, "page": where.pop("page"),
                "description": where.pop("description"), **where}
    r.name = f"{r.name}__{kind}"
    return r, expected


def write_injected(out: Path) -> list[Path]:
    """Render every injected variant into ``out`` as NAME.pdf + NAME.expected.json."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for build, kind, inject in INJECTIONS:
        r, expected = injected(build, kind, inject)
        _, starts = render(r, io.BytesIO(), {})
        render(r, str(out / f"{r.name}.pdf"), starts)
        expected["page"] = expected["page"]()
        (out / f"{r.name}.expected.json").write_text(
            json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(out / f"{r.name}.pdf")
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "generated")
    ap.add_argument("--injected", action="store_true",
                    help="only the injected-error variants (OUT/injected/); default: clean reports and variants")
    args = ap.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    if not args.injected:
        for build in (final_ruled, budget_unruled, mixed_small):
            r = build()
            print(f"{out / r.name}.pdf: {write(r, out)} pages")
    written = write_injected(out / "injected")
    print(f"{out / 'injected'}: {len(written)} injected-error variants")


if __name__ == "__main__":
    main()
