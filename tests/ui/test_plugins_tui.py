"""Plugins in the TUI (issue 16): a plugin screen and its command in the palette, the style-guide rule pack's
findings and fix lines in the catalog's readiness check (user text shown as typed, never as markup), and a
plugin that failed to load as a warning toast; with the plugins installed for real (tests/plugin_site.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import screen_text, settle, wait_until

from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import load_release, save_release

pytestmark = pytest.mark.anyio


async def _palette(app, pilot, text: str) -> None:  # noqa: ANN001
    await pilot.press("ctrl+p")
    await settle(app, pilot)
    await pilot.press(*text)
    await pilot.pause(0.5)
    await pilot.press("enter")
    await settle(app, pilot)


async def test_a_plugin_screen_and_command_in_the_palette(plugins_on: Path, seeded, app_factory) -> None:
    engine, ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        await _palette(app, pilot, "Open Acme board")
        assert type(app.screen).__name__ == "Board"
        assert await wait_until(pilot, lambda: f"Acme board: {len(ids)} release(s)" in screen_text(app), timeout=30)
        await pilot.press("escape")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "CatalogScreen"
        await _palette(app, pilot, "Acme: say hello")
        assert any(n.message == "hello from acme" for n in app._notifications)
        # only the screens group was looked at: the plugins that fail in other groups were not even imported
        assert not [n for n in app._notifications if n.title == "Plugin"]


async def test_the_readiness_check_shows_the_rule_pack_with_fixes(plugins_on: Path, seeded, app_factory) -> None:
    engine, _ = seeded
    app = app_factory(engine)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        rid = app.screen.selected_id()
        with session_scope(engine) as s:  # user text that looks like markup
            release = load_release(s, rid)
            release.title = "Night Signals [live]"
            release.p_line = "[b]Some[/b] Label Ltd"
            save_release(s, release, actor="test")
        await pilot.press("r")
        assert await wait_until(pilot, lambda: any(n.title == "Readiness" for n in app._notifications), timeout=30)
        toast = next(n for n in app._notifications if n.title == "Readiness")
        lines = toast.message.splitlines()
        assert ("! title: 'Night Signals [live]' has its version in square brackets: it goes in the version field, "
                "shown as 'Night Signals (live)'") in lines
        assert '   fix: title "Night Signals", version "live"' in lines
        assert "✗ p_line: the P line names '[b]Some[/b] Label Ltd', not the label 'Stardust Records'" in lines
        assert await wait_until(pilot, lambda: "'[b]Some[/b] Label Ltd'" in screen_text(app), timeout=10)
        # the rules ran, so the rule plugins that failed to load are one warning toast each
        problems = [n.message for n in app._notifications if n.title == "Plugin"]
        assert len([p for p in problems if "stardust-broken" in p]) == 1
        assert any(p.startswith("plugin stardust-future 2.0.0 is written for plugin API 2") for p in problems)


async def test_no_plugin_in_the_palette_when_they_are_off(plugins_on: Path, seeded, app_factory) -> None:
    from stardust_tui import plugin_loader

    plugin_loader.configure(off=True)
    engine, _ = seeded
    app = app_factory(engine)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        await _palette(app, pilot, "Open Acme board")
        assert type(app.screen).__name__ != "Board"
        assert not [n for n in app._notifications if n.title == "Plugin"]
