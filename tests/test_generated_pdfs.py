"""Generated PDFs (sample_reports/generate.py) against their ground truth and layout features."""

from __future__ import annotations

from functools import lru_cache

import pytest

from app.evaluate import load_truth, score_report
from parsers.model import Report
from parsers.report import read_report
from tests.conftest import GENERATED

NAMES = ["gen_final_ruled", "gen_budget_unruled", "gen_mixed_small"]


@lru_cache(maxsize=None)
def _report(name: str) -> Report:
    return read_report(GENERATED / f"{name}.pdf")


@pytest.mark.parametrize("name", NAMES)
def test_cell_precision_and_recall_at_least_99_percent(name):
    score = score_report(_report(name), load_truth(GENERATED / f"{name}.truth.json"))
    assert score.expected > 50
    assert score.precision >= 0.99, score.extras[:5]
    assert score.recall >= 0.99, score.misses[:5]


@pytest.mark.parametrize("name", NAMES)
def test_metadata_matches_truth(name):
    truth = load_truth(GENERATED / f"{name}.truth.json")["report"]
    report = _report(name)
    assert (report.report_kind, report.year, report.department) == (truth["report_kind"], truth["year"], truth["department"])
    assert len(report.pages) == truth["pages"]


def test_table_continuing_over_pages_is_one_table():
    ruled = _report("gen_final_ruled").tables_of_kind("final_expense")
    unruled = _report("gen_budget_unruled").tables_of_kind("budget_expense")
    assert len(ruled) == 1 and ruled[0].pages == (6, 7)  # header repeated on page 7
    assert len(unruled) == 1 and unruled[0].pages == (4, 5)  # no repeated header
    assert sum(r.name == "合计" for r in ruled[0].rows) == 1


def test_names_wrapped_onto_a_second_line_are_rejoined():
    names = {r.name for t in _report("gen_budget_unruled").tables for r in t.rows}
    assert "财政对城乡居民基本医疗保险基金的补助" in names
    assert "机关事业单位基本养老保险缴费支出" in names
    cell_wrapped = {r.name for t in _report("gen_mixed_small").tables for r in t.rows}
    truth = load_truth(GENERATED / "gen_mixed_small.truth.json")
    assert {r["name"] for r in truth["tables"][0]["rows"]} <= cell_wrapped


def test_split_class_codes_are_joined():
    table = _report("gen_budget_unruled").tables_of_kind("budget_expense")[0]
    codes = [r.code for r in table.rows if r.code]
    assert "2080505" in codes and all(len(c) in (3, 5, 7) for c in codes)


def test_empty_table_is_recognised():
    fund = _report("gen_final_ruled").tables_of_kind("final_gov_fund")
    assert len(fund) == 1 and fund[0].empty and not fund[0].rows


def test_units_per_table():
    units = {t.kind: t.unit for t in _report("gen_budget_unruled").tables}
    assert units["budget_gp_basic"] == "元" and units["budget_expense"] == "万元"


def test_narrative_numbers_on_their_own_baseline_stay_in_the_sentence():
    report = _report("gen_budget_unruled")
    for item in load_truth(GENERATED / "gen_budget_unruled.truth.json")["narrative_numbers"]:
        page = report.pages[item["page"] - 1]
        assert any(item["text"] in line.text and f"{item['value']:.2f}" in line.text for line in page.lines), item


def test_every_pdf_cell_has_provenance_with_a_bbox_inside_the_page():
    report = _report("gen_final_ruled")
    for table in report.tables:
        for row in table.rows:
            for cell in row.cells.values():
                p = cell.provenance
                assert p.page in table.pages and p.bbox is not None
                x0, top, x1, bottom = p.bbox
                assert 0 <= x0 < x1 <= 842 and 0 <= top < bottom <= 842
                if cell.value is not None:
                    line = next(l for l in report.pages[p.page - 1].lines if l.number == p.line)
                    assert cell.raw in line.text


def test_side_by_side_table_unrolled_one_row_per_code():
    basic = _report("gen_final_ruled").tables_of_kind("final_gp_basic")[0]
    codes = [r.code for r in basic.rows if r.code]
    assert len(codes) == len(set(codes))
    assert [c.key for c in basic.columns] == [basic.columns[0].key]
