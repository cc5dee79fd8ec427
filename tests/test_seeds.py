"""Every code-bearing table line of seeds 002, 003 and 004 comes out with its code, name and amounts."""

from __future__ import annotations

from functools import lru_cache

import pytest

from parsers.model import Report
from parsers.report import read_report
from tests.conftest import seed
from tests.seed_oracle import seed_items


@lru_cache(maxsize=None)
def _report(prefix: str) -> Report:
    return read_report(seed(prefix))


def _rows_on_line(report: Report, line: int):
    return [row for table in report.tables for row in table.rows if row.provenance.line == line]


@pytest.mark.parametrize("prefix", ["002", "003", "004"])
def test_every_code_row_of_the_seed_is_extracted_exactly(prefix):
    report = _report(prefix)
    items = seed_items(seed(prefix))
    assert len(items) > 40, "the oracle must find the seed's code rows"
    missing = []
    for item in items:
        found = [
            row
            for row in _rows_on_line(report, item.line)
            if row.code == item.code
            and row.name == item.name
            and tuple(v for v in (c.value for c in row.cells.values()) if v is not None) == item.amounts
        ]
        if not found:
            missing.append(item)
    assert not missing, f"{len(missing)}/{len(items)} rows wrong, first: {missing[:3]}"


def test_seed_003_keeps_the_misprinted_codes_as_printed():
    rows = [r for t in _report("003").tables for r in t.rows]
    assert any(r.code == "30208" and r.name == "物业管理费" for r in rows)
    assert any(r.code == "30238" and r.name == "其他交通费用" for r in rows)


def test_seed_002_wrapped_names_are_rejoined():
    names = {r.name for t in _report("002").tables for r in t.rows}
    assert "机关事业单位基本养老保险缴费支出" in names
    assert "财政对城乡居民基本医疗保险基金的补助" in names
    assert not any(" " in n for n in names if n)


def test_seed_002_second_classification_becomes_an_extra_code():
    basic = _report("002").tables_of_kind("budget_gp_basic")[0]
    row = next(r for r in basic.rows if r.code == "30102")
    assert row.name == "津贴补贴"
    assert row.extra_codes == ("50101",)


def test_seed_004_ocr_spaced_numbers_parse():
    report = _report("004")
    totals = [r for t in report.tables for r in t.rows if r.name == "合计" and r.cells]
    values = {v for r in totals for v in (c.value for c in r.cells.values()) if v is not None}
    assert any(str(v) == "4627.11" for v in values)


def test_seed_metadata():
    r3, r2, r4 = _report("003"), _report("002"), _report("004")
    assert (r3.report_kind, r3.year, r3.department) == ("决算", 2021, "临汾市医疗保障局")
    assert (r2.report_kind, r2.year) == ("预算", 2024)
    assert (r4.report_kind, r4.year, r4.department) == ("决算", 2024, "贵阳市医疗保障局")


def test_side_by_side_basic_table_is_one_row_per_code():
    basic = _report("003").tables_of_kind("final_gp_basic")[0]
    codes = [r.code for r in basic.rows if r.code]
    assert "30101" in codes and "30201" in codes and "31001" in codes and "39999" in codes
    assert len({c.key for c in basic.columns}) == len(basic.columns) == 2


def test_table_of_contents_entries_are_not_tables():
    kinds = {t.kind for t in read_report(seed("000")).tables}
    assert not kinds & {"final_income_expense_summary", "final_fiscal_expense_detail", "final_gp_expense"}


def test_text_dump_provenance_points_at_the_file_line():
    path = seed("003")
    lines = path.read_text(encoding="utf-8").splitlines()
    table = _report("003").tables_of_kind("final_expense")[0]
    for row in table.rows:
        for cell in row.cells.values():
            if cell.raw:
                assert cell.raw in lines[cell.provenance.line - 1]
