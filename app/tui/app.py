"""The Textual app: a thin shell that picks the first screen and offers every action in the palette.

All behaviour lives in the screens (app/tui/screens) and widgets (widgets/); all decisions
in the review session (app/review.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.screen import Screen

from app.review import ReviewSession
from app.tui.i18n import Texts
from app.tui.screens.review import ReviewScreen
from app.tui.screens.triage import TriageScreen


class KemuApp(App):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute, so subclasses elsewhere find it
    TITLE = "kemu"

    def __init__(self, path: Path, lang: str = "zh", session: ReviewSession | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.texts = Texts(lang)
        self._session = session

    def on_mount(self) -> None:
        if self.path.is_dir():
            self.push_screen(TriageScreen(self.path, self.texts))
        else:
            self.push_screen(ReviewScreen(self._session or ReviewSession(self.path), self.texts))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key binding of the current screen is also a command-palette entry."""
        yield from super().get_system_commands(screen)
        for bindings in screen._bindings.key_to_bindings.values():
            for binding in bindings:
                yield SystemCommand(binding.description, binding.key, lambda action=binding.action: self.run_action(action, screen))


def run_review(path: Path, lang: str = "zh") -> int:
    KemuApp(path, lang).run()
    return 0
