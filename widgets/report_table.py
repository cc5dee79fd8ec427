"""One table of the reviewed report: code, name, mapped 科目, amounts; cells coloured by state.

States: edited (a reviewer's correction), failing a check, low-confidence mapping,
confirmed. The widget only displays what the screen gives it and reports what the
reviewer points at; it decides nothing.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from parsers.model import Provenance, Row, Table

_EDITED = "bold yellow"
_FAILING = "bold white on dark_red"
_REVIEW = "magenta"
_CONFIRMED = "green"
_AUTO = "dim"
FIRST_BATCH = 120  # enough for any screen
BATCH = 400
MAPPED_COLUMN = 2  # where the cursor goes for a question about the row's 科目


def short_labels(labels: list[str]) -> list[str]:
    """Each header path cut to its shortest tail that still tells the columns apart
    ("本年支出/基本支出" → "基本支出", but "收入/金额" and "支出/金额" stay whole): room for amounts."""
    parts = [label.split("/") for label in labels]
    out = []
    for path in parts:
        for size in range(1, len(path) + 1):
            tail = path[-size:]
            if sum(other[-size:] == tail for other in parts) == 1 or size == len(path):
                out.append("/".join(tail))
                break
    return out


class ReportTable(DataTable):
    """Posts ``CellChosen`` (row id, column key, provenance) as the cursor moves."""

    class CellChosen(Message):
        def __init__(self, table_id: str, row_id: str, column: str | None, provenance: Provenance | None) -> None:
            self.table_id = table_id
            self.row_id = row_id
            self.column = column
            self.provenance = provenance
            super().__init__()

    def __init__(self, **kwargs) -> None:
        # code and name stay in view while the cursor walks right through the amounts
        super().__init__(cursor_type="cell", zebra_stripes=True, fixed_columns=2, **kwargs)
        self.table: Table | None = None
        self.name_width = 40  # cells; the screen narrows these on small terminals
        self.mapped_width = 32
        self.failing: set[tuple[str, str | None]] = set()
        self._pending: list[Row] = []
        self.headers = ("编码", "名称", "对应科目")

    def show_table(self, table: Table, failing: set[tuple[str, str | None]], headers: tuple[str, str, str] | None = None) -> None:
        self.table, self.failing = table, failing
        self.headers = headers or self.headers
        self.clear(columns=True)
        self.add_column(self.headers[0], key="__code")
        names = max((cell_len(r.name) for r in table.rows), default=0)
        self.add_column(self.headers[1], key="__name", width=max(cell_len(self.headers[1]), min(names, self.name_width)))
        self.add_column(self.headers[2], key="__match", width=self.mapped_width)
        for column, label in zip(table.columns, short_labels([c.label for c in table.columns])):
            self.add_column(label, key=column.key)
        self._pending = list(table.rows)
        self._load_more(FIRST_BATCH)

    def _load_more(self, count: int = BATCH) -> None:
        """Fill the grid in batches after the first screen, so a 2,000-row table opens at once."""
        batch, self._pending = self._pending[:count], self._pending[count:]
        for row in batch:
            self.add_row(*self._cells(row), key=row.id)
        if self._pending:
            self.call_after_refresh(self._load_more)

    def _flush(self) -> None:
        if self._pending:
            self._load_more(len(self._pending))

    def update_row(self, row: Row, failing: set[tuple[str, str | None]]) -> None:
        """Redraw one row in place (after an edit or a decision), not the whole table."""
        self.failing = failing
        if any(r is row or r.id == row.id for r in self._pending):
            self._pending = [row if r.id == row.id else r for r in self._pending]
            return
        keys = ["__code", "__name", "__match", *(c.key for c in self.table.columns)] if self.table else []
        for key, value in zip(keys, self._cells(row)):
            self.update_cell(row.id, key, value)

    def _cells(self, row: Row) -> list[Text]:
        match = row.match
        mapped = Text("")
        if match is not None and match.kind == "subject" and match.code:
            style = _CONFIRMED if match.decision == "confirmed" else _REVIEW if match.decision in ("review", "rejected") else _AUTO
            mark = "✓ " if match.decision == "confirmed" else "? " if match.decision == "review" else ""
            mapped = Text(f"{mark}{match.code} {match.name or ''}", style=style)
            mapped.truncate(self.mapped_width, overflow="ellipsis")
        elif match is not None and match.decision == "confirmed":
            mapped = Text("✓", style=_CONFIRMED)
        name_style = "strike dim" if row.ignored else (_FAILING if (row.id, None) in self.failing else "")
        name = Text(row.name, style=name_style)
        name.truncate(self.name_width, overflow="ellipsis")
        cells = [Text(row.code or ""), name, mapped]
        for column in self.table.columns if self.table else ():
            cell = row.cells.get(column.key)
            text = "" if cell is None or cell.value is None else f"{cell.value:,}"
            style = _FAILING if (row.id, column.key) in self.failing else _EDITED if cell is not None and cell.status == "edited" else ""
            cells.append(Text(text, style=style, justify="right"))
        return cells

    def select(self, row_id: str, column: str | None) -> None:
        """Move the cursor to a row's cell, or to its mapped 科目 when no column is given."""
        if self.table is None:
            return
        rows = [r.id for r in self.table.rows]
        if row_id not in rows:
            return
        self._flush()
        keys = [c.key for c in self.table.columns]
        col = 3 + keys.index(column) if column in keys else MAPPED_COLUMN
        self.move_cursor(row=rows.index(row_id), column=col)

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        if self.table is None or not self.table.rows or event.coordinate.row >= len(self.table.rows):
            return
        if event.coordinate != self.cursor_coordinate:
            return  # stale: the cursor moved on (a table was filled, then a jump placed it)
        row = self.table.rows[event.coordinate.row]
        index = event.coordinate.column - 3
        column = self.table.columns[index].key if 0 <= index < len(self.table.columns) else None
        cell = row.cells.get(column) if column else None
        self.post_message(self.CellChosen(self.table.id, row.id, column, cell.provenance if cell else row.provenance))
