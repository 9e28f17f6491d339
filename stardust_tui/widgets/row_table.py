"""A row-cursor table whose Home/End go to the first/last row (DataTable's scroll to the first/last
column, which is not what a list of releases, tracks or deliveries needs), and whose one-line text
cells are drawn without Rich's layout machinery.

DataTable draws every cell through ``console.render_lines(Styled(Padding(cell)))``: measuring, wrapping,
justifying, padding and cropping a Rich renderable, about a fifth of a millisecond per cell. A screen of
the catalog is ~290 cells, drawn again after every page change, cursor style change or theme change, and
at start-up it was the largest single cost of the first frame after the imports. Our cells are single-line
:class:`~rich.text.Text` (``widgets.styling.plain`` / ``state_text``) in one-line rows, so
:meth:`RowTable._render_cell` builds the same segments directly (tests/ui/test_row_table.py compares both
ways on every kind of text: wide characters cut at the edge, styles, empty, cursor, zebra rows) and
leaves anything else (headers, labels, other renderables, multi-line or tabbed text) to DataTable.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

_PLAIN_OVERFLOW = (None, "fold", "crop")  # both cut at the width, as set_cell_size does
_PLAIN_JUSTIFY = (None, "default")


class RowTable(DataTable):
    """DataTable for lists: row cursor, Home/End jump to the first/last row."""

    BINDINGS = [
        Binding("home", "first_row", "First row", id="table-first-row", tooltip="Go to the first row", show=False),
        Binding("end", "last_row", "Last row", id="table-last-row", tooltip="Go to the last row", show=False),
    ]

    fast_cells = True
    """Draw one-line text cells directly (False: always through DataTable's own rendering, for tests)."""

    def __init__(self, *, id: str | None = None, zebra_stripes: bool = False, classes: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=zebra_stripes, classes=classes)
        self._plain_console: bool | None = None

    def action_first_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=0)

    def action_last_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False) -> Any:
        """DataTable's cell rendering (same cache, same key), with a direct path for one-line text."""
        if not self.fast_cells or row_index < 0 or column_index < 0:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        cache_key = (row_key, column_key, base_style, cursor, hover, self._show_hover_cursor, self._update_count,
                     self._pseudo_class_state)
        cache = self._cell_render_cache
        if cache_key in cache:
            return cache[cache_key]
        lines = self._render_plain_cell(row_index, column_index, row_key, base_style, width, cursor, hover)
        if lines is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        cache[cache_key] = lines
        return lines

    def _render_plain_cell(self, row_index: int, column_index: int, row_key: Any, base_style: Style, width: int,
                           cursor: bool, hover: bool) -> list[list[Segment]] | None:
        """The segments Rich would produce for a one-line Text cell in a one-line row, or None if the cell is
        anything else (then DataTable renders it)."""
        row = self.rows.get(row_key)
        pad = self.cell_padding
        inner = width - 2 * pad
        if row is None or row.height != 1 or inner < 1 or row_index < self.fixed_rows \
                or column_index < self.fixed_columns:
            return None
        cell = self._get_row_renderables(row_index).cells[column_index]
        if not isinstance(cell, Text) or cell._spans or cell.no_wrap is False \
                or cell.overflow not in _PLAIN_OVERFLOW or cell.justify not in _PLAIN_JUSTIFY:
            return None
        if self._plain_console is None:  # the app console's defaults (building its options costs per cell)
            options = self.app.console_options
            self._plain_console = options.justify in _PLAIN_JUSTIFY and options.overflow in _PLAIN_OVERFLOW
        if not self._plain_console:
            return None
        text = cell.plain
        if "\n" in text or "\t" in text:
            return None
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css")
        pre_style = base_style + Style.from_meta({"row": row_index, "column": column_index}) + component_style
        # Styled(Padding(cell)): padding and fill take the pre style, the text pre + its own style; then post.
        own_style = self.app.console.get_style(cell.style) if isinstance(cell.style, str) else cell.style
        space_style = pre_style
        text_style = pre_style + own_style if cell.style else pre_style
        if post_style:
            space_style = space_style + post_style
            text_style = text_style + post_style
        if cell_len(text) > inner:
            text = set_cell_size(text, inner)
        line = [Segment(" " * pad, space_style)] if pad else []
        if text:
            line.append(Segment(text, text_style))
        fill = inner - cell_len(text)
        if fill > 0:
            line.append(Segment(" " * fill, space_style))
        if pad:
            line.append(Segment(" " * pad, space_style))
        return [line]
