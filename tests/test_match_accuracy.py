"""Matching targets on the labelled set built from the repo's own sample reports."""

from __future__ import annotations

import json

import pytest

from app.matching.catalog import load_catalog
from app.cli import EXIT_OK, main
from app.evaluate import labelled_rows, score_matching
from app.matching.matcher import Matcher, match_report, normalize_name
from parsers.report import read_report
from tests.conftest import GENERATED, SEEDS, seed


@pytest.fixture(scope="module")
def scores():
    catalog = load_catalog()
    reports = [read_report(p) for p in sorted(SEEDS.glob("*.txt")) + sorted(GENERATED.glob("*.pdf"))]
    totals = {}
    for year in {r.year for r in reports}:
        edition = catalog.edition(year)
        names = [normalize_name(n) for e in edition.entries for n in edition.all_names(e)]
        codes = [e.code for e in edition.entries for _ in edition.all_names(e)]
        rows = labelled_rows([r for r in reports if r.year == year], edition)
        for variant, score in score_matching(rows, Matcher(edition), names, codes).items():
            total = totals.setdefault(variant, score)
            if total is not score:
                for attr in ("total", "top1", "auto", "auto_right", "baseline_top1"):
                    setattr(total, attr, getattr(total, attr) + getattr(score, attr))
                total.wrong += score.wrong
    return totals


def test_rows_with_codes_top1_at_least_99_percent(scores):
    assert scores["coded"].total > 300
    assert scores["coded"].accuracy >= 0.99, scores["coded"].wrong[:5]


def test_rows_without_codes_top1_at_least_97_percent(scores):
    assert scores["uncoded"].accuracy >= 0.97, scores["uncoded"].wrong[:5]
    assert scores["noisy"].accuracy >= 0.97, scores["noisy"].wrong[:5]


def test_auto_decisions_at_least_99_5_percent_precise(scores):
    for variant in ("coded", "uncoded", "noisy"):
        assert scores[variant].auto_precision >= 0.995, (variant, scores[variant].wrong[:5])


def test_matcher_beats_plain_extract_one(scores):
    assert scores["uncoded"].accuracy > scores["uncoded"].baseline + 0.05


def test_every_code_name_conflict_in_the_seeds_is_flagged():
    report = match_report(read_report(seed("003")))
    rows = {(r.code, r.name): r.match for t in report.tables for r in t.rows}
    wrong_code = rows[("30208", "物业管理费")]  # 30208 exists (取暖费): both candidates shown
    assert wrong_code.decision == "review" and [c.code for c in wrong_code.candidates[:2]] == ["30209", "30208"]
    no_such_code = rows[("30238", "其他交通费用")]  # 30238 is no 科目 at all
    assert no_such_code.decision == "review" and no_such_code.candidates[0].code == "30239"
    assert "30238 is not a 科目" in no_such_code.reason
    conflicts = [m for m in rows.values() if m and "conflict" in m.reason]
    assert all(m.decision == "review" and len(m.candidates) >= 2 for m in conflicts)


def test_kemu_match_json(capsys):
    assert main(["match", str(seed("002"))]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    rows = [r for t in data["tables"] for r in t["rows"]]
    assert all("match" in r for r in rows)
    row = next(r for r in rows if r["code"] == "2080505")
    assert row["match"]["decision"] == "auto" and row["match"]["code"] == "2080505"
    assert row["match"]["candidates"][0]["path"][0] == "社会保障和就业支出"
    assert {"kind", "code", "name", "score", "decision", "reason", "candidates"} == set(row["match"])
