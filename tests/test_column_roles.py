"""Column roles from what the cells hold (parsers/tables/grid.py): a column of 科目 codes is the code
column whatever its header says, wherever it stands (issue 21: templates print the code after
the name, under one 项目 label with the name, or split into 类|款|项 columns)."""

from __future__ import annotations

from decimal import Decimal

from parsers.tables.grid import build_table
from parsers.read.layout import Fragment, SourceLine
from parsers.tables.segment import Segment


def _table(*rows: list[str]):
    lines = [SourceLine(1, number, [Fragment(text, col) for col, text in enumerate(cells) if text], region=0)
             for number, cells in enumerate(rows, start=1)]
    table = build_table(Segment(None, "", None, lines), "t#1", "万元")
    return [(row.code, row.extra_codes, row.name, [c.value for c in row.cells.values()]) for row in table.rows]


FUNCTION = [("208", "社会保障和就业支出"), ("20805", "行政事业单位养老支出"), ("2080505", "机关事业单位基本养老保险缴费支出")]
AMOUNTS = ["10.00", "6.00", "4.00"]
READ = [(code, (), name, [Decimal(a) for a in AMOUNTS]) for code, name in FUNCTION]


def test_a_code_column_right_of_the_names_is_the_code_column():
    assert _table(["科目名称", "科目编码", "合计", "基本支出", "项目支出"],
                  *([name, code, *AMOUNTS] for code, name in FUNCTION)) == READ


def test_a_code_column_without_a_label_of_its_own_is_not_an_amount_column():
    assert _table(["项目", "", "合计", "基本支出", "项目支出"],
                  *([name, code, *AMOUNTS] for code, name in FUNCTION)) == READ


def test_class_section_item_columns_under_one_label_are_the_code():
    split = [["208", "", "", "社会保障和就业支出"], ["", "05", "", "行政事业单位养老支出"], ["", "", "05", "机关事业单位基本养老保险缴费支出"]]
    assert _table(["项目", "", "", "", "合计", "基本支出", "项目支出"], *([*parts, *AMOUNTS] for parts in split)) == READ


def test_a_second_classification_right_of_the_names_stays_the_second_code():
    dual = [("301", "工资福利支出", "501", "机关工资福利支出"), ("30101", "基本工资", "50101", "工资奖金津补贴")]
    assert _table(["部门经济分类科目编码", "科目名称", "政府经济分类科目编码", "科目名称", "合计"],
                  *([*row, "8.00"] for row in dual)) == [
        ("301", ("501",), "工资福利支出", [Decimal("8.00")]), ("30101", ("50101",), "基本工资", [Decimal("8.00")])]


def test_whole_numbers_right_of_the_names_that_are_not_codes_stay_amounts():
    counts = [("一般公务用车", "205", "12.00"), ("执法执勤用车", "12", "3.50"), ("特种专业技术用车", "3", "1.00")]
    assert [r[3] for r in _table(["车辆类型", "车辆数", "金额"], *(list(row) for row in counts))] == [
        [Decimal(n), Decimal(a)] for _, n, a in counts]
