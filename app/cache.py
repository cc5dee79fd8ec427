"""Extraction (and matching) cache keyed by the source's sha256 and code fingerprints.

Extraction is the slow step; a report re-opened unchanged comes back from a pickle in
milliseconds. The key includes a fingerprint of the parser code and data so any parser
change invalidates old entries. Writes are atomic (temp file + rename) so a killed process leaves no half entry.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from parsers.model import Report
from parsers.report import EXTRACTOR_VERSION, file_sha256, read_report


def cache_dir() -> Path:
    explicit = os.environ.get("KEMU_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kemu"


@lru_cache(maxsize=1)
def _parser_fingerprint() -> str:
    """Hash of the extraction code and its data, so any parser change invalidates old entries."""
    digest = hashlib.sha256(EXTRACTOR_VERSION.encode())
    root = Path(__file__).resolve().parent.parent / "parsers"
    for path in sorted([*root.glob("*.py"), *root.glob("*.toml")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _entry(sha256: str) -> Path:
    return cache_dir() / f"{sha256}-{_parser_fingerprint()}.pickle"


def load_report(path: str | Path, use_cache: bool = True) -> Report:
    """The report at ``path``, from the cache when the file is unchanged."""
    path = Path(path)
    if not use_cache or not path.is_file() or path.stat().st_size == 0:
        return read_report(path)
    sha256 = file_sha256(path)
    entry = _entry(sha256)
    if entry.exists():
        try:
            with entry.open("rb") as handle:
                report = pickle.load(handle)
            if isinstance(report, Report):
                return replace(report, source=str(path))  # same bytes may live under another name
        except Exception:
            entry.unlink(missing_ok=True)
    report = read_report(path, sha256)
    _store(entry, report)
    return report


def load_matched(path: str | Path, use_cache: bool = True) -> Report:
    """The extracted report with every row matched. Matching is the slow step of a batch, so
    it is cached beside the extraction, keyed also by the matcher and catalog (user file too)."""
    from app.matching import match_report, matching_fingerprint

    report = load_report(path, use_cache)
    if not use_cache:
        return match_report(report)
    entry = cache_dir() / f"{report.sha256}-{_parser_fingerprint()}-match-{matching_fingerprint()}.pickle"
    if entry.exists():
        try:
            with entry.open("rb") as handle:
                matched = pickle.load(handle)
            if isinstance(matched, Report):
                return replace(matched, source=report.source)
        except Exception:
            entry.unlink(missing_ok=True)
    matched = match_report(report)
    _store(entry, matched)
    return matched


def _store(entry: Path, report: Report) -> None:
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(report, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, entry)
    except OSError:
        pass  # a read-only cache only costs speed
