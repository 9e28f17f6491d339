"""User text is shown as typed on every screen, never parsed as Rich/Textual markup.

Titles such as ``Mix [/] Edition`` (a closing tag: a MarkupError crash) and ``Song [Remastered]`` (a tag
that silently disappears) are seeded into a real store and every screen, dialog, toast and validation
message is visited; the terminal text must show them literally, and rule ids such as ``[XSD]`` too.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from tui_helpers import FIXED_NOW, screen_text, seed_catalog, settle, type_into, wait_until

from stardust_tui.store.db import session_scope

pytestmark = pytest.mark.anyio

TITLE = "Mix [/] Edition"
ARTIST = "Nova [Live]"
TRACK = "Song [Remastered]"
ERROR = "rejected by DSP: [XSD] value '[0-9]{12}' [/b]"


def seed_bracketed(engine, settings) -> int:
    from stardust_tui.delivery.targets import add_target
    from stardust_tui.domain.delivery_models import Delivery
    from stardust_tui.store.releases import content_hash, create_release, load_release
    from stardust_tui.worker.events import Event, JsonLineLog
    from stardust_tui.worker.queue import enqueue

    with session_scope(engine) as session:
        release = create_release(
            session, actor="seed", title=TITLE, artists=[ARTIST], label="[bold]Label", release_type="single",
            tracks=[{"title": TRACK, "display_artist": ARTIST, "isrc": "QZDA22699901"}])
        session.flush()
        release_id = int(release.id)
        target = add_target(session, settings.paths, name="dsp-brackets", url="file:///srv/[in]box")
        d = enqueue(session, release_id=release_id, target_id=target.id,
                    content_hash=content_hash(load_release(session, release_id)))
        d = session.get(Delivery, d.id)
        d.state, d.attempts, d.last_error = "failed", 5, ERROR
        session.add(d)
    JsonLineLog(settings.paths.delivery_log_file).append(Event(
        message=f"attempt 5 failed permanently: {ERROR}", level="error", delivery_id=1, target_id=1,
        at=FIXED_NOW + timedelta(seconds=1)))
    return release_id


def _shows(app, *texts: str) -> None:
    shown = screen_text(app)
    for text in texts:
        assert text in shown, f"{text!r} is not on screen:\n{shown}"


async def test_every_screen_shows_bracketed_text_literally(sqlite_engine, settings, app_factory) -> None:
    from stardust_tui.errors import ValidationError
    from stardust_tui.screens.catalog import CatalogScreen
    from stardust_tui.widgets.confirm import ConfirmModal

    seed_catalog(sqlite_engine, count=3)
    release_id = seed_bracketed(sqlite_engine, settings)
    app = app_factory(sqlite_engine)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        catalog = app.screen
        assert isinstance(catalog, CatalogScreen)
        _shows(app, TITLE, ARTIST)
        # the status line repeats the search text
        await pilot.press("slash", *"Mix [/]")
        await settle(app, pilot)
        _shows(app, "“Mix [/]”")
        await pilot.press("enter")
        await pilot.pause()
        assert catalog.selected_id() == release_id
        # delete confirmation: the crash of the issue (MarkupError on "[/]")
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmModal)
        _shows(app, f"Delete “{TITLE}”")
        await pilot.press("n")
        await settle(app, pilot)
        # readiness toast (its findings quote titles)
        await pilot.press("r")
        await settle(app, pilot)
        await wait_until(pilot, lambda: app._notifications)
        _shows(app, "Readiness")
        # toasts of failures and finished deliveries carry user/DSP text too
        app.notify(f"Delivery 1 failed: {ERROR}", severity="error")
        catalog.notify(f"{TRACK} saved")
        app.worker_failed(type("W", (), {"error": ValidationError(ERROR, where=TITLE), "name": "save"})())
        await pilot.pause()
        _shows(app, "[XSD] value", "'[0-9]{12}' [/b]", f"{TRACK} saved", f"{TITLE}: rejected")
        app.clear_notifications()

        # release wizard: the tracks step lists the track title; a bad language quotes what was typed
        app.open_release(release_id)
        await settle(app, pilot)
        wizard = app.screen
        await wait_until(pilot, lambda: wizard.query_one("#f-title").value == TITLE)
        wizard.query_one("#wizard-steps").active = "step-tracks"
        await settle(app, pilot)
        _shows(app, TRACK)
        wizard.query_one("#wizard-steps").active = "step-metadata"
        await settle(app, pilot)
        await type_into(pilot, app, "#f-language", "[en]")
        await pilot.pause()
        _shows(app, "'[en]' is not an ISO 639")
        wizard.query_one("#f-language").value = ""
        await pilot.pause()
        wizard.query_one("#wizard-steps").active = "step-review"
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)

        # track editor: table, contributor validation, delete confirmation
        app.open_tracks(release_id)
        await settle(app, pilot)
        _shows(app, TRACK, ARTIST)
        await type_into(pilot, app, "#t-version", "[Live] Version")
        await settle(app, pilot)
        _shows(app, "[Live] Version")
        await type_into(pilot, app, "#t-credits", "[b]Composer")
        await pilot.pause()
        _shows(app, "[b]Composer")
        editor = app.screen
        editor.query_one("#tracklist").focus()
        await editor.run_action("delete")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmModal)
        _shows(app, f"Delete track “{TRACK}”")
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)

        # ERN preview: validation results keep their [rule] ids and XSD patterns
        app.open_ern(release_id)
        await settle(app, pilot)
        ern = app.screen
        assert await wait_until(pilot, lambda: ern.message is not None, timeout=60), screen_text(app)
        from stardust_tui.ern.rules import Issue

        ern.message.report.issues.append(Issue("XSD", 3, "value 'ABC' does not match pattern '[0-9]{12}'"))
        ern.show(ern.message)
        await pilot.pause()
        _shows(app, "[0-9]{12}", "[XSD]")
        await pilot.press("escape")
        await settle(app, pilot)

        # targets and deliveries (table, error column, live log, delivery picker)
        await pilot.press("2")
        await settle(app, pilot)
        _shows(app, "file:///srv/[in]box")
        await pilot.press("3")
        await settle(app, pilot)
        await wait_until(pilot, lambda: "[XSD]" in screen_text(app))
        _shows(app, TITLE, "rejected by DSP: [XSD]")
        await pilot.press("1")
        await settle(app, pilot)
        catalog.query_one("#releases").focus()
        await pilot.press("s")
        await settle(app, pilot)
        _shows(app, "dsp-brackets")
