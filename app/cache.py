"""Extraction (and matching) cache keyed by the source's sha256 and a fingerprint of everything
that shapes the result.

Extraction is the slow step; a report re-opened unchanged comes back from a pickle in
milliseconds. The same key must always mean the same answer, so the fingerprint covers the
parser code and data (table kinds, column vocabulary), the reading libraries' versions and,
for matched reports, the matcher, the catalog code and data and the user's catalog. A file
that is not a readable report is remembered too (by content), so a big non-report in a
folder is not re-parsed on every export. Writes are atomic (temp file + rename).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import sys
import threading
from dataclasses import replace
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from app.errors import TookTooLong, time_budget
from parsers.errors import NoTextLayer, UnreadableReport
from parsers.model import Report, file_sha256

ROOT = Path(__file__).resolve().parent.parent
EXTRACTION_INPUTS = (ROOT / "parsers",)  # code and data (model.py with EXTRACTOR_VERSION, table kinds, vocabulary)
EXTRACTION_LIBRARIES = {"pypdfium2": "pypdfium2", "pdfplumber": "pdfplumber", "pdfminer.six": "pdfminer"}  # distribution → module
MATCHING_INPUTS = (ROOT / "app" / "matching" / "matcher.py", ROOT / "app" / "matching" / "catalog")  # matcher, catalog code and CSVs
MATCHING_LIBRARIES = {"rapidfuzz": "rapidfuzz", "numpy": "numpy"}
DATA_SUFFIXES = (".py", ".toml", ".csv", ".json", ".txt")


def cache_dir() -> Path:
    explicit = os.environ.get("KEMU_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kemu"


def read_report(path: Path, sha256: str | None = None) -> Report:
    """``parsers.report.read_report``, loaded on first use: a report served from the cache never
    loads the parsers (their imports are most of a cached open's start-up)."""
    from parsers.report import read_report as read

    return read(path, sha256)


def _fingerprint(inputs: tuple[Path, ...], libraries: dict[str, str], extra: tuple[Path, ...] = ()) -> str:
    """Hash of every file under ``inputs`` (names and bytes), the libraries' versions and ``extra`` files.

    Reading and hashing the files and asking for the versions costs more than a cached open
    itself, so the result is remembered in the cache folder under a stamp of the same files'
    and libraries' sizes and modification times: an edit, a checkout or an upgrade changes the
    stamp, and the fingerprint is computed again from the contents.
    """
    files = [*(p for root in inputs for p in ([root] if root.is_file() else sorted(root.rglob("*"))) if p.suffix in DATA_SUFFIXES), *extra]
    modules = [find_spec(module) for module in libraries.values()]
    stamp = hashlib.sha256(f"{sys.version_info[:2]} {sys.prefix}".encode())
    for path in [*files, *(Path(m.origin) for m in modules if m is not None and m.origin)]:
        status = path.stat()
        stamp.update(f"{path}\0{status.st_size}\0{status.st_mtime_ns}\0".encode())
    memo = cache_dir() / "fingerprints" / stamp.hexdigest()[:24]
    try:
        return memo.read_text(encoding="ascii")
    except OSError:
        pass
    fingerprint = _content_fingerprint(files, libraries)
    _store(memo, fingerprint.encode("ascii"))
    return fingerprint


def _content_fingerprint(files: list[Path], libraries: dict[str, str]) -> str:
    digest = hashlib.sha256(f"{sys.version_info[:2]}".encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for library, module in libraries.items():
        digest.update(f"{library}={installed_version(library, module)}".encode())
    return digest.hexdigest()[:12]


def installed_version(distribution: str, module: str) -> str:
    """The version of ``distribution`` (which provides ``module``), or "none".

    Read from the name of its ``.dist-info`` folder beside the module, as installers write it:
    ``importlib.metadata`` takes longer to import than a cold extraction of a small report
    spends reading it. Other layouts (eggs, source checkouts) ask ``importlib.metadata``."""
    spec = find_spec(module)
    if spec is None or not spec.origin:
        return "none"
    wanted = re.sub(r"[-_.]+", "_", distribution).lower() + "-"
    site = Path(spec.origin).parent if spec.submodule_search_locations is None else Path(spec.origin).parent.parent
    for entry in os.scandir(site):
        name = entry.name.lower()
        if name.endswith(".dist-info") and name.startswith(wanted):
            return entry.name[len(wanted):-len(".dist-info")]
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "none"


@lru_cache(maxsize=1)
def extraction_fingerprint() -> str:
    """Everything that shapes an extraction: any parser or data change invalidates old entries."""
    return _fingerprint(EXTRACTION_INPUTS, EXTRACTION_LIBRARIES)


def matching_fingerprint() -> str:
    """Everything that shapes a matched report on top of the extraction; the user's catalog is
    re-read every time, since it may change while kemu runs (the rest is code)."""
    from app.matching.catalog import user_catalog_path

    user = user_catalog_path()
    return _matching_fingerprint(user if user is not None and user.exists() else None, _mtime(user))


@lru_cache(maxsize=4)
def _matching_fingerprint(user: Path | None, mtime: float | None) -> str:  # mtime: a changed file is a new key
    return _fingerprint(MATCHING_INPUTS, MATCHING_LIBRARIES, (user,) if user else ())


def _mtime(path: Path | None) -> float | None:
    try:
        return path.stat().st_mtime if path else None
    except OSError:
        return None


def _entry(sha256: str, kind: str = "pickle") -> Path:
    return cache_dir() / f"{sha256}-{extraction_fingerprint()}.{kind}"


def load_report(path: str | Path, use_cache: bool = True) -> Report:
    """The report at ``path``, from the cache when the file is unchanged; within the time budget."""
    path = Path(path)
    with time_budget(path.name):
        if not use_cache or not path.is_file() or path.stat().st_size == 0:
            return read_report(path)
        sha256 = file_sha256(path)
        rejected = _entry(sha256, "rejected")
        if rejected.exists():
            raise UnreadableReport(f"{path.name}: {rejected.read_text(encoding='utf-8')}")
        entry = _entry(sha256)
        cached = _load(entry)
        if cached is not None:
            return replace(cached, source=str(path))  # same bytes may live under another name
        try:
            report = read_report(path, sha256)
        except (TookTooLong, NoTextLayer):
            raise  # a slow machine or the OCR extra may change the answer
        except UnreadableReport as exc:
            reason = str(exc).removeprefix(f"{path.name}: ")
            _store(rejected, reason.encode("utf-8"))
            raise
        _store(entry, pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL))
        return report


def is_cached(path: str | Path) -> bool:
    """The matched report is in the cache: opening it is a read, with nothing to wait for."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return False
    return _match_entry(file_sha256(path)).is_file()


def load_matched(path: str | Path, use_cache: bool = True) -> Report:
    """The extracted report with every row matched. Matching is the slow step of a batch, so
    it is cached beside the extraction, keyed also by the matching fingerprint."""
    from app.matching.matcher import match_report

    report = load_report(path, use_cache)
    if not use_cache:
        return match_report(report)
    entry = _match_entry(report.sha256)
    cached = _load(entry)
    if cached is not None:
        return replace(cached, source=report.source)
    matched = match_report(report)
    _store(entry, pickle.dumps(matched, protocol=pickle.HIGHEST_PROTOCOL))
    return matched


def _match_entry(sha256: str) -> Path:
    return cache_dir() / f"{sha256}-{extraction_fingerprint()}-match-{matching_fingerprint()}.pickle"


def _load(entry: Path) -> Report | None:
    """The cached report, or None; an entry that cannot be read is removed."""
    if not entry.exists():
        return None
    try:
        with entry.open("rb") as handle:
            report = pickle.load(handle)
        if isinstance(report, Report):
            return report
    except Exception:
        pass
    try:
        entry.unlink(missing_ok=True)
    except OSError:
        pass
    return None


def _store(entry: Path, data: bytes) -> None:
    # A temporary name of this process and thread rather than ``tempfile``, whose imports
    # (shutil, lzma, bz2, random) are a good share of the start-up of a cold extraction.
    tmp = entry.with_name(f"{entry.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, entry)
        finally:
            Path(tmp).unlink(missing_ok=True)
    except OSError:
        pass  # a read-only cache only costs speed
