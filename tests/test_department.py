"""The department a report prints: never a sentence's words, and from the tables' 部门：lines
when the cover names none (issue 24, point 9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.identify.kinds import detect_department, detect_year
from parsers.identify.kinds import is_table_title
from parsers.report import read_report
from parsers.tables.segment import segment_document
from parsers.identify.sniff import is_report_text
from parsers.read.source import read_source
from sample_reports.generate import Narrative, Report, Table, hdr, write
from tests.conftest import REAL_REPORTS, ROOT

CORPUS = ROOT.parent / "shared" / "corpus"

DEPT = "江南省临川市人民政府办公厅"
SENTENCE = f"{DEPT}纳入2024年部门预算编制范围的单位包括办公厅本级和所属的机关事务服务中心共两个单位，均为行政单位。"


@pytest.mark.parametrize(
    ("text", "department"),
    [
        # the generic word after the name is not part of it
        ("江南省临川市统计局部门2024年部门预算", "江南省临川市统计局"),
        ("部门：江南省临川市统计局部门", "江南省临川市统计局"),
        ("2024年江南省临川市统计局部门预算", "江南省临川市统计局"),
        ("中共临川市委宣传部部门预算", "中共临川市委宣传部"),
        # a wrapped sentence that reads like a cover title names no department
        (f"{DEPT}纳入2024年部门预算", None),
        (f"{DEPT}纳入2024年部门预算编制范围的单位包括", None),
        ("部门：宣传部门", None),
        # the names the body-word rule must keep
        ("2024年某某市人民政府办公室（本级）单位预算", "某某市人民政府办公室（本级）"),
        ("中共重庆市委办公厅及下属单位2026年部门预算", "中共重庆市委办公厅及下属单位"),
        ("上海市普陀区2024年区级部门预算\n预算主管部门：上海市普陀区人民政府万里街道办事处", "上海市普陀区人民政府万里街道办事处"),
    ],
)
def test_department_words(text, department):
    assert detect_department(text) == department


def test_a_tables_department_line_is_used_when_the_cover_names_none():
    rows = [["公开01表"], ["部门：江南省临川市审计局", "金额单位：万元"]]
    assert detect_department("2024年部门预算情况说明\n一、部门职责", rows) == "江南省临川市审计局"
    assert detect_department("江南省临川市财政局\n2024年度部门预算", rows) == "江南省临川市财政局"  # the cover first
    assert detect_department("", [["编制单位：江南省临川市审计局 单位：万元"]]) == "江南省临川市审计局"
    assert detect_department("", [["单位：万元"]]) is None


@pytest.mark.parametrize(
    ("row", "department", "year"),
    [
        # 北京 部门整体支出绩效目标表: the department and year in ruled cells, no colon
        (["（2026年度）", "部门名称", "北京市某某局", "总体资金情况（万元）"], "北京市某某局", 2026),
        (["2026（年度）", "部门名称", "北京市某某局"], "北京市某某局", 2026),
        (["预算单位", "北京市某某局（本级）"], "北京市某某局（本级）", None),
        # a header row names columns, not a department; a year in a column label is no table year
        (["单位名称", "项目名称", "2026年预算数"], None, None),
        (["部门", "北京市某某局"], None, None),  # a bare 部门 cell is a column header
    ],
)
def test_fields_in_a_tables_cells(row, department, year):
    assert detect_department("", [row]) == department
    assert detect_year("", [row]) == year
    assert detect_year("2025年度部门预算", [row]) == 2025  # the cover's year first


def _report_without_cover() -> Report:
    """A 情况说明 long enough to push every table past the report's head, a first sentence
    that starts with the department's name, and 部门：lines above each table: no cover."""
    filler = [[f"第{i}项工作按计划推进，各项支出严格执行预算管理规定，未发生超预算支出情况。"] for i in range(1, 130)]
    text = Narrative("2024年部门预算情况说明", [["#一、部门基本情况"], [SENTENCE], *filler])
    table = Table("2024年部门支出预算表", [70, 190, 100, 100], "llrr", hdr("科目编码 科目名称 基本支出 项目支出"),
                  (f"部门：{DEPT}", "单位：万元"))
    table.add("201", "一般公共服务支出", ["120.00", "30.00"])
    table.add("20103", "政府办公厅（室）及相关机构事务", ["120.00", "30.00"])
    return Report("no_cover", "预算", 2024, DEPT, [text, table], {})


def test_generated_report_without_cover_takes_the_department_its_tables_print(tmp_path: Path):
    write(_report_without_cover(), tmp_path)
    report = read_report(tmp_path / "no_cover.pdf")
    assert report.department == DEPT
    head = "\n".join(line.text for page in report.pages for line in page.lines)[:4000]
    assert DEPT in head and f"部门：{DEPT}" not in head  # the tables' lines lie beyond the head


REAL_TABLE_DEPARTMENTS = {
    "shpt_sfj_2026_budget.pdf": "上海市普陀区司法局",
    "sh_caizhengju_2025_budget.pdf": "上海市财政局",
}


@pytest.mark.parametrize("name", sorted(REAL_TABLE_DEPARTMENTS))
def test_real_reports_tables_print_their_department(name):
    """With the cover and 情况说明 taken away, the 部门：/编制单位：lines of the tables still give it."""
    path = REAL_REPORTS / name
    if not path.exists():
        pytest.skip("../shared/real_reports is not available")
    segments = segment_document(read_source(path, is_report_text), is_table_title).segments
    table_rows = [line.cells for segment in segments for line in (*segment.meta, *segment.lines)]
    assert detect_department("", table_rows) == REAL_TABLE_DEPARTMENTS[name]


CORPUS_FACTS = {
    # 北京 报表 published apart from their 情况说明: no cover; the 部门整体支出绩效目标表 prints both
    "c025.pdf": ("中共北京市委军民融合发展委员会办公室", 2026),
    "c027.pdf": ("北京市信访办公室", 2026),
}


@pytest.mark.parametrize("name", sorted(CORPUS_FACTS))
def test_corpus_tables_only_reports_have_department_and_year(name):
    path = CORPUS / name
    if not path.exists():
        pytest.skip("../shared/corpus is not available")
    report = read_report(path)
    assert (report.department, report.year) == CORPUS_FACTS[name]
