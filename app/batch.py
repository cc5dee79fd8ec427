"""Many reports through one per-file function: discovery, local processes or Dask, progress.

The per-file work (extract through the cache, match, apply the sidecar, build rows) is
independent for every file, so it runs where there are cores: local processes by default,
or a Dask cluster for collections that outgrow one machine. Results come back in input
order with at most a small window of files in flight, so memory does not grow with the
number of files. A file that fails becomes a ``Failure`` with its reason; the rest go on.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from parsers.errors import UnreadableReport

SUFFIXES = (".pdf", ".txt", ".md", ".docx")
TEXT_SUFFIXES = (".txt", ".md")
NOT_REPORT_NAMES = ("readme", "origins", "license", "licence", "changelog", "copying", "notice", "authors", "contributing")
SNIFF_CHARS = 20_000  # enough text for a cover, a 目录 or a first table title
ENGINES = ("local", "dask")
WINDOW_PER_WORKER = 4  # files in flight per worker: keeps workers busy, bounds memory


@dataclass(frozen=True)
class Failure:
    """A file that could not be processed, and why (one sentence for the user)."""

    source: str
    reason: str


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[Failure]]:
    """Report files under ``paths``: files as given, folders recursively, chosen by content.

    In a folder, .pdf and .docx files are reports (a damaged one is named with its reason);
    .txt/.md files only when their text reads like a report, so notes and README/ORIGINS-like
    files that describe a folder are skipped. Hidden files and folders are skipped; sidecars
    and journals have other suffixes. A path that does not exist is a failure, not an error,
    so the other paths go on.
    """
    files: list[Path] = []
    missing: list[Failure] = []
    for given in map(Path, paths):
        if given.is_dir():
            found = (
                p for p in given.rglob("*")
                if p.is_file() and p.suffix.lower() in SUFFIXES and not any(part.startswith(".") for part in p.relative_to(given).parts)
                and looks_like_a_report(p)
            )
            files.extend(sorted(found))
        elif given.exists():
            files.append(given)
        else:
            missing.append(Failure(str(given), "no such file or folder"))
    return list(dict.fromkeys(files)), missing


def looks_like_a_report(path: Path) -> bool:
    """A cheap look at a file found in a folder: its name and, for text, its first pages."""
    if path.stem.lower().startswith(NOT_REPORT_NAMES):
        return False
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return True
    from parsers.identify import is_report_text

    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_CHARS * 3)
    except OSError:
        return True  # let reading it say why it cannot be read
    for encoding in ("utf-8", "gb18030"):
        text = head.decode(encoding, errors="ignore")
        if is_report_text(text[:SNIFF_CHARS]):
            return True
    return False


def guarded(fn: Callable[..., Any], source: str, *args: Any) -> Any:
    """``fn(source, *args)``, or a ``Failure`` instead of an exception (runs in the worker)."""
    try:
        return fn(source, *args)
    except UnreadableReport as exc:
        return Failure(source, _reason(source, exc))
    except Exception as exc:  # one broken file must never stop a batch
        return Failure(source, f"{type(exc).__name__}: {_reason(source, exc)}")


def _reason(source: str, exc: BaseException) -> str:
    """The exception's sentence without the file name the parsers put in front of it."""
    text = str(exc) or type(exc).__name__
    prefix = f"{Path(source).name}: "
    return text[len(prefix):] if text.startswith(prefix) else text


class Progress:
    """A one-line text bar on a terminal; failure lines are printed above it (always)."""

    def __init__(self, total: int, stream: TextIO | None) -> None:
        self.total, self.done, self.failed = total, 0, 0
        self.stream = stream
        self.bar = bool(stream and stream.isatty())

    def step(self, failure: Failure | None = None) -> None:
        self.done += 1
        if failure is not None:
            self.failed += 1
            self._clear()
            if self.stream:
                print(f"kemu: {failure.source}: {failure.reason}", file=self.stream)
        self._draw()

    def close(self) -> None:
        self._clear()

    def _draw(self) -> None:
        if self.bar and self.stream:
            filled = 30 * self.done // max(self.total, 1)
            failed = f" · {self.failed} failed" if self.failed else ""
            self.stream.write(f"\r[{'#' * filled}{' ' * (30 - filled)}] {self.done}/{self.total} files{failed}")
            self.stream.flush()

    def _clear(self) -> None:
        if self.bar and self.stream:
            self.stream.write("\r\033[K")
            self.stream.flush()


def run(
    fn: Callable[..., Any],
    files: list[Path],
    *args: Any,
    engine: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    log: TextIO | None = sys.stderr,
) -> Iterator[Any]:
    """``fn(str(file), *args)`` for every file, yielded in input order (a result or a ``Failure``).

    ``workers``: local processes (default: all cores; 1 runs in this process) or, with
    ``engine="dask"`` and no ``scheduler``, the size of the LocalCluster started for the run.
    ``fn`` must be importable by name in the workers (a module-level function).
    """
    workers = max(1, min(workers or os.cpu_count() or 1, len(files)))  # one file runs in this process
    progress = Progress(len(files), log)
    try:
        with _submitter(engine, workers, scheduler) as (submit, slots):
            pending: deque[tuple[str, Future]] = deque()
            queue = iter(files)
            window = slots * WINDOW_PER_WORKER
            while True:
                for path in queue:
                    pending.append((str(path), submit(guarded, fn, str(path), *args)))
                    if len(pending) >= window:
                        break
                if not pending:
                    return
                source, future = pending.popleft()
                try:
                    outcome = future.result()
                except Exception as exc:  # the worker itself died (killed, out of memory)
                    outcome = Failure(source, f"worker lost: {type(exc).__name__}: {exc}")
                progress.step(outcome if isinstance(outcome, Failure) else None)
                yield outcome
    finally:
        progress.close()


@contextmanager
def _submitter(engine: str, workers: int, scheduler: str | None) -> Iterator[tuple[Callable[..., Any], int]]:
    """``submit(fn, *args) -> future`` for the chosen engine and how many tasks run at once."""
    if engine == "dask":
        from dask.distributed import Client, LocalCluster

        cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None)
        client = Client(scheduler or cluster)
        try:
            slots = sum(client.nthreads().values()) or workers  # a remote cluster's size, not this machine's
            yield (lambda fn, *args: client.submit(fn, *args, pure=False)), slots
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    elif engine != "local":
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    elif workers == 1:
        yield _now, 1
    else:
        # spawn: the parent may hold threads (DuckDB, Arrow) that fork would copy mid-lock
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            yield pool.submit, workers


def _now(fn: Callable[..., Any], *args: Any) -> Future:
    """Run in this process; a finished future keeps one code path for every engine."""
    future: Future = Future()
    future.set_result(fn(*args))
    return future
