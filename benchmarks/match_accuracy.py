"""Matching accuracy on a labelled set built from the seeds, generated samples and real reports.

Three variants of every row whose printed code is in the catalog: as printed (coded), with
all codes of its table removed (uncoded: hierarchy context only), and with codes removed
and names perturbed (noisy: wrap spaces, OCR confusions). Reports top-1 accuracy, the
precision of auto decisions, and a plain rapidfuzz extractOne over all catalog names.
Run: python benchmarks/match_accuracy.py [-v]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.cache import load_report  # noqa: E402
from app.matching.catalog import default_catalog  # noqa: E402
from app.evaluate import labelled_rows, score_matching  # noqa: E402
from app.matching.matcher import Matcher, normalize_name  # noqa: E402
from parsers.errors import UnreadableReport  # noqa: E402


def sources() -> list[Path]:
    found = sorted((ROOT / "sample_reports").rglob("*.txt")) + sorted((ROOT / "sample_reports").rglob("*.pdf"))
    real = ROOT.parent / "shared" / "real_reports"
    if real.is_dir():
        found += sorted(real.glob("*.pdf"))
    return found


def run(paths: list[Path], verbose: bool = False) -> dict:
    catalog = default_catalog()
    by_year: dict = {}
    for path in paths:
        try:
            report = load_report(path)
        except UnreadableReport:
            continue
        by_year.setdefault(report.year, []).append(report)
    totals: dict = {}
    for year, reports in sorted(by_year.items(), key=lambda item: item[0] or 0):
        edition = catalog.edition(year)
        names = [normalize_name(n) for e in edition.entries for n in edition.all_names(e)]
        codes = [e.code for e in edition.entries for _ in edition.all_names(e)]
        for variant, score in score_matching(labelled_rows(reports, edition), Matcher(edition), names, codes).items():
            total = totals.setdefault(variant, score.__class__(variant))
            for attr in ("total", "top1", "auto", "auto_right", "baseline_top1"):
                setattr(total, attr, getattr(total, attr) + getattr(score, attr))
            total.wrong += score.wrong
    for variant, score in totals.items():
        print(f"{variant:8s} rows {score.total:5d}  top-1 {score.accuracy:7.2%}  auto {score.auto:5d} precise {score.auto_precision:7.2%}  | extractOne top-1 {score.baseline:7.2%}")
        if verbose:
            for line in score.wrong[:25]:
                print("    ", line)
    return totals


if __name__ == "__main__":
    run(sources(), verbose="-v" in sys.argv)
