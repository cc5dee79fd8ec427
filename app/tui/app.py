"""The Textual app: a thin shell that picks the first screen and offers every action in the palette.

All behaviour lives in the screens (app/tui/screens) and widgets (widgets/); all decisions
in the review session (app/review/session.py). Only Textual and the loading screen load before the
window opens; the review stack (matching, checks, widgets) loads with the report.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from app.errors import EXIT_USAGE
from app.tui.i18n import Texts, help_lines, translate_bindings
from app.tui.palette import JumpProvider
from app.tui.screens.loading import LoadingScreen

if TYPE_CHECKING:
    from app.review.session import ReviewSession


class KemuApp(App):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute, so subclasses elsewhere find it
    TITLE = "kemu"
    COMMANDS = App.COMMANDS | {JumpProvider}
    BINDINGS = [Binding("ctrl+p", "command_palette", "palette", show=False, priority=True)]

    def __init__(self, path: Path, lang: str = "zh", session: ReviewSession | None = None, read_in_worker: bool = False) -> None:
        """``session``: the report already open; else it is read when the app mounts, or with
        ``read_in_worker`` behind the loading screen (``kemu review``: the window opens at once)."""
        super().__init__()
        self.path = Path(path)
        self.texts = Texts(lang)
        self._session = session
        self.read_in_worker = read_in_worker
        self.error: BaseException | None = None  # why the report could not be opened (run_review raises it)
        translate_bindings(self, self.texts)

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=self.texts("palette_placeholder"), id="--command-palette"))

    def on_mount(self) -> None:
        if self.path.is_dir():
            from app.tui.screens.triage import TriageScreen

            self.push_screen(TriageScreen(self.path, self.texts))
        elif self._session is None and self.read_in_worker:
            self.push_screen(LoadingScreen(self.path, self.texts))
        else:
            from app.review.session import ReviewSession
            from app.tui.screens.review import ReviewScreen

            self.push_screen(ReviewScreen(self._session or ReviewSession(self.path), self.texts))

    def on_loading_screen_loaded(self, message: LoadingScreen.Loaded) -> None:
        from app.tui.screens.review import ReviewScreen

        self.switch_screen(ReviewScreen(message.session, self.texts))

    def on_loading_screen_failed(self, message: LoadingScreen.Failed) -> None:
        self.error = message.error
        self.exit()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key binding of the current screen is also a command-palette entry (Textual's own
        entries are English, so only the English interface lists them)."""
        if self.texts.lang == "en":
            yield from super().get_system_commands(screen)
        for keys, description, action in help_lines(self, screen):
            if action != "command_palette":  # already open
                yield SystemCommand(description, keys, lambda action=action: self.run_action(action, screen))


def run_review(path: Path, lang: str = "zh") -> int:
    """Open the workbench. On a terminal a report is read behind the loading screen; without
    one (a script) it is read first, so a file that cannot be opened never starts the app. A
    folder's file list is found first. Either way an unreadable file, a corrupt sidecar or a
    folder without reports ends as one sentence and an exit code on the CLI's error path; a
    readable one without a terminal ends as one sentence and exit 1 (usage)."""
    path = Path(path)
    session = None
    if path.is_dir():
        from app.export.batch import SUFFIXES, discover
        from parsers.errors import UnreadableReport

        files, _ = discover([path])
        if not files:
            raise UnreadableReport(f"{path}: no report files found ({', '.join(SUFFIXES)})")
    else:
        session = session_before_the_window(path)
    if not has_terminal():
        print(f"kemu: {NEEDS_TERMINAL}", file=sys.stderr)
        return EXIT_USAGE
    app = KemuApp(path, lang, session, read_in_worker=True)
    app.run()
    if app.error is not None:
        raise app.error
    return app.return_code or 0


NEEDS_TERMINAL = "kemu review needs a terminal (its input or screen is redirected); scripts use kemu status, edit, confirm and apply"


def has_terminal() -> bool:
    """The workbench reads keys from stdin and draws on a terminal: with stdin redirected
    (``</dev/null``) Textual would wait for keys forever, at full CPU."""
    return sys.stdin.isatty() and (sys.stdout.isatty() or sys.stderr.isatty())


def session_before_the_window(path: Path) -> "ReviewSession | None":
    """The report opened before the app starts, when there is nothing to wait for: without a
    terminal (Textual draws on stderr: no progress to show), or when the matched report is in
    the cache (a read of a few milliseconds; the loading screen would only delay the table).
    Otherwise None: the loading screen reads it in a worker."""
    from app.cache import is_cached

    if sys.stderr.isatty() and not is_cached(path):
        return None
    from app.review.session import ReviewSession

    return ReviewSession(path)
