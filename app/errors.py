"""One error path for every front door: the CLI, the workbench, triage, export and ``load_dataset``.

Whatever goes wrong with one file becomes one sentence the user can act on and a documented
exit code (docs/cli.md#exit-codes), never a traceback. The per-file time budget lives here
too, because a file that takes too long is just another way of being unreadable. The error
types of review and sidecars live here as well, below the modules that raise them, so this
path imports none of its users.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from parsers.errors import UnreadableReport
from parsers.progress import OCR, reading_progress

EXIT_OK = 0
EXIT_USAGE = 1  # also `kemu check`: at least one error-level finding
EXIT_UNREADABLE = 2  # the input cannot be read as a report (or took longer than the time budget)
EXIT_REVIEW = 3  # a review command could not be carried out: bad arguments, a sidecar or folder problem
EXIT_PARTIAL = 4  # export/triage: some files failed, the others were done

DEFAULT_TIME_BUDGET = 45.0  # seconds per file; a large report takes a few

# The PDF readers log a line per damaged stream ("Data-loss while decompressing corrupted
# data"); the user gets the outcome as one sentence instead. KEMU_DEBUG keeps them.
if not os.environ.get("KEMU_DEBUG"):
    for _reader in ("pdfminer", "pdfplumber", "pypdfium2"):
        logging.getLogger(_reader).setLevel(logging.CRITICAL)


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


@contextmanager
def time_budget(name: str, seconds: float | None = None) -> Iterator[None]:
    """Raise ``TookTooLong`` in the block once ``seconds`` pass (an alarm signal, so only the main
    thread of a process can be interrupted; elsewhere the batch watchdog stops the worker)."""
    seconds = time_budget_seconds() if seconds is None else seconds
    nested = signal.getitimer(signal.ITIMER_REAL)[0] > 0 if _in_main_thread() else True
    if not seconds or nested:
        yield
        return

    def expire(signum, frame):
        raise TookTooLong(f"{name}: took longer than {seconds:g} s (the file may be damaged); skipped")

    def page_read(done: int, total: int, stage: str) -> None:
        if stage == OCR:  # each OCR'd page gets the whole budget
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
