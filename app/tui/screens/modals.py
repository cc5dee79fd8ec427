"""Small modal screens: a validated number editor, a catalog search box, the key list."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from app.review.operations import amount_problem


class EditScreen(ModalScreen[str | None]):
    """Type the correct amount; Enter accepts only a number (or - for no value), Esc cancels.
    Enter on the empty field cancels too: an amount is removed only by typing -."""

    BINDINGS = [("escape", "dismiss(None)", "Cancel")]

    def __init__(self, prompt: str, raw: str, invalid: str) -> None:
        super().__init__()
        self.prompt, self.raw, self.invalid = prompt, raw, invalid

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.prompt)
            yield Input(placeholder=self.raw, id="amount")
            yield Static("", id="error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self.dismiss(None)
        elif amount_problem(value) is None:  # the rule every edit passes (CLI, workbench, sidecar)
            self.dismiss(value)
        else:
            self.query_one("#error", Static).update(self.invalid.format(value=value))


class SearchScreen(ModalScreen[str | None]):
    """A code or a name to look up in the catalog."""

    BINDINGS = [("escape", "dismiss(None)", "Cancel")]

    def __init__(self, prompt: str) -> None:
        super().__init__()
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.prompt)
            yield Input(id="query")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)


class HelpScreen(ModalScreen[None]):
    """Every key of the screen behind it, and how to close this list."""

    BINDINGS = [("escape", "dismiss", "close"), ("question_mark", "dismiss", "close"), ("q", "dismiss", "close")]

    def __init__(self, title: str, lines: list[tuple[str, str, str]], close: str) -> None:
        """``lines``: (keys, what they do, action), as ``i18n.help_lines`` gives them."""
        super().__init__()
        self.title_text, self.lines, self.close = title, lines, close

    def compose(self) -> ComposeResult:
        width = max((cell_len(keys) for keys, _, _ in self.lines), default=0)
        table = "\n".join(f"{keys}{' ' * (width - cell_len(keys))}   {what}" for keys, what, _ in self.lines)
        with VerticalScroll(id="dialog"):
            yield Label(f"[b]{self.title_text}[/b] · [dim]{self.close}[/dim]")
            yield Static(table, markup=False)
