"""Extraction speed, one process per file as a user runs it: kemu cold and cached vs plain readers.

For each PDF (../shared/real_reports, or the files given) it runs, side by side in one run:

- ``plumber``: a plain pdfplumber pass, ``extract_text()`` + ``extract_tables()`` on every page;
- ``pdfium``: PDFium's text of every page and nothing else (the ceiling of any PDFium reader);
- ``kemu cold``: ``kemu extract FILE`` with an empty cache (start-up, reading, tables, JSON);
- ``kemu cached``: the same command again, served from the cache.

Each is a fresh Python process, so start-up counts as it does for a user, with compiled
bytecode as an installed package has it (kept in a temporary folder, never written into the
checkout, even where PYTHONDONTWRITEBYTECODE is set). Wall seconds
depend on what else the machine runs; the CPU seconds of the child processes do much less,
so both are printed. The ratio a user feels is plumber / kemu cold.
Run: python benchmarks/speed.py [-n 1] [--corpus N] [PDF ...]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

PLUMBER = """
import sys, pdfplumber
with pdfplumber.open(sys.argv[1]) as pdf:
    for page in pdf.pages:
        page.extract_text(); page.extract_tables()
"""
PDFIUM = """
import sys, pypdfium2
doc = pypdfium2.PdfDocument(sys.argv[1])
for i in range(len(doc)):
    doc[i].get_textpage().get_text_range()
print(len(doc))
"""


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall and child-CPU seconds of one command, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def default_pdfs(corpus: int) -> list[Path]:
    pdfs = sorted(p for p in (SHARED / "real_reports").glob("*.pdf") if p.stat().st_size > 0)
    readable = [p for p in sorted((SHARED / "corpus").glob("*.pdf")) if p.read_bytes()[:5] == b"%PDF-"]
    return pdfs + readable[:corpus]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("-n", type=int, default=1, help="runs per measurement; the best is kept")
    parser.add_argument("--corpus", type=int, default=0, help="also the first N PDFs of ../shared/corpus")
    args = parser.parse_args()
    python = sys.executable
    columns = ("plumber", "pdfium", "kemu cold", "kemu cached")
    totals = {name: [0.0, 0.0] for name in columns}
    pages_total = 0
    pdfs = args.pdfs or default_pdfs(args.corpus)
    with tempfile.TemporaryDirectory(prefix="kemu-speed-") as scratch:
        base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env = dict(base, PYTHONPATH=str(ROOT), KEMU_OCR="off", PYTHONPYCACHEPREFIX=str(Path(scratch) / "pyc"))

        def command(name: str, pdf: Path) -> list[str]:
            if name == "kemu cold":  # a cache folder of its own: nothing read before, not even the fingerprint
                env["KEMU_CACHE_DIR"] = tempfile.mkdtemp(dir=scratch)
            return {"plumber": [python, "-c", PLUMBER, str(pdf)], "pdfium": [python, "-c", PDFIUM, str(pdf)]}.get(
                name, [python, "-m", "app.cli", "extract", str(pdf)]
            )

        for name in columns:  # untimed: every program compiles its bytecode once
            timed(command(name, pdfs[0]), env)
        print(f"{'file':36s} {'pages':>5s} " + " ".join(f"{name + ' s':>15s}" for name in columns) + f" {'plumber/kemu':>12s}")
        for pdf in pdfs:
            pages = int(timed(command("pdfium", pdf), env)[2] or 0)
            results = {}
            for name in columns:
                results[name] = min(timed(command(name, pdf), env)[:2] for _ in range(args.n))
            pages_total += pages
            for name in columns:
                totals[name][0] += results[name][0]
                totals[name][1] += results[name][1]
            cells = " ".join(f"{results[n][0]:7.2f} ({results[n][1]:5.2f})" for n in columns)
            print(f"{pdf.name[:36]:36s} {pages:5d} {cells} {results['plumber'][0] / results['kemu cold'][0]:12.2f}")
    cells = " ".join(f"{totals[n][0]:7.2f} ({totals[n][1]:5.2f})" for n in columns)
    print(f"{'ALL':36s} {pages_total:5d} {cells} {totals['plumber'][0] / totals['kemu cold'][0]:12.2f}")
    print("pages/s (wall):  " + "  ".join(f"{n} {pages_total / totals[n][0]:.1f}" for n in columns))
    print("pages/s (CPU):   " + "  ".join(f"{n} {pages_total / totals[n][1]:.1f}" for n in columns))
    print(f"kemu cached: {totals['kemu cached'][1] / len(pdfs):.2f} s CPU per file ({totals['kemu cached'][0] / len(pdfs):.2f} s wall)")
    print(f"cold kemu vs plain pdfplumber: {totals['plumber'][0] / totals['kemu cold'][0]:.2f}x faster by wall time, "
          f"{totals['plumber'][1] / totals['kemu cold'][1]:.2f}x by CPU time (CPU seconds in brackets above)")


if __name__ == "__main__":
    main()
