"""The per-file time budget for work done in a worker thread.

The readers' own alarm (``app.errors.time_budget``) works only in a process's main thread,
and the workbench reads in worker threads. A watchdog ticked by the UI thread stops a file
that has run past the budget by raising ``StoppedOverBudget`` inside the worker, which then
ends as the usual sentence: where it stopped (``Watchdog.reason``), or "took longer than N s".
The budget is the readers' own (``app.errors.Budget``): restarted by every page read, on a
clock that other programs' load does not advance.
"""

from __future__ import annotations

import ctypes
import threading

from app.errors import Budget, TookTooLong, time_budget_seconds


class StoppedOverBudget(TookTooLong):
    """Raised into a worker by the watchdog (as a class: it carries its own sentence)."""

    def __init__(self, *args: object) -> None:
        super().__init__(*(args or (f"took longer than {time_budget_seconds():g} s (the file may be damaged); skipped",)))


class Watchdog:
    """Watches one file at a time in one worker thread; ``tick`` from the UI thread."""

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self._thread: int | None = None
        self._clock: Budget | None = None
        self.reason = ""  # why the last file was stopped: where it was and for how long

    def start(self) -> None:
        """In the worker: a file starts (the budget runs from now)."""
        self._clock = Budget(self.budget, threading.get_native_id())
        self._thread, self.reason = threading.get_ident(), ""

    def page_read(self, done: int, total: int, stage: str) -> None:
        """In the worker, as a reading progress listener: each page read restarts the budget."""
        if self._clock is not None:
            self._clock.page_read(done, total, stage)

    def stop(self) -> None:
        """In the worker: the file is done; nothing to stop."""
        self._thread = None

    def tick(self) -> None:
        thread, clock = self._thread, self._clock
        if thread is not None and clock is not None and self.budget and clock.left() < 0:
            self._thread, self.reason = None, clock.reason()
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(StoppedOverBudget))
