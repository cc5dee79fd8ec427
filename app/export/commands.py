"""`kemu export` and `kemu triage`: many reports at once (docs/export.md).

Exit codes follow app/cli.py (0 ok, 1 usage, 2 nothing could be read) plus
``EXIT_PARTIAL``: some files failed (each named on stderr with its reason) while the
others were exported, so scripts can tell a partial export from a complete one.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.export.batch import ENGINES, SUFFIXES, Failure
from app.export.formats import FORMATS, PARTITION_COLUMNS, SUFFIX_FORMATS
from app.export.survey import NARRATIVE_ONLY

COMMANDS: tuple[str, ...] = ("export", "triage")
EXIT_OK, EXIT_USAGE, EXIT_ALL_FAILED = 0, 1, 2
EXIT_PARTIAL = 4  # some files failed, the others were exported
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # ctrl+c (SIGINT), kill (SIGTERM): 128 + the signal


def add_commands(sub) -> None:
    """Register the export/triage subcommands on the CLI's subparsers."""
    export_parser = sub.add_parser("export", help="export reviewed reports as one tidy table (parquet, csv, xlsx, jsonl, duckdb)")
    export_parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="report files or folders (searched recursively)")
    export_parser.add_argument("-o", "--output", required=True, type=Path, metavar="OUT", help="output file (a folder with --partition-by)")
    export_parser.add_argument("--format", choices=FORMATS, help="default: from OUT's suffix, else parquet")
    export_parser.add_argument("--reviewed-only", action="store_true", help="only reports whose review is complete")
    export_parser.add_argument("--partition-by", metavar="COLS", help=f"parquet dataset folder partitioned by {','.join(PARTITION_COLUMNS)}")
    _engine_options(export_parser)
    triage_parser = sub.add_parser("triage", help="rank reports by review need, worst first")
    triage_parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    triage_parser.add_argument("--format", choices=("text", "json"), default="text")
    _engine_options(triage_parser)


def _engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--engine", choices=ENGINES, default="local", help="local processes (default) or a Dask cluster")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a LocalCluster)")
    parser.add_argument("--workers", type=int, metavar="N", help="local processes or LocalCluster workers (default: all cores); a --scheduler cluster uses all its workers")


def run(args) -> int:
    problem = _usage_problem(args)
    if problem:
        print(f"kemu: {problem}", file=sys.stderr)
        return EXIT_USAGE
    from app.errors import ConfigurationError
    from app.export.outputs import OutputError, kept_sentence  # loads the sidecar module: only when running

    engine = {"engine": args.engine, "workers": args.workers, "scheduler": args.scheduler, "log": sys.stderr}
    try:
        with _terminate_raises():
            return _triage(args, engine) if args.command == "triage" else _export(args, engine)
    except (OutputError, ConfigurationError) as exc:  # OUT is an input, a sidecar or a folder, or could not be written; a bad user catalog
        print(f"kemu: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # the Dask scheduler cannot be reached
        reason = f"{exc.filename}: {exc.strerror}" if exc.filename else str(exc)
        print(f"kemu: {reason}", file=sys.stderr)
        return EXIT_USAGE
    except (KeyboardInterrupt, Terminated) as exc:  # the workers are stopped and the staged file removed on the way out
        kept = f"; {kept_sentence(args.output)}" if args.command == "export" else ""
        print(f"kemu: {'terminated' if isinstance(exc, Terminated) else 'interrupted'}{kept}", file=sys.stderr)
        return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED


class Terminated(BaseException):
    """SIGTERM (``kill PID``), raised in the main thread so that a batch unwinds like on ctrl+c:
    workers stopped, nothing staged left behind."""


@contextmanager
def _terminate_raises() -> Iterator[None]:
    def terminate(signum, frame):
        raise Terminated

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _export(args, engine: dict) -> int:
    from app.export.facts import export  # pandas and pyarrow load only when exporting
    partition_by = tuple(args.partition_by.split(",")) if args.partition_by else ()
    result = export(args.paths, args.output, _format(args), reviewed_only=args.reviewed_only, partition_by=partition_by, **engine)
    found = result.exported + result.skipped + len(result.failures)
    _report_missing(found)
    for source in result.narrative_only:
        print(f"kemu: {source}: {NARRATIVE_ONLY}", file=sys.stderr)
    for source, orphaned, operations in result.orphaned:
        print(f"kemu: {source}: {_orphaned_sentence(orphaned, operations)}", file=sys.stderr)
    if result.cleaned:
        print(f"kemu: removed {len(result.cleaned)} unfinished export file(s) a killed run left beside {args.output}", file=sys.stderr)
    skipped = f"; {result.skipped} left out (review not complete)" if result.skipped else ""
    failed = f"; {len(result.failures)} failed" if result.failures else ""
    if result.exported:
        print(f"kemu: exported {result.exported} reports ({result.facts} facts) to {args.output}{skipped}{failed}", file=sys.stderr)
    elif found:
        from app.export.outputs import kept_sentence

        print(f"kemu: nothing exported{skipped}{failed}; {kept_sentence(args.output)}", file=sys.stderr)
    return _exit_code(result.failures, result.exported + result.skipped)


def _orphaned_sentence(orphaned: int, operations: int) -> str:
    """Decisions of the sidecar that no longer apply: the report was replaced or re-extracted."""
    which = f"all {orphaned}" if orphaned == operations else f"{orphaned} of {operations}"
    return f"{which} review decisions no longer apply (the report changed since they were made) and were not exported; see kemu status"


def _usage_problem(args) -> str | None:
    if args.scheduler and args.engine != "dask":
        return "--scheduler needs --engine dask"
    if args.workers is not None and args.workers < 1:
        return "--workers must be at least 1"
    if args.command != "export":
        return None
    if args.partition_by:
        unknown = set(args.partition_by.split(",")) - set(PARTITION_COLUMNS)
        if unknown:
            return f"--partition-by takes {', '.join(PARTITION_COLUMNS)}, not {', '.join(sorted(unknown))}"
        if _format(args) != "parquet":
            return "--partition-by writes a Parquet dataset; use --format parquet"
        if args.output.exists() and (not args.output.is_dir() or any(args.output.iterdir())):
            return f"{args.output} exists; a partitioned dataset needs a new or empty folder"
    return None


def _format(args) -> str:
    return args.format or SUFFIX_FORMATS.get(args.output.suffix.lower(), "parquet")


def _report_missing(total: int) -> None:
    """Say so when no path held a report file (each unusable path is already named)."""
    if total == 0:
        print(f"kemu: no report files found ({', '.join(SUFFIXES)})", file=sys.stderr)


def _exit_code(failures: list[Failure], succeeded: int) -> int:
    if succeeded == 0:
        return EXIT_ALL_FAILED
    return EXIT_PARTIAL if failures else EXIT_OK


def _triage(args, engine: dict) -> int:
    from app.export.facts import triage
    summaries, failures = triage(args.paths, **engine)
    _report_missing(len(summaries) + len(failures))
    if args.format == "json":
        sys.stdout.write(json.dumps(summaries, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_triage(summaries) + "\n")
    return _exit_code(failures, len(summaries))


def render_triage(summaries: list[dict]) -> str:
    """One line per report, worst first; not a stable interface (use --format json).

    ``confirmed``: mappings a person confirmed of all (the one progress figure: `kemu status`,
    the workbench's status line and folder list say the same); ✓ marks a complete review.
    """
    out = [f"{'#':>3} {'errors':>6} {'review':>6} {'warns':>5} {'confirmed':>11}  year kind  department  source"]
    for rank, s in enumerate(summaries, start=1):
        mapped = f"{s['confirmed']}/{s['mappings']}" + (" ✓" if s["complete"] else "  ")
        narrative = f"  ({NARRATIVE_ONLY})" if s["tables"] == 0 else ""
        out.append(
            f"{rank:>3} {s['errors']:>6} {s['needs_review']:>6} {s['warnings']:>5} {mapped:>11}  "
            f"{s['year'] or '?':<4} {s['report_kind'] or '?':<4}  {s['department'] or '?'}  {s['source']}{narrative}"
        )
    return "\n".join(out)
