"""Pilot flows on a real SQLite store and real files: the release wizard and the track editor."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import Checkbox
from tui_helpers import settle, type_into, wait_saved

from stardust_tui.domain.models import Release, Track
from stardust_tui.store.db import session_scope

pytestmark = pytest.mark.anyio


async def test_wizard_creates_and_autosaves_a_release(sqlite_engine, app_factory) -> None:
    from stardust_tui.screens.release_wizard import ReleaseWizardScreen
    from stardust_tui.widgets.confirm import ConfirmModal

    app = app_factory(sqlite_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        wizard = app.screen
        assert isinstance(wizard, ReleaseWizardScreen)
        await type_into(pilot, app, "#f-title", "Blue Meridian")
        await type_into(pilot, app, "#f-artists", "Ada Vale, Kit Moss")
        await type_into(pilot, app, "#f-upc", "19000000099")  # 11 digits: the hint names the check digit
        await pilot.pause()
        upc_field = wizard.query_one("#field-upc")
        assert upc_field.has_class("-invalid")
        message = str(upc_field.query_one(".field-msg").render())
        assert "check digit for 19000000099 is" in message
        await wait_saved(pilot, wizard)
        await settle(app, pilot)
        assert wizard.release_id is not None
        with session_scope(sqlite_engine) as session:
            release = session.get(Release, wizard.release_id)
            assert release.title == "Blue Meridian" and release.display_artist == "Ada Vale & Kit Moss"
            assert release.upc is None  # the invalid value was never saved
        await pilot.press("escape")  # an invalid field: leaving asks
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is wizard
        from stardust_tui.domain.identifiers import gtin_check_digit

        good = "19000000099" + str(gtin_check_digit("19000000099"))
        await type_into(pilot, app, "#f-upc", good)
        await wait_saved(pilot, wizard)
        await settle(app, pilot)
        assert not wizard.invalid and not wizard.pending
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, ReleaseWizardScreen)
        with session_scope(sqlite_engine) as session:
            assert session.get(Release, wizard.release_id).upc == good
            assert session.exec(select(Release).where(Release.title == "Blue Meridian")).one().revision >= 2


async def test_opening_a_release_changes_nothing(seeded, app_factory) -> None:
    engine, ids = seeded
    with session_scope(engine) as session:
        before = session.get(Release, ids[2])
        revision, release_type = before.revision, before.release_type
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_release(ids[2])
        await settle(app, pilot)
        await asyncio.sleep(0.8)  # longer than the autosave delay
        await settle(app, pilot)
        assert app.screen.pending == {} and app.screen.query_one("#s-release_type").value == release_type
        await pilot.press("escape")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "CatalogScreen"  # nothing unsaved: no question
    with session_scope(engine) as session:
        after = session.get(Release, ids[2])
        assert (after.revision, after.release_type) == (revision, release_type)


async def test_track_editor_adds_moves_and_attaches_audio(seeded, app_factory, tmp_path: Path) -> None:
    import numpy as np
    import soundfile

    engine, ids = seeded
    release_id = ids[0]  # one track
    wav = tmp_path / "take.wav"
    t = np.linspace(0, 2, 88200, endpoint=False)
    soundfile.write(wav, np.stack([np.sin(2 * np.pi * 440 * t)] * 2, axis=1) * 0.3, 44100, subtype="PCM_16")
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_tracks(release_id)
        await settle(app, pilot)
        editor = app.screen
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert len(editor.tracks) == 2
        table = editor.query_one("#tracklist")
        table.focus()
        await pilot.press("down")
        await pilot.pause()
        new_id = editor.track_id
        await pilot.press("shift+up")  # the new track becomes number 1
        await settle(app, pilot)
        assert editor.tracks[new_id].track_number == 1
        await type_into(pilot, app, "#t-isrc", "XX12")
        await pilot.pause()
        assert "ISRC" in str(editor.query_one("#track-msg").render())
        await type_into(pilot, app, "#t-isrc", "GB-ABC-26-00042")
        await type_into(pilot, app, "#t-credits", "Ann Lee: Composer; Bo Ray: Producer")
        editor.query_one("#t-explicit", Checkbox).value = True
        await wait_saved(pilot, editor)
        await settle(app, pilot)
        await type_into(pilot, app, "#t-audio", str(wav))
        await pilot.press("enter")
        await settle(app, pilot)
        facts = str(editor.query_one("#audio-facts").render())
        assert "QC:" in facts and "44100" in facts
    with session_scope(engine) as session:
        track = session.get(Track, new_id)
        assert track.isrc == "GBABC2600042" and track.explicit and track.audio_asset_id is not None
        assert sorted(c.role for c in track.credits) == ["Composer", "Producer"]
        assert track.duration_seconds == pytest.approx(2.0, abs=0.05)
