"""Release wizard on a real store: step keys from every widget, refused saves, one draft per wizard."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlmodel import func, select
from textual import events
from textual.widgets import DataTable, Input
from tui_helpers import LONG_RUNNING_GROUPS, screen_text, settle, type_into, wait_saved, wait_until

from stardust_tui.domain.models import Release
from stardust_tui.store.db import session_scope

pytestmark = pytest.mark.anyio


async def press_like_a_terminal(pilot, key: str, character: str | None) -> None:
    """Send a key as Textual's terminal parser does: ESC n arrives as ``alt+n`` carrying the character
    ``n`` (Pilot's own press() leaves the character out, which hides the bug)."""
    event = events.Key(key, character)
    event.set_sender(pilot.app)
    pilot.app._driver.send_message(event)
    await pilot.pause()
    await pilot.pause()


def _active(wizard) -> str:
    return wizard.query_one("#wizard-steps").active


async def test_step_keys_work_from_every_widget_and_focus_the_step(seeded, app_factory) -> None:
    engine, ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_release(ids[2])
        await settle(app, pilot)
        wizard = app.screen
        title = wizard.query_one("#f-title", Input)
        await wait_until(pilot, lambda: title.value != "")
        start = title.value
        title.focus()
        await pilot.pause()
        await press_like_a_terminal(pilot, "alt+n", "n")  # the input had all its text selected
        assert title.value == start
        assert _active(wizard) == "step-tracks"
        assert isinstance(app.focused, DataTable)  # the step's first field has focus
        await pilot.press("pagedown")  # the tracks table used to swallow it
        await pilot.pause()
        assert _active(wizard) == "step-artwork" and app.focused.id == "cover-path"
        await press_like_a_terminal(pilot, "alt+p", "p")
        assert _active(wizard) == "step-tracks"
        await press_like_a_terminal(pilot, "alt+n", "n")
        await press_like_a_terminal(pilot, "alt+n", "n")
        await press_like_a_terminal(pilot, "alt+n", "n")
        assert _active(wizard) == "step-deals"
        assert app.focused is wizard.query_one("#wizard-deals")  # the deals list (a table) has focus
        await pilot.press("pagedown")  # the deal lists swallowed it too
        await pilot.pause()
        assert _active(wizard) == "step-review"
        await pilot.press("pageup", "pageup", "pageup", "pageup", "pageup")
        await pilot.pause()
        assert _active(wizard) == "step-basics" and app.focused is title
        assert title.value == start
        await asyncio.sleep(0.8)
        await settle(app, pilot)
        assert wizard.pending == {}  # nothing was typed, nothing saved
    with session_scope(engine) as session:
        assert session.get(Release, ids[2]).title == start


async def test_step_keys_in_quick_succession_all_count(seeded, app_factory) -> None:
    """Two step keys in one read of the terminal (alt+p alt+p, a held key repeating): both move, and the
    step the last one reached keeps focus (the first step's deferred focus used to pull the wizard back)."""
    engine, ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_release(ids[2])
        await settle(app, pilot)
        wizard = app.screen
        title = wizard.query_one("#f-title", Input)
        await wait_until(pilot, lambda: title.value != "")
        start = title.value
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        assert _active(wizard) == "step-artwork"
        for key in ("alt+p", "alt+p"):  # queued together, as the terminal parser delivers them
            event = events.Key(key, "p")
            event.set_sender(app)
            app._driver.send_message(event)
        await settle(app, pilot)
        assert _active(wizard) == "step-basics" and app.focused is title
        for key in ("pagedown", "pagedown", "pagedown"):
            event = events.Key(key, None)
            event.set_sender(app)
            app._driver.send_message(event)
        await settle(app, pilot)
        assert _active(wizard) == "step-metadata"
        assert app.focused is not None and wizard.query_one("#step-metadata") in app.focused.ancestors
        assert title.value == start


async def test_footer_shows_only_keys_that_work(sqlite_engine, app_factory) -> None:
    app = app_factory(sqlite_engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        shown = screen_text(app)
        assert "pgdn Next" in shown and "ERN" not in shown and "^t" not in shown  # nothing saved yet
        await type_into(pilot, app, "#f-title", "Footer Test")
        await wait_saved(pilot, app.screen)
        await settle(app, pilot)
        assert app.screen.release_id is not None
        assert "ERN" in screen_text(app)


async def test_a_refused_save_keeps_the_edits_names_the_field_and_asks_on_leave(seeded, app_factory) -> None:
    from stardust_tui.widgets.confirm import ConfirmModal

    engine, ids = seeded
    with session_scope(engine) as session:
        taken = session.get(Release, ids[0]).upc
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_release(ids[1])
        await settle(app, pilot)
        wizard = app.screen
        await wait_until(pilot, lambda: wizard.query_one("#f-title", Input).value != "")
        await type_into(pilot, app, "#f-upc", taken)  # another release's UPC: the store refuses it
        await type_into(pilot, app, "#f-catalog_number", "CAT-77")
        await wait_saved(pilot, wizard)
        await settle(app, pilot)
        message = str(wizard.query_one("#field-upc .field-msg").render())
        assert "already belongs to release" in message
        assert wizard.query_one("#f-upc", Input).value == taken  # still what was typed
        await type_into(pilot, app, "#f-version", "Deluxe")  # later saves still work
        await wait_saved(pilot, wizard)
        await settle(app, pilot)
        with session_scope(engine) as session:
            release = session.get(Release, ids[1])
            assert (release.catalog_number, release.version) == ("CAT-77", "Deluxe") and release.upc != taken
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "upc" in screen_text(app)
        await pilot.press("n")  # stay
        await settle(app, pilot)
        assert app.screen is wizard and wizard.query_one("#f-upc", Input).value == taken


async def test_a_slow_store_still_makes_one_draft(sqlite_engine, app_factory, monkeypatch) -> None:
    from stardust_tui.services.drafts import DraftService

    real_save = DraftService.save

    def slow_save(self, release_id, changes):  # the real save, after a network-database-like delay
        time.sleep(1.5)
        return real_save(self, release_id, changes)

    monkeypatch.setattr(DraftService, "save", slow_save)
    app = app_factory(sqlite_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        wizard = app.screen
        wizard.query_one("#f-title", Input).focus()
        for key in "Slow Store":
            await pilot.press(key)
            await asyncio.sleep(0.6)  # several autosaves start while the first create is still running
        busy = lambda: [w for w in app.workers if w.is_running and w.group not in LONG_RUNNING_GROUPS]  # noqa: E731
        await asyncio.sleep(1.0)
        await wait_until(pilot, lambda: not wizard.pending and not busy(), timeout=30)
        await settle(app, pilot)
    with session_scope(sqlite_engine) as session:
        titles = session.exec(select(Release.title)).all()
        assert titles == ["Slow Store"], titles
        assert session.exec(select(func.count()).select_from(Release)).one() == 1
