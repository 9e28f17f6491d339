"""A row-cursor table whose Home/End go to the first/last row (DataTable's scroll to the first/last
column, which is not what a list of releases, tracks or deliveries needs)."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable


class RowTable(DataTable):
    """DataTable for lists: row cursor, Home/End jump to the first/last row."""

    BINDINGS = [
        Binding("home", "first_row", "First row", id="table-first-row", tooltip="Go to the first row", show=False),
        Binding("end", "last_row", "Last row", id="table-last-row", tooltip="Go to the last row", show=False),
    ]

    def __init__(self, *, id: str | None = None, zebra_stripes: bool = False, classes: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=zebra_stripes, classes=classes)

    def action_first_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=0)

    def action_last_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)
