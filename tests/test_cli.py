"""`kemu extract`: the JSON contract users script against, and the text view."""

from __future__ import annotations

import json
import re

from app.cli import EXIT_OK, main
from app.contract import SCHEMA_VERSION
from tests.conftest import GENERATED, seed

REPORT_FIELDS = {
    "schema", "schema_version", "extractor_version", "source", "sha256", "size", "format", "readers",
    "report_kind", "department", "year", "page_count", "tables",
}
TABLE_FIELDS = {"id", "kind", "kind_confidence", "kind_reason", "reading", "reading_reasons", "title", "unit", "pages", "empty", "flags", "columns", "rows", "provenance"}
ROW_FIELDS = {"id", "code", "name", "group", "extra_codes", "extra_names", "values", "cells", "provenance", "ignored", "note"}


def _extract(capsys, *args) -> dict:
    assert main(["extract", *args]) == EXIT_OK
    return json.loads(capsys.readouterr().out)


def test_json_contract_fields_and_types(capsys):
    data = _extract(capsys, str(seed("003")))
    assert set(data) == REPORT_FIELDS
    assert data["schema"] == "kemu.extract" and data["schema_version"] == SCHEMA_VERSION
    assert len(data["sha256"]) == 64 and data["report_kind"] == "决算" and data["year"] == 2021
    for table in data["tables"]:
        assert set(table) == TABLE_FIELDS
        assert table["reading"] in ("confident", "uncertain") and isinstance(table["reading_reasons"], list)
        keys = [c["key"] for c in table["columns"]]
        assert len(keys) == len(set(keys))
        for row in table["rows"]:
            assert set(row) == ROW_FIELDS
            assert row["code"] is None or row["code"].isdigit()
            assert " " not in row["name"]
            assert set(row["values"]) == set(row["cells"]) <= set(keys)
            for key, value in row["values"].items():
                assert value is None or isinstance(value, (int, float))
                assert row["cells"][key]["provenance"]["page"] >= 1


def test_json_numbers_are_exact_decimals(capsys):
    data = _extract(capsys, str(seed("003")))
    table = next(t for t in data["tables"] if t["kind"] == "final_expense")
    row = next(r for r in table["rows"] if r["code"] == "2080505")
    assert list(row["values"].values())[:2] == [39.40, 39.40]
    assert row["cells"][next(iter(row["cells"]))]["raw"] == "39.40"
    assert row["id"] == "final_expense#1/2080505"


def test_row_ids_are_stable_and_unique_per_table(capsys):
    first = _extract(capsys, str(seed("003")), "--no-cache")
    second = _extract(capsys, str(seed("003")), "--no-cache")
    ids = [r["id"] for t in first["tables"] for r in t["rows"]]
    assert ids == [r["id"] for t in second["tables"] for r in t["rows"]]
    assert len(ids) == len(set(ids))
    assert "final_gp_basic#1/30208#2" in ids  # the misprinted duplicate code keeps its own identity


def test_with_text_adds_pages_and_lines(capsys):
    data = _extract(capsys, str(GENERATED / "gen_mixed_small.pdf"), "--with-text")
    assert data["pages"][0]["page"] == 1
    assert any("收入" in line["text"] for line in data["pages"][0]["lines"])


def test_text_format_lists_tables(capsys):
    assert main(["extract", str(seed("002")), "--format", "text"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "budget_expense#1" in out and re.search(r"\n\s+2080505\s+机关事业单位基本养老保险缴费支出\s+[\d,]+\.\d\d", out)


def test_usage_errors_exit_1(capsys):
    import pytest

    with pytest.raises(SystemExit) as caught:
        main(["extract"])
    assert caught.value.code == 1
    with pytest.raises(SystemExit) as caught:
        main(["frobnicate"])
    assert caught.value.code == 1


def test_the_program_prints_everything_and_keeps_the_exit_code_when_it_skips_teardown(tmp_path):
    """`kemu extract` ends with os._exit after flushing (app.cli.run): through a pipe the whole
    JSON arrives, and a rejected file still exits 2 with its sentence."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, KEMU_CACHE_DIR=str(tmp_path / "cache"), KEMU_OCR="off")
    done = subprocess.run([sys.executable, "-m", "app.cli", "extract", str(GENERATED / "gen_budget_unruled.pdf")], capture_output=True, env=env)
    assert done.returncode == EXIT_OK
    assert json.loads(done.stdout)["tables"]
    (tmp_path / "notes.txt").write_text("会议纪要\n今天讨论了天气。\n", encoding="utf-8")
    rejected = subprocess.run([sys.executable, "-m", "app.cli", "extract", str(tmp_path / "notes.txt")], capture_output=True, env=env)
    assert rejected.returncode == 2
    assert rejected.stderr.decode().startswith("kemu: notes.txt:")
