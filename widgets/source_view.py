"""The report's own text, page by page, so a reviewer sees where every number came from."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import RichLog

from app.model import Page, Provenance


class SourceView(RichLog):
    """Shows the printed lines; ``show(provenance)`` highlights the line a cell came from."""

    DEFAULT_CSS = ""

    def __init__(self, pages: tuple[Page, ...], **kwargs) -> None:
        super().__init__(wrap=False, highlight=False, markup=False, auto_scroll=False, **kwargs)
        self._pages = pages
        self._line_offsets: dict[tuple[int, int], int] = {}
        self._highlighted: Provenance | None = None

    def on_mount(self) -> None:
        self._render_pages()

    def _render_pages(self) -> None:
        self.clear()
        self._line_offsets.clear()
        offset = 0
        for page in self._pages:
            self.write(Text(f"── 第 {page.number} 页 ──", style="bold"))
            offset += 1
            for line in page.lines:
                self._line_offsets[(page.number, line.number)] = offset
                style = "reverse" if self._is_highlighted(page.number, line.number) else ""
                self.write(Text(f"{line.number:>4}  {line.text}", style=style))
                offset += 1

    @property
    def highlighted(self) -> Provenance | None:
        """The provenance currently shown (None when nothing is selected)."""
        return self._highlighted

    def _is_highlighted(self, page: int, line: int) -> bool:
        return self._highlighted is not None and (self._highlighted.page, self._highlighted.line) == (page, line)

    def show(self, provenance: Provenance | None) -> None:
        """Highlight and scroll to the printed line of ``provenance``."""
        self._highlighted = provenance
        self._render_pages()
        if provenance is None:
            return
        offset = self._line_offsets.get((provenance.page, provenance.line or 0))
        if offset is not None:
            self.scroll_to(y=max(0, offset - 5), animate=False)
