"""Segmentation: where a table starts and which 单位 line is whose (parsers/tables/segment.py).

Lines are built as a PDF reader hands them over (cells of free text), so each case is the
printed order of a template: a unit above, beside or inside the title, or atop a continued page.
"""

from __future__ import annotations

from parsers.amounts import detect_unit
from parsers.identify.kinds import identify_table, is_table_title
from parsers.read.layout import Fragment, SourceLine
from parsers.tables.segment import Segment, segment_tables


def _lines(*rows: tuple[int, list[str]]) -> list[SourceLine]:
    numbers: dict[int, int] = {}
    lines = []
    for page, cells in rows:
        numbers[page] = numbers.get(page, 0) + 1
        lines.append(SourceLine(page, numbers[page], [Fragment(text, col) for col, text in enumerate(cells)]))
    return lines


HEADER = ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]
FUNCTION_ROWS = [["208", "社会保障和就业支出", "10.00", "6.00", "4.00"], ["20805", "行政事业单位养老支出", "10.00", "6.00", "4.00"]]
BASIC_HEADER = ["科目编码", "科目名称", "合计", "人员经费", "公用经费"]
BASIC_ROWS = [["301", "工资福利支出", "8.00", "8.00", "0.00"], ["30101", "基本工资", "8.00", "8.00", "0.00"]]


def _segments(*rows: tuple[int, list[str]]) -> list[tuple[str | None, str, str | None]]:
    """Each segment as identification names it (kind of its title), its title and its unit."""
    found: list[Segment] = segment_tables(_lines(*rows), is_table_title)
    kinds = [identify_table(s.title, "预算") if s.titled else None for s in found]
    return [(kind.id if kind else None, s.title, detect_unit(s.text)) for kind, s in zip(kinds, found)]


def test_a_title_carrying_its_unit_is_a_title_not_a_unit_line():
    assert _segments(
        (1, ["部门支出总体情况表（单位：万元）"]), (1, HEADER), *((1, r) for r in FUNCTION_ROWS),
        (1, ["一般公共预算基本支出表（单位：元）"]), (1, BASIC_HEADER), *((1, r) for r in BASIC_ROWS),
    ) == [("budget_expense", "部门支出总体情况表", "万元"), ("budget_gp_basic", "一般公共预算基本支出表", "元")]


def test_a_unit_above_the_next_title_belongs_to_the_next_table():
    assert _segments(
        (1, ["单位：万元"]), (1, ["部门支出总体情况表"]), (1, HEADER), *((1, r) for r in FUNCTION_ROWS),
        (1, ["单位：元"]), (1, ["公开08表"]), (1, ["一般公共预算基本支出表"]), (1, BASIC_HEADER), *((1, r) for r in BASIC_ROWS),
    ) == [("budget_expense", "部门支出总体情况表", "万元"), ("budget_gp_basic", "一般公共预算基本支出表", "元")]


def test_a_unit_beside_the_title_is_the_tables():
    assert _segments(
        (1, ["部门支出总体情况表", "单位：万元"]), (1, HEADER), *((1, r) for r in FUNCTION_ROWS),
        (2, ["一般公共预算基本支出表", "单位：元"]), (2, BASIC_HEADER), *((2, r) for r in BASIC_ROWS),
    ) == [("budget_expense", "部门支出总体情况表", "万元"), ("budget_gp_basic", "一般公共预算基本支出表", "元")]


def test_a_unit_atop_a_continued_page_stays_with_the_running_table():
    found = segment_tables(_lines(
        (1, ["部门支出总体情况表"]), (1, ["单位：元"]), (1, HEADER), (1, FUNCTION_ROWS[0]),
        (2, ["单位：元"]), (2, HEADER), (2, FUNCTION_ROWS[1]),
    ), is_table_title)
    assert len(found) == 1 and [m.page for m in found[0].meta] == [1, 2] and len(found[0].lines) == 4


def test_a_table_number_before_the_title_keeps_the_titles_first_character():
    assert _segments((1, ["表2 一般公共预算支出情况表"]), (1, HEADER), *((1, r) for r in FUNCTION_ROWS))[0][:2] == (
        "budget_gp_expense", "一般公共预算支出情况表")
