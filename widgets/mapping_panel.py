"""The selected row's candidate 科目: code, full 类/款/项 path, score; choosing one posts a message."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from parsers.model import Row


class MappingPanel(OptionList):
    class CandidateChosen(Message):
        def __init__(self, code: str) -> None:
            self.code = code
            super().__init__()

    def show_row(self, row: Row | None, why: str = "") -> None:
        """The row's candidates; ``why`` (decision and reason, in the interface language) goes under the border."""
        self.clear_options()
        self.border_subtitle = why
        if row is None or row.match is None:
            return
        m = row.match
        for c in m.candidates:
            path = " / ".join(c.path) if c.path else c.name
            # a summary-table label's code is an internal key: its printed name says it all
            code = "" if m.kind == "summary" else c.code
            self.add_option(Option(f"{code:8s} {c.score:5.1f}  {path}", id=c.code))

    def show_search(self, results: list[tuple[str, str, float]]) -> None:
        self.clear_options()
        for code, path, score in results:
            self.add_option(Option(f"{code:8s} {score:5.1f}  {path}", id=code))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.post_message(self.CandidateChosen(event.option.id))
