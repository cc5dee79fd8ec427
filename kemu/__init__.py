"""kemu's Python API, in one home: ``import kemu``.

    import kemu

    report = kemu.extract("report.pdf")          # tables with provenance (parsers.model.Report)
    matched = kemu.match("report.pdf")           # … every row with its 科目 (row.match)
    findings = kemu.check("report.pdf")          # consistency findings on the reviewed view
    session = kemu.open_review("report.pdf")     # the review session: edits, decisions, undo
    df = kemu.load_dataset("reports/")           # every report under a folder as one tidy DataFrame

kemu's internals live in the top-level packages ``app``, ``parsers`` and ``widgets``. A folder
that holds its own ``app.py`` (a notebook's, a web app's) would shadow them, so importing
kemu loads its own packages from where kemu is installed first (docs/api.md).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING

_ROOT = Path(__file__).resolve().parent.parent
_INTERNALS = ("parsers", "app", "widgets")


def _claim(name: str) -> None:
    """Load kemu's package ``name`` from kemu's own folder, whatever else sys.path would find first."""
    folder = _ROOT / name
    found = sys.modules.get(name) or importlib.util.find_spec(name)
    origin = getattr(found, "__file__", None) or getattr(found, "origin", None)
    if origin and Path(origin).resolve().parent == folder:
        return  # no shadow: the ordinary import finds kemu's own package
    spec = importlib.util.spec_from_file_location(name, folder / "__init__.py", submodule_search_locations=[str(folder)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


for _name in _INTERNALS:
    _claim(_name)

from app.cache import load_matched, load_report  # noqa: E402  (after the claim, on purpose)
from app.export.facts import load_dataset  # noqa: E402
from app.review.session import ReviewSession  # noqa: E402

if TYPE_CHECKING:
    from parsers.model import Report

__all__ = ["extract", "match", "check", "open_review", "load_dataset"]


def extract(path: str | Path, use_cache: bool = True) -> "Report":
    """The report's tables, each cell with its provenance. Unreadable input raises
    ``parsers.errors.UnreadableReport`` with one sentence saying why."""
    return load_report(path, use_cache)


def match(path: str | Path, use_cache: bool = True) -> "Report":
    """The extracted report with a ``match`` (科目, decision, reason, candidates) on every row."""
    return load_matched(path, use_cache)


def check(path: str | Path, reviewed: bool = True) -> list:
    """The consistency findings; on the reviewed view (the sidecar's edits count) unless ``reviewed=False``."""
    from app.checks import run_checks

    return run_checks(open_review(path).reviewed if reviewed else match(path))


def open_review(path: str | Path) -> ReviewSession:
    """The review session of a report: its reviewed view, operations journaled to the sidecar, undo/redo."""
    return ReviewSession(Path(path))
