"""Text wrapped as Chinese is: a line may end between any two characters, never inside a number.

Rich breaks lines only at spaces: a message of CJK text with spaced figures ("2010804 为 135.00
万元") left ragged half-empty lines, and folding cut 135.00 in two.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.text import Text

#: What may not be cut at a line end: a number (135.00, 2010804, 1/2) or a Latin word, and a
#: character from the closing punctuation after it; between any other characters a line may end.
_UNBROKEN = re.compile(r"(?:[0-9A-Za-z.,%/_\-]+|.)[”’，。、；：！？）》]*")


class ChineseText:
    """A renderable: ``text`` in ``style``, its lines (``\\n``) wrapped to the width given."""

    def __init__(self, text: str, style: str = "") -> None:
        self.text, self.style = text, style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        width = max(options.max_width, 1)
        for paragraph in self.text.split("\n"):
            line, used = "", 0
            for token in _UNBROKEN.findall(paragraph):
                size = cell_len(token)
                if line and used + size > width:
                    yield Text(line.rstrip(), style=self.style, overflow="fold")  # fold: a token wider than the line
                    line, used = "", 0
                if not line and token == " ":
                    continue
                line, used = line + token, used + size
            yield Text(line, style=self.style, overflow="fold")
