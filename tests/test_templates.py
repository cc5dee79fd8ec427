"""Random templates (sample_reports/templates.py) read back against their truth.

Every seed is a template drawn from independent choices; each is rendered, read with
``read_report`` and every printed code row compared with the truth (full code, every amount,
printed unit, in a table of the right kind). Seeds that fail today are listed with their cause
in tests/fixtures/template_failures.json and marked xfail(strict=True), so a fix shows up as an
XPASS to remove from the list (refresh it with
``python benchmarks/templates.py --specs 100 --known tests/fixtures/template_failures.json``).
The thousands of specs of the issue's target run in ``benchmarks/templates.py`` (``-m slow``).
"""

from __future__ import annotations

import copy
import json
import random
from itertools import takewhile
from collections import Counter
from dataclasses import fields, replace
from functools import lru_cache
from pathlib import Path

import pytest

from app.evaluate import CodeRowOutcome, score_code_rows
from benchmarks.templates import SpecResult, run_spec, summary
from parsers.report import read_report
from sample_reports import templates
from sample_reports.templates import Choices, draw_choices, draw_spec, truth, write
from tests.conftest import ROOT

CI_SPECS = 100
FLOOR = 0.99  # today's exact rate over the CI seeds is 100%; the target is 99%
HEADER_FLOOR = 0.99  # today every one of the 285 tables of the CI seeds reads with the printed column labels
SLOW_SPECS = 2000
SLOW_FLOOR = 0.99  # today's exact rate over seeds 0–1999 is 99.9%
KNOWN_FAILING: dict[str, str] = json.loads((ROOT / "tests" / "fixtures" / "template_failures.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _specs(seed: int, folder: Path) -> SpecResult:
    return run_spec(seed, folder)


def _outcomes(seed: int, folder: Path) -> tuple[CodeRowOutcome, ...]:
    return _specs(seed, folder).outcomes


def test_a_seed_names_one_template(tmp_path: Path):
    first, second = write(7, tmp_path / "a.pdf"), write(7, tmp_path / "b.pdf")
    assert first == second and (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert write(8, tmp_path / "c.pdf") != first


def test_every_value_of_every_choice_is_drawn():
    rng = random.Random(0)
    drawn = [draw_choices(rng) for _ in range(300)]
    options = {"title_form": templates.TITLE_FORMS, "packing": templates.PACKINGS, "code_layout": templates.CODE_LAYOUTS,
               "split_fill": templates.SPLIT_FILLS, "code_header": templates.CODE_HEADERS, "header_depth": templates.HEADER_DEPTHS,
               "rulings": templates.RULINGS, "continuation": templates.CONTINUATIONS, "unit_place": templates.UNIT_PLACES,
               "zeros": templates.ZEROS}
    for field in fields(Choices):
        values = Counter(getattr(c, field.name) for c in drawn)
        assert set(values) == set(options.get(field.name, values)) and len(values) > 1, field.name


def test_the_truth_adds_up_parents_and_totals():
    """A reading may be chosen by its sums, so the truth's sums must hold exactly."""
    for seed in range(40):
        for table in draw_spec(seed).tables:
            if table.classification == "procurement":
                continue
            total, *rows = table.rows
            assert total.code is None and [sum(c) for c in zip(*(r.values for r in rows if len(r.code) == 3))] == list(total.values)
            for index, row in enumerate(rows):
                assert row.values[0] == sum(row.values[1:]), (seed, table.kind, row.code)
                if table.classification == "dual":  # a 类 row heads the rows up to the next 类 row
                    children = [] if len(row.code) != 3 else list(takewhile(lambda r: len(r.code) > 3, rows[index + 1:]))
                else:
                    children = [r for r in rows if len(r.code) == len(row.code) + 2 and r.code.startswith(row.code)]
                if children:
                    assert [sum(c) for c in zip(*(r.values for r in children))] == list(row.values), (seed, table.kind, row.code)


def test_dual_classification_repeats_a_department_code_beside_other_government_codes():
    repeated = [s for s in range(60) if draw_spec(s).choices.dual and any(
        Counter(r.code for r in t.rows if r.code and len(r.code) == 3).most_common(1)[0][1] > 1
        for t in draw_spec(s).tables if t.classification == "dual")]
    assert repeated, "no dual table with 301 beside 501 and again beside 505"
    spec = draw_spec(repeated[0])
    table = next(t for t in spec.tables if t.classification == "dual")
    assert all(r["extra_code"] for r in truth(spec)["tables"][spec.tables.index(table)]["rows"] if r["code"])


def test_the_score_tells_each_wrong_row_by_its_first_fault(tmp_path: Path):
    """The measure can fail: a template read exactly, scored against a truth altered four ways."""
    reference = write(3, tmp_path / "t.pdf")
    report = read_report(tmp_path / "t.pdf")
    assert [o.fault for o in score_code_rows(report, reference)] == [None] * sum(bool(r["code"]) for t in reference["tables"] for r in t["rows"])

    def faults(alter) -> Counter:
        altered = copy.deepcopy(reference)
        alter(altered["tables"][0])
        return Counter(o.fault for o in score_code_rows(report, altered) if o.kind == altered["tables"][0]["kind"])

    def amount(table):
        values = table["rows"][1]["values"]
        label = next(k for k, v in values.items() if v is not None)
        values[label] += 1

    def unit(table):
        table["unit"] = "元" if table["unit"] == "万元" else "万元"

    def kind(table):
        table["kind"] = "budget_three_public"

    def code(table):
        table["rows"][1]["code"] = "2290402"

    coded = sum(bool(r["code"]) for r in reference["tables"][0]["rows"])
    assert faults(amount) == Counter({None: coded - 1, "amounts": 1})
    doubted = replace(report, tables=tuple(replace(t, reading="uncertain") if t.kind == reference["tables"][0]["kind"] else t
                                           for t in report.tables))
    assert Counter(o.uncertain for o in score_code_rows(doubted, reference)) == Counter({True: coded, False: sum(
        bool(r["code"]) for t in reference["tables"][1:] for r in t["rows"])})
    assert faults(unit) == Counter({"unit": coded})
    assert faults(kind) == Counter({"kind": coded})
    assert faults(code) == Counter({None: coded - 1, "row": 1})


def _seed_param(seed: int):
    cause = KNOWN_FAILING.get(str(seed))
    marks = [pytest.mark.xfail(strict=True, reason=cause)] if cause else []
    return pytest.param(seed, marks=marks, id=f"seed{seed}")


#: Seeds past the CI range that once failed for a cause of their own, kept as regression tests:
#: 135 表N before a 决算 title; 222, 311 glyph boxes offset from the baseline; 230, 1189, 1430 an
#: unruled table of sparse 类|款|项 codes whose 类 column prints one code (too few lines to
#: make a column by coverage, so "210" fell into the 款 column).
REGRESSION_SEEDS = (135, 222, 230, 311, 1189, 1430)


@pytest.mark.parametrize("seed", [_seed_param(s) for s in (*range(CI_SPECS), *REGRESSION_SEEDS)])
def test_every_printed_code_row_of_a_random_template_comes_out_exact(seed: int, tmp_path_factory):
    outcomes = _outcomes(seed, tmp_path_factory.getbasetemp())
    wrong = [o for o in outcomes if o.fault]
    assert outcomes and not wrong, f"{len(wrong)}/{len(outcomes)} wrong, e.g. {wrong[0]}"


def test_no_header_label_of_a_random_template_is_read_in_pieces(tmp_path_factory):
    """A label wrapped inside its own cell ("基本\n支出", wrapped at another point on every page)
    is one label, not a parent over a child ("基本/支出"); a parent over several columns is
    the first part of each of their paths."""
    wrapped = [s for s in range(CI_SPECS) if draw_spec(s).choices.wrap_labels]
    assert len(wrapped) > CI_SPECS // 3
    pieces = {s: [h.pieces for h in _specs(s, tmp_path_factory.getbasetemp()).headers if h.pieces] for s in wrapped}
    assert not any(pieces.values()), {s: p for s, p in pieces.items() if p}


#: Seeds whose column labels were lost for a cause of their own: 970 a one-line header printed
#: again at the top of the continuation page, counted as running text with the same header under
#: the next table's title, and dropped from every page (its columns read as 第3列, 第4列, 第5列);
#: 713 an unruled column left blank on every row (人员经费) beside 合计 spanning down, read as
#: part of 合计's column (合计/人员经费), and 956 the same beside a wrapped label (公用\n经费) whose
#: lower line printed below every other label; 1527 本年支出 over 合计 | 基本支出 | 项目支出 read
#: over 基本支出 alone (both centred alike; the cells' edges tell them apart).
HEADER_REGRESSION_SEEDS = (713, 956, 970, 1527)


@pytest.mark.parametrize("seed", HEADER_REGRESSION_SEEDS)
def test_column_labels_of_a_template_that_once_lost_them_come_out_as_printed(seed: int, tmp_path_factory):
    headers = _specs(seed, tmp_path_factory.getbasetemp()).headers
    assert headers and all(h.exact for h in headers), [h for h in headers if not h.exact]


def test_column_labels_of_the_ci_seeds_come_out_as_printed(tmp_path_factory):
    headers = [h for s in range(CI_SPECS) for h in _specs(s, tmp_path_factory.getbasetemp()).headers]
    assert sum(h.exact for h in headers) / len(headers) >= HEADER_FLOOR


def test_exact_rate_over_the_ci_seeds_stays_above_todays(tmp_path_factory):
    outcomes = [o for s in range(CI_SPECS) for o in _outcomes(s, tmp_path_factory.getbasetemp())]
    rate = sum(o.fault is None for o in outcomes) / len(outcomes)
    assert rate >= FLOOR, rate


@pytest.mark.slow
def test_benchmark_over_thousands_of_templates(tmp_path: Path):
    results = [run_spec(seed, tmp_path) for seed in range(SLOW_SPECS)]
    assert summary(results)["exact_rate"] >= SLOW_FLOOR
