"""Minimal PDFs for the layout patterns real templates use, each with its ground truth.

``generate.py`` renders whole reports; this module renders one table per file in the
layouts that broke kemu on reports from cities it had never seen, so each reading rule is
tested on the smallest case that needs it, without depending on one real file:

- ``split_codes``: 类/款/项 in three columns, rows printing only the 款 or the 项;
- ``dual_classification``: 部门经济分类 and 政府经济分类 side by side, each code with its name;
- ``coded_names``: function, government and department classifications as "code-name" cells;
- ``year_run``: the title's year set as a text run of its own ("2026" / "年部门支出总表");
- ``repeated_header``: a table continued on a second page under its repeated header and mark;
- ``title_every_page``: the same, with the title and a 表N mark printed again on every page;
- ``unit_above_title``: "单位：元" printed above the title, not below it;
- ``offset_glyphs``: an unruled table whose CJK glyph boxes sit ~14 pt above the digits of their line;
- ``side_text``: a project's description printed unruled beside the ruled rows, on every page;
- ``wrapped_names``: names wrapped over two lines in their cell, the amount on the first line;
- ``centred_wraps``: the same, every other cell centred on the wrapped row's height;
- ``clipped_overflow``: the same rows at one height, a wrapped name's second line clipped away over the row below;
- ``bare_continuation``: a continuation page with no header whose rows leave two of five amount columns empty;
- ``project_numbers``: project names numbered "53045-…", numbers no 科目 has (no 类 530, no 款 81 in 国防).

``write(name, path)`` returns the expected rows: (code, name, amounts as printed).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
ROW_H = 18.0
WRAP_H = 11.0  # the line pitch inside a cell: closer than the rows of the table
SIZE = 9.0

Expected = list[tuple[str | None, str, tuple[str, ...]]]


@dataclass
class Layout:
    title: str
    header: list[list[str]]  # header rows, one label per column ("" = merged with the cell above)
    widths: list[float]
    body: list[list[str]]
    expected: Expected
    title_runs: list[tuple[str, float]] = field(default_factory=list)  # (text, dx) when the title is set in runs
    above_title: str | None = None
    below_title: str = "单位：万元"
    rows_per_page: int = 40
    mark: str | None = None
    title_every_page: bool = False
    header_every_page: bool = True  # False: a continuation page starts straight with rows
    ruled: bool = True
    offset_glyphs: bool = False  # digits in Helvetica; the CJK font's metrics put its glyph boxes ~14 pt above them
    side_text: tuple[str, ...] = ()  # unruled lines printed beside the ruled rows, right of the grid
    centred: bool = False  # single-line cells centred on the height of a wrapped row (as spreadsheets print)
    clipped: bool = False  # rows keep one height; a wrapped cell's second line is drawn clipped away, over the row below
    preface: tuple[tuple[str, ...], ...] = ()  # pages of running text (情况说明) printed before the table, one tuple of lines each


def draw_text(c: canvas.Canvas, x: float, y: float, s: str, size: float = SIZE, align: str = "l", font: str = FONT) -> None:
    if not s:
        return
    if len(s) == 1 and not s.isascii():  # PDFium drops a lone CJK character of this non-embedded CID font
        s = {"l": f"{s} ", "c": f" {s} ", "r": f" {s}"}[align]
    c.setFont(font, size)
    {"l": c.drawString, "c": c.drawCentredString, "r": c.drawRightString}[align](x, y, s)


def _height(cells: list[str], layout: Layout | None = None) -> float:
    """A row is as tall as its most wrapped cell ("机关事业单位基本养老保险\n缴费支出": two lines)."""
    if layout is not None and layout.clipped:
        return ROW_H
    return ROW_H + WRAP_H * max(text.count("\n") for text in cells)


def _row(c: canvas.Canvas, layout: Layout, xs: list[float], top: float, cells: list[str], header: bool) -> None:
    for i, cell in enumerate(cells):
        shift = (_height(cells) - _height([cell])) / 2 if layout.centred else 0.0
        if layout.clipped:  # a spreadsheet clips each cell's text to the cell
            c.saveState()
            frame = c.beginPath()
            frame.rect(xs[i], top - ROW_H, xs[i + 1] - xs[i], ROW_H)
            c.clipPath(frame, stroke=0, fill=0)
        for n, text in enumerate(cell.split("\n")):
            y = top - 13 - n * (15 if layout.clipped else WRAP_H) - shift
            digits = text.replace(",", "").replace(".", "").isdigit()
            font = "Helvetica" if layout.offset_glyphs and digits else FONT
            if not header and digits and "." in text:
                draw_text(c, xs[i + 1] - 3, y, text, align="r", font=font)
            elif header:
                draw_text(c, (xs[i] + xs[i + 1]) / 2, y, text, align="c", font=font)
            else:
                draw_text(c, xs[i] + 3, y, text, font=font)
        if layout.clipped:
            c.restoreState()
    if layout.ruled:
        c.line(xs[0], top - _height(cells, layout), xs[-1], top - _height(cells, layout))


def _page(c: canvas.Canvas, layout: Layout, xs: list[float], rows: list[list[str]], first: bool) -> None:
    y = A4[1] - 60
    if first and layout.above_title:
        draw_text(c, xs[-1], y + 22, layout.above_title, 10, "r")
    if first or layout.mark:
        if layout.mark:
            draw_text(c, xs[0], y + 22, layout.mark, 10)
        if layout.title_runs:
            x = xs[0] + 60
            for text, dx in layout.title_runs:
                draw_text(c, x, y, text, 14)
                x += pdfmetrics.stringWidth(text, FONT, 14) + dx
        elif first or layout.title_every_page:
            draw_text(c, A4[0] / 2, y, layout.title, 14, "c")
    if first and layout.below_title:
        draw_text(c, xs[-1], y - 20, layout.below_title, 10, "r")
    top = y - 28
    header = layout.header if first or layout.header_every_page else []
    if layout.ruled:
        c.setLineWidth(0.6)
        c.line(xs[0], top, xs[-1], top)
        height = sum(_height(cells, layout) for cells in header + rows)
        for x in xs:
            c.line(x, top, x, top - height)
    for index, text in enumerate(layout.side_text):
        draw_text(c, xs[-1] + 8, top - ROW_H * (len(header) + 1) - 11 * index, text)
    for cells in header:
        _row(c, layout, xs, top, cells, header=True)
        top -= _height(cells, layout)
    for cells in rows:
        _row(c, layout, xs, top, cells, header=False)
        top -= _height(cells, layout)


def render(layout: Layout, path: Path) -> None:
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    xs = [40.0]
    for width in layout.widths:
        xs.append(xs[-1] + width)
    for lines in layout.preface:
        for number, text in enumerate(lines):
            draw_text(c, xs[0], A4[1] - 60 - 16 * number, text, 10)
        c.showPage()
    chunks = [layout.body[i:i + layout.rows_per_page] for i in range(0, len(layout.body), layout.rows_per_page)]
    for index, rows in enumerate(chunks):
        if index:
            c.showPage()
        _page(c, layout, xs, rows, first=index == 0)
    c.save()
    if layout.offset_glyphs:
        offset_glyph_boxes(path)


def offset_glyph_boxes(path: Path) -> None:
    """Give the CJK font metrics that lift its glyph boxes ~14 pt above the baseline, as some
    real PDFs do: the glyphs print on the line, but box-based readers see them a row higher."""
    data = path.read_bytes()
    patched = (
        data.replace(b"/Ascent 752 /CapHeight", b"/Ascent 2752/CapHeight")
        .replace(b"/Descent -271", b"/Descent 1746")
        .replace(b"[ -25 -254 1000 880 ]", b"[ -25 1746 1000 2880]")
    )  # same lengths, so the cross-reference table stays right
    if patched == data:
        raise RuntimeError("the CJK font's descriptor was not found")
    path.write_bytes(patched)


def split_codes() -> Layout:
    body = [
        ["208", "", "", "社会保障和就业支出", "681.62"],
        ["", "05", "", "行政事业单位养老支出", "156.17"],
        ["", "", "01", "行政单位离退休", "12.36"],
        ["", "", "05", "机关事业单位基本养老保险缴费支出", "143.81"],
        ["", "08", "", "抚恤", "525.45"],
        ["", "", "01", "死亡抚恤", "525.45"],
        ["210", "", "", "卫生健康支出", "40.00"],
        ["", "11", "02", "事业单位医疗", "40.00"],
    ]
    expected = [
        ("208", "社会保障和就业支出", ("681.62",)), ("20805", "行政事业单位养老支出", ("156.17",)),
        ("2080501", "行政单位离退休", ("12.36",)), ("2080505", "机关事业单位基本养老保险缴费支出", ("143.81",)),
        ("20808", "抚恤", ("525.45",)), ("2080801", "死亡抚恤", ("525.45",)),
        ("210", "卫生健康支出", ("40.00",)), ("2101102", "事业单位医疗", ("40.00",)),
    ]
    return Layout(
        "部门支出总表", [["类", "款", "项", "科目名称", "合计"]], [40, 40, 40, 230, 90], body, expected,
    )


def dual_classification() -> Layout:
    body = [
        ["301", "工资福利支出", "501", "机关工资福利支出", "120.00"],
        ["30101", "基本工资", "50101", "工资奖金津补贴", "80.00"],
        ["30102", "津贴补贴", "50101", "工资奖金津补贴", "40.00"],
        ["302", "商品和服务支出", "502", "机关商品和服务支出", "30.00"],
        ["30201", "办公费", "50201", "办公经费", "30.00"],
    ]
    expected = [(r[0], r[1], (r[4],)) for r in body]
    return Layout(
        "一般公共预算基本支出表",
        [["部门经济编码", "部门经济名称", "政府经济编码", "政府经济名称", "合计"]],
        [70, 110, 70, 130, 80], body, expected,
    )


def coded_names() -> Layout:
    body = [
        ["2050303-技校教育", "50902-助学金", "30308-助学金", "219.98"],
        ["2050305-高等职业教育", "50501-工资福利支出", "30101-基本工资", "1,410.09"],
        ["2050305-高等职业教育", "50502-商品和服务支出", "30201-办公费", "22.87"],
    ]
    expected = [(r[0].split("-")[0], r[0].split("-")[1], (r[3],)) for r in body]
    return Layout(
        "支出总表", [["支出功能分类科目", "政府经济分类科目", "部门经济分类科目", "合计"]],
        [130, 130, 130, 80], body, expected,
    )


def year_run() -> Layout:
    layout = split_codes()
    layout.title_runs = [("2026", 2.0), ("年市级部门财政拨款支出预算表", 0.0)]
    return layout


def repeated_header() -> Layout:
    body = [[f"20101{i:02d}", f"人大事务第{i}项", f"{i}.00"] for i in range(1, 13)]
    expected = [(r[0], r[1], (r[2],)) for r in body]
    return Layout(
        "一般公共预算支出表", [["科目编码", "科目名称", "合计"]], [80, 240, 90], body, expected,
        rows_per_page=7, mark="公开表5",
    )


def title_every_page() -> Layout:
    layout = repeated_header()
    layout.title_every_page, layout.mark = True, "表3"
    return layout


def unit_above_title() -> Layout:
    layout = dual_classification()
    layout.above_title, layout.below_title = "单位：元", ""
    return layout


def offset_glyphs() -> Layout:
    layout = split_codes()
    layout.ruled, layout.offset_glyphs = False, True
    return layout


def side_text() -> Layout:
    layout = repeated_header()
    layout.side_text = ("本项目用于保障人大", "代表履职和会议召开", "等各项工作的开展。")
    return layout


def wrapped_names() -> Layout:
    body = [
        ["2080505", "机关事业单位基本养老保险\n缴费支出", "143.81", "143.81"],
        ["2080506", "机关事业单位职业年金缴费\n支出", "57.52", "57.52"],
        ["2101101", "行政单位医疗", "40.00", "40.00"],
        ["2210201", "住房公积金", "86.27", "86.27"],
    ]
    expected = [(r[0], r[1].replace("\n", ""), (r[2], r[3])) for r in body]
    return Layout("一般公共预算基本支出表", [["科目编码", "科目名称", "合计", "人员经费"]], [70, 200, 80, 80], body, expected)


def centred_wraps() -> Layout:
    layout = wrapped_names()
    layout.centred = True
    return layout


def clipped_overflow() -> Layout:
    layout = wrapped_names()
    layout.clipped = True
    layout.expected = [(r[0], r[1].split("\n")[0], (r[2], r[3])) for r in layout.body]  # as printed: second lines are hidden
    return layout


def bare_continuation() -> Layout:
    body = [[f"20101{i:02d}", f"人大事务第{i}项", f"{i}0.00", f"{i}.00", f"{i}.00", "", f"{i * 8}.00"] for i in range(1, 6)]
    body += [[f"20102{i:02d}", f"政协事务第{i}项", f"{i}0.00", "", "", "", f"{i}0.00"] for i in range(1, 6)]
    expected = [(r[0], r[1], tuple(v for v in r[2:] if v)) for r in body]
    header = [["科目编码", "科目名称", "合计", "基本支出", "", "", "项目支出"], ["", "", "", "小计", "人员经费", "公用经费", ""]]
    return Layout(
        "一般公共预算支出表", header, [60, 150, 60, 60, 60, 60, 60], body, expected, rows_per_page=5, header_every_page=False,
    )


def project_numbers() -> Layout:
    body = [
        ["53045-文化艺术基金资助款", "7,600.00", "7,600.00"],
        ["20381-画院藏品保护修复", "55.94", "55.94"],
        ["34198-戏曲学院办学保障", "186.58", "186.58"],
    ]
    expected = [(None, r[0].split("-")[1], (r[1], r[2])) for r in body]
    return Layout("项目支出预算表", [["项目名称", "合计", "财政拨款"]], [200, 90, 90], body, expected)


LAYOUTS: dict[str, Callable[[], Layout]] = {
    f.__name__: f
    for f in (
        split_codes, dual_classification, coded_names, year_run, repeated_header, title_every_page, unit_above_title,
        offset_glyphs, side_text, wrapped_names, centred_wraps, clipped_overflow, bare_continuation, project_numbers,
    )
}


def write(name: str, path: Path, ruled: bool = True) -> Layout:
    """Render one layout; ``ruled=False`` draws no lines, so rows and columns come from the text alone."""
    layout = LAYOUTS[name]()
    layout.ruled = layout.ruled and ruled
    render(layout, path)
    return layout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("layouts"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name in LAYOUTS:
        write(name, args.out / f"{name}.pdf")
        print(args.out / f"{name}.pdf")


if __name__ == "__main__":
    main()
