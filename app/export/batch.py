"""Many reports through one per-file function: discovery, local processes or Dask, progress.

The per-file work (extract through the cache, match, apply the sidecar, build rows) is
independent for every file, so it runs where there are cores: local processes by default,
or a Dask cluster for collections that outgrow one machine. Results come back in input
order with at most a small window of files in flight, so memory does not grow with the
number of files. A file that fails becomes a ``Failure`` with its reason; the rest go on.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from app.errors import explain, time_budget, time_budget_seconds
from parsers.errors import NOT_A_REGULAR_FILE, path_problem
from parsers.read.progress import reading_progress

SUFFIXES = (".pdf", ".txt", ".md", ".docx")
TEXT_SUFFIXES = (".txt", ".md")
NOT_REPORT_NAMES = ("readme", "origins", "license", "licence", "changelog", "copying", "notice", "authors", "contributing")
SNIFF_CHARS = 20_000  # enough text for a cover, a 目录 or a first table title
ENGINES = ("local", "dask")
WINDOW_PER_WORKER = 4  # files in flight per worker: keeps workers busy, bounds memory
WATCHDOG_FACTOR, WATCHDOG_GRACE = 2, 10.0  # the watchdog waits budget × factor + grace after the last page read: the worker's own stop comes first
PARENT_WATCH_SECONDS = 0.5  # how often a worker looks whether its parent is still there
PR_SET_PDEATHSIG = 1  # linux/prctl.h
STARTUP_GRACE = 60.0  # until a (new) pool has answered once: starting processes on a busy machine is slow


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
    so the other paths go on; so is a path that is no regular file (a FIFO, a device, a symlink
    loop), in a folder too, because a file skipped without a word is a file silently lost.
    """
    files: list[Path] = []
    unusable: list[Failure] = []
    for given in map(Path, paths):
        problem = not_a_readable_file(given)
        if problem:
            unusable.append(Failure(str(given), problem))
        elif given.is_dir():
            for path in sorted(given.rglob("*")):
                if path.suffix.lower() not in SUFFIXES or any(part.startswith(".") for part in path.relative_to(given).parts):
                    continue
                problem = not_a_readable_file(path)
                if problem:
                    unusable.append(Failure(str(path), problem))
                elif path.is_file() and looks_like_a_report(path):
                    files.append(path)
        else:
            files.append(given)
    return list(dict.fromkeys(files)), unusable


def not_a_readable_file(path: Path) -> str | None:
    """Why ``path`` cannot be read (``parsers.errors.path_problem``, which never opens it);
    in a batch, a path that is no regular file is skipped and the others go on."""
    problem = path_problem(path)
    return f"{problem}; skipped" if problem and problem.startswith(NOT_A_REGULAR_FILE) else problem


def say(failure: Failure, stream: TextIO | None) -> None:
    """The one line that names a file that could not be used, and why."""
    if stream:
        print(f"kemu: {failure.source}: {failure.reason}", file=stream)


def looks_like_a_report(path: Path) -> bool:
    """A cheap look at a file found in a folder: its name and, for text, its first pages."""
    if path.stem.lower().startswith(NOT_REPORT_NAMES):
        return False
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return True
    from parsers.identify.sniff import is_report_text

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


def cores_given() -> int:
    """The cores this process may run on (a container or ``taskset`` gives fewer than the machine has)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def guarded(budget: float, beat: str | None, fn: Callable[..., Any], source: str, *args: Any) -> Any:
    """``fn(source, *args)`` within the per-file time budget, or a ``Failure`` instead of an
    exception (runs in the worker; the one error path words it). Every page read touches
    ``beat`` (``Heartbeats``)."""
    try:
        with time_budget(Path(source).name, budget), beating(beat):
            return fn(source, *args)
    except Exception as exc:  # one broken file must never stop a batch
        return Failure(source, _reason(source, explain(exc)[0]))


class Heartbeats:
    """A file per task that the worker touches on every page it reads (``beating``), so the
    parent's watchdog counts from the last page read, not from the file's start: a long scan
    reads for minutes, each page well within the budget. Where the worker cannot reach the
    folder (a remote Dask cluster) there are no beats and the watchdog counts from the start."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="kemu-heartbeats-"))

    def path(self, source: str) -> str:
        return str(self.folder / hashlib.sha1(source.encode("utf-8")).hexdigest())

    def quiet(self, source: str, since: float) -> float:
        """Seconds since the last beat for ``source``, or since ``since`` (``time.time()``) when later."""
        try:
            since = max(since, os.stat(self.path(source)).st_mtime)
        except OSError:
            pass
        return time.time() - since

    def stalled(self, source: str, budget: float) -> str:
        """Why a worker that had to be killed was stopped: a file that was reading pages is not
        called damaged."""
        if os.path.exists(self.path(source)):
            return f"a page took longer than {budget:g} s to read, in a reader that could not be interrupted; stopped"
        return f"took longer than {budget:g} s (the file may be damaged); skipped"

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def beating(beat: str | None) -> Iterator[None]:
    """In a worker: touch ``beat`` on every page read (``parsers.read.progress``) while the block runs."""
    if beat is None:
        yield
        return
    with reading_progress(lambda done, total, stage: Path(beat).touch()):
        yield


def _reason(source: str, text: str) -> str:
    """The sentence without the file name the parsers put in front of it."""
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
            say(failure, self.stream)
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
    budget: float | None = None,
) -> Iterator[Any]:
    """``fn(str(file), *args)`` for every file, yielded in input order (a result or a ``Failure``).

    ``workers``: local processes (default: the cores given; 1 runs in this process) or, with
    ``engine="dask"`` and no ``scheduler``, the size of the LocalCluster started for the run.
    ``fn`` must be importable by name in the workers (a module-level function).
    ``budget``: seconds per file (default ``KEMU_TIME_BUDGET``, 0 = none). A worker stops a
    file at the budget; a worker that cannot be stopped (stuck in native code) is killed by
    the watchdog here and the files it held are given to a fresh one, so one file can never
    stall the rest.
    """
    budget = time_budget_seconds() if budget is None else budget
    workers = max(1, min(workers or cores_given(), len(files)))  # one file runs in this process
    progress = Progress(len(files), log)
    beats = Heartbeats()
    try:
        with _engine(engine, workers, scheduler) as pool:

            def submit(source: str) -> Future:
                return pool.submit(guarded, budget, beats.path(source), fn, source, *args)

            pending: deque[tuple[str, Future]] = deque()
            queue = iter(files)
            window = pool.slots * WINDOW_PER_WORKER
            started = False  # has this pool answered yet
            while True:
                for path in queue:
                    pending.append((str(path), submit(str(path))))
                    if len(pending) >= window:
                        break
                if not pending:
                    return
                source, future = pending.popleft()
                try:
                    limit = budget * WATCHDOG_FACTOR + (WATCHDOG_GRACE if started else STARTUP_GRACE) if budget else None
                    outcome = _result(future, limit, lambda since, source=source: beats.quiet(source, since))
                    started = True
                except TimeoutError:
                    outcome = Failure(source, beats.stalled(source, budget))
                    pool.restart()
                    started = False
                    pending = deque((s, submit(s)) for s, _ in pending)
                except Exception as exc:  # the worker itself died (killed, out of memory)
                    outcome = Failure(source, f"worker lost: {type(exc).__name__}: {exc}")
                progress.step(outcome if isinstance(outcome, Failure) else None)
                yield outcome
    finally:
        progress.close()
        beats.close()


def _result(future: Future, limit: float | None, quiet: Callable[[float], float]) -> Any:
    """The future's result; ``TimeoutError`` once its worker has gone ``limit`` seconds without
    finishing or reading a page (``quiet(since)``: seconds since the last page read)."""
    since, wait = time.time(), limit
    while True:
        try:
            return future.result(timeout=wait)
        except TimeoutError:
            wait = limit - quiet(since) if limit else None
            if wait is not None and wait <= 0:
                raise


class _Pool:
    """``submit(fn, *args) -> future`` for the chosen engine, how many tasks run at once, and
    ``restart()``: stop whatever is running (the watchdog's last resort)."""

    def __init__(self, submit: Callable[..., Future], slots: int, restart: Callable[[], None] = lambda: None) -> None:
        self.submit, self.slots, self.restart = submit, slots, restart


class _LocalProcesses(_Pool):
    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool = self._new()
        super().__init__(lambda fn, *args: self.pool.submit(fn, *args), workers, self._restart)

    def _new(self) -> ProcessPoolExecutor:
        # spawn: the parent may hold threads (DuckDB, Arrow) that fork would copy mid-lock
        context = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(self.workers, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),))

    def _restart(self) -> None:
        self.abort()
        self.pool = self._new()

    def abort(self) -> None:
        """Stop the workers now, running tasks included (interrupted, or the watchdog)."""
        for process in list(getattr(self.pool, "_processes", {}).values()):  # no public way to stop a running task
            process.kill()
        self.pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def die_with_parent(parent: int) -> None:
    """A worker's first act: end when the kemu process that started it is gone, even when it
    was killed with no chance to stop its workers (``kill -9``). The kernel sends SIGKILL on
    the parent's death where it can (Linux); a watch on the parent's pid covers the rest,
    and the multiprocessing resource tracker ends once no worker holds its pipe."""
    _kill_me_with_parent()
    if os.getppid() != parent:  # it died while this worker was starting
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="kemu-parent-watch", daemon=True).start()


def _kill_me_with_parent() -> None:
    """``prctl(PR_SET_PDEATHSIG, SIGKILL)`` on Linux; elsewhere the pid watch alone."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # no prctl in this libc: the pid watch still ends the worker


@contextmanager
def _engine(engine: str, workers: int, scheduler: str | None) -> Iterator[_Pool]:
    if engine == "dask":
        from dask.distributed import Client, LocalCluster

        cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None)
        client = Client(scheduler or cluster)
        try:
            slots = sum(client.nthreads().values()) or workers  # a remote cluster's size, not this machine's
            yield _Pool(lambda fn, *args: client.submit(fn, *args, pure=False), slots)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    elif engine != "local":
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    elif workers == 1:
        yield _Pool(_now, 1)  # the alarm in ``guarded`` bounds each file (this is the main thread)
    else:
        pool = _LocalProcesses(workers)
        try:
            yield pool
        except BaseException:  # interrupted (ctrl+c, SIGTERM), or the caller stopped reading
            pool.abort()
            raise
        pool.close()


def _now(fn: Callable[..., Any], *args: Any) -> Future:
    """Run in this process; a finished future keeps one code path for every engine."""
    future: Future = Future()
    future.set_result(fn(*args))
    return future
