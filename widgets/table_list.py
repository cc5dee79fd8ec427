"""The report's tables by canonical name; choosing one shows it."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from parsers.model import Table


class TableList(OptionList):
    class TableChosen(Message):
        """``picked``: Enter (done choosing), rather than the highlight passing over it."""

        def __init__(self, table_id: str, picked: bool = False) -> None:
            self.table_id = table_id
            self.picked = picked
            super().__init__()

    def __init__(self, tables: tuple[Table, ...], names: dict[str, str] | None = None, details: dict[str, str] | None = None, **kwargs) -> None:
        """``names``: table id → the name to show (the screen passes canonical names); ``details``:
        table id → a dim second line (how sure the identification is, and why)."""
        names, details = names or {}, details or {}
        options = []
        for t in tables:
            prompt = Text(f"{names.get(t.id) or t.title or t.kind}  ({len(t.rows)})")
            if t.id in details:
                prompt.append(f"\n{details[t.id]}", style="dim")
            options.append(Option(prompt, id=t.id))
        super().__init__(*options, **kwargs)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.post_message(self.TableChosen(event.option.id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.post_message(self.TableChosen(event.option.id, picked=True))
