"""The first screen of ``kemu review FILE``: the window is up at once, a bar counts the pages.

The report is read, matched and its review screen's code loaded in a worker thread, so the
window appears before any of that starts. Every page the PDF reader reads, and every page
OCR recognises, moves the bar (``parsers.read.progress``); then the tables are built and matched.
The app swaps in the review screen when the session is ready (``Loaded``). Anything that goes
wrong is handed to the app (``Failed``), which ends and lets ``run_review`` raise it on the
CLI's one error path: one sentence and a documented exit code, as before the window opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Center, Middle, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, ProgressBar

from app.errors import TookTooLong, in_chain, time_budget_seconds
from app.tui.i18n import Texts
from app.tui.watchdog import StoppedOverBudget, Watchdog
from parsers.read.progress import OCR, reading_progress


class LoadingScreen(Screen):
    DEFAULT_CSS = """
    LoadingScreen #loading {
        width: 64;
        height: auto;
        border: round $primary;
        padding: 1 2;
    }
    LoadingScreen #loading Label {
        width: 100%;
        margin-bottom: 1;
    }
    """

    class PagesRead(Message):
        """``done`` of ``total`` pages of a stage (``parsers.read.progress``: PDF or OCR) are read."""

        def __init__(self, done: int, total: int, stage: str) -> None:
            super().__init__()
            self.done, self.total, self.stage = done, total, stage

    class Loaded(Message):
        """The review session is ready (the app shows the review screen)."""

        def __init__(self, session: Any) -> None:
            super().__init__()
            self.session = session

    class Failed(Message):
        """The report cannot be opened (the app ends and ``run_review`` raises ``error``)."""

        def __init__(self, error: BaseException) -> None:
            super().__init__()
            self.error = error

    def __init__(self, path: Path, texts: Texts) -> None:
        super().__init__()
        self.path = path
        self.t = texts
        self.watchdog = Watchdog(time_budget_seconds())  # over opening the report: reading and matching

    def compose(self) -> ComposeResult:
        yield Header()
        with Middle(), Center(), Vertical(id="loading"):
            yield Label(self.path.name, id="file")
            # a total from the start: an indeterminate bar animates, and its frames take the
            # GIL from the worker (a cold 41-page report opened 1.5 s later); the time left is
            # estimated from the pages read so far, afresh for each stage (text pages, then OCR)
            yield ProgressBar(total=1, id="pages")
            yield Label(self.t("opening"), id="step")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.path.name
        if self.watchdog.budget:
            self.set_interval(1.0, self.watchdog.tick)
        self.call_after_refresh(self.read)  # the window first: the worker holds the GIL much of the time

    @work(thread=True, exclusive=True)
    def read(self) -> None:
        self.watchdog.start()
        try:
            with reading_progress(self._page_read):
                from app.review.session import ReviewSession

                session = ReviewSession(self.path)
            self.watchdog.stop()
            # the review screen's code loads here, not on the UI thread: its imports, and the
            # check rules it runs when it mounts
            from app.checks import registered_rules
            from app.tui.screens.review import ReviewScreen  # noqa: F401

            registered_rules()
        except Exception as exc:  # every failure ends on the CLI's error path
            self.watchdog.stop()
            stopped = in_chain(exc, StoppedOverBudget)
            self.post_message(self.Failed(TookTooLong(f"{self.path.name}: {self.watchdog.reason or stopped}") if stopped else exc))
        else:
            self.post_message(self.Loaded(session))

    def _page_read(self, done: int, total: int, stage: str) -> None:
        """In the worker: tell the screen (messages are thread safe)."""
        self.watchdog.page_read(done, total, stage)
        self.post_message(self.PagesRead(done, total, stage))

    def on_loading_screen_pages_read(self, message: PagesRead) -> None:
        self.query_one(ProgressBar).update(total=message.total, progress=message.done)
        if message.done < message.total:
            step = self.t("ocr_pages" if message.stage == OCR else "reading_pages", done=message.done, total=message.total)
        else:
            step = self.t("building")
        self.query_one("#step", Label).update(step)

