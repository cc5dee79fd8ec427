"""The report's tables by canonical name; choosing one shows it."""

from __future__ import annotations

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

    def __init__(self, tables: tuple[Table, ...], names: dict[str, str] | None = None, **kwargs) -> None:
        """``names``: table id → the name to show (the screen passes canonical names)."""
        names = names or {}
        options = [Option(f"{names.get(t.id) or t.title or t.kind}  ({len(t.rows)})", id=t.id) for t in tables]
        super().__init__(*options, **kwargs)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.post_message(self.TableChosen(event.option.id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.post_message(self.TableChosen(event.option.id, picked=True))
