"""What the workbench just said (the problem walked to, a refusal, a warning), in a line of the
layout above the status bar rather than a toast over it: a toast drawn across panel borders
loses the CJK characters that straddle them (Textual issue 6357), and at 80×24 it covered
the status counts. The line folds away when there is nothing to say; a long message wraps as
Chinese does (widgets/chinese_text.py)."""

from __future__ import annotations

from textual.timer import Timer
from textual.widgets import Static

from widgets.chinese_text import ChineseText

STYLES = {"information": "", "warning": "bold yellow", "error": "bold red"}
SECONDS = 6.0  # how long a message stays when the caller gives no timeout


class MessageLine(Static):
    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.said: list[str] = []  # every message, in order (what a reviewer was told)
        self._timer: Timer | None = None

    def on_mount(self) -> None:
        self.display = False

    def say(self, message: str, severity: str = "information", timeout: float | None = None) -> None:
        self.said.append(message)
        self.update(ChineseText(message, STYLES.get(severity, "")))
        self.display = True
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(timeout or SECONDS, self.clear)

    def clear(self) -> None:
        self.update("")
        self.display = False
