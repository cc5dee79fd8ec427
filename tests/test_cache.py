"""A second open of an unchanged file comes from the cache; a changed file is re-extracted."""

from __future__ import annotations

import shutil

import pytest

import app.cache as cache
from tests.conftest import seed


def test_second_open_skips_extraction(tmp_path, monkeypatch):
    source = tmp_path / "report.txt"
    shutil.copy(seed("003"), source)
    first = cache.load_report(source)

    def fail(*_args):
        raise AssertionError("extraction ran although the file is cached")

    monkeypatch.setattr(cache, "read_report", fail)
    again = cache.load_report(source)
    assert again == first


def test_changed_file_is_re_extracted(tmp_path):
    source = tmp_path / "report.txt"
    shutil.copy(seed("003"), source)
    before = cache.load_report(source)
    source.write_text(source.read_text(encoding="utf-8").replace("6,275.58", "6,275.59"), encoding="utf-8")
    after = cache.load_report(source)
    assert before.sha256 != after.sha256
    values = {str(c.value) for t in after.tables for r in t.rows for c in r.cells.values()}
    assert "6275.59" in values


def test_corrupt_cache_entry_is_ignored(tmp_path):
    source = tmp_path / "report.txt"
    shutil.copy(seed("003"), source)
    cache.load_report(source)
    for entry in cache.cache_dir().glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert cache.load_report(source).tables


def test_a_copy_under_another_name_reports_its_own_path(tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    shutil.copy(seed("003"), first)
    shutil.copy(seed("003"), second)
    assert cache.load_report(first).source == str(first)
    assert cache.load_report(second).source == str(second)


def test_matched_report_is_cached_and_reused(tmp_path, monkeypatch):
    import app.matching.matcher as matching

    source = tmp_path / "report.txt"
    shutil.copy(seed("003"), source)
    first = cache.load_matched(source)
    assert all(r.match is not None for t in first.tables for r in t.rows)

    def fail(*_args, **_kwargs):
        raise AssertionError("matching ran although the matched report is cached")

    monkeypatch.setattr(matching, "match_report", fail)
    again = cache.load_matched(source)
    assert again == first


def test_a_changed_user_catalog_invalidates_cached_matches(tmp_path, monkeypatch):
    from app.cache import matching_fingerprint

    before = matching_fingerprint()
    user = tmp_path / "catalog.toml"
    user.write_text('[[entry]]\ncode = "2130153"\nname = "农田建设"\nlevel = "项"\nparent = "21301"\n', encoding="utf-8")
    monkeypatch.setenv("KEMU_CATALOG", str(user))
    assert matching_fingerprint() != before


PROBE = """
import json, sys
from app.cache import load_matched
report = load_matched(sys.argv[1])
rows = {r.code: r.match.name for t in report.tables for r in t.rows if r.code and r.match}
columns = [c.key for c in report.table("final_expense#1").columns]
print(json.dumps({"columns": columns, "2080505": rows.get("2080505")}, ensure_ascii=False))
"""


def test_a_changed_data_file_refreshes_cached_results(tmp_path):
    """The same file and the same key must give the same answer: editing the column vocabulary
    or the catalog in a copy of the code gives new answers, not the entries cached before the edit."""
    import json
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = tmp_path / "code"
    for package in ("app", "parsers"):
        shutil.copytree(ROOT / package, code / package, ignore=shutil.ignore_patterns("__pycache__"))
    source = tmp_path / "report.txt"
    shutil.copy(seed("003"), source)
    env = {"PATH": "/usr/bin:/bin", "KEMU_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(code), "HOME": str(tmp_path)}

    def probe() -> dict:
        done = subprocess.run([sys.executable, "-c", PROBE, str(source)], cwd=code, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def entries() -> int:
        return len(list((tmp_path / "cache").glob("*.pickle")))

    first = probe()
    assert "project" in first["columns"] and first["2080505"] == "机关事业单位基本养老保险缴费支出"
    assert probe() == first and entries() == 2  # unchanged code: served from the two entries

    vocabulary = code / "parsers" / "tables" / "column_vocabulary.toml"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8").replace('\nproject = ["项目支出"]', '\nproject_spending = ["项目支出"]'), encoding="utf-8")
    second = probe()
    assert "project_spending" in second["columns"] and "project" not in second["columns"]

    catalog = code / "parsers" / "catalog" / "functional.csv"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace("2080505,机关事业单位基本养老保险缴费支出", "2080505,养老保险缴费"), encoding="utf-8")
    third = probe()
    assert third["columns"] == second["columns"] and third["2080505"] == "养老保险缴费"


def test_a_non_report_is_rejected_from_the_cache_the_second_time(tmp_path, monkeypatch):
    from parsers.errors import UnreadableReport

    notes = tmp_path / "notes.md"
    notes.write_text("# 会议纪要\n\n今天讨论了办公室搬迁。\n" * 50, encoding="utf-8")
    with pytest.raises(UnreadableReport, match="not a department budget"):
        cache.load_report(notes)
    monkeypatch.setattr(cache, "read_report", lambda *_: pytest.fail("a known non-report was parsed again"))
    copy = tmp_path / "copy.md"
    shutil.copy(notes, copy)
    with pytest.raises(UnreadableReport, match=r"^copy\.md: not a department budget"):
        cache.load_report(copy)


def test_the_remembered_fingerprint_follows_every_edit_of_the_inputs(tmp_path, monkeypatch):
    """The fingerprint is remembered under the inputs' sizes and times, so an unchanged tree is
    not hashed again; any edit gives a new stamp, and the key is computed from the contents."""
    import os

    code = tmp_path / "parsers"
    code.mkdir()
    module, data = code / "grid.py", code / "kinds.toml"
    module.write_text("WIDTH = 3\n", encoding="utf-8")
    data.write_text('a = ["甲"]\n', encoding="utf-8")
    first = cache._fingerprint((code,), {"pdfplumber": "pdfplumber"})

    hashed: list[int] = []
    content = cache._content_fingerprint
    monkeypatch.setattr(cache, "_content_fingerprint", lambda *args: hashed.append(1) or content(*args))
    assert cache._fingerprint((code,), {"pdfplumber": "pdfplumber"}) == first and not hashed  # remembered

    later = data.stat().st_mtime_ns + 10**9  # an edit a second later: the clock's tick is coarser than a test
    data.write_text('a = ["乙"]\n', encoding="utf-8")  # same size, new content
    os.utime(data, ns=(later, later))
    changed = cache._fingerprint((code,), {"pdfplumber": "pdfplumber"})
    assert changed != first and hashed == [1]

    data.write_text('a = ["甲"]\n', encoding="utf-8")
    os.utime(module, ns=(module.stat().st_atime_ns, module.stat().st_mtime_ns + 10**9))  # touched, not changed
    assert cache._fingerprint((code,), {"pdfplumber": "pdfplumber"}) == first and hashed == [1, 1]


def test_a_matched_report_in_the_cache_opens_before_the_window(tmp_path, monkeypatch):
    """A cached report needs no loading screen; an uncached one on a terminal gets it."""
    import sys

    from app.tui.app import session_before_the_window

    source = tmp_path / "report.txt"
    shutil.copy(seed("003"), source)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert not cache.is_cached(source) and session_before_the_window(source) is None
    cache.load_matched(source)
    assert cache.is_cached(source)
    assert session_before_the_window(source).reviewed.sha256 == cache.file_sha256(source)
