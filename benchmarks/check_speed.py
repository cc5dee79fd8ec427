"""Checks speed: a full run of every rule on an already-extracted, matched report.

The TUI re-runs checks after every edit, so this must stay well under 50 ms. Prints the
best of N runs for each report (largest first), and the matching time separately.
Run: python benchmarks/check_speed.py [-n 20] [FILE ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.cache import load_report  # noqa: E402
from app.checks import run_checks  # noqa: E402
from app.matching.matcher import match_report  # noqa: E402
from parsers.errors import UnreadableReport  # noqa: E402


def best(runs: int, fn, *args) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("-n", type=int, default=20)
    args = parser.parse_args()
    files = args.files or sorted((ROOT / "sample_reports").rglob("*.txt")) + sorted((ROOT / "sample_reports" / "generated").glob("*.pdf"))
    real = ROOT.parent / "shared" / "real_reports"
    if not args.files and real.is_dir():
        files += sorted(real.glob("*.pdf"))
    rows = []
    for path in files:
        try:
            report = load_report(path)
        except UnreadableReport:
            continue
        matched = match_report(report)
        cells = sum(len(r.cells) for t in report.tables for r in t.rows)
        rows.append((cells, path.name, best(args.n, run_checks, matched) * 1000, best(3, match_report, report) * 1000, len(report.pages)))
    print(f"{'report':44s} {'pages':>5s} {'cells':>6s} {'checks ms':>9s} {'match ms':>8s}")
    for cells, name, check_ms, match_ms, pages in sorted(rows, reverse=True):
        print(f"{name[:44]:44s} {pages:5d} {cells:6d} {check_ms:9.1f} {match_ms:8.1f}")


if __name__ == "__main__":
    main()
