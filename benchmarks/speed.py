"""Extraction speed: kemu vs a plain pdfplumber pass, and the cached re-open.

For each PDF (the generated samples, plus ../shared/real_reports when present) it times, in
the same run: pdfplumber ``extract_text()`` + ``extract_tables()`` on every page; kemu's full
extraction (no cache); and a cached re-open through ``load_report``. Best of N runs each.
Run: python benchmarks/speed.py [-n 3] [PDF ...]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pdfplumber  # noqa: E402

from app.cache import load_report  # noqa: E402
from parsers.errors import UnreadableReport  # noqa: E402
from parsers.report import read_report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def plain_pdfplumber(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
        return len(pdf.pages)


def best_of(runs: int, fn, *args) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - start)
    return best


def default_pdfs() -> list[Path]:
    pdfs = sorted((ROOT / "sample_reports").rglob("*.pdf"))
    real = ROOT.parent / "shared" / "real_reports"
    if real.is_dir():
        pdfs += sorted(p for p in real.glob("*.pdf") if p.stat().st_size > 0)
    return pdfs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("-n", type=int, default=3)
    args = parser.parse_args()
    os.environ["KEMU_CACHE_DIR"] = tempfile.mkdtemp(prefix="kemu-bench-")
    total = {"pages": 0, "plain": 0.0, "kemu": 0.0, "cached": 0.0}
    print(f"{'file':40s} {'pages':>5s} {'plumber p/s':>11s} {'kemu p/s':>9s} {'ratio':>6s} {'cold ms':>8s} {'cached ms':>9s} {'speed-up':>8s}")
    for pdf in args.pdfs or default_pdfs():
        pages = plain_pdfplumber(pdf)
        plain = best_of(args.n, plain_pdfplumber, pdf)
        try:
            kemu = best_of(args.n, read_report, pdf)
        except UnreadableReport:
            kemu = best_of(1, lambda p: None, pdf)
            print(f"{pdf.name[:40]:40s} {pages:5d}  (not a report: rejected)")
            continue
        load_report(pdf)  # fill the cache
        cached = best_of(max(args.n, 5), load_report, pdf)
        for key, value in (("pages", pages), ("plain", plain), ("kemu", kemu), ("cached", cached)):
            total[key] += value
        print(
            f"{pdf.name[:40]:40s} {pages:5d} {pages / plain:11.1f} {pages / kemu:9.1f} {kemu / plain:6.2f}"
            f" {kemu * 1000:8.0f} {cached * 1000:9.2f} {kemu / cached:7.0f}x"
        )
    print(
        f"{'ALL':40s} {total['pages']:5d} {total['pages'] / total['plain']:11.1f} {total['pages'] / total['kemu']:9.1f}"
        f" {total['kemu'] / total['plain']:6.2f} {total['kemu'] * 1000:8.0f} {total['cached'] * 1000:9.2f} {total['kemu'] / total['cached']:7.0f}x"
    )


if __name__ == "__main__":
    main()
