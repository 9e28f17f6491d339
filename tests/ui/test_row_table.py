"""RowTable draws one-line text cells directly instead of through Rich's renderables (start-up speed,
issue 17): every kind of cell must come out exactly as DataTable's own rendering draws it."""

from __future__ import annotations

import pytest
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult

from stardust_tui.widgets.row_table import RowTable
from stardust_tui.widgets.styling import plain

pytestmark = pytest.mark.anyio

CELLS: list[object] = [
    plain(""), plain("a"), plain("Northern Lights Atlas"), plain("A title far longer than its column is wide"),
    plain("東京事変の歌東京事変の歌"), plain("ab東京"), plain("abcdefgh東"), plain("🎵 Song"), plain("Café é"),
    plain("trailing   "), plain("Mix [/] Edition"), plain("Song [Remastered]"), plain(None),
    Text("succeeded", style=Style(color="green")), Text("", style=Style(color="red")),
    Text("bold words", style="bold red"), Text("default end\n"[:-1]), Text("with end"),
    Text("two\nlines"), Text("tab\there"), Text("styled", style=Style(bold=True), justify="right"),
    Text.assemble("mixed ", ("spans", "bold")), "plain [b]markup[/b] string", 42, 3.5, None,
]
WIDTHS = (1, 3, 8, 10, 21)


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield RowTable(id="t", zebra_stripes=True)


def _lines(table: RowTable) -> list[list[tuple[str, Style | None]]]:
    table._clear_caches()
    lines = []
    for y in range(table.size.height):
        strip = table.render_line(y)
        lines.append([(seg.text, seg.style) for seg in strip])
    return lines


def _cells(table: RowTable, rows: int, columns: int) -> list[list[tuple[str, Style | None]]]:
    """Each cell's own segments, joined where the style is the same (as the line's simplify() does)."""
    table._clear_caches()
    out = []
    for row in range(rows):
        for column in range(columns):
            for cursor in (False, True):
                width = table.ordered_columns[column].get_render_width(table)
                (line,) = table._render_cell(row, column, table.rich_style, width, cursor=cursor)
                merged: list[tuple[str, Style | None]] = []
                for seg in line:
                    if merged and merged[-1][1] == seg.style:
                        merged[-1] = (merged[-1][0] + seg.text, seg.style)
                    elif seg.text:
                        merged.append((seg.text, seg.style))
                out.append(merged)
    return out


@pytest.mark.parametrize("width", WIDTHS)
async def test_fast_cells_match_datatables_rendering(width: int) -> None:
    app = TableApp()
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.query_one(RowTable)
        for column in range(4):
            table.add_column(f"C{column}", width=width)
        for start in range(0, len(CELLS), 4):
            row = CELLS[start:start + 4]
            table.add_row(*row, *[plain("")] * (4 - len(row)))
        table.move_cursor(row=2)
        await pilot.pause()
        table.fast_cells = True
        if width >= 3:  # the direct path is taken (plain("a") in row 0, column 1)
            assert table._render_plain_cell(0, 1, table._row_locations.get_key(0), table.rich_style, width,
                                            False, False) is not None
        fast, fast_cells = _lines(table), _cells(table, table.row_count, 4)
        table.fast_cells = False
        slow, slow_cells = _lines(table), _cells(table, table.row_count, 4)
        assert fast_cells == slow_cells
        assert fast == slow


async def test_fast_cells_match_when_unfocused_and_hovered() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(RowTable)
        for label, width in (("Title", 12), ("State", 9)):
            table.add_column(label, width=width)
        for i in range(12):
            table.add_row(plain(f"Release {i} 東京"), Text("queued", style=Style(color="cyan")))
        table.blur()
        table._show_hover_cursor = True
        table.hover_coordinate = table.cursor_coordinate.down()
        await pilot.pause()
        table.fast_cells = True
        fast = _lines(table)
        table.fast_cells = False
        assert fast == _lines(table)
