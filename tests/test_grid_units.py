"""Small grid rules that real layouts need."""

import pytest

from parsers.grid import clean_name, join_code_parts


@pytest.mark.parametrize(
    "parts, code, rest",
    [
        (["208", "05", "05"], "2080505", []),
        (["208", "05"], "20805", []),
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
