"""A second open of an unchanged file comes from the cache; a changed file is re-extracted."""

from __future__ import annotations

import shutil

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
    import app.matching as matching

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
    from app.matching import matching_fingerprint

    before = matching_fingerprint()
    user = tmp_path / "catalog.toml"
    user.write_text('[[entry]]\ncode = "2130153"\nname = "农田建设"\nlevel = "项"\nparent = "21301"\n', encoding="utf-8")
    monkeypatch.setenv("KEMU_CATALOG", str(user))
    assert matching_fingerprint() != before
