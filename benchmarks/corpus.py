"""Corpus health: `kemu survey` over ../shared/corpus + ../shared/real_reports, aggregated.

No labels needed: accepted/rejected files by reason, code rows in identified tables, parent
rows equal to the sum of their children, unknown tables that carry 科目 codes, printed vs
inferred units, department/year found, pages/s. Save a run and compare two runs to report
the before/after of a parser change (docs/accuracy.md keeps the figures).

Run:
  python benchmarks/corpus.py [FOLDER ...] [--jobs N] [--budget S] [--save run.json]
  python benchmarks/corpus.py --load run.json
  python benchmarks/corpus.py --compare before.json after.json [--top N]

Files are named ``<folder name>/<path inside it>`` (corpus/c001.pdf), so saved runs from
different machines and checkouts compare file by file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.export.survey import (  # noqa: E402
    DEFAULT_BUDGET_SECONDS, FileSurvey, percent, reason_group, render_totals, survey, survey_files, survey_json, totals,
)

SHARED = ROOT.parent / "shared"
FOLDERS = (SHARED / "corpus", SHARED / "real_reports")
#: A rejection reason shared by more files than this is one line in the listing.
GROUP_LINE = 50
#: The figures a before/after table compares (totals keys), with how to print them.
COMPARED = (
    ("accepted", "files accepted"),
    ("rejected", "files rejected"),
    ("timeouts", "files over the time budget"),
    ("errors", "kemu errors"),
    ("narrative_only", "narrative only (no tables)"),
    ("tables_identified", "tables identified"),
    ("tables_unknown", "tables unknown"),
    ("unknown_coded_tables", "unknown tables with 科目 codes"),
    ("code_rows_identified", "code rows in identified tables"),
    ("code_rows_unknown", "code rows in unknown tables"),
    ("code_rows_parsed", "code rows with every amount parsed"),
    ("code_in_name_rows", "rows with the code left in the name"),
    ("tables_confident", "tables read confidently"),
    ("tables_uncertain", "tables read uncertainly"),
    ("code_rows_uncertain", "code rows in uncertain tables"),
    ("parents_checked", "parent rows checked"),
    ("parents_summing", "parent rows summing"),
    ("units_printed", "table units printed"),
    ("units_inferred", "table units inferred"),
    ("units_unknown", "table units unknown"),
    ("department_found", "department found"),
    ("year_found", "year found"),
    ("pages", "pages read"),
)
FILE_FIGURES = (
    "tables_identified", "tables_unknown", "code_rows_identified", "code_rows_unknown", "code_rows_parsed", "code_in_name_rows",
    "parents_checked", "parents_summing",
)


def run(folders: list[Path], jobs: int | None, budget: float, use_cache: bool) -> dict[str, Any]:
    """Survey every file under ``folders``; the saved document is the `kemu survey` JSON plus wall time."""
    labels: dict[str, str] = {}
    to_read: list[str] = []
    results = []
    for folder in folders:
        if not folder.is_dir():
            print(f"corpus: {folder} is missing, skipped", file=sys.stderr)
            continue
        files, unusable = survey_files([folder])
        to_read += files
        results += unusable
        for file in [*files, *(u.file for u in unusable)]:
            labels[file] = f"{folder.name}/{Path(file).relative_to(folder).as_posix()}"
    for result in results:
        result.file = labels[result.file]
    start = time.monotonic()
    for result in survey(to_read, jobs, budget, use_cache):
        result.file = labels[result.file]
        results.append(result)
        print(f"\r{len(results)}/{len(labels)} files", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    document = survey_json(results, budget)
    document["wall_seconds"] = round(time.monotonic() - start, 1)
    document["jobs"] = jobs or os.cpu_count()
    return document


def health(document: dict[str, Any]) -> str:
    """The issue's health figures, the rejections by reason and the unknown tables with codes."""
    t = document["totals"]
    lines = [f"{t['files']} files, survey v{document['survey_version']}, extractor {document['extractor_version']}", *render_totals(t)]
    if document.get("wall_seconds"):
        lines.append(f"wall time {document['wall_seconds']:.0f} s with {document['jobs']} workers: {t['pages'] / document['wall_seconds']:.2f} pages/s")
    lines += ["", "rejected, by reason:"]
    by_reason: dict[str, list[dict[str, Any]]] = {}
    for f in document["files"]:
        if f["status"] != "accepted":
            by_reason.setdefault(f"{f['status']}: {reason_group(f['reason'] or '')}", []).append(f)
    for reason, files in sorted(by_reason.items(), key=lambda item: -len(item[1])):
        if len(files) > GROUP_LINE:
            lines.append(f"  {len(files):>4} files  {reason}")
        else:
            lines += [f"  {f['file']:<28} {f['status']}: {f['reason']}" for f in files]
    lines += ["", "unknown tables that carry 科目 codes (file, page, code rows + codes left in names, title):"]
    for f in document["files"]:
        for table in f["unknown_coded_tables"]:
            codes = f"{table['code_rows']}+{table.get('code_in_name_rows', 0)}"
            lines.append(f"  {f['file']:<28} p.{table['page']:<4} {codes:>9}  {table['title'][:60]}")
    return "\n".join(lines)


def compare(before: dict[str, Any], after: dict[str, Any], top: int) -> str:
    """A before/after table of the totals and the files whose figures moved most."""
    lines = [f"{'':38} {'before':>10} {'after':>10} {'change':>8}"]
    lines += [f"{label:38} {old:>10} {new:>10} {change:>8}" for label, old, new, change in figure_rows(before, after)]
    old = {f["file"]: f for f in before["files"]}
    moved = []
    for f in after["files"]:
        b = old.get(f["file"])
        if b is None:
            continue
        delta = sum(abs(f[k] - b[k]) for k in FILE_FIGURES) + (1000 if f["status"] != b["status"] else 0)
        if delta:
            moved.append((delta, b, f))
    moved.sort(key=lambda item: (-item[0], item[2]["file"]))
    lines += ["", f"files whose figures changed most ({len(moved)} changed; before → after):"]
    lines.append(f"  {'file':<28} {'status':<19} {'tables id/unk':>15} {'code rows id/unk':>19} {'parents sum/chk':>19}")
    for _, b, f in moved[:top]:
        status = b["status"] if b["status"] == f["status"] else f"{b['status']}→{f['status']}"
        lines.append(
            f"  {f['file']:<28} {status:<19} {_pair(b, f, 'tables_identified', 'tables_unknown'):>15} "
            f"{_pair(b, f, 'code_rows_identified', 'code_rows_unknown'):>19} {_pair(b, f, 'parents_summing', 'parents_checked'):>19}"
        )
    missing = sorted(set(old) ^ {f["file"] for f in after["files"]})
    if missing:
        lines.append(f"  in one run only: {', '.join(missing)}")
    return "\n".join(lines)


def figure_rows(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(figure, before, after, change) for every compared total, the shares and the speed."""
    tb, ta = before["totals"], after["totals"]
    rows = [(label, str(tb[key]), str(ta[key]), f"{ta[key] - tb[key]:+}") for key, label in COMPARED]
    for label, part, whole in (
        ("% code rows in identified tables", "code_rows_identified", None),
        ("% parent rows summing", "parents_summing", "parents_checked"),
    ):
        rows.append((label, _share(tb, part, whole), _share(ta, part, whole), ""))
    speed = [f"{t['pages'] / t['cpu_seconds']:.2f}" if t["cpu_seconds"] else "–" for t in (tb, ta)]
    rows.append(("pages per CPU second", *speed, ""))
    return rows


def markdown(before: dict[str, Any], after: dict[str, Any]) -> str:
    """The before/after figures as the table docs/accuracy.md keeps."""
    lines = ["| figure | before | after | change |", "|---|--:|--:|--:|"]
    return "\n".join(lines + [f"| {label} | {old} | {new} | {change} |" for label, old, new, change in figure_rows(before, after)])


def _share(t: dict[str, Any], part: str, whole: str | None) -> str:
    total = t[whole] if whole else t["code_rows_identified"] + t["code_rows_unknown"]
    return percent(t[part], total)


def _pair(before: dict[str, Any], after: dict[str, Any], first: str, second: str) -> str:
    return f"{before[first]}/{before[second]}→{after[first]}/{after[second]}"


def dump(document: dict[str, Any]) -> str:
    """The saved run: one line per file, so that two saved runs diff file by file."""
    head = {key: value for key, value in document.items() if key != "files"}
    files = ",\n".join(json.dumps(f, ensure_ascii=False) for f in document["files"])
    return json.dumps(head, ensure_ascii=False, indent=1)[:-2] + f',\n "files": [\n{files}\n ]\n}}\n'


def load(path: Path) -> dict[str, Any]:
    document = json.loads(path.read_text(encoding="utf-8"))
    if document.get("survey_version") != 1:
        sys.exit(f"corpus: {path} is not a survey v1 document")
    # a run saved before a field was added (fields are only added within a version) reads it as 0
    document["files"] = [{**asdict(FileSurvey(f["file"], f["status"])), **f} for f in document["files"]]
    document["totals"] = totals(document["files"])  # recomputed, so older saved totals cannot disagree
    return document


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, help="default: ../shared/corpus and ../shared/real_reports")
    parser.add_argument("--jobs", type=int, help="worker processes (default: all cores)")
    parser.add_argument("--budget", type=float, default=DEFAULT_BUDGET_SECONDS, help="seconds per file (default 120)")
    parser.add_argument("--cache", action="store_true", help="read through the extraction cache (timings then mean little)")
    parser.add_argument("--save", type=Path, metavar="OUT.json", help="save the per-file survey JSON")
    parser.add_argument("--load", type=Path, metavar="RUN.json", help="print the figures of a saved run instead of running")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE.json", "AFTER.json"), help="compare two saved runs")
    parser.add_argument("--top", type=int, default=20, help="files listed by --compare (default 20)")
    parser.add_argument("--markdown", action="store_true", help="--compare prints the figures as a Markdown table (for docs/accuracy.md)")
    args = parser.parse_args()
    if args.compare:
        runs = load(args.compare[0]), load(args.compare[1])
        print(markdown(*runs) if args.markdown else compare(*runs, args.top))
        return 0
    if args.load:
        print(health(load(args.load)))
        return 0
    document = run(args.folders or list(FOLDERS), args.jobs, args.budget, args.cache)
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        args.save.write_text(dump(document), encoding="utf-8")
    print(health(document))
    return 0


if __name__ == "__main__":
    sys.exit(main())
