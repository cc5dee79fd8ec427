"""The three text-dump flavours read into the same tables."""

from __future__ import annotations

from decimal import Decimal

from parsers.report import read_report
from parsers.read.text import sniff_text_flavour
from tests.conftest import seed

TSV = """某某县卫生健康局2023年度部门决算
一般公共预算财政拨款支出决算表
部门：某县卫生健康局\t\t金额单位：万元
科目\t合计\t基本支出\t项目支出
[208]社会保障和就业支出\t80.00\t80.00\t0.00
【2080505】机关事业单位基本养老保险缴费支出\t80.00\t80.00\t—
"""

DOCX = """[bookmark: _Toc1]某县医疗保障局2023年度部门决算
一般公共预算财政拨款支出决算表
部门：某县医疗保障局
金额单位：万元
\t科目编码
\t科目名称
\t合计
\t基本支出

\t2101101
\t行政单位医疗
\t59.84
\t59.84

\t2101103
\t公务员医疗补助
\t311.15000000000009
\t

"""

OCR = """# 某市医疗保障局2024年度部门决算

## 支出决算表

部门: 某市医疗保障局

金额单位: 万元

科目编码\t\t科目名称\t本年支出合计\t基本支出\t项目支出
* +\t栏次\t\t1\t2\t3
类款\t项\t合计\t4, 627. 11\t2, 918. 34\t1, 708. 77
210\t•\t卫生健康支出\t1, 590. 87\t1, 590. 87\t0.00
2101501\t\t行政运行\t1, 590. 87\t1, 590. 87\t0.00
<sup>2.</sup> 本套报表金额单位转换时可能存在尾数误差。
"""


def _rows(text: str, tmp_path, name: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = read_report(path)
    return report, {r.code or r.name: r for t in report.tables for r in t.rows}


def test_flavours_are_sniffed_from_content():
    assert sniff_text_flavour(seed("001").read_text(encoding="utf-8")) == "docx"
    assert sniff_text_flavour(seed("004").read_text(encoding="utf-8")) == "ocr"
    assert sniff_text_flavour(seed("003").read_text(encoding="utf-8")) == "tsv"


def test_codes_in_brackets_inside_the_name_cell(tmp_path):
    report, rows = _rows(TSV, tmp_path, "a.txt")
    assert rows["2080505"].name == "机关事业单位基本养老保险缴费支出"
    assert rows["208"].name == "社会保障和就业支出"
    assert [c.value for c in rows["2080505"].cells.values()] == [Decimal("80.00"), Decimal("80.00"), None]
    assert report.tables[0].kind == "final_gp_expense"


def test_docx_one_cell_per_line_and_float_noise(tmp_path):
    report, rows = _rows(DOCX, tmp_path, "b.txt")
    assert report.format == "text/docx"
    assert rows["2101101"].name == "行政单位医疗"
    values = [c.value for c in rows["2101103"].cells.values()]
    assert values[0] == Decimal("311.15") and str(values[0]) == "311.15"
    assert rows["2101103"].cells[next(iter(rows["2101103"].cells))].raw == "311.15000000000009"


def test_ocr_markdown_spaced_numbers_and_tags(tmp_path):
    report, rows = _rows(OCR, tmp_path, "c.md")
    assert report.format == "text/ocr"
    assert rows["合计"].cells[next(iter(rows["合计"].cells))].value == Decimal("4627.11")
    assert [str(c.value) for c in rows["2101501"].cells.values()] == ["1590.87", "1590.87", "0.00"]
    assert report.tables[0].unit == "万元"


def test_a_row_cut_by_a_page_break_is_joined(tmp_path):
    text = (
        "某市公安局2026年部门预算\n部门收入总体情况表\n单位：万元\n"
        "单位名称\t合计\t一般公共预算\t事业收入\n"
        "合计\t20,000.00\t7,562.64\t12,437.36\n"
        "某市机动\t20,000.00\t7,562.64\t12,437.3\n\f"
        "车驾驶员考试服务中心\t\t\t6\n"
        "某市交通事故救助中心\t614.79\t614.79\t\n"
    )
    report, rows = _rows(text, tmp_path, "split.txt")
    row = rows["某市机动车驾驶员考试服务中心"]
    assert [str(c.value) for c in row.cells.values()] == ["20000.00", "7562.64", "12437.36"]
    assert "车驾驶员考试服务中心" not in rows and "某市交通事故救助中心" in rows
    assert report.tables[0].pages == (1, 2)


def test_a_page_footer_with_the_page_count_does_not_cut_a_table(tmp_path):
    page = "\n".join(f"20101{i:02d}\t人大事务第{i}项\t{i}.00" for i in range(1, 4))
    later = "\n".join(f"20102{i:02d}\t政协事务第{i}项\t{i}.00" for i in range(1, 4))
    text = f"某县卫生健康局2023年度部门决算\n一般公共预算财政拨款支出决算表\n科目编码\t科目名称\t合计\n{page}\n第1页，共2 页\n\f科目编码\t科目名称\t合计\n{later}\n第2页，共2 页\n"
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    tables = read_report(path).tables
    assert [(t.kind, t.pages, len(t.rows)) for t in tables] == [("final_gp_expense", (1, 2), 6)]


def test_codes_in_full_width_digits_brackets_or_joined_levels_are_codes(tmp_path):
    text = (
        "某县卫生健康局2023年度部门决算\n一般公共预算财政拨款支出决算表\n科目编码\t科目名称\t合计\n"
        "２０８\t社会保障和就业支出\t８０．００\n２０８０５０５\t机关事业单位基本养老保险缴费支出\t８０．００\n"
        "（2101101）\t行政单位医疗\t5.00\n[2210201]\t住房公积金\t3.00\n"
        "208-05-06\t机关事业单位职业年金缴费支出\t2.00\n210.11.02\t事业单位医疗\t1.00\n"
    )
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    rows = read_report(path).tables[0].rows
    assert [(r.code, r.extra_codes, r.value("total")) for r in rows] == [
        ("208", (), Decimal("80.00")), ("2080505", (), Decimal("80.00")),
        ("2101101", (), Decimal("5.00")), ("2210201", (), Decimal("3.00")),
        ("2080506", (), Decimal("2.00")), ("2101102", (), Decimal("1.00")),
    ]
