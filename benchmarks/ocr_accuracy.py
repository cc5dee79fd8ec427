#!/usr/bin/env python3
"""How well kemu reads scans: three measurements, figures for docs/ocr.md.

  python benchmarks/ocr_accuracy.py generated [-v]   generated reports, every page painted to an
                                                     image-only PDF at 200 dpi, cells scored against
                                                     *.truth.json (Done means: >= 98% right)
  python benchmarks/ocr_accuracy.py real [FILE]      a real report (../shared/real_reports): its cover
                                                     and the pages of its coded tables rendered
                                                     image-only at 200 dpi; code rows (code and every
                                                     amount) equal to its text-layer extraction
  python benchmarks/ocr_accuracy.py corpus           the image-only PDFs of ../shared/corpus: tables
                                                     found, or the rejection sentence, and seconds

OCR readings are cached per page (KEMU_CACHE_DIR), so a second run takes seconds. Times are
wall and CPU seconds of this process (the OCR engine's threads included).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.checks.ocr import is_unsure  # noqa: E402
from app.evaluate import load_truth, score_report  # noqa: E402
from parsers.errors import UnreadableReport  # noqa: E402
from parsers.report import read_report  # noqa: E402
from sample_reports.scan import scan_pdf, truth_for_pages  # noqa: E402

GENERATED = ROOT / "sample_reports" / "generated"
SHARED = ROOT.parent / "shared"
HELD_OUT = "shpt_zfban_2025_unit_budget.pdf"  # never looked at while building OCR


def generated(verbose: bool, dpi: int) -> None:
    total_right = total_expected = total_extracted = total_pages = 0
    wall = cpu = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for pdf in sorted(GENERATED.glob("gen_*.pdf")):
            truth = load_truth(pdf.with_suffix(".truth.json"))
            scan = Path(folder) / pdf.name
            pages = scan_pdf(pdf, scan, dpi)
            started, cpu_started = time.perf_counter(), time.process_time()
            report = read_report(scan)
            seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
            score = score_report(report, truth_for_pages(truth, list(range(1, pages + 1))), pdf.name)
            review = review_stats(report, read_report(pdf))
            total_right += score.true_positive
            total_expected += score.expected
            total_extracted += score.extracted
            total_pages, wall, cpu = total_pages + pages, wall + seconds, cpu + cpu_seconds
            print(f"{pdf.name:28s} {pages:2d} pages {seconds:6.1f} s ({cpu_seconds:6.1f} s CPU)  recall {score.recall:6.1%}  precision {score.precision:6.1%}  ({score.true_positive}/{score.expected})  {review}")
            if verbose:
                for miss in score.misses:
                    print("   miss ", miss)
                for extra in score.extras:
                    print("   extra", extra)
    print(
        f"generated reports, every page at {dpi} dpi: {total_right}/{total_expected} cells right = {total_right / total_expected:.1%}"
        f" (precision {total_right / max(1, total_extracted):.1%}); {total_pages} pages, {wall / total_pages:.1f} s and {cpu / total_pages:.1f} s CPU a page"
    )


def review_stats(scanned, printed) -> str:
    """How many OCR'd cells go to review (below LOW_CONFIDENCE), and how many of the cells whose
    value differs from the text layer's reading are among them."""
    truth = {(t.kind, r.id.split("/", 1)[1], k): c.value for t in printed.tables for r in t.rows for k, c in r.cells.items()}
    cells = [(truth.get((t.kind, r.id.split("/", 1)[1], k), "?"), c) for t in scanned.tables for r in t.rows for k, c in r.cells.items() if c.raw]
    unsure = [(v, c) for v, c in cells if is_unsure(c.provenance)]
    wrong = [(v, c) for v, c in cells if v != "?" and v != c.value]
    caught = sum(1 for v, c in wrong if is_unsure(c.provenance))
    return f"to review {len(unsure)}/{len(cells)} cells; wrong {len(wrong)}, of them flagged {caught}: {[(c.raw, str(v), c.provenance.confidence) for v, c in wrong][:6]}"


def code_rows(report) -> dict[tuple[str, str, int], tuple]:
    """(table kind, code, occurrence) → the row's amounts, for every row with a code."""
    out: dict[tuple[str, str, int], tuple] = {}
    for table in report.tables:
        seen: dict[str, int] = {}
        for row in table.rows:
            if row.code:
                seen[row.code] = seen.get(row.code, 0) + 1
                out[(table.kind, row.code, seen[row.code])] = tuple(cell.value for cell in row.cells.values())
    return out


def real(name: str, dpi: int, verbose: bool) -> None:
    source = SHARED / "real_reports" / name
    if not source.exists():
        print(f"{source} is absent; nothing measured")
        return
    printed = read_report(source)
    expected = code_rows(printed)
    chosen = sorted({1} | {p for t in printed.tables if any(r.code for r in t.rows) for p in t.pages})
    with tempfile.TemporaryDirectory() as folder:
        scan = Path(folder) / name
        pages = scan_pdf(source, scan, dpi, chosen, renderer="pdfium")
        started, cpu_started = time.perf_counter(), time.process_time()
        got = code_rows(read_report(scan))
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    right = sum(1 for key, values in expected.items() if got.get(key) == values)
    print(
        f"{name} at {dpi} dpi: code rows right {right}/{len(expected)} = {right / max(1, len(expected)):.1%}; rows OCR added"
        f" {len(set(got) - set(expected))}; {pages} pages in {seconds:.0f} s ({seconds / pages:.1f} s and {cpu_seconds / pages:.1f} s CPU a page)"
    )
    if verbose:
        for key, values in expected.items():
            if got.get(key) != values:
                print("   wrong", key, values, "→", got.get(key))


def scanned_corpus_files() -> list[Path]:
    """PDFs of the corpus with no text on any page (found, not listed: the corpus may change)."""
    import pypdfium2 as pdfium

    found = []
    for path in sorted((SHARED / "corpus").glob("*.pdf")):
        try:
            pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError:
            continue
        with_text = any(pdf[i].get_textpage().count_chars() for i in range(len(pdf)))
        pdf.close()
        if not with_text:
            found.append(path)
    return found


def corpus(reverse: bool) -> None:
    files = scanned_corpus_files()[:: -1 if reverse else 1]
    print(f"{len(files)} image-only PDFs in {SHARED / 'corpus'}")
    for path in files:
        started = time.perf_counter()
        try:
            report = read_report(path)
            tables = [f"{t.kind}({sum(1 for r in t.rows if r.code)} code rows/{len(t.rows)})" for t in report.tables]
            outcome = f"{report.report_kind or '?'} {report.department or '?'}: " + (", ".join(tables) or "no tables")
        except UnreadableReport as exc:
            outcome = f"rejected: {exc}"
        print(f"{path.name} {time.perf_counter() - started:6.1f} s  {outcome}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("generated", "real", "corpus"))
    parser.add_argument("file", nargs="?", default=HELD_OUT, help="real: a file in ../shared/real_reports")
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--reverse", action="store_true", help="corpus: last file first (a second process shares the page cache)")
    args = parser.parse_args()
    if args.what == "generated":
        generated(args.verbose, args.dpi)
    elif args.what == "real":
        real(args.file, args.dpi, args.verbose)
    else:
        corpus(args.reverse)


if __name__ == "__main__":
    main()
