"""The Textual app: a thin shell that picks the first screen and offers every action in the palette.

All behaviour lives in the screens (app/tui/screens) and widgets (widgets/); all decisions
in the review session (app/review.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from app.batch import SUFFIXES, discover
from app.review import ReviewSession
from app.tui.i18n import Texts, help_lines, translate_bindings
from app.tui.palette import JumpProvider
from app.tui.screens.review import ReviewScreen
from app.tui.screens.triage import TriageScreen
from parsers.errors import UnreadableReport


class KemuApp(App):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute, so subclasses elsewhere find it
    TITLE = "kemu"
    COMMANDS = App.COMMANDS | {JumpProvider}
    BINDINGS = [Binding("ctrl+p", "command_palette", "palette", show=False, priority=True)]

    def __init__(self, path: Path, lang: str = "zh", session: ReviewSession | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.texts = Texts(lang)
        self._session = session
        translate_bindings(self, self.texts)

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=self.texts("palette_placeholder"), id="--command-palette"))

    def on_mount(self) -> None:
        if self.path.is_dir():
            self.push_screen(TriageScreen(self.path, self.texts))
        else:
            self.push_screen(ReviewScreen(self._session or ReviewSession(self.path), self.texts))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key binding of the current screen is also a command-palette entry (Textual's own
        entries are English, so only the English interface lists them)."""
        if self.texts.lang == "en":
            yield from super().get_system_commands(screen)
        for keys, description, action in help_lines(self, screen):
            if action != "command_palette":  # already open
                yield SystemCommand(description, keys, lambda action=action: self.run_action(action, screen))


def run_review(path: Path, lang: str = "zh") -> int:
    """Open the workbench. The report (or the folder's file list) is read before the screen
    starts, so an unreadable file, a corrupt sidecar or a folder without reports is one
    sentence and an exit code from the CLI's error path, never a traceback in the app."""
    path = Path(path)
    session = None
    if path.is_dir():
        files, _ = discover([path])
        if not files:
            raise UnreadableReport(f"{path}: no report files found ({', '.join(SUFFIXES)})")
    else:
        session = ReviewSession(path)
    app = KemuApp(path, lang, session)
    app.run()
    return app.return_code or 0
