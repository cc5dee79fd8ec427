"""Corpus health without labels: how well kemu reads each file of a folder, and in total.

Ground truth exists for a handful of files; a user's folder has none. What needs none: was
the file accepted (and if not, why), are its tables identified, do its 科目 code rows sit in
identified tables with every amount parsed, do parent rows equal the sum of their children,
are units printed rather than inferred, were department and year found, how long it took.
Every file runs in a worker process under a time budget, so one file that hangs (even inside
C code) cannot stall the survey. The JSON shape is a public contract (docs/accuracy.md).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.export.batch import Heartbeats, Progress, beating, cores_given, discover
from app.cache import load_report
from app.errors import TookTooLong, in_chain, time_budget_seconds
from app.text_views import NARRATIVE_ONLY
from parsers.amounts import states_no_value
from parsers.errors import UnreadableReport
from parsers.model import Report, Row, Table
from parsers.model import EXTRACTOR_VERSION

SURVEY_VERSION = 1
DEFAULT_BUDGET_SECONDS = 120.0
_FULL_CODE = re.compile(r"[1-9]\d{2}(?:\d{2}){0,2}")  # 类 / 款 / 项; 0xx are unit codes
_LEADING_CODE = re.compile(r"(\d{3}(?:\d{2}){0,2})(?!\d)[\s\-—、.]*[\u4e00-\u9fff]")  # "2010101-行政运行"
_KILL_GRACE_SECONDS = 1.0  # time the pool gets to deliver a result that is already on its way


@dataclass
class FileSurvey:
    """One file's figures. ``status``: accepted | rejected (``reason`` says why) | timeout | error
    (kemu itself failed, or the file killed its worker; ``reason`` says which)."""

    file: str
    status: str
    reason: str | None = None
    format: str | None = None
    pages: int = 0
    report_kind: str | None = None
    department: str | None = None
    year: int | None = None
    narrative_only: bool = False
    tables_identified: int = 0
    tables_unknown: int = 0
    code_rows_identified: int = 0
    code_rows_unknown: int = 0
    code_rows_parsed: int = 0
    code_in_name_rows: int = 0
    parents_checked: int = 0
    parents_summing: int = 0
    units_printed: int = 0
    units_inferred: int = 0
    units_unknown: int = 0
    unknown_coded_tables: list[dict[str, Any]] = field(default_factory=list)
    tables_confident: int = 0  # kemu's own evidence backs its reading (parsers/evidence/evidence.py)
    tables_uncertain: int = 0
    code_rows_uncertain: int = 0  # 科目 code rows in tables whose reading is uncertain
    uncertain_tables: list[dict[str, Any]] = field(default_factory=list)  # page, title, reasons
    seconds: float = 0.0  # wall clock in the worker
    cpu_seconds: float = 0.0  # the worker's CPU time: comparable across runs on a busy machine


def is_full_code(code: str | None) -> bool:
    """A printed 3/5/7-digit 科目 code (a lone 款 "08" or 项 "01" is not one)."""
    return bool(code and _FULL_CODE.fullmatch(code))


@lru_cache(maxsize=1)
def catalog_codes() -> frozenset[str]:
    """Every 科目 code of the built-in catalog, any edition (the user's file is left out: the
    figures must not depend on who runs the survey)."""
    from app.matching.catalog import default_catalog  # the catalog loads in the survey's workers, not with every command

    return frozenset(entry.code for entry in default_catalog().entries)


def code_in_name(row: Row) -> bool:
    """A row without a code whose name starts with a 科目 code: code and name read as one cell."""
    match = _LEADING_CODE.match(row.name) if not is_full_code(row.code) else None
    return bool(match and match.group(1) in catalog_codes())


def amounts_parsed(row: Row) -> bool:
    """No cell prints something that did not become a number (a dash or 无 states no value)."""
    return all(cell.value is not None or states_no_value(cell.raw) for cell in row.cells.values())


def survey_report(report: Report, path: str) -> FileSurvey:
    """The figures of one accepted report (its timings are the caller's)."""
    result = FileSurvey(
        file=path, status="accepted", format=report.format, pages=len(report.pages), report_kind=report.report_kind,
        department=report.department, year=report.year, narrative_only=not report.tables,
    )
    if result.narrative_only:
        result.reason = NARRATIVE_ONLY
    for table in filter(lambda t: t.is_data, report.tables):
        _count_table(result, table)
    return result


def _count_table(result: FileSurvey, table: Table) -> None:
    from app.checks.hierarchy import subject_table  # the checks (and numpy, rapidfuzz) load where a report is surveyed

    coded = [row for row in table.rows if is_full_code(row.code)]
    fused = sum(code_in_name(row) for row in table.rows)
    if table.kind == "unknown":
        result.tables_unknown += 1
        result.code_rows_unknown += len(coded)
        if coded or fused:
            page = table.provenance.page if table.provenance else table.pages[0]
            result.unknown_coded_tables.append({"page": page, "title": table.title, "code_rows": len(coded), "code_in_name_rows": fused})
    else:
        result.tables_identified += 1
        result.code_rows_identified += len(coded)
    result.code_rows_parsed += sum(amounts_parsed(row) for row in coded)
    if table.reading == "uncertain":
        result.tables_uncertain += 1
        result.code_rows_uncertain += len(coded)
        page = table.provenance.page if table.provenance else table.pages[0]
        result.uncertain_tables.append({"page": page, "title": table.title, "reasons": list(table.reading_reasons)})
    else:
        result.tables_confident += 1
    result.code_in_name_rows += fused
    if "unit_inferred" in table.flags:
        result.units_inferred += 1
    elif "unit_unknown" in table.flags:
        result.units_unknown += 1
    else:
        result.units_printed += 1
    if subject_table(table):
        checked, summing = _parents(table)
        result.parents_checked += checked
        result.parents_summing += summing


def _parents(table: Table) -> tuple[int, int]:
    from app.checks.hierarchy import coded_rows, parent_checks

    """(parents checked, parents whose children sum to them in every column; rounding-sized gaps pass)."""
    failing: dict[str | None, bool] = {}
    for _message, sum_, locations in parent_checks(table, coded_rows(table)):
        parent = locations[0].row
        failing[parent] = failing.get(parent, False) or sum_.severity() == "error"
    return len(failing), sum(not failed for failed in failing.values())


def survey_file(path: str, use_cache: bool = False, beat: str | None = None) -> FileSurvey:
    """Read one file (cold unless ``use_cache``) and survey it; never raises. Every page read
    touches ``beat`` (``app.export.batch.Heartbeats``)."""
    start, cpu_start = time.perf_counter(), time.process_time()
    try:
        with beating(beat):
            result = survey_report(load_report(path, use_cache=use_cache), path)
    except UnreadableReport as exc:
        if _stopped_by_the_clock(exc):  # the reader's own alarm, set to the survey's budget (_start_worker)
            result = FileSurvey(path, "timeout", _over_budget(time_budget_seconds()))
        else:
            result = FileSurvey(path, "rejected", _sentence(exc, path))
    except Exception as exc:  # a kemu bug must not end the survey of the other files
        first_line = str(exc).strip().splitlines()[:1]
        result = FileSurvey(path, "error", ": ".join([type(exc).__name__, *first_line]))
    result.seconds = round(time.perf_counter() - start, 3)
    result.cpu_seconds = round(time.process_time() - cpu_start, 3)
    return result


def _stopped_by_the_clock(exc: BaseException | None) -> bool:
    """The time budget ran out, even where a library wrapped the alarm in its own error
    (a reader that calls every failure "damaged" would otherwise hide it)."""
    return in_chain(exc, TookTooLong) is not None


def _sentence(exc: UnreadableReport, path: str) -> str:
    """The reason without the file path or name the message starts with (the file is its own field)."""
    text = str(exc)
    for prefix in (f"{path}: ", f"{Path(path).name}: "):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def survey_files(paths: Iterable[str | Path]) -> tuple[list[str], list[FileSurvey]]:
    """Report files under ``paths``, found as export and triage find them (``batch.discover``),
    and the paths that cannot be read at all (missing, a FIFO, a device, a symlink loop):
    those are rejected with discovery's own reason, never opened."""
    found, unusable = discover(paths)
    return [str(p) for p in found], [FileSurvey(f.source, "rejected", f.reason) for f in unusable]


def survey(
    files: Iterable[str], jobs: int | None = None, budget: float = DEFAULT_BUDGET_SECONDS, use_cache: bool = False
) -> Iterator[FileSurvey]:
    """Survey ``files`` (see ``survey_files``) in worker processes, in completion order.

    A file that runs over ``budget`` seconds without reading a page is reported as a timeout
    and its worker killed.
    A worker that dies (a crash in native code) breaks the pool: the files it may have been
    reading are run again one at a time, and the one that kills its worker again is an error.
    Either way the other files go on.
    """
    pending = list(files)[::-1]
    crashes: Counter[str] = Counter()
    jobs = max(1, jobs or cores_given())
    beats = Heartbeats()
    try:
        while pending:
            pool = ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(budget,))
            try:
                yield from _drain(pool, pending, jobs, budget, use_cache, crashes, beats)
            finally:
                _stop(pool)
    finally:
        beats.close()


def _drain(
    pool: ProcessPoolExecutor, pending: list[str], jobs: int, budget: float, use_cache: bool, crashes: Counter[str], beats: Heartbeats
) -> Iterator[FileSurvey]:
    """Run files with at most ``jobs`` in flight (so each starts at once and its clock is
    fair). Return early, leaving the unfinished files in ``pending``, when the pool must go."""
    running: dict[Future, tuple[str, float]] = {}
    try:
        while pending or running:
            while _may_start(pending, [path for path, _ in running.values()], jobs, crashes):
                path = pending.pop()
                running[pool.submit(survey_file, path, use_cache, beats.path(path))] = (path, time.time())
            quiet = {future: beats.quiet(path, started) for future, (path, started) in running.items()}  # since the last page read
            done, _ = wait(running, timeout=max(0.0, budget + _KILL_GRACE_SECONDS - max(quiet.values())), return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                path, _started = running.pop(future)
                if isinstance(future.exception(), BrokenProcessPool):
                    broken = True
                    crashes[path] += 1
                    if crashes[path] > 1:
                        yield FileSurvey(path, "error", "the worker process died reading this file")
                    else:
                        pending.append(path)
                else:
                    yield _result(future, path)
            overdue = [f for f, (path, started) in running.items() if beats.quiet(path, started) >= budget + _KILL_GRACE_SECONDS]
            for future in overdue:
                path, _started = running.pop(future)
                yield FileSurvey(path, "timeout", _over_budget(budget), seconds=round(budget, 3))
            if broken or overdue:
                return
    except BrokenProcessPool:  # a worker died between two looks at the pool
        pass
    finally:
        pending.extend(path for path, _ in running.values())  # stopped with the pool: run again


def _start_worker(budget: float) -> None:
    """The reader stops itself at the survey's budget (a killed worker is the last resort),
    and the catalog is loaded before the first file, so no file pays for it."""
    os.environ["KEMU_TIME_BUDGET"] = str(budget)
    catalog_codes()


def _over_budget(budget: float) -> str:
    return f"took longer than {budget:g} s"


def _may_start(pending: list[str], running: list[str], jobs: int, crashes: Counter[str]) -> bool:
    """A free worker and a next file; a file suspected of killing its worker runs alone."""
    if not pending or len(running) >= jobs:
        return False
    return not running or not (crashes[pending[-1]] or any(crashes[path] for path in running))


def _result(future: Future, path: str) -> FileSurvey:
    try:
        return future.result()
    except Exception as exc:  # cannot happen short of a bug in survey_file: report it, go on
        return FileSurvey(path, "error", f"{type(exc).__name__}: {exc}")


def _stop(pool: ProcessPoolExecutor) -> None:
    """Shut the pool down without waiting for a worker stuck in a file: kill the workers."""
    workers = list(getattr(pool, "_processes", {}).values())  # the only handle on a stuck worker
    pool.shutdown(wait=False, cancel_futures=True)
    for process in workers:
        if process.is_alive():
            process.kill()
            process.join()


def survey_json(results: list[FileSurvey], budget: float = DEFAULT_BUDGET_SECONDS) -> dict[str, Any]:
    """The versioned document ``kemu survey --format json`` prints (docs/accuracy.md)."""
    files = sorted(results, key=lambda r: r.file)
    return {
        "survey_version": SURVEY_VERSION,
        "extractor_version": EXTRACTOR_VERSION,
        "budget_seconds": budget,
        "totals": totals(files),
        "files": [asdict(r) for r in files],
    }


def totals(results: Iterable[FileSurvey | dict[str, Any]]) -> dict[str, Any]:
    """Sums over files (accepted files for the table figures), and rejections by reason."""
    rows = [asdict(r) if isinstance(r, FileSurvey) else r for r in results]
    accepted = [r for r in rows if r["status"] == "accepted"]
    summed = Counter()
    for row in accepted:
        for key in _COUNTED:
            summed[key] += row.get(key, 0)  # figures added later are 0 in older surveys
    return {
        "files": len(rows),
        "accepted": len(accepted),
        "rejected": sum(r["status"] == "rejected" for r in rows),
        "timeouts": sum(r["status"] == "timeout" for r in rows),
        "errors": sum(r["status"] == "error" for r in rows),
        "narrative_only": sum(r["narrative_only"] for r in accepted),
        **{key: summed[key] for key in _COUNTED},
        "department_found": sum(r["department"] is not None for r in accepted),
        "year_found": sum(r["year"] is not None for r in accepted),
        "unknown_coded_tables": sum(len(r["unknown_coded_tables"]) for r in accepted),
        "seconds": round(sum(r["seconds"] for r in rows), 3),
        "cpu_seconds": round(sum(r["cpu_seconds"] for r in rows), 3),
        "reasons": dict(Counter(r["reason"] for r in rows if r["status"] != "accepted").most_common()),
    }


_COUNTED = (
    "pages", "tables_identified", "tables_unknown", "code_rows_identified", "code_rows_unknown", "code_rows_parsed", "code_in_name_rows",
    "parents_checked", "parents_summing", "units_printed", "units_inferred", "units_unknown",
    "tables_confident", "tables_uncertain", "code_rows_uncertain",
)


def reason_group(reason: str) -> str:
    """A rejection reason without its technical detail in brackets, so alike reasons group."""
    return re.sub(r"\s*\(.*\)\s*$", "", reason) or reason


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def render_text(results: list[FileSurvey]) -> str:
    """One aligned line per file, then a totals block. For people, not a stable interface."""
    files = sorted(results, key=lambda r: r.file)
    width = max((len(r.file) for r in files), default=4)
    out = [
        f"{'file':<{width}}  {'status':<8} {'pages':>5} {'tables id/unk':>13} {'code rows id/unk':>16} "
        f"{'parsed':>6} {'parents sum/chk':>15} {'units pr/inf/?':>14} {'year':>4} {'kind':<4} {'seconds':>7}  department"
    ]
    for r in files:
        head = f"{r.file:<{width}}  {r.status:<8}"
        if r.status != "accepted":
            out.append(f"{head} {'':>5} {r.reason or ''}  ({r.seconds:.1f} s)")
            continue
        out.append(
            f"{head} {r.pages:>5} {f'{r.tables_identified}/{r.tables_unknown}':>13} "
            f"{f'{r.code_rows_identified}/{r.code_rows_unknown}':>16} {r.code_rows_parsed:>6} "
            f"{f'{r.parents_summing}/{r.parents_checked}':>15} {f'{r.units_printed}/{r.units_inferred}/{r.units_unknown}':>14} "
            f"{r.year or '?':>4} {r.report_kind or '?':<4} {r.seconds:>7.1f}  "
            + (NARRATIVE_ONLY if r.narrative_only else r.department or "?")
        )
    return "\n".join(out + [""] + render_totals(totals(files)))


def render_totals(t: dict[str, Any]) -> list[str]:
    """The health figures in a few lines (the corpus benchmark prints the same block)."""
    coded = t["code_rows_identified"] + t["code_rows_unknown"]
    lines = [
        f"files {t['files']}: {t['accepted']} accepted ({t['narrative_only']} narrative only), {t['rejected']} rejected, "
        f"{t['timeouts']} over the time budget, {t['errors']} kemu errors",
        f"tables: {t['tables_identified']} identified, {t['tables_unknown']} unknown "
        f"({t['unknown_coded_tables']} unknown tables carry 科目 codes)",
        f"code rows: {coded}; in identified tables {t['code_rows_identified']} ({percent(t['code_rows_identified'], coded)}); "
        f"every amount parsed {t['code_rows_parsed']} ({percent(t['code_rows_parsed'], coded)}); "
        f"{t['code_in_name_rows']} more rows print a code kemu left in the name",
        f"readings: {t.get('tables_confident', 0)} tables confident, {t.get('tables_uncertain', 0)} uncertain; "
        f"{t.get('code_rows_uncertain', 0)} code rows ({percent(t.get('code_rows_uncertain', 0), coded)}) in uncertain tables",
        f"parent rows summing to their children: {t['parents_summing']} of {t['parents_checked']} "
        f"({percent(t['parents_summing'], t['parents_checked'])})",
        f"table units: {t['units_printed']} printed, {t['units_inferred']} inferred, {t['units_unknown']} unknown",
        f"department found {t['department_found']} of {t['accepted']}, year found {t['year_found']} of {t['accepted']}",
        f"pages {t['pages']}: {t['seconds']:.0f} s reading in the workers, {t['cpu_seconds']:.0f} s of CPU "
        f"({t['pages'] / t['cpu_seconds'] if t['cpu_seconds'] else 0:.2f} pages per CPU second)",
    ]
    reasons = Counter[str]()
    for reason, count in t["reasons"].items():
        reasons[reason_group(reason)] += count
    lines += [f"  {count:>4} × {reason}" for reason, count in reasons.most_common()]
    return lines


def add_command(sub) -> None:
    """Register ``kemu survey`` on the CLI's subparsers."""
    parser = sub.add_parser("survey", help="corpus health: how well kemu reads each file (no labels needed)")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="report files or folders (searched recursively)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: all cores)")
    parser.add_argument("--budget", type=float, default=DEFAULT_BUDGET_SECONDS, metavar="S", help="seconds per file before it is given up (default 120)")
    parser.add_argument("--cache", action="store_true", help="read through the extraction cache (default: cold reads, so seconds mean something)")


def run_command(args) -> int:
    """``kemu survey``: the report on stdout, a progress bar on a terminal's stderr."""
    if args.jobs is not None and args.jobs < 1 or args.budget <= 0:
        print("kemu: --jobs and --budget must be positive", file=sys.stderr)
        return 1
    files, results = survey_files(args.paths)
    if not files and not results:
        print("kemu: no report files found (.pdf, .txt, .md)", file=sys.stderr)
        return 1
    progress = Progress(len(files), sys.stderr)
    try:
        for result in survey(files, args.jobs, args.budget, args.cache):
            results.append(result)
            progress.step()
    finally:
        progress.close()
    text = json.dumps(survey_json(results, args.budget), ensure_ascii=False, indent=1) if args.format == "json" else render_text(results)
    sys.stdout.write(text + "\n")
    return 0
