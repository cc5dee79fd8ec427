"""The selected row's candidate 科目: code, full 类/款/项 path, score; choosing one posts a message."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from parsers.model import Row


def entry_prompt(code: str, path: tuple[str, ...], score: float) -> Text:
    """Code and the entry's own name first (what a reviewer compares with the printed line, and
    what a narrow panel must keep), then the score and the 类/款 above it, dim."""
    prompt = Text(f"{code} " if code else "", style="bold")
    prompt.append(path[-1] if path else "")
    above = " / ".join(path[:-1])
    prompt.append(f"  {score:.0f}" + (f" · {above}" if above else ""), style="dim")
    return prompt


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
            # a summary-table label's code is an internal key: its printed name says it all
            code = "" if m.kind == "summary" else c.code
            self.add_option(Option(entry_prompt(code, c.path or (c.name,), c.score), id=c.code))
        self._highlight_first()

    def show_search(self, results: list[tuple[str, str, float]]) -> None:
        self.clear_options()
        for code, path, score in results:
            self.add_option(Option(entry_prompt(code, tuple(path.split(" / ")), score), id=code))
        self._highlight_first()

    def _highlight_first(self) -> None:
        """The first entry is shown selected, and it is the one Enter picks (Up/Down move from it)."""
        self.highlighted = 0 if self.option_count else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.post_message(self.CandidateChosen(event.option.id))
