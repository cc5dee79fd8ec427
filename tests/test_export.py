"""`kemu export`: the facts contract read back from every format equals the reviewed model."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from app.checks import run_checks
from app.cli import main
from app.export.facts import FACTS_SCHEMA, FACTS_VERSION, UNIT_YUAN, load_dataset
from app.review.session import ReviewSession
from tests.conftest import GENERATED, seed

EDITED = ("final_expense#1", "final_expense#1/2080505", "total", "41.50")  # printed 39.40
CONFIRMED = ("final_gp_basic#1", "final_gp_basic#1/30238")
IGNORED = ("final_expense#1", "final_expense#1/2080506")


@pytest.fixture
def reports(tmp_path) -> Path:
    """A folder with seed 003 (reviewed: one edit, one confirmation, one ignored row) and a
    generated PDF (complete review) in a subfolder."""
    folder = tmp_path / "reports"
    (folder / "pdf").mkdir(parents=True)
    shutil.copy(seed("003"), folder / "linfen.txt")
    shutil.copy(GENERATED / "gen_mixed_small.pdf", folder / "pdf" / "anlu.pdf")
    session = ReviewSession(folder / "linfen.txt")
    session.edit(*EDITED)
    session.mapping("confirm", *CONFIRMED)
    session.mapping("ignore", *IGNORED)
    return folder


def _expected(path: Path) -> list[tuple]:
    """Facts computed straight from the reviewed model, independently of app/export/facts.py."""
    report = ReviewSession(path).reviewed
    out = []
    for table in report.tables:
        for row in table.rows:
            if row.ignored:
                continue
            for key, cell in row.cells.items():
                status = "edited" if cell.status == "edited" else {"confirmed": "confirmed", "auto": "auto"}.get(row.match.decision, "extracted")
                out.append((table.kind, row.name, key, None if cell.value is None else float(cell.value), status))
    return out


def _observed(frame: pd.DataFrame, source: Path) -> list[tuple]:
    part = frame[frame["source"] == str(source)]
    return [
        (r.table_kind, r.name, r.column, None if pd.isna(r.value) else float(r.value), r.status)
        for r in part.itertuples(index=False)
    ]


def _export(*args: str) -> int:
    return main(["export", *args, "--workers", "1"])


def test_parquet_read_back_equals_reviewed_values(reports, tmp_path):
    out = tmp_path / "facts.parquet"
    assert _export(str(reports), "-o", str(out)) == 0
    frame = pd.read_parquet(out)
    assert list(frame.columns) == FACTS_SCHEMA.names
    linfen = reports / "linfen.txt"
    assert _observed(frame, linfen) == _expected(linfen)
    assert _observed(frame, reports / "pdf" / "anlu.pdf") == _expected(reports / "pdf" / "anlu.pdf")
    edited = frame[(frame["status"] == "edited")]
    assert len(edited) == 1
    assert edited.iloc[0][["table_kind", "code", "column", "value", "value_yuan"]].tolist() == ["final_expense", "2080505", "total", 41.5, 415000.0]
    assert edited.iloc[0]["level"] == "项" and edited.iloc[0]["path"].count(" / ") == 2
    assert not ((frame["table_kind"] == "final_expense") & (frame["code"] == "2080506")).any()  # ignored row
    row = ReviewSession(linfen).reviewed.table(CONFIRMED[0]).row(CONFIRMED[1])
    assert row.code == "30238" and row.match.code == "30239"  # a known misprint: the matched code is exported
    confirmed = frame[frame["status"] == "confirmed"]
    assert set(confirmed["code"]) == {"30239"} and set(confirmed["name"]) == {row.name}


def test_units_convert_to_yuan_and_blanks_stay_null(tmp_path):
    frame = load_dataset(GENERATED / "gen_budget_unruled.pdf")
    assert {"元", "万元"} <= set(frame["unit"])
    known = frame.dropna(subset=["value"])
    assert known["value_yuan"].tolist() == pytest.approx((known["value"] * known["unit"].map(UNIT_YUAN)).tolist(), rel=1e-12)
    wan = known[known["unit"] == "万元"]
    assert (wan["value_yuan"] % 1 == 0).all()  # Decimal × 10000, then float: whole yuan, no float noise
    assert frame.loc[frame["value"].isna(), "value_yuan"].isna().all()
    assert frame["year"].dtype == "Int32" and set(frame["year"]) == {2024}


def test_csv_and_jsonl_carry_the_same_facts(reports, tmp_path):
    assert _export(str(reports), "-o", str(tmp_path / "facts.parquet")) == 0
    expected = pd.read_parquet(tmp_path / "facts.parquet")
    assert _export(str(reports), "-o", str(tmp_path / "facts.csv")) == 0
    raw = (tmp_path / "facts.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese text correctly
    csv = pd.read_csv(tmp_path / "facts.csv", encoding="utf-8-sig", dtype={"code": str})
    assert list(csv.columns) == FACTS_SCHEMA.names and len(csv) == len(expected)
    assert csv["value"].sum() == pytest.approx(expected["value"].sum())
    assert csv["code"].fillna("").tolist() == expected["code"].fillna("").tolist()
    assert _export(str(reports), "-o", str(tmp_path / "facts.jsonl")) == 0
    lines = (tmp_path / "facts.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(expected)
    first = json.loads(lines[0])
    assert list(first) == FACTS_SCHEMA.names and first["department"] == "临汾市医疗保障局"


def test_xlsx_has_a_sheet_per_table_kind_and_findings(reports, tmp_path):
    out = tmp_path / "book.xlsx"
    assert _export(str(reports), "-o", str(out)) == 0
    book = openpyxl.load_workbook(out)
    assert {"final_expense", "final_gp_basic", "final_income", "findings"} <= set(book.sheetnames)
    income = book["final_income"]  # both reports have one: two titled blocks
    titles = [c.value for c in income["A"] if isinstance(c.value, str) and " · " in c.value]
    assert len(titles) == 2 and "临汾市医疗保障局 2021 决算" in titles[0] and "安陆市医疗保障局 2023 决算" in titles[1]
    expense = book["final_expense"]  # one report: a plain table from row 1
    assert [c.value for c in expense[1]][:2] == ["编码", "名称"]
    row = next(r for r in expense.iter_rows(min_row=2) if r[0].value == "2080505")
    assert row[2].value == 41.5 and row[2].fill.fgColor.rgb.endswith("FFF2CC")  # edited, shaded
    assert not any(r[0].value == "2080506" for r in expense.iter_rows(min_row=2))
    findings = list(book["findings"].iter_rows(values_only=True))
    assert findings[0] == ("source", "rule", "severity", "message", "page", "table", "row", "column")
    reviewed = ReviewSession(reports / "linfen.txt").reviewed
    assert len(findings) - 1 == len(run_checks(reviewed)) + len(run_checks(ReviewSession(reports / "pdf" / "anlu.pdf").reviewed))


def test_duckdb_tables_views_and_sums(reports, tmp_path):
    out = tmp_path / "kemu.duckdb"
    assert _export(str(reports), "-o", str(out)) == 0
    linfen = reports / "linfen.txt"
    session = ReviewSession(linfen)
    table = session.reviewed.table("final_expense#1")
    model_sum = sum((r.value("basic") or Decimal(0)) for r in table.rows if not r.ignored)
    findings = run_checks(session.reviewed)
    with duckdb.connect(str(out), read_only=True) as con:
        facts_sum = con.execute(
            "SELECT sum(value) FROM facts WHERE source = ? AND table_kind = 'final_expense' AND \"column\" = 'basic'", [str(linfen)]
        ).fetchone()[0]
        assert facts_sum == pytest.approx(float(model_sum))
        report = con.execute("SELECT department, year, report_kind, complete, errors, edited_cells, confirmed FROM reports WHERE source = ?", [str(linfen)]).fetchone()
        errors = sum(1 for f in findings if f.severity == "error")
        assert report == ("临汾市医疗保障局", 2021, "决算", False, errors, 1, 1)
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM findings WHERE source = ?", [str(linfen)]).fetchone()[0] == len(findings)
        assert con.execute("SELECT count(*) FROM open_errors").fetchone()[0] == errors
        classes = dict(con.execute(
            "SELECT code, value_yuan FROM expense_by_class WHERE source = ? AND table_kind = 'final_expense' AND \"column\" = 'total'", [str(linfen)]
        ).fetchall())
    expected = {r.code: float(r.value("total") * 10000) for r in table.rows if r.code and len(r.code) == 3 and r.code.startswith("2")}
    assert classes == pytest.approx(expected) and "208" in classes


def test_reviewed_only_keeps_complete_reviews(reports, tmp_path, capsys):
    out = tmp_path / "done.parquet"
    assert _export(str(reports), "-o", str(out), "--reviewed-only") == 0
    assert not out.exists() and "nothing exported; 2 left out" in capsys.readouterr().err  # nobody reviewed anlu yet
    ReviewSession(reports / "pdf" / "anlu.pdf").confirm_all_auto()  # nothing else needed review there
    assert _export(str(reports), "-o", str(out), "--reviewed-only") == 0
    frame = pd.read_parquet(out)
    assert set(frame["source"]) == {str(reports / "pdf" / "anlu.pdf")}
    assert "1 left out (review not complete)" in capsys.readouterr().err


def test_partitioned_parquet_layout_and_load_dataset(reports, tmp_path):
    out = tmp_path / "dataset"
    assert _export(str(reports), "-o", str(out), "--partition-by", "year,report_kind") == 0
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.parquet"))
    assert files == ["year=2021/report_kind=决算/part-0.parquet", "year=2023/report_kind=决算/part-0.parquet"]
    assert "year" not in pd.read_parquet(out / files[0]).columns  # Hive style: the key is the folder
    dataset = load_dataset(out)
    assert list(dataset.columns) == FACTS_SCHEMA.names
    direct = load_dataset(reports)
    assert len(dataset) == len(direct)
    assert sorted(dataset["year"].unique()) == [2021, 2023]
    key = ["source", "table_kind", "column", "name", "status"]
    assert dataset.sort_values(key + ["value"]).reset_index(drop=True)[key].equals(direct.sort_values(key + ["value"]).reset_index(drop=True)[key])


def test_partitioning_needs_parquet_and_a_fresh_folder(reports, tmp_path, capsys):
    assert _export(str(reports), "-o", str(tmp_path / "x.csv"), "--partition-by", "year") == 1
    assert _export(str(reports), "-o", str(tmp_path / "d"), "--partition-by", "department") == 1
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "keep.txt").write_text("x")
    assert _export(str(reports), "-o", str(tmp_path / "used"), "--partition-by", "year") == 1
    assert "--partition-by" in capsys.readouterr().err


def test_load_dataset_on_a_folder_lists_failures(reports, tmp_path):
    (reports / "pdf" / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    with pytest.warns(UserWarning, match="could not be read"):
        frame = load_dataset(reports)
    assert set(frame["source"]) == {str(reports / "linfen.txt"), str(reports / "pdf" / "anlu.pdf")}
    assert [source for source, _ in frame.attrs["failures"]] == [str(reports / "pdf" / "broken.pdf")]
    assert frame["value"].dtype == "float64" and (frame["status"] == "edited").sum() == 1


@pytest.mark.parametrize("given", ["missing", "empty_folder", "unreadable"])
def test_an_export_that_reads_nothing_leaves_the_earlier_output_untouched(reports, tmp_path, capsys, given):
    out = tmp_path / "keep.parquet"
    assert _export(str(reports), "-o", str(out)) == 0
    before = out.read_bytes()
    inputs = {"missing": tmp_path / "missing", "empty_folder": tmp_path / "empty", "unreadable": tmp_path / "bad" / "empty.pdf"}
    (tmp_path / "empty").mkdir()
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "empty.pdf").write_bytes(b"")
    capsys.readouterr()
    assert _export(str(inputs[given]), "-o", str(out)) == 2
    err = capsys.readouterr().err
    assert out.read_bytes() == before
    assert "exported 0" not in err and err.count("\n") <= 2
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no partial file left beside it


def test_a_failing_writer_leaves_the_earlier_output_untouched(reports, tmp_path, monkeypatch):
    out = tmp_path / "keep.csv"
    assert _export(str(reports), "-o", str(out)) == 0
    before = out.read_bytes()

    def broken(self, result):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("app.export.facts.CsvSink.add", broken)
    assert _export(str(reports), "-o", str(out)) == 1
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_facts_name_the_file_absolutely_and_carry_table_and_row_ids(reports, tmp_path, monkeypatch):
    monkeypatch.chdir(reports)
    assert _export("linfen.txt", "-o", str(tmp_path / "here.parquet")) == 0
    monkeypatch.chdir(tmp_path)
    assert _export(str((reports / "linfen.txt").relative_to(tmp_path)), "-o", str(tmp_path / "there.parquet")) == 0
    here, there = pd.read_parquet(tmp_path / "here.parquet"), pd.read_parquet(tmp_path / "there.parquet")
    assert set(here["source"]) == {str(reports / "linfen.txt")}
    pd.testing.assert_frame_equal(here, there)  # the same export whatever the working directory
    assert pq.read_schema(tmp_path / "here.parquet").metadata[b"schema_version"] == FACTS_VERSION.encode()
    assert not here.duplicated(["table_id", "row_id", "column"]).any()  # every fact has its own place
    edited = here[here["status"] == "edited"]
    assert edited[["table_id", "row_id"]].values.tolist() == [[EDITED[0], EDITED[1]]]
