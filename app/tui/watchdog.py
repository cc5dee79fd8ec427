"""The per-file time budget for work done in a worker thread.

The readers' own alarm (``app.errors.time_budget``) works only in a process's main thread,
and the workbench reads in worker threads. A watchdog ticked by the UI thread stops a file
that has run past the budget by raising ``StoppedOverBudget`` inside the worker, which then
ends as the usual sentence, "took longer than N s".
"""

from __future__ import annotations

import ctypes
import threading
import time

from app.errors import TookTooLong, time_budget_seconds


class StoppedOverBudget(TookTooLong):
    """Raised into a worker by the watchdog (as a class: it carries its own sentence)."""

    def __init__(self, *args: object) -> None:
        super().__init__(*(args or (f"took longer than {time_budget_seconds():g} s (the file may be damaged); skipped",)))


class Watchdog:
    """Watches one file at a time in one worker thread; ``tick`` from the UI thread."""

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self._thread: int | None = None
        self._since = 0.0

    def start(self) -> None:
        """In the worker: a file starts (the budget runs from now)."""
        self._thread, self._since = threading.get_ident(), time.monotonic()

    def restart(self) -> None:
        """The budget starts again (each OCR'd page may take its share)."""
        self._since = time.monotonic()

    def stop(self) -> None:
        """In the worker: the file is done; nothing to stop."""
        self._thread = None

    def tick(self) -> None:
        thread = self._thread
        if thread is not None and self.budget and time.monotonic() - self._since > self.budget:
            self._thread = None
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(StoppedOverBudget))
