"""Export at scale: time 1,000 reports to Parquet and show that memory does not grow with N.

    python benchmarks/export_scale.py [--reports 1000] [--small 100] [--workers N] [--engine local|dask]

Makes N report files cheaply from the samples (seed text dumps with added trailing blank
lines, generated PDFs with a trailing comment after %%EOF, so every file has its own sha256
and its own cache entry), warms the extraction cache with one export, then runs
``kemu export`` on the first ``--small`` files and on all N, each in a fresh child process,
and prints wall time and peak RSS of the exporting process and of its largest worker.

A script, not a test: CI never runs it (pytest only collects tests/).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "sample_reports" / "seeds").glob("*.txt")) + sorted((ROOT / "sample_reports" / "generated").glob("*.pdf"))

# Runs in the child: the export, then the child's own peak RSS and its workers' largest.
CHILD = """
import json, resource, sys, time
from app.cli import main
start = time.perf_counter()
code = main(sys.argv[1:])
print(json.dumps({"code": code, "seconds": time.perf_counter() - start,
                  "writer_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "worker_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def make_reports(folder: Path, count: int) -> list[Path]:
    """``count`` files, each a sample with a small variation so its sha256 is new."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(count):
        source = SOURCES[i % len(SOURCES)]
        variant = i // len(SOURCES)
        target = folder / f"{i:05d}_{source.stem}{source.suffix}"
        data = source.read_bytes()
        data += f"\n% kemu benchmark variant {variant}\n".encode() if source.suffix == ".pdf" else b"\n" * (variant + 1)
        target.write_bytes(data)
        made.append(target)
    return made


def export(inputs: list[Path], out: Path, workers: int, engine: str, cache: Path) -> dict:
    """One ``kemu export`` in a fresh child process; its timing and peak memory."""
    env = {**os.environ, "KEMU_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    args = ["export", *map(str, inputs), "-o", str(out), "--workers", str(workers), "--engine", engine]
    done = subprocess.run([sys.executable, "-c", CHILD, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        sys.exit(f"export failed:\n{done.stderr[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["facts"] = _facts(out)
    return result


def _facts(out: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(out).metadata.num_rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--engine", choices=("local", "dask"), default="local")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temp folder)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="kemu-scale-"))
    try:
        start = time.perf_counter()
        files = make_reports(work / "reports", args.reports)
        print(f"made {len(files)} report files in {time.perf_counter() - start:.1f} s ({len(SOURCES)} samples varied)")
        cache = work / "cache"
        cold = export([work / "reports"], work / "cold.parquet", args.workers, args.engine, cache)
        print(f"cold export (extracts and fills the cache): {cold['seconds']:.1f} s")
        rows = []
        for n in (args.small, args.reports):
            inputs = files[:n] if n < len(files) else [work / "reports"]
            result = export(inputs, work / f"n{n}.parquet", args.workers, args.engine, cache)
            rows.append((n, result))
        print(f"\nwarm cache, engine={args.engine}, workers={args.workers}")
        print(f"{'reports':>8} {'facts':>10} {'seconds':>8} {'reports/s':>9} {'writer peak MB':>15} {'worker peak MB':>15}")
        for n, r in rows:
            print(f"{n:>8} {r['facts']:>10} {r['seconds']:>8.1f} {n / r['seconds']:>9.1f} {r['writer_kb'] / 1024:>15.0f} {r['worker_kb'] / 1024:>15.0f}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
