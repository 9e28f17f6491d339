"""Command palette providers: every action of the current screen, plus going to a screen, the tools
(workers, import, export) and themes.

Screens list :class:`ScreenCommands` in their ``COMMANDS``; it turns the screen's described
``BINDINGS`` into palette entries, so the palette and the footer can never disagree. The app adds
:class:`NavigationCommands` (go to catalog/targets/deliveries, pick a Stardust theme).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider


def _screen_entries(screen) -> Iterator[tuple[str, Callable[[], object], str]]:
    seen: set[str] = set()
    for cls in type(screen).__mro__:
        for binding in cls.__dict__.get("BINDINGS", []):
            if not isinstance(binding, Binding) or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            help_text = binding.tooltip or binding.description
            yield binding.description, partial(screen.run_action, binding.action), help_text


class ScreenCommands(Provider):
    """The described bindings of the screen the palette was opened on."""

    async def discover(self) -> Hits:
        for name, command, help_text in _screen_entries(self.screen):
            yield DiscoveryHit(name, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, command, help_text in _screen_entries(self.screen):
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, help=help_text)


class NavigationCommands(Provider):
    """Go to a main screen, open import/export/workers, or switch to one of the Stardust themes."""

    def _entries(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        app = self.app
        shown: set[str] = set()
        for mode, label in (("catalog", "Catalog"), ("targets", "Targets"), ("deliveries", "Deliveries")):
            yield f"Go to {label}", partial(app.switch_mode, mode), f"Show the {label.lower()} screen"
        for name, method, help_text in (
                ("Workers", "open_workers", "Delivery workers running (daemons and TUI sessions, hosts)"),
                ("Import a catalog file", "open_import", "Map the columns of a CSV/Excel/JSON file and import it"),
                ("Export releases", "open_export", "Write the catalog or chosen releases as JSON or CSV")):
            if hasattr(app, method):
                shown.add(name)
                yield name, getattr(app, method), help_text
        # screens of issue 17/14 (tui-new): opened over the current screen
        for label, method, help_text in (
                ("Import a catalog file", "open_import", "Preview, map, check and import a CSV, Excel or JSON file"),
                ("Export releases", "open_export", "Write the catalog or picked releases as JSON or CSV"),
                ("Workers", "open_workers", "Delivery workers running on every host (daemons and TUI sessions)"),
                ("Audit log", "open_audit", "Who changed what and when, with the changed fields (issue 15)"),
                ("Health (doctor)", "open_health", "Check the database, schemas, targets, workers and speed "
                 "(issue 13)"),
                ("Notifications", "action_open_notifications", "Recent notifications (f6, the header's ✉ count) "
                 "and the channels' health (issue 10)")):
            if hasattr(app, method) and label not in shown:  # each screen once (both lists name some)
                shown.add(label)
                yield label, getattr(app, method), help_text
        for name in sorted(getattr(app, "stardust_themes", {})):
            yield f"Theme: {name}", partial(setattr, app, "theme", name), f"Switch the colours to {name}"

    async def discover(self) -> Hits:
        for name, command, help_text in self._entries():
            yield DiscoveryHit(name, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, command, help_text in self._entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, help=help_text)
