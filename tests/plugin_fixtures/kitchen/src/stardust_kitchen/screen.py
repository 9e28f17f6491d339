"""A TUI screen: the number of releases in the catalog, read in a thread worker."""

from __future__ import annotations

from typing import Any

from stardust_tui.plugin import PaletteCommand, ScreenPlugin


class AcmeBoard(ScreenPlugin):
    name = "acme-board"
    title = "Acme board"
    help = "How many releases the catalog holds"

    def make_screen(self, app: Any) -> Any:
        from textual import work
        from textual.app import ComposeResult
        from textual.binding import Binding
        from textual.screen import Screen
        from textual.widgets import Static

        class Board(Screen[None]):
            BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="acme-back", tooltip="Close the board")]

            def compose(self) -> ComposeResult:
                yield Static("Acme board: counting…", id="acme-count")

            def on_mount(self) -> None:
                self.count()

            @work(thread=True, exclusive=True, group="acme-board")
            def count(self) -> None:
                page = self.app.services.releases.list(limit=1)
                total = getattr(page, "total", None)
                self.app.call_from_thread(self.query_one("#acme-count", Static).update,
                                          f"Acme board: {total} release(s)")

        return Board()

    def commands(self, app: Any) -> list[PaletteCommand]:
        return [PaletteCommand("Acme: say hello", lambda a: a.notify("hello from acme"), "A plugin's palette entry")]
