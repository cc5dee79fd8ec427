"""kemu checks its own reading (issue 21): right readings stay confident, wrong ones are flagged.

Each case is a generated PDF with its ground truth (sample_reports/generate_layouts.py). The
wrong readings are made on purpose from the right one, the way real misreadings look: a code
left in the name, an amount glued to its name, a column whose header was lost, a row dropped,
two tables read as one.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from parsers.evidence.evidence import assess, judge
from parsers.tables.grid import build_table
from parsers.model import Cell, Column, Table
from parsers.identify.kinds import is_table_title
from parsers.report import read_report
from parsers.tables.segment import Segment, segment_document
from parsers.identify.sniff import is_report_text
from parsers.read.source import read_source
from sample_reports.generate_layouts import Layout, render, write


def _segments(path: Path) -> list[Segment]:
    """The segments of a PDF as the pipeline's read and segment stages cut them."""
    return segment_document(read_source(path, is_report_text), is_table_title).segments


def _read(tmp_path: Path, name: str, ruled: bool = True) -> tuple[Segment, Table]:
    """The one table of a layout as kemu reads it, and the segment it was read from."""
    path = tmp_path / f"{name}.pdf"
    write(name, path, ruled)
    segments = [s for s in _segments(path) if s.lines]
    assert len(segments) == 1
    return segments[0], build_table(segments[0], "t#1", None)


@pytest.mark.parametrize("name", ["split_codes", "dual_classification", "coded_names", "repeated_header", "bare_continuation", "wrapped_names"])
@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_a_right_reading_is_confident(tmp_path: Path, name: str, ruled: bool):
    write(name, tmp_path / "t.pdf", ruled)
    report = read_report(tmp_path / "t.pdf")
    assert [(t.reading, t.reading_reasons) for t in report.tables] == [("confident", ())]


def _with_rows(table: Table, change) -> Table:
    return replace(table, rows=tuple(change(i, row) for i, row in enumerate(table.rows)))


def test_a_code_left_in_the_name_makes_the_reading_uncertain(tmp_path: Path):
    segment, table = _read(tmp_path, "repeated_header")
    wrong = _with_rows(table, lambda i, r: replace(r, code=None, name=f"{r.code}{r.name}") if i < 3 else r)
    evidence = assess(wrong, segment)
    assert (evidence.codes_missed, evidence.glued_codes) == (3, 3)
    assert judge(wrong, evidence).reading == "uncertain"
    assert judge(table, assess(table, segment)).reading == "confident"


def test_an_amount_glued_to_its_name_makes_the_reading_uncertain(tmp_path: Path):
    segment, table = _read(tmp_path, "wrapped_names")
    key = table.columns[0].key

    def glue(i: int, row):
        if i:
            return row
        raw = row.cells[key].raw  # "143.81": the name took "143.", the cell kept "81"
        cell = Cell(raw[4:], None, row.cells[key].provenance)
        return replace(row, name=row.name + raw[:4], cells={**row.cells, key: cell})

    reading = judge(_with_rows(table, glue), assess(_with_rows(table, glue), segment))
    assert reading.reading == "uncertain"
    assert any("end in the digits of an amount" in reason for reason in reading.reading_reasons)
    assert any("in no amount cell" in reason for reason in reading.reading_reasons)


def test_figures_in_a_column_without_a_header_make_the_reading_uncertain(tmp_path: Path):
    segment, table = _read(tmp_path, "split_codes")
    column = table.columns[0]
    wrong = replace(table, columns=(Column(column.key, "第9列"),))
    assert judge(wrong, assess(wrong, segment)).reading_reasons == (f"{len(table.rows)} figures are in a column without a header",)


def test_a_dropped_row_and_a_broken_sum_make_the_reading_uncertain(tmp_path: Path):
    segment, table = _read(tmp_path, "split_codes")
    dropped = replace(table, rows=table.rows[1:])
    assert "1 of 8 amounts printed in the table are in no amount cell" in judge(dropped, assess(dropped, segment)).reading_reasons
    key = table.columns[0].key
    halved = _with_rows(table, lambda i, r: replace(r, cells={key: replace(r.cells[key], value=r.cells[key].value / 2)}) if i in (0, 1) else r)
    evidence = assess(halved, segment)
    assert evidence.parents_failing >= 2
    assert any("not the sum of their children" in reason for reason in judge(halved, evidence).reading_reasons)


def test_one_printed_fault_that_echoes_up_the_hierarchy_leaves_the_reading_confident(tmp_path: Path):
    """A wrong 款 figure makes its 款 and its 类 fail by the same amount: one fault of the print,
    which the checks report as an error, not a sign that kemu misread the table."""
    segment, table = _read(tmp_path, "split_codes")
    key = table.columns[0].key
    wrong = _with_rows(table, lambda i, r: replace(r, cells={key: replace(r.cells[key], value=r.cells[key].value + 10)}) if r.code == "20805" else r)
    evidence = assess(wrong, segment)
    assert (evidence.parents_checked, evidence.parents_failing) == (3, 1)  # 20805 and 208 fail by 10: one fault
    assert judge(wrong, evidence).reading == "confident"


def _swallowing(ruled: bool) -> Layout:
    """Two tables printed one under the other; the second's title names no known kind, so
    the first reading runs on into it."""
    first = [[f"20101{i:02d}", f"人大事务第{i}项", f"{i}.00"] for i in range(1, 5)]
    second = [[f"20102{i:02d}", f"政协事务第{i}项", f"{i}0.00"] for i in range(1, 4)]
    body = first + [["专项资金分配情况表", "", ""], ["科目编码", "科目名称", "合计"]] + second
    return Layout("一般公共预算支出表", [["科目编码", "科目名称", "合计"]], [80, 240, 90], body, [], ruled=ruled)


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_a_table_that_swallowed_the_next_one_is_split_at_its_title(tmp_path: Path, ruled: bool):
    render(_swallowing(ruled), tmp_path / "t.pdf")
    segment = next(s for s in _segments(tmp_path / "t.pdf") if s.lines)
    whole = build_table(segment, "t#1", None)
    assert judge(whole, assess(whole, segment)).reading == "uncertain"  # the first reading, had it been kept
    tables = read_report(tmp_path / "t.pdf").tables
    assert [[r.code for r in t.rows] for t in tables] == [
        ["2010101", "2010102", "2010103", "2010104"], ["2010201", "2010202", "2010203"],
    ]
    assert tables[1].title == "专项资金分配情况表"
    assert all(t.reading == "confident" and "reading:split" in t.flags for t in tables)


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_rows_the_evidence_found_missing_are_read(tmp_path: Path, ruled: bool):
    """Two misreadings the evidence found on the corpus: a procurement row labelled "A-货物"
    was dropped as OCR debris, and a 三公 row labelled by its year ("2026年") was set aside as
    a meta line."""
    procurement = Layout(
        "政府采购预算明细表", [["采购类别", "金额"]], [200, 120],
        [["A-货物", "28,557.02"], ["C-服务", "40,150.20"], ["合计", "68,707.22"]], [], ruled=ruled,
    )
    by_year = Layout(
        "财政拨款“三公”经费支出表", [["年度", "合计", "公务接待费", "公务用车运行维护费"]], [120, 90, 90, 90],
        [["2025年", "11.58", "0.18", "11.40"], ["2026年", "47.56", "0.16", "47.40"], ["增减变化", "35.98", "0.00", "35.98"]], [],
        ruled=ruled,
    )
    for number, layout in enumerate((procurement, by_year)):
        render(layout, tmp_path / f"{number}.pdf")
        (table,) = read_report(tmp_path / f"{number}.pdf").tables
        assert [r.name for r in table.rows] == [row[0] for row in layout.body]
        assert table.reading == "confident"


def test_a_sidecar_of_the_reading_before_the_split_still_applies(tmp_path: Path):
    """Readings change under issue 21; the reviewer's work must not. The fixture is the sidecar
    kemu wrote for this PDF when it still read the two tables as one (budget_gp_expense#1 ran
    on to 2010203): an edit on a row the first table keeps applies at its row, the edit on a
    row that moved to the second table is listed as orphaned, never dropped."""
    from app.review.session import ReviewSession

    render(_swallowing(True), tmp_path / "swallowed.pdf")
    fixture = Path(__file__).parent / "fixtures" / "upgrade" / "swallowed.pdf.kemu.toml"
    (tmp_path / fixture.name).write_text(fixture.read_text(encoding="utf-8"), encoding="utf-8")
    session = ReviewSession(tmp_path / "swallowed.pdf", use_cache=False)
    kept = session.reviewed.table("budget_gp_expense#1").row("budget_gp_expense#1/2010102").cells["total"]
    assert (kept.raw, kept.status) == ("2.50", "edited")
    assert [(o.operation.row, "no longer in the source" in o.reason) for o in session.orphans] == [("budget_gp_expense#1/2010202", True)]
    assert len(session.operations) == 3


def test_the_reading_is_in_the_json_contract_and_every_fact(tmp_path: Path):
    from app.contract import SCHEMA_VERSION, table_json
    from app.export.facts import report_facts

    write("split_codes", tmp_path / "t.pdf")
    report = read_report(tmp_path / "t.pdf")
    doubted = replace(report.tables[0], reading="uncertain", reading_reasons=("2 of 9 parent rows are not the sum of their children",))
    assert SCHEMA_VERSION == "1.5"
    assert (table_json(doubted)["reading"], table_json(doubted)["reading_reasons"]) == ("uncertain", list(doubted.reading_reasons))
    facts = report_facts(replace(report, tables=(doubted,)))
    assert set(facts.column("table_reading").to_pylist()) == {"uncertain"}


def test_class_totals_that_differ_across_tables_make_both_uncertain():
    """The 收支总表 and the 支出 table print each 类's total; a reading one column off disagrees."""
    from parsers.evidence.evidence import cross_table_reasons

    report = read_report(Path(__file__).parent.parent / "sample_reports" / "generated" / "gen_final_ruled.pdf")
    tables = list(report.tables)
    assert cross_table_reasons(tables) == {}
    expense = next(t for t in tables if t.kind == "final_expense")
    first, second = expense.columns[0].key, expense.columns[1].key
    shifted = _with_rows(expense, lambda i, r: replace(r, cells={**r.cells, first: r.cells[second]}))  # a column off
    doubts = cross_table_reasons([shifted if t is expense else t for t in tables])
    assert set(doubts) == {expense.id, next(t.id for t in tables if t.kind == "final_income_expense_summary")}


def test_a_doubtful_first_reading_gives_way_to_a_better_one(tmp_path: Path):
    """read_table tries the alternatives when the first reading has doubts, keeps the one with
    the fewest and records it; a reading without doubts is kept as it is."""
    from parsers.evidence.reading import read_table

    segment, table = _read(tmp_path, "wrapped_names")
    lost = _with_rows(table, lambda i, r: replace(r, code=None, name=f"{r.code}{r.name}"))
    chosen, evidence = read_table(segment, "t#1", None, first=lost)
    assert evidence.doubts == 0 and chosen.reading == "confident"
    assert [r.code for r in chosen.rows] == [r.code for r in table.rows]
    assert [f for f in chosen.flags if f.startswith("reading:")] == ["reading:roles_by_content"]
    kept, _ = read_table(segment, "t#1", None)
    assert not any(f.startswith("reading:") for f in kept.flags)


def test_triage_counts_the_tables_kemu_may_have_misread(tmp_path: Path):
    from app.export.triage import triage_row

    render(_swallowing(True), tmp_path / "ok.pdf")
    assert triage_row(tmp_path / "ok.pdf").uncertain_tables == 0
    by_year = Layout(
        "财政拨款“三公”经费支出表", [["年度", "合计", "公务接待费", "公务用车运行维护费"]], [120, 90, 90, 90],
        [["2025年", "11.58", "0.18", "11.40"], ["增减变化", "35.98", "-0.02", "36.00"]], [], ruled=False,
    )  # unruled, "-0.02" is read as a column of its own (第4列): a misreading the evidence sees
    render(by_year, tmp_path / "doubt.pdf")
    assert triage_row(tmp_path / "doubt.pdf").uncertain_tables == 1


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_misreadings_found_on_generated_templates_are_read_right(tmp_path: Path, ruled: bool):
    """Two misreadings the evidence found on random templates (sample_reports/templates.py): a
    continuation's header wrapped otherwise ("科目名称 | 合计") read as a row, and the codes of a
    template that prints them right of the names read as second codes (a column of 科目 codes
    is the code column wherever it stands: read right in the first reading)."""
    rows = [[f"20101{i:02d}", f"人大事务第{i}项", f"{i}.00"] for i in range(1, 7)]
    rewrapped = Layout(
        "一般公共预算支出表", [["科目编码", "科目名称", "合计"]], [80, 240, 90], rows[:3] + [["", "科目名称", "合计"]] + rows[3:], [],
        rows_per_page=3, header_every_page=False, ruled=ruled,
    )
    right_of_names = Layout(
        "一般公共预算支出表", [["科目名称", "科目编码", "合计"]], [240, 80, 90],
        [["一般公共服务支出", "201", "21.00"], ["人大事务", "20101", "21.00"]] + [[r[1], r[0], r[2]] for r in rows], [], ruled=ruled,
    )
    render(rewrapped, tmp_path / "a.pdf")
    (table,) = read_report(tmp_path / "a.pdf").tables
    assert [(r.code, r.name) for r in table.rows] == [(r[0], r[1]) for r in rows]
    render(right_of_names, tmp_path / "b.pdf")
    (table,) = read_report(tmp_path / "b.pdf").tables
    assert [r.code for r in table.rows] == ["201", "20101", *(r[0] for r in rows)]
    assert not any(f.startswith("reading:") for f in table.flags) and table.reading == "confident"


def test_codes_right_of_the_names_under_a_header_that_names_no_code_are_codes(tmp_path: Path):
    """名称 | 编码 | amounts with the code column headed "项目": the column holds 科目 codes of
    several levels, so it is the code column whatever its header says, in the first reading."""
    rows = [["一般公共服务支出", "201", "21.00"], ["人大事务", "20101", "21.00"]]
    rows += [[f"人大事务第{i}项", f"20101{i:02d}", f"{i}.00"] for i in range(1, 7)]
    render(Layout("一般公共预算支出表", [["科目名称", "项目", "合计"]], [240, 80, 90], rows, []), tmp_path / "t.pdf")
    (table,) = read_report(tmp_path / "t.pdf").tables
    assert [(r.code, r.name) for r in table.rows] == [(r[1], r[0]) for r in rows]
    assert not any(f.startswith("reading:") for f in table.flags)
    assert [c.label for c in table.columns] == ["合计"] and table.reading == "confident"


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_codes_of_one_level_right_of_the_names_are_the_rows_codes_by_their_evidence(tmp_path: Path, ruled: bool):
    """A column of 款 codes alone right of the names (名称 | 编码) is not claimed by its contents
    (one level could be counts), so the first reading takes them for second codes; the codes
    beside the names count against it and the reading with them as the rows' codes is kept."""
    rows = [[f"人大事务第{i}项", f"201{i:02d}", f"{i}.00"] for i in range(1, 7)]
    render(Layout("一般公共预算支出表", [["科目名称", "科目编码", "合计"]], [240, 80, 90], rows, [], ruled=ruled), tmp_path / "t.pdf")
    (table,) = read_report(tmp_path / "t.pdf").tables
    assert [(r.code, r.extra_codes) for r in table.rows] == [(r[1], ()) for r in rows]
    assert "reading:code_right_of_name" in table.flags and table.reading == "confident"
