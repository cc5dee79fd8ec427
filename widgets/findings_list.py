"""The check findings; Enter jumps to the cell a finding points at."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

_MARK = {"error": "[red]✗[/]", "warning": "[yellow]![/]", "info": "[dim]·[/]"}


class FindingsList(OptionList):
    class FindingChosen(Message):
        def __init__(self, index: int) -> None:
            self.index = index
            super().__init__()

    def show_findings(self, findings: list) -> None:
        highlighted = self.highlighted
        self.clear_options()
        for index, finding in enumerate(findings):
            pages = ",".join(str(p) for p in sorted({l.page for l in finding.locations}))
            self.add_option(Option(f"{_MARK[finding.severity]} p.{pages} {finding.message}", id=str(index)))
        if highlighted is not None and highlighted < self.option_count:
            self.highlighted = highlighted

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.post_message(self.FindingChosen(int(event.option.id)))
