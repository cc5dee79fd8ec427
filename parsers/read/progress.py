"""Reading progress: the readers report every page they finish to the listeners set here.

The PDF reader reports each page it reads and OCR each scanned page it recognises, so a front
door draws one bar for both: the CLI on a terminal, the workbench's loading screen. The per-file
time budget listens too, and gives every OCR'd page (seconds each) the whole budget. Listeners
live in a context variable, so a worker thread or a test sets its own without touching others.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TextIO

PDF, OCR = "pdf", "ocr"  # what is being read: text pages, or scanned pages recognised by OCR
#: (pages done, pages to read, PDF or OCR); called with 0 done before the first page too.
Progress = Callable[[int, int, str], None]
_listeners: ContextVar[tuple[Progress, ...]] = ContextVar("reading_progress", default=())

TERMINAL_DELAY = 0.5  # seconds: a text PDF read faster than this draws no bar on the terminal


@contextmanager
def reading_progress(callback: Progress) -> Iterator[None]:
    """Tell ``callback`` (besides any listener already set) of every page read while the block runs."""
    token = _listeners.set((*_listeners.get(), callback))
    try:
        yield
    finally:
        _listeners.reset(token)


def add_progress_listener(callback: Progress) -> None:
    """Tell ``callback`` of every page read from now on in this context (a command-line run)."""
    _listeners.set((*_listeners.get(), callback))


def report_progress(done: int, total: int, stage: str) -> None:
    """Called by the readers: ``done`` of ``total`` pages of this stage are read."""
    for listener in _listeners.get():
        listener(done, total, stage)


def terminal_progress(stream: TextIO) -> Progress:
    """A one-line bar for a terminal: "OCR 3/8 pages [#######.......]". OCR pages take seconds,
    so their bar shows at once; text pages only once reading has taken ``TERMINAL_DELAY``."""
    started: dict[str, float] = {}

    def show(done: int, total: int, stage: str) -> None:
        start = started.setdefault(stage, time.monotonic())
        if stage != OCR and time.monotonic() - start < TERMINAL_DELAY:
            return
        filled = 24 * done // max(1, total)
        stream.write(f"\r{stage.upper()} {done}/{total} pages [{'#' * filled}{'.' * (24 - filled)}]" + ("\n" if done == total else ""))
        stream.flush()

    return show
