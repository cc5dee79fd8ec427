"""One error path for every front door: the CLI, the workbench, triage, export and ``load_dataset``.

Whatever goes wrong with one file becomes one sentence the user can act on and a documented
exit code (docs/cli.md#exit-codes), never a traceback. The per-file time budget lives here
too, because a file that takes too long is just another way of being unreadable. The error
types of review and sidecars live here as well, below the modules that raise them, so this
path imports none of its users.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from parsers.errors import UnreadableReport
from parsers.read.progress import OCR, PDF, reading_progress

EXIT_OK = 0
EXIT_USAGE = 1  # also `kemu check`: at least one error-level finding
EXIT_UNREADABLE = 2  # the input cannot be read as a report (or took longer than the time budget)
EXIT_REVIEW = 3  # a review command could not be carried out: bad arguments, a sidecar or folder problem
EXIT_PARTIAL = 4  # export/triage: some files failed, the others were done

DEFAULT_TIME_BUDGET = 45.0  # seconds per file, and again per page read (docs/ocr.md#the-time-budget)

class ConfigurationError(Exception):
    """A user's configuration kemu cannot use (a catalog file that is not TOML, …): exit 1, and
    the message names the file, because the reports themselves are fine."""


class ReviewError(Exception):
    """A review operation that cannot be made: unknown table/row/column, bad value."""


class SidecarError(Exception):
    """The sidecar cannot be used as it is; the message says why and what to do."""


class TookTooLong(UnreadableReport):
    """A file that did not finish within the time budget (a damaged file can make a reader loop)."""


def time_budget_seconds() -> float:
    """``KEMU_TIME_BUDGET`` (seconds, 0 = no limit), else the default."""
    try:
        return max(0.0, float(os.environ.get("KEMU_TIME_BUDGET", DEFAULT_TIME_BUDGET)))
    except ValueError:
        return DEFAULT_TIME_BUDGET


def budget_clock(thread: int | None = None) -> float:
    """Seconds on a clock that stands still while ``thread`` (a native thread id; this thread by
    default) waits for a CPU that other programs hold: wall time minus the thread's run-queue
    wait (Linux schedstat). Time spent computing or blocked still counts, so a reader that
    loops or hangs runs out of budget, and a busy machine does not make it. Wall time where
    the kernel does not tell."""
    path = "/proc/thread-self/schedstat" if thread is None else f"/proc/self/task/{thread}/schedstat"
    try:
        with open(path, "rb") as stats:
            waited = int(stats.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        waited = 0.0
    return time.monotonic() - waited


class Budget:
    """The time budget of one file: ``seconds`` on ``budget_clock`` from the start, and again
    from every page read, so a long document whose pages keep finishing is never cut off.
    Listens to reading progress (``parsers.read.progress``) to restart and to say where it stopped."""

    def __init__(self, seconds: float, thread: int | None = None) -> None:
        self.seconds, self.thread = seconds, thread
        self.started = time.monotonic()
        self.since = budget_clock(thread)
        self.progress: tuple[int, int, str] | None = None

    def page_read(self, done: int, total: int, stage: str) -> None:
        if done:
            self.since = budget_clock(self.thread)
        self.progress = (done, total, stage)

    def left(self) -> float:
        return self.seconds - (budget_clock(self.thread) - self.since)

    def reason(self) -> str:
        """Why the file was stopped: where it was and for how long, or, when no page was ever
        finished, that the file may be damaged (a reader looping on a broken stream)."""
        limit = f"{self.seconds:g} s"
        done, total, stage = self.progress or (0, 0, PDF)
        if not done and stage != OCR:
            return f"took longer than {limit} (the file may be damaged); skipped"
        what = "scanned page" if stage == OCR else "page"
        after = f"stopped after {time.monotonic() - self.started:.0f} s"
        if done >= total:
            return f"all {total} {what}s were read, then building the tables took longer than {limit}; {after}"
        read = f" ({what}s 1–{done} were read)" if done else ""
        return f"{what} {done + 1} of {total} took longer than {limit} to read{read}; {after}"


@contextmanager
def time_budget(name: str, seconds: float | None = None) -> Iterator[None]:
    """Raise ``TookTooLong`` in the block once the ``Budget`` runs out (an alarm signal, so only
    the main thread of a process can be interrupted; elsewhere a watchdog stops the worker)."""
    seconds = time_budget_seconds() if seconds is None else seconds
    nested = signal.getitimer(signal.ITIMER_REAL)[0] > 0 if _in_main_thread() else True
    if not seconds or nested:
        yield
        return
    budget = Budget(seconds)

    def expire(signum, frame):
        left = budget.left()
        if left > 0:  # other programs held the CPU meanwhile: the reader gets that time back
            signal.setitimer(signal.ITIMER_REAL, left)
            return
        raise TookTooLong(f"{name}: {budget.reason()}")

    def page_read(done: int, total: int, stage: str) -> None:
        budget.page_read(done, total, stage)
        if done:
            signal.setitimer(signal.ITIMER_REAL, seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with reading_progress(page_read):
            yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")


def explain(exc: BaseException) -> tuple[str, int]:
    """The sentence and exit code for an exception that reached a front door."""
    over_budget = in_chain(exc, TookTooLong)
    if over_budget is not None:  # a reader may wrap it ("the PDF is damaged (…: took longer …)")
        return str(over_budget), EXIT_UNREADABLE
    if isinstance(exc, UnreadableReport):
        return str(exc), EXIT_UNREADABLE
    if isinstance(exc, ConfigurationError):
        return str(exc), EXIT_USAGE
    if isinstance(exc, (ReviewError, SidecarError)):
        return str(exc), EXIT_REVIEW
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}", EXIT_UNREADABLE
    return f"{type(exc).__name__}: {exc}".rstrip(": "), EXIT_UNREADABLE


def in_chain(exc: BaseException | None, kind: type[BaseException]) -> BaseException | None:
    """The first exception of ``kind`` among ``exc`` and its causes (libraries wrap errors in their own)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kind):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None
