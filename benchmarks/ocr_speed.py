#!/usr/bin/env python3
"""Seconds per scanned page: render + orientation + OCR + rulings, cold and from the page cache.

  python benchmarks/ocr_speed.py [--pages 4-8] [--dpi 200]

Paints pages of the generated 决算 (sample_reports/generated/gen_final_ruled.pdf) to an
image-only PDF, reads it with an empty OCR cache (every page OCR'd), then again with the
extraction cache off but the OCR page cache warm. Prints wall and CPU seconds (the process's,
the OCR engine's threads included) and the machine's load average: on a shared machine the
wall figure scales with the load, the CPU figure much less.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parsers.progress import OCR, reading_progress  # noqa: E402
from parsers.report import read_report  # noqa: E402
from sample_reports.scan import page_list, scan_pdf  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=page_list, default=page_list("4-8"), help="pages of the generated report, e.g. 4-8")
    parser.add_argument("--dpi", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["KEMU_CACHE_DIR"] = str(Path(folder) / "cache")
        scan = Path(folder) / "scan.pdf"
        count = scan_pdf(ROOT / "sample_reports" / "generated" / "gen_final_ruled.pdf", scan, args.dpi, args.pages)
        stamps: list[tuple[float, float]] = []  # (wall, CPU) after each OCR'd page
        load_before = os.getloadavg()[0]
        started, cpu_started = time.perf_counter(), time.process_time()
        with reading_progress(lambda done, total, stage: stage == OCR and stamps.append((time.perf_counter(), time.process_time()))):
            report = read_report(scan)
        cold, cold_cpu = time.perf_counter() - started, time.process_time() - cpu_started
        started, cpu_started = time.perf_counter(), time.process_time()
        read_report(scan)
        warm, warm_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    per_page = [b[0] - a[0] for a, b in zip(stamps, stamps[1:])]
    cpu_per_page = [b[1] - a[1] for a, b in zip(stamps, stamps[1:])]
    load = (load_before + os.getloadavg()[0]) / 2
    print(f"{count} pages at {args.dpi} dpi on {os.cpu_count()} cores (load average {load:.1f})")
    print(
        f"cold: {cold:.1f} s = {cold / count:.1f} s/page wall, {cold_cpu:.1f} s = {cold_cpu / count:.1f} s/page CPU"
        f" (fastest page {min(per_page):.1f} s wall / {min(cpu_per_page):.1f} s CPU, slowest {max(per_page):.1f} s / {max(cpu_per_page):.1f} s)"
    )
    print(f"OCR cache warm: {warm:.2f} s = {warm / count:.2f} s/page wall, {warm_cpu / count:.2f} s/page CPU; {len(report.tables)} tables")


if __name__ == "__main__":
    main()
