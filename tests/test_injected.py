"""Generated reports: clean ones get no error; every injected error is caught on its page."""

from __future__ import annotations

import json
from functools import lru_cache

import pytest

from app.checks import run_checks
from parsers.report import read_report
from tests.conftest import GENERATED

INJECTED = sorted((GENERATED / "injected").glob("*.pdf"))


@lru_cache(maxsize=None)
def _findings(path):
    return run_checks(read_report(path))


@pytest.mark.parametrize("clean", sorted(GENERATED.glob("*.pdf")), ids=lambda p: p.name)
def test_clean_generated_reports_have_no_error(clean):
    errors = [f for f in _findings(clean) if f.severity == "error"]
    assert errors == []


def test_every_kind_of_injection_is_present():
    kinds = {json.loads(p.with_suffix(".expected.json").read_text(encoding="utf-8"))["kind"] for p in INJECTED}
    assert {"wrong_sum", "swapped_digits", "narrative_comparison", "wrong_year"} <= kinds
    assert len(INJECTED) >= 10


@pytest.mark.parametrize("bad", INJECTED, ids=lambda p: p.stem)
def test_injected_error_is_reported_as_error_on_its_page(bad):
    expected = json.loads(bad.with_suffix(".expected.json").read_text(encoding="utf-8"))
    errors = [f for f in _findings(bad) if f.severity == "error"]
    assert any(l.page == expected["page"] for f in errors for l in f.locations), (expected["description"], errors)
