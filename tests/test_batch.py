"""Batches: discovery, failing files, engines (processes, Dask) giving the same facts, triage."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from app.export.batch import Failure, Progress, discover, run
from app.cli import main
from app.export.commands import EXIT_PARTIAL
from app.review.session import ReviewSession
from tests.conftest import GENERATED, REAL_REPORTS, seed


@pytest.fixture
def folder(tmp_path) -> Path:
    """Three seeds and a generated PDF, with the clutter a real folder has."""
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    for prefix, name in (("000", "leshan.txt"), ("002", "huaxian.txt"), ("003", "linfen.txt")):
        shutil.copy(seed(prefix), root / name)
    shutil.copy(GENERATED / "gen_mixed_small.pdf", root / "sub" / "anlu.pdf")
    (root / "anlu.truth.json").write_text("{}")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.txt").write_text("not a report")
    (root / ".notes.md").write_text("not a report")
    ReviewSession(root / "linfen.txt").note("checked", "final_expense#1")  # leaves a journal beside it
    return root


def _facts(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path).sort_values(["source", "table_kind", "column", "name", "value"], na_position="first").reset_index(drop=True)


def test_discover_is_recursive_and_skips_sidecars_and_hidden_files(folder, tmp_path):
    assert any(p.name.endswith(".journal") for p in folder.iterdir())
    files, missing = discover([folder, tmp_path / "nowhere"])
    assert [p.relative_to(folder).as_posix() for p in files] == ["huaxian.txt", "leshan.txt", "linfen.txt", "sub/anlu.pdf"]
    assert missing == [Failure(str(tmp_path / "nowhere"), "no such file or folder")]


def test_files_are_chosen_by_content_and_folder_notes_are_skipped(folder):
    (folder / "README.md").write_text("# 报告文件夹\n\n这里是下载的部门预算。\n", encoding="utf-8")
    (folder / "ORIGINS.tsv").write_text("file\turl\n", encoding="utf-8")
    (folder / "origins.txt").write_text("leshan.txt\thttp://example\n", encoding="utf-8")
    (folder / "minutes.txt").write_text("会议纪要\n今天讨论了办公室搬迁。\n" * 40, encoding="utf-8")
    (folder / "report.docx").write_bytes(b"PK\x03\x04 an Office file")  # a report kemu cannot read: named, not hidden
    dumped = folder / "dump.txt"  # a report saved as text under any name is found by what it says
    dumped.write_bytes(seed("004").read_bytes())
    files, _ = discover([folder])
    assert [p.relative_to(folder).as_posix() for p in files] == [
        "dump.txt", "huaxian.txt", "leshan.txt", "linfen.txt", "report.docx", "sub/anlu.pdf",
    ]
    assert discover([folder / "minutes.txt"])[0] == [folder / "minutes.txt"]  # a file named directly is always read


def test_failing_files_are_reported_and_the_rest_exported(folder, tmp_path, capsys):
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "sub" / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<>> garbage")
    (folder / "readme.md").write_text("# Notes\n\nNothing to see here.\n", encoding="utf-8")  # describes the folder: skipped
    out = tmp_path / "out.parquet"
    assert main(["export", str(folder), "-o", str(out), "--workers", "1"]) == EXIT_PARTIAL == 4
    err = capsys.readouterr().err
    assert f"{folder / 'empty.pdf'}: the file is empty (0 bytes)" in err
    assert f"{folder / 'sub' / 'corrupt.pdf'}: " in err and "readme.md" not in err
    assert "exported 4 reports" in err and "2 failed" in err
    assert pd.read_parquet(out)["source"].nunique() == 4


def test_all_failed_exits_2(tmp_path, capsys):
    (tmp_path / "empty.pdf").write_bytes(b"")
    assert main(["export", str(tmp_path / "empty.pdf"), "-o", str(tmp_path / "out.csv")]) == 2
    assert main(["export", str(tmp_path / "none"), "-o", str(tmp_path / "out.csv")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


@pytest.mark.skipif(not (REAL_REPORTS / "empty_file.pdf").exists(), reason="../shared/real_reports is not present")
def test_the_shared_empty_pdf_fails_alone(tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    code = main(["export", str(REAL_REPORTS / "empty_file.pdf"), str(GENERATED / "gen_mixed_small.pdf"), "-o", str(out), "--workers", "1"])
    assert code == EXIT_PARTIAL
    assert "empty_file.pdf: the file is empty (0 bytes)" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8").count("\n") > 0


def test_processes_and_dask_give_the_same_facts_as_one_process(folder, tmp_path):
    from dask.distributed import LocalCluster

    assert main(["export", str(folder), "-o", str(tmp_path / "one.parquet"), "--workers", "1"]) == 0
    assert main(["export", str(folder), "-o", str(tmp_path / "procs.parquet"), "--workers", "2"]) == 0
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        args = ["--engine", "dask", "--scheduler", cluster.scheduler_address]
        assert main(["export", str(folder), "-o", str(tmp_path / "dask.parquet"), *args]) == 0
    one = _facts(tmp_path / "one.parquet")
    assert len(one) > 1000
    pd.testing.assert_frame_equal(one, _facts(tmp_path / "procs.parquet"))
    pd.testing.assert_frame_equal(one, _facts(tmp_path / "dask.parquet"))


def test_scheduler_needs_the_dask_engine(folder, tmp_path, capsys):
    assert main(["export", str(folder), "-o", str(tmp_path / "x.parquet"), "--scheduler", "tcp://127.0.0.1:1"]) == 1
    assert "--engine dask" in capsys.readouterr().err


def test_triage_ranks_errors_then_reviews_then_warnings(folder, capsys):
    assert main(["triage", str(folder), "--format", "json", "--workers", "1"]) == 0
    ranked = json.loads(capsys.readouterr().out)
    keys = [(r["errors"], r["needs_review"], r["warnings"]) for r in ranked]
    assert keys == sorted(keys, reverse=True)
    names = [Path(r["source"]).name for r in ranked]
    assert names[0] == "linfen.txt" and names[-1] == "anlu.pdf"  # errors first; nothing left to review last
    assert names.index("leshan.txt") < names.index("huaxian.txt")  # no errors either: more mappings to review
    assert ranked[-1]["department"] == "安陆市医疗保障局" and ranked[-1]["needs_review"] == 0
    assert not any(r["complete"] for r in ranked)  # nobody has reviewed any of them
    ReviewSession(folder / "sub" / "anlu.pdf").confirm_all_auto()  # a person looked and confirmed
    assert main(["triage", str(folder), "--workers", "1"]) == 0
    text = capsys.readouterr().out.splitlines()
    assert "临汾市医疗保障局" in text[1] and "✓" in text[-1] and sum("✓" in line for line in text) == 1


def test_resolving_reviews_moves_a_report_down_the_triage(folder, capsys):
    leshan = ReviewSession(folder / "leshan.txt")
    for table in leshan.reviewed.tables:
        for row in table.rows:
            if row.match and row.match.decision == "review":
                leshan.mapping("not_subject", table.id, row.id)
    assert main(["triage", str(folder / "leshan.txt"), str(folder / "huaxian.txt"), "--format", "json", "--workers", "1"]) == 0
    ranked = json.loads(capsys.readouterr().out)
    assert [Path(r["source"]).name for r in ranked] == ["huaxian.txt", "leshan.txt"]
    assert ranked[1]["needs_review"] == 0 and ranked[1]["complete"]


def test_run_keeps_input_order_and_draws_a_bar_on_terminals(tmp_path):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    files = [tmp_path / f"{i}.txt" for i in range(5)]
    stream = Terminal()
    assert list(run(Path, files, workers=1, log=stream)) == [Path(str(f)) for f in files]
    assert "[" + "#" * 30 + "] 5/5 files" in stream.getvalue()
    quiet = io.StringIO()
    outcomes = list(run(_fail_odd, files, workers=1, log=quiet))
    assert [isinstance(o, Failure) for o in outcomes] == [False, True, False, True, False]
    assert quiet.getvalue().count("kemu: ") == 2 and "#" not in quiet.getvalue()  # no bar when not a terminal
    assert Progress(0, None).bar is False


def _fail_odd(source: str) -> str:
    if int(Path(source).stem) % 2:
        raise ValueError("odd")
    return source


def _slow_or_stuck(source: str) -> str:
    """Odd files loop in Python; files named stuck* hang where no signal reaches (native code)."""
    import signal
    import time

    if Path(source).stem.startswith("stuck"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(600)
    if int(Path(source).stem.lstrip("stuck") or 0) % 2:
        while True:
            pass
    return source


def test_a_file_over_the_time_budget_fails_alone_in_this_process(tmp_path):
    files = [tmp_path / f"{i}.txt" for i in range(3)]
    outcomes = list(run(_slow_or_stuck, files, workers=1, log=None, budget=0.5))
    assert outcomes[0] == str(files[0]) and outcomes[2] == str(files[2])
    assert outcomes[1] == Failure(str(files[1]), "took longer than 0.5 s (the file may be damaged); skipped")


def test_the_watchdog_kills_a_worker_stuck_where_no_signal_reaches(tmp_path, monkeypatch):
    import time

    import app.export.batch as batch

    monkeypatch.setattr(batch, "WATCHDOG_GRACE", 3.0)
    files = [tmp_path / name for name in ("0.txt", "stuck2.txt", "1.txt", "4.txt", "6.txt")]
    started = time.monotonic()
    outcomes = list(run(_slow_or_stuck, files, workers=2, log=None, budget=1))
    assert time.monotonic() - started < 60
    failed = {Path(o.source).name: o.reason for o in outcomes if isinstance(o, Failure)}
    assert set(failed) == {"stuck2.txt", "1.txt"} and all("took longer than 1 s" in r for r in failed.values())
    assert [o for o in outcomes if not isinstance(o, Failure)] == [str(files[0]), str(files[3]), str(files[4])]


NARRATIVE = (
    "某某市教育局2023年度部门决算\n\n第一部分 部门概况\n一、部门职责\n负责全市教育工作。\n"
    "第二部分 2023年度部门决算情况说明\n一、收入支出决算总体情况说明\n2023年度收入总计100.00万元，支出总计100.00万元。\n"
    "二、收入决算情况说明\n本年收入合计100.00万元。\n三、支出决算情况说明\n本年支出合计100.00万元。\n"
)


def test_a_report_without_tables_is_named_in_triage_and_export(tmp_path, capsys):
    path = tmp_path / "narrative.txt"
    path.write_text(NARRATIVE, encoding="utf-8")
    assert main(["triage", str(path), "--workers", "1"]) == 0
    assert "narrative.txt  (no tables in this report (narrative only))" in capsys.readouterr().out
    assert main(["export", str(path), "-o", str(tmp_path / "out.csv"), "--workers", "1"]) == 0
    err = capsys.readouterr().err
    assert f"{path}: no tables in this report (narrative only)" in err and "exported 1 reports (0 facts)" in err


def test_the_watchdog_waits_while_pages_are_read(tmp_path):
    """A worker reading a long scan touches its heartbeat on every page read: the watchdog
    waits as long as pages keep coming, and stops the file once they stop."""
    from concurrent.futures import Future

    from app.export.batch import Heartbeats, _result, beating
    from parsers.read.progress import OCR, report_progress

    beats = Heartbeats()
    source = str(tmp_path / "scan.pdf")
    pages = iter(range(1, 4))
    looks: list[int] = []

    def quiet(since: float) -> float:  # the watchdog looks: a page was read meanwhile, three times
        page = next(pages, None)
        if page is not None:
            with beating(beats.path(source)):
                report_progress(page, 3, OCR)
        looks.append(page or 0)
        return beats.quiet(source, since)

    try:
        with pytest.raises(TimeoutError):
            _result(Future(), 0.2, quiet)  # a worker that never answers
    finally:
        beats.close()
    assert looks[:3] == [1, 2, 3] and looks[-1] == 0


def test_a_worker_killed_after_reading_pages_is_not_called_damaged(tmp_path):
    from app.export.batch import Heartbeats, beating
    from parsers.read.progress import PDF, report_progress

    beats = Heartbeats()
    try:
        assert beats.stalled("a.pdf", 45) == "took longer than 45 s (the file may be damaged); skipped"
        with beating(beats.path("a.pdf")):
            report_progress(1, 9, PDF)
        assert "damaged" not in beats.stalled("a.pdf", 45) and "a page took longer than 45 s" in beats.stalled("a.pdf", 45)
    finally:
        beats.close()
