"""Plugin screens and their commands in the command palette (``stardust.screens``, issue 16).

:class:`PluginCommands` is one more palette provider of the app: "Open <title>" for each plugin screen,
plus the commands each screen plugin adds. Plugins are looked for when the palette opens — in a thread
(``asyncio.to_thread``), never on the event loop — and a plugin that failed to load is one warning toast
(:func:`show_plugin_problems`, also called by the catalog's readiness check, which runs plugin rules).
A plugin screen or command that raises is an error toast naming it; the app keeps running. A plugin's palette
labels and help are shown as plain text, never parsed as markup (toasts are always plain, see app.notify).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

Entry = tuple[str, Callable[[], object], str]


def _load() -> list[Any]:
    from stardust_tui.plugin_points import screens

    return screens()


def show_plugin_problems(app: Any) -> None:
    """Toast each plugin problem not shown yet (call on the event loop)."""
    from stardust_tui.plugin_loader import host

    problems = host().problems
    shown = getattr(app, "_plugin_problems_shown", 0)
    for line in problems[shown:]:
        app.notify(line, title="Plugin", severity="warning", timeout=10)
    app._plugin_problems_shown = len(problems)


def _run(app: Any, what: str, action: Callable[[], object]) -> None:
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - a plugin's bug: one toast, the app keeps running
        app.notify(f"{what} failed: {type(exc).__name__}: {exc}", title="Plugin", severity="error", timeout=10)


def open_plugin_screen(app: Any, plugin: Any) -> None:
    """Push a plugin's screen (made now, so a plugin's own import of Textual happens only when it is opened)."""
    _run(app, f"plugin screen {plugin.name}", lambda: app.push_screen(plugin.make_screen(app)))


class PluginCommands(Provider):
    """'Open <screen>' for each plugin screen, and the commands its plugin adds."""

    async def startup(self) -> None:
        self._screens = await asyncio.to_thread(_load)
        show_plugin_problems(self.app)

    def _entries(self) -> Iterator[Entry]:
        app = self.app
        for plugin in getattr(self, "_screens", []):
            yield f"Open {plugin.title}", partial(open_plugin_screen, app, plugin), plugin.help or plugin.name
            try:
                extra = list(plugin.commands(app))
            except Exception as exc:  # noqa: BLE001
                app.notify(f"plugin screen {plugin.name}: commands failed: {exc}", title="Plugin", severity="error")
                continue
            for cmd in extra:
                yield cmd.label, partial(_run, app, f"plugin command {cmd.label!r}", partial(cmd.run, app)), cmd.help

    async def discover(self) -> Hits:
        for name, command, help_text in self._entries():
            yield DiscoveryHit(Content(name), command, help=escape(help_text) if help_text else None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, command, help_text in self._entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, help=escape(help_text) if help_text else None)
