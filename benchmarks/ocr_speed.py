#!/usr/bin/env python3
"""CPU seconds per scanned page, by kind of page: render + orientation + OCR + rulings, cold.

  python benchmarks/ocr_speed.py [--sets ruled,sideways,real] [--real FILE] [--dpi 200]

Three image-only PDFs are made and read with an empty OCR cache (every page OCR'd):

- ``ruled``: pages 4-8 of the generated 决算 (sample_reports/generated), ruled tables, painted;
- ``sideways``: pages 4-6 of the generated 预算, unruled tables, painted turned 90°;
- ``real``: every page of a real report (../shared/real_reports, ``--real``) rendered by PDFium,
  landscape pages of running text (情况说明) and of ruled tables; each page's kind is taken from
  its text layer (ruling lines or not).

Each page's CPU seconds (the process's, the OCR engine's threads included) are taken at the
reading progress hook. Prints them per kind, with wall seconds and the machine's load
average: on a shared machine the wall figure scales with the load, the CPU figure much less.
The engine is started before the first page and its start-up printed apart (once per process;
the first process with an empty cache folder also rewrites the models, parsers/read/ocr/models.py).
Then the last set is read again from the warm OCR page cache.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parsers.read.progress import OCR, reading_progress  # noqa: E402
from parsers.report import read_report  # noqa: E402
from sample_reports.scan import scan_pdf  # noqa: E402

GENERATED = ROOT / "sample_reports" / "generated"
REAL = ROOT.parent / "shared" / "real_reports" / "shpt_shangwu_2025_dept_budget.pdf"


def page_kinds(source: Path, pages: list[int]) -> list[str]:
    """"table" for a page of the text layer with ruling lines, else "running text"."""
    import pdfplumber

    with pdfplumber.open(source) as pdf:
        return ["table" if len(pdf.pages[n - 1].edges) >= 8 else "running text" for n in pages]


def scan_sets(folder: Path, chosen: list[str], real: Path, dpi: int) -> list[tuple[str, Path, list[str]]]:
    """(set name, image-only PDF, kind of each page) for the chosen sets."""
    sets = []
    if "ruled" in chosen:
        scan = folder / "ruled.pdf"
        count = scan_pdf(GENERATED / "gen_final_ruled.pdf", scan, dpi, [4, 5, 6, 7, 8])
        sets.append(("ruled", scan, ["ruled table"] * count))
    if "sideways" in chosen:
        scan = folder / "sideways.pdf"
        count = scan_pdf(GENERATED / "gen_budget_unruled.pdf", scan, dpi, [4, 5, 6], rotate=90)
        sets.append(("sideways", scan, ["unruled table, sideways"] * count))
    if "real" in chosen and real.exists():
        import pypdfium2 as pdfium

        pages = list(range(1, len(pdfium.PdfDocument(str(real))) + 1))
        scan = folder / real.name
        scan_pdf(real, scan, dpi, pages, renderer="pdfium")
        sets.append(("real", scan, [f"real {kind}" for kind in page_kinds(real, pages)]))
    return sets


def read_timed(scan: Path) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each OCR'd page."""
    stamps: list[tuple[float, float]] = []
    with reading_progress(lambda done, total, stage: stage == OCR and stamps.append((time.perf_counter(), time.process_time()))):
        read_report(scan)
    return [b[0] - a[0] for a, b in zip(stamps, stamps[1:])], [b[1] - a[1] for a, b in zip(stamps, stamps[1:])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="ruled,sideways,real", help="comma-separated: ruled, sideways, real")
    parser.add_argument("--real", type=Path, default=REAL, help="the real report rendered image-only")
    parser.add_argument("--dpi", type=int, default=200)
    args = parser.parse_args()
    by_kind: dict[str, list[tuple[float, float]]] = defaultdict(list)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        os.environ["KEMU_CACHE_DIR"] = str(Path(folder) / "cache")
        sets = scan_sets(Path(folder), args.sets.split(","), args.real, args.dpi)
        from parsers.read.ocr.engine import _engine

        cpu_started = time.process_time()
        _engine()
        print(f"engine start: {time.process_time() - cpu_started:.1f} s CPU", flush=True)
        for name, scan, kinds in sets:
            walls, cpus = read_timed(scan)
            for kind, wall, cpu in zip(kinds, walls, cpus):
                by_kind[kind].append((wall, cpu))
            print(f"{name}: {len(cpus)} pages, {sum(cpus) / len(cpus):.1f} s CPU a page (worst {max(cpus):.1f}), {sum(walls) / len(walls):.1f} s wall", flush=True)
        started, cpu_started = time.perf_counter(), time.process_time()
        read_report(sets[-1][1])
        warm, warm_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    load = (load_before + os.getloadavg()[0]) / 2
    print(f"\nat {args.dpi} dpi on {len(os.sched_getaffinity(0))} cores (load average {load:.1f}); CPU s a page:")
    print(f"{'kind':28s} {'pages':>5s} {'CPU mean':>9s} {'CPU worst':>9s} {'wall mean':>9s}")
    every = [t for times in by_kind.values() for t in times]
    for kind, times in [*by_kind.items(), ("all", every)]:
        cpus = [c for _, c in times]
        print(f"{kind:28s} {len(times):5d} {sum(cpus) / len(cpus):9.1f} {max(cpus):9.1f} {sum(w for w, _ in times) / len(times):9.1f}")
    pages = len(sets[-1][2])
    print(f"OCR cache warm ({sets[-1][0]}): {warm / pages:.2f} s wall, {warm_cpu / pages:.2f} s CPU a page")


if __name__ == "__main__":
    main()
