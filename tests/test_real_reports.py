"""Real published reports (../shared/real_reports): kemu's code rows against an independent oracle.

The oracle (benchmarks/real_reports.py) reads every ruled table with plain pdfplumber
``find_tables()``/``extract()`` and never touches kemu's parsers. Over the real reports at
least 98% of its code rows (code, name and every amount) must be matched by kemu on the same
page. The non-report PDFs and the zero-byte file must be refused with a clear message.
Tests that need the real PDFs skip when the folder is absent (a fresh clone has no ../shared);
the oracle's own unit tests always run.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest

from benchmarks.real_reports import (
    KemuRow,
    OracleResult,
    _row_items,
    _table_items,
    _text_items,
    compare,
    cross_check,
    kemu_rows,
    oracle,
)
from parsers.errors import UnreadableReport
from parsers.report import read_report

REAL_REPORTS = Path(__file__).resolve().parents[2] / "shared" / "real_reports"
NOT_REPORTS = ("baotou_", "nanning_")
MIN_RATE = 0.98

needs_real = pytest.mark.skipif(not REAL_REPORTS.is_dir(), reason=f"{REAL_REPORTS} is absent")


def _report_pdfs() -> list[Path]:
    if not REAL_REPORTS.is_dir():
        return []
    return sorted(
        p for p in REAL_REPORTS.glob("*.pdf") if p.stat().st_size > 0 and not p.name.startswith(NOT_REPORTS)
    )


@lru_cache(maxsize=None)
def _oracle(path: Path) -> OracleResult:
    return oracle(path)


@lru_cache(maxsize=None)
def _report(path: Path):
    return read_report(path)


@lru_cache(maxsize=None)
def _kemu(path: Path) -> tuple[KemuRow, ...]:
    return tuple(kemu_rows(_report(path)))


@pytest.fixture(scope="module")
def comparisons():
    pdfs = _report_pdfs()
    if not pdfs:
        pytest.skip("no report PDFs in ../shared/real_reports")
    return {p.name: compare(p.name, _oracle(p), list(_kemu(p))) for p in pdfs}


# --------------------------------------------------------------------------- real reports


@needs_real
def test_code_rows_match_the_independent_oracle(comparisons):
    total = sum(len(c.items) for c in comparisons.values())
    matched = sum(len(c.matched) for c in comparisons.values())
    assert total >= 100, f"the oracle found only {total} code rows: it is not reading the tables"
    misses = [
        f"{name} p{item.page}: printed {item.raw!r} -> kemu {closest}"
        for name, c in comparisons.items()
        for item, closest in c.missed
    ]
    rate = matched / total
    assert rate >= MIN_RATE, f"{matched}/{total} = {rate:.2%} code rows match; first misses:\n" + "\n".join(misses[:20])


@needs_real
def test_right_readings_are_confident(comparisons):
    """kemu checks its own reading (issue 21): the real reports, read right, must not be flagged;
    at most 3% of their code rows may sit in tables marked uncertain."""
    coded = uncertain = 0
    for path in _report_pdfs():
        for table in _report(path).tables:
            rows = sum(1 for r in table.rows if r.code)
            coded += rows
            uncertain += rows if table.reading == "uncertain" else 0
    assert coded and uncertain <= 0.03 * coded, f"{uncertain}/{coded} code rows in uncertain tables"


@needs_real
def test_oracle_text_reading_never_contradicts_its_table_reading(comparisons):
    """The text-line reading bypasses pdfplumber's table finder (which kemu also uses)."""
    conflicts = [f"{name} p{i.page}: {i.raw}" for name, c in comparisons.items() for i in c.text_conflicts]
    assert not conflicts, "\n".join(conflicts)
    confirmed = sum(c.text_confirmed for c in comparisons.values())
    total = sum(len(c.items) for c in comparisons.values())
    assert confirmed >= 0.8 * total, f"the text reading confirms only {confirmed}/{total} table items"


@needs_real
def test_ruled_amount_cells_reach_kemu(comparisons):
    """Amount recall over every row, coded or not: formatted amounts printed in ruled cells must be
    among kemu's values on their page (catches lost 合计/三公 values the code-row check cannot see)."""
    cells = sum(c.cells for c in comparisons.values())
    lost = [f"{name} p{page}: {value}" for name, c in comparisons.items() for page, value in c.cells_lost]
    assert cells and len(lost) <= 0.01 * cells, f"{len(lost)}/{cells} amount cells lost:\n" + "\n".join(lost[:30])


@needs_real
def test_comparison_catches_a_wrong_amount_name_code_or_page(comparisons):
    """Guard against an oracle that trivially agrees: four perturbed kemu rows, four misses."""
    name = max(comparisons, key=lambda n: len(comparisons[n].items))
    path = REAL_REPORTS / name
    rows = list(_kemu(path))
    baseline = compare(name, _oracle(path), rows)
    coded = [i for i, r in enumerate(rows) if r.code and any(r is m for _, m in baseline.matched)]
    a, b, c, d = coded[1], coded[len(coded) // 3], coded[len(coded) // 2], coded[-2]
    rows[a] = dataclasses.replace(rows[a], amounts=rows[a].amounts[:-1] + (rows[a].amounts[-1] + Decimal("0.01"),))
    rows[b] = dataclasses.replace(rows[b], name=rows[b].name + "费")
    rows[c] = dataclasses.replace(rows[c], code=rows[c].code[:-1] + ("8" if rows[c].code[-1] != "8" else "7"))
    rows[d] = dataclasses.replace(rows[d], page=rows[d].page + 100)
    perturbed = compare(name, _oracle(path), rows)
    assert len(perturbed.matched) == len(baseline.matched) - 4


@needs_real
@pytest.mark.parametrize("prefix", ["baotou_", "nanning_", "empty_file"])
def test_non_reports_are_refused_with_a_message(prefix):
    paths = sorted(REAL_REPORTS.glob(f"{prefix}*.pdf"))
    if not paths:
        pytest.skip(f"no {prefix}*.pdf in {REAL_REPORTS}")
    for path in paths:
        with pytest.raises(UnreadableReport) as caught:
            read_report(path)
        message = str(caught.value)
        assert message.strip() and "Traceback" not in message
        assert path.name in message


@needs_real
def test_amounts_wrapped_inside_a_cell_are_read(comparisons):
    """Every numeric ruled cell that pdfplumber shows wrapped onto two lines ("18,536.8" + "8"),
    in any row, coded or not, must reach kemu as that number on that page."""
    lost = [f"{name} p{page}: {cell!r}" for name, c in comparisons.items() for page, cell, _ in c.wrapped_lost]
    assert not lost, f"{len(lost)} wrapped amounts lost:\n" + "\n".join(lost)


# --------------------------------------------------------------------------- the oracle itself


def _items(cells: list[str]):
    items, _ = _row_items(cells)
    return items


def test_oracle_joins_class_kuan_xiang_parts():
    assert _items(["201", "05", "07", "专项普查活动", "257,700", "257,700", "0"]) == [
        ("2010507", "专项普查活动", ["257,700", "257,700", "0"])
    ]
    assert _items(["201", "", "", "一般公共服务支出", "2,932,700", ""]) == [("201", "一般公共服务支出", ["2,932,700"])]


def test_oracle_reads_both_sides_of_a_side_by_side_row():
    cells = ["30101", "基本工资", "458.12", "", "50101", "工资奖金津补贴", "12.00"]
    assert _items(cells) == [("30101", "基本工资", ["458.12"]), ("50101", "工资奖金津补贴", ["12.00"])]


def test_oracle_reads_a_second_classification_beside_the_name_as_part_of_the_row():
    cells = ["30102", "津贴补贴", "50101", "工资奖金津补贴", "57.20", "57.20"]
    assert _items(cells) == [("30102", "津贴补贴", ["57.20", "57.20"])]


def test_oracle_pads_a_single_digit_kuan_printed_without_its_zero():
    assert _items(["301", "2", "津贴补贴", "16,623,810", "0"]) == [("30102", "津贴补贴", ["16,623,810", "0"])]


def test_oracle_ignores_unit_codes_serial_numbers_and_implausible_codes():
    assert _items(["099", "某某单位", "1,000.00"]) == []  # not a 科目 类 prefix
    assert _items(["313001", "无锡市交通运输局（本级）", "984,760.87"]) == []  # 6-digit unit code
    assert _items(["1", "项目名称", "10", "9"]) == []  # 序号 and scores
    assert _items(["201", "1,000.00", "2,000.00"]) == []  # a code with no name


def test_oracle_leaves_out_rows_it_cannot_read():
    items, problem = _row_items(["201", "一般公共服务支出", "1,000.00", "12%"])
    assert items == [] and problem


def test_oracle_drops_tables_that_print_no_formatted_amounts():
    class FakeTable:
        def __init__(self, rows):
            self._rows = rows

        def extract(self):
            return self._rows

    scores = OracleResult()
    _table_items(1, FakeTable([["301", "产出指标", "30", "28"], ["302", "效益指标", "20", "20"]]), scores)
    assert scores.items == [] and len(scores.skipped) == 2
    amounts = OracleResult()
    _table_items(1, FakeTable([["301", "工资福利支出", "2,907.03", "0"], ["302", "商品和服务支出", "190", ""]]), amounts)
    assert [(i.code, i.amounts) for i in amounts.items] == [
        ("301", (Decimal("2907.03"), Decimal("0"))),
        ("302", (Decimal("190"),)),
    ]


def test_oracle_text_lines_only_when_unambiguous():
    text = "\n".join(
        [
            "科目编码 科目名称 合计 基本支出",
            "2080505 机关事业单位基本养老保险缴费 260.05 260.05",
            "支出",
            "21011 行政事业单位医疗 113.77 113.77 说明",
            "2101101 行政单位医疗 113.77 113.77",
            "795万元",
            "201 32 02 一般行政管理事务 888,700 888,700 0",
        ]
    )
    result = OracleResult()
    _text_items(3, text, result)
    assert [(i.code, i.name, i.amounts) for i in result.items] == [
        ("2101101", "行政单位医疗", (Decimal("113.77"), Decimal("113.77"))),
        ("2013202", "一般行政管理事务", (Decimal("888700"), Decimal("888700"), Decimal("0"))),
    ]
    assert len(result.skipped) == 1  # the wrapped 机关事业单位基本养老保险缴费 / 支出


def test_cross_check_flags_a_text_line_that_disagrees():
    result = OracleResult()
    _table_items(1, type("T", (), {"extract": lambda self: [["30101", "基本工资", "458.12"]]})(), result)
    _text_items(1, "30101 基本工资 458.21", check := OracleResult())
    result.text_check.extend(check.items)
    confirmed, conflicts = cross_check(result)
    assert confirmed == 0 and [c.amounts for c in conflicts] == [(Decimal("458.21"),)]
