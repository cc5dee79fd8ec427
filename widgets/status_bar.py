"""One line of progress: mappings confirmed, open findings, saved state."""

from __future__ import annotations

from textual.widgets import Static


class StatusBar(Static):
    def show(self, text: str) -> None:
        self.update(text)
