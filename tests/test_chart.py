"""Chart data printed under a table's title is its own kind, and no figure of the report."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from parsers.model import CHART_KIND
from parsers.report import read_report

HEAD = "某县医疗保障局2019年度部门决算\n收入支出决算总表\n单位：万元\n项目\t决算数\n本年收入合计\t318.74\n本年支出合计\t313.74\n"
CHART = (
    "六、一般公共预算财政拨款支出决算表\n"
    "一般公共预算财政拨款收入\t\n318.74\t\n"
    "基本支出\t项目支出\t311.15000000000009\t2.59\t\n"
    "社会保障和就业支出\t卫生健康支出\t住房保障支出\t26.419999999999995\t267.95999999999992\t19.36\t\n"
)
THREE_PUBLIC = (
    "一般公共预算财政拨款“三公”经费支出决算表\n单位：万元\n"
    "合计\t因公出国（境）费\t公务接待费\t合计\t因公出国（境）费\t公务接待费\n"
    "10.00\t0.00\t10.00\t8.00\t0.00\t8.00\n"
)


def _read(tmp_path: Path, text: str):
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    return read_report(path)


def test_labels_followed_by_as_many_values_are_chart_data(tmp_path: Path):
    report = _read(tmp_path, HEAD + CHART)
    chart = next(t for t in report.tables if t.title.endswith("一般公共预算财政拨款支出决算表"))
    assert chart.kind == CHART_KIND and not chart.is_data
    assert [(r.name, r.value("value")) for r in chart.rows][:3] == [
        ("一般公共预算财政拨款收入", Decimal("318.74")),
        ("基本支出", Decimal("311.15")),  # float noise of the chart cache undone
        ("项目支出", Decimal("2.59")),
    ]
    assert chart.rows[1].cells["value"].provenance.raw == "311.15000000000009"


def test_a_header_above_one_unlabelled_row_stays_a_table(tmp_path: Path):
    report = _read(tmp_path, HEAD + THREE_PUBLIC)
    assert all(t.is_data for t in report.tables)
    assert any("three_public" in t.kind for t in report.tables)


def test_chart_data_is_left_out_of_facts_and_checks(tmp_path: Path):
    from app.checks import run_checks
    from app.export.facts import report_facts

    report = _read(tmp_path, HEAD + CHART)
    facts = report_facts(report).to_pylist()
    assert facts and not any(f["table_kind"] == CHART_KIND for f in facts)
    assert not any(loc.table and loc.table.startswith(CHART_KIND) for f in run_checks(report) for loc in f.locations)


def test_rows_of_two_names_and_two_amounts_stay_a_table(tmp_path: Path):
    rows = "".join(f"工资福利支出{i}\t基本工资{i}\t{i}.00\t{i}.00\n" for i in range(1, 6))
    report = _read(tmp_path, HEAD + "一般公共预算基本支出决算表\n单位：万元\n" + rows)
    assert all(t.is_data for t in report.tables)


def test_the_chart_data_of_a_real_word_report_is_chart_data():
    from tests.conftest import seed

    report = read_report(seed("001"))
    chart = next(t for t in report.tables if "一般公共预算财政拨款支出决算表" in t.title)
    assert chart.kind == CHART_KIND
    assert ("卫生健康支出", Decimal("267.96")) in [(r.name, r.value("value")) for r in chart.rows]
