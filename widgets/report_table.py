"""One extracted table as a grid: code, name, then the amount columns."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import DataTable

from app.model import Provenance, Table


class ReportTable(DataTable):
    """Posts ``CellChosen`` with the provenance of the highlighted cell."""

    class CellChosen(Message):
        def __init__(self, provenance: Provenance | None) -> None:
            self.provenance = provenance
            super().__init__()

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="cell", zebra_stripes=True, **kwargs)
        self._table: Table | None = None

    def show_table(self, table: Table) -> None:
        self._table = table
        self.clear(columns=True)
        self.add_columns("编码", "名称", *[c.label for c in table.columns])
        for row in table.rows:
            cells = [row.cells.get(c.key) for c in table.columns]
            values = ["" if cell is None or cell.value is None else f"{cell.value:,}" for cell in cells]
            self.add_row(row.code or "", row.name, *values, key=row.id)

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        if self._table is None or not self._table.rows:
            return
        row = self._table.rows[event.coordinate.row]
        column_index = event.coordinate.column - 2
        if 0 <= column_index < len(self._table.columns):
            cell = row.cells.get(self._table.columns[column_index].key)
            self.post_message(self.CellChosen(cell.provenance if cell else row.provenance))
        else:
            self.post_message(self.CellChosen(row.provenance))
