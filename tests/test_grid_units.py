"""Small grid rules that real layouts need."""

import pytest

from parsers.tables.grid import clean_name, join_code_parts


@pytest.mark.parametrize(
    "parts, code, rest",
    [
        (["208", "05", "05"], "2080505", []),
        (["208", "05"], "20805", []),
        (["301", "2"], "30102", []),  # a spreadsheet dropped the leading zero
        (["208", "5", "5"], "2080505", []),
        (["208", "20805", "2080505"], "2080505", []),
        (["2080505"], "2080505", []),
        (["301", "02", "501", "01"], "301", ["02", "501", "01"]),
        ([], None, []),
    ],
)
def test_code_parts_join(parts, code, rest):
    assert join_code_parts(parts) == (code, rest)


@pytest.mark.parametrize(
    "raw, name",
    [
        ("机关事业单位基本 养老保险缴费支出", "机关事业单位基本养老保险缴费支出"),
        ("财政对城乡居民基\n本医疗保险基金的补助", "财政对城乡居民基本医疗保险基金的补助"),
        ("• 教育支出", "教育支出"),
        ("LNG 储配站 调压", "LNG储配站调压"),
        ("Open Data 平台", "Open Data平台"),
    ],
)
def test_names_lose_wrap_spaces(raw, name):
    assert clean_name(raw) == name


def test_amount_wrapped_inside_a_ruled_cell():
    from decimal import Decimal

    from parsers.tables.grid import _draft, _Group, _Row
    from parsers.read.layout import Fragment, SourceLine
    from parsers.model import Column

    line = SourceLine(1, 1, [Fragment("2080505", 0), Fragment("机关事业单位基本养老保险缴费支出", 1), Fragment("18,536.8\n8", 2)], region=0)
    row = _Row([line], {0: [line.fragments[0]], 1: [line.fragments[1]], 2: [line.fragments[2]]})
    draft = _draft(row, _Group(code_cols=[0], name_cols=[1], amount_cols=[2]), {(0, 2): Column("total", "合计")}, 0)
    assert draft.cells["total"].value == Decimal("18536.88")
    assert draft.cells["total"].raw == "18,536.8\n8"


@pytest.mark.parametrize(
    "code, known",
    [
        ("2014150", True),  # 数据事务 (2025): one 款 past the catalog's last in 201
        ("21598", True),  # 超长期特别国债安排的支出: 98 exists in every 类
        ("30101", True),
        ("50501", True),
        ("20381", False),  # 国防 has 款 01–06 and 99
        ("53045", False),  # no 类 530
        ("14539", False),
    ],
)
def test_a_code_glued_to_a_name_needs_a_section_the_standard_can_have(code, known):
    from parsers.subject_codes import known_section

    assert known_section(code) is known


def test_a_header_printed_again_wrapped_otherwise_on_a_continuation_page_is_no_row():
    """Page 2 repeats the header with its labels wrapped at other points ("支出功能分类" /
    "科目" instead of "支出功能" / "分类科目"): those lines are the header, not rows."""
    from parsers.tables.grid import build_table
    from parsers.read.layout import Fragment, SourceLine
    from parsers.tables.segment import Segment

    printed = [
        (1, ["支出功能", "本年"]), (1, ["分类科目", "支出"]), (1, ["科目编码", "科目名称", "合计"]),
        (1, ["208", "社会保障和就业支出", "10.00"]), (1, ["20805", "行政事业单位养老支出", "10.00"]),
        (2, ["支出功能分类", "本年支出"]), (2, ["科目", ""]), (2, ["科目编码", "科目名称", "合计"]),
        (2, ["2080505", "机关事业单位基本养老保险缴费支出", "10.00"]),
    ]
    lines = [SourceLine(page, number, [Fragment(text, col) for col, text in enumerate(cells) if text], region=0)
             for number, (page, cells) in enumerate(printed, start=1)]
    rows = build_table(Segment(None, "", None, lines), "t#1", "万元").rows
    assert [(r.code, r.name) for r in rows] == [
        ("208", "社会保障和就业支出"), ("20805", "行政事业单位养老支出"), ("2080505", "机关事业单位基本养老保险缴费支出")]
