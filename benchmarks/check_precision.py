"""Check precision: are the error-level findings on real reports real?

Runs what `kemu check` runs (extract through the cache, match, the sidecar's edits, every
rule) over ../shared/corpus and ../shared/real_reports, then prints the error-level findings
(one per fault, with how many echoes it has), each with the figures it quotes and where they
are printed (page, table, row, column, the raw cell text or the sentence), so a person can
mark it against the page (`pdftotext -layout -f N -l N FILE -`). Each is looked up in the
verdicts kept in benchmarks/results/check_verdicts.toml (file, rule, page → true or false
fault) and shown as TRUE, FALSE or NEW (not yet verified); the summary counts them and what
the rules compared. The verified true faults are listed in docs/checks.md.

Run: python benchmarks/check_precision.py [--sample 40] [--seed 13] [--all] [-j 2] [PATH ...]
"""

from __future__ import annotations

import argparse
import random
import sys
import tomllib
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared"
DEFAULT_FOLDERS = (SHARED / "corpus", SHARED / "real_reports")
VERDICTS = ROOT / "benchmarks" / "results" / "check_verdicts.toml"


def load_verdicts(path: Path = VERDICTS) -> dict[tuple[str, str, int], bool]:
    """(folder/file, rule, first page) → whether the error is a true printed fault."""
    if not path.is_file():
        return {}
    return {(v["file"], v["rule"], int(v["page"])): v["verdict"] == "true" for v in tomllib.loads(path.read_text(encoding="utf-8")).get("error", [])}


def _evidence(report, finding) -> list[str]:
    """Where each quoted figure is printed: the raw cell text, or the sentence's line."""
    tables = {t.id: t for t in report.tables}
    lines = {(p.number, line.number): line.text for p in report.pages for line in p.lines}
    out = []
    for location in finding.locations[:6]:
        if location.line is not None:
            out.append(f"p.{location.page} line {location.line}: {lines.get((location.page, location.line), '')[:160]}")
            continue
        table = tables.get(location.table or "")
        if table is None:
            out.append(f"p.{location.page}")
            continue
        row = next((r for r in table.rows if r.id == location.row), None)
        cell = row.cells.get(location.column) if row is not None and location.column else None
        column = next((c.label for c in table.columns if c.key == location.column), location.column or "")
        what = f"{row.code or ''} {row.name}".strip() if row is not None else ""
        raw = f" = “{cell.raw}”" if cell is not None else ""
        out.append(f"p.{location.page} {table.title} | {what} | {column}{raw}")
    return out


def check_one(path: Path) -> dict:
    """Counts by severity and every error with its evidence; or why the file was not read."""
    from app.checks import check_report
    from app.review.session import ReviewSession
    from parsers.errors import UnreadableReport

    try:
        report = ReviewSession(path).reviewed
        result = check_report(report)
        findings = result.findings
    except UnreadableReport as exc:
        return {"file": str(path), "unreadable": str(exc)}
    except Exception as exc:  # a crash is itself a finding about kemu, reported, not raised
        return {"file": str(path), "crash": f"{type(exc).__name__}: {exc}"}
    errors = [
        {"rule": f.rule, "message": f.message, "pages": sorted({l.page for l in f.locations}), "echoes": len(f.echoes), "evidence": _evidence(report, f)}
        for f in findings
        if f.severity == "error"
    ]
    checked = {k: (t.compared, t.agreed) for k, t in result.checked.items()}
    return {"file": str(path), "counts": Counter(f.severity for f in findings), "rules": Counter(f.rule for f in findings if f.severity == "error"), "errors": errors, "checked": checked}


def _files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        out += sorted(p for p in path.rglob("*") if p.suffix.lower() in (".pdf", ".txt") and p.is_file()) if path.is_dir() else [path]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--sample", type=int, default=40, help="error-level findings to print (default 40)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--all", action="store_true", help="print every error-level finding")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args()
    folders = args.paths or [f for f in DEFAULT_FOLDERS if f.is_dir()]
    if not folders:
        sys.exit("no reports: ../shared/corpus and ../shared/real_reports are not beside the repo")
    files = _files(folders)
    with ProcessPoolExecutor(args.jobs) as pool:
        results = list(pool.map(check_one, files, chunksize=4))

    read = [r for r in results if "counts" in r]
    severities: Counter = Counter()
    rules: Counter = Counter()
    compared: Counter = Counter()
    agreed: Counter = Counter()
    for r in read:
        severities.update(r["counts"])
        rules.update(r["rules"])
        for family, (n, ok) in r["checked"].items():
            compared[family] += n
            agreed[family] += ok
    crashes = [r for r in results if "crash" in r]
    print(f"{len(files)} files: {len(read)} read, {sum('unreadable' in r for r in results)} rejected as unreadable, {len(crashes)} crashed")
    print(f"findings (one per fault): {severities['error']} error, {severities['warning']} warning, {severities['info']} info")
    print("compared (agreed): " + ", ".join(f"{family} {compared[family]} ({agreed[family]})" for family in compared))
    print(f"reports with an error: {sum(1 for r in read if r['errors'])}; nothing compared: {sum(1 for r in read if not any(n for n, _ in r['checked'].values()))}")
    for rule_id, count in rules.most_common():
        print(f"  {rule_id:24s} {count}")
    for r in crashes:
        print(f"CRASH {Path(r['file']).name}: {r['crash']}")

    errors = [(Path(r["file"]), e) for r in read for e in r["errors"]]
    verdicts = load_verdicts()
    marks = Counter(_verdict(verdicts, path, error) for path, error in errors)
    print(f"errors verified: {marks['TRUE']} true faults, {marks['FALSE']} false, {marks['NEW']} not yet verified ({VERDICTS.relative_to(ROOT)})")
    shown = errors if args.all or len(errors) <= args.sample else random.Random(args.seed).sample(errors, args.sample)
    shown.sort(key=lambda item: (item[0].name, item[1]["pages"], item[1]["rule"]))
    print(f"\n{len(shown)} of {len(errors)} error-level findings (mark each real or false against the page):")
    for number, (path, error) in enumerate(shown, 1):
        echoes = f" (+{error['echoes']} echoes)" if error["echoes"] else ""
        print(f"\n#{number} [{_verdict(verdicts, path, error)}] {path.parent.name}/{path.name} p.{','.join(map(str, error['pages']))} {error['rule']}{echoes}")
        print(f"   {error['message']}")
        for line in error["evidence"]:
            print(f"   · {line}")


def _verdict(verdicts: dict[tuple[str, str, int], bool], path: Path, error: dict) -> str:
    known = verdicts.get((f"{path.parent.name}/{path.name}", error["rule"], error["pages"][0]))
    return "NEW" if known is None else "TRUE" if known else "FALSE"


if __name__ == "__main__":
    main()
