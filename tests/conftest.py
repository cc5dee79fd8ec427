"""Shared fixtures: the sample reports in the repo and, when present, ../shared/real_reports."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "sample_reports" / "seeds"
GENERATED = ROOT / "sample_reports" / "generated"
REAL_REPORTS = ROOT.parent / "shared" / "real_reports"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    """Each test gets its own extraction cache so results never leak between tests."""
    monkeypatch.setenv("KEMU_CACHE_DIR", str(tmp_path / "cache"))


def seed(name_prefix: str) -> Path:
    return next(SEEDS.glob(f"{name_prefix}_*.txt"))
