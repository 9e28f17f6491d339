"""Track editor on a real store: autosave never rewrites what is being typed, QC verdicts stay visible,
attaching checks the file first, the audio path is per track, a failed attach says why."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input
from tui_helpers import settle, type_into, wait_saved

from stardust_tui.domain.models import Track
from stardust_tui.store.db import session_scope

pytestmark = pytest.mark.anyio

SLOW_KEY_S = 0.6  # slower than the autosave delay: every key lands after a save and its reload


def write_wav(path: Path, *, rate: int = 44100, seconds: float = 1.0) -> Path:
    import numpy as np
    import soundfile

    t = np.linspace(0, seconds, int(rate * seconds), endpoint=False)
    soundfile.write(path, np.stack([np.sin(2 * np.pi * 440 * t)] * 2, axis=1) * 0.3, rate, subtype="PCM_16")
    return path


def _track(engine, track_id: int) -> Track:
    with session_scope(engine) as session:
        track = session.get(Track, track_id)
        session.expunge(track)
        return track


async def _open_on_row(app, pilot, release_id: int, row: int):
    app.open_tracks(release_id)
    await settle(app, pilot)
    editor = app.screen
    table = editor.query_one("#tracklist", DataTable)
    table.focus()
    for _ in range(row):
        await pilot.press("down")
    await settle(app, pilot)
    return editor, table


async def test_typing_slowly_while_autosave_runs_keeps_every_key(seeded, app_factory) -> None:
    engine, ids = seeded
    release_id = ids[2]  # three tracks
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        editor, table = await _open_on_row(app, pilot, release_id, 1)
        track_id = editor.track_id
        title = editor.query_one("#t-title", Input)
        start = title.value
        title.focus()
        await pilot.press("end")
        for key in " Atlas":
            await pilot.press(key)
            await asyncio.sleep(SLOW_KEY_S)
        assert title.value == start + " Atlas"  # nothing refilled under the cursor
        assert editor.track_id == track_id and table.cursor_row == 1
        await wait_saved(pilot, editor)
        await settle(app, pilot)
        assert title.value == start + " Atlas"
        assert str(table.get_row_at(1)[3]) == start + " Atlas"  # the row was updated in place
    assert _track(engine, track_id).title == start + " Atlas"


async def test_qc_verdict_of_a_lower_row_stays_after_autosave_and_revisit(seeded, app_factory,
                                                                           tmp_path: Path) -> None:
    engine, ids = seeded
    wav = write_wav(tmp_path / "take.wav")
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        editor, table = await _open_on_row(app, pilot, ids[2], 2)
        await type_into(pilot, app, "#t-audio", str(wav))
        await pilot.press("enter")
        await settle(app, pilot)
        facts = editor.query_one("#audio-facts")
        assert "QC: pass" in str(facts.render())
        await type_into(pilot, app, "#t-version", "Live")
        await wait_saved(pilot, editor)
        await settle(app, pilot)
        assert "QC: pass" in str(facts.render()) and table.cursor_row == 2
        table.focus()
        await pilot.press("up")
        await settle(app, pilot)
        assert "No audio attached" in str(facts.render())
        await pilot.press("down")
        await settle(app, pilot)
        assert "QC: pass" in str(facts.render())  # the stored file's verdict, not only right after attaching


async def test_keys_typed_while_the_tracklist_loads_change_no_track(seeded, app_factory, monkeypatch) -> None:
    """A slow store: Down, Enter and a title typed before the list arrives must not end up in a track
    (in tmux, '…Title' of the second track became 'Remix': the keys landed in the empty form, which the
    track's values then filled under the cursor)."""
    import threading

    from stardust_tui.services.tracks import TrackService

    real_load = TrackService.load
    arrive = threading.Event()  # the list "arrives" when the test says so, however slow this machine is

    def slow_load(self, release_id):  # the real read, held back like a slow network database
        arrive.wait(30)
        return real_load(self, release_id)

    monkeypatch.setattr(TrackService, "load", slow_load)
    engine, ids = seeded
    release_id = ids[2]
    with session_scope(engine) as session:
        from sqlmodel import select

        before = {t.id: t.title for t in session.exec(select(Track).where(Track.release_id == release_id))}
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_tracks(release_id)
        await pilot.pause()
        editor = app.screen
        await pilot.press("down", "enter", "end", *" Remix")
        assert not isinstance(app.focused, Input)  # the form takes no keys before it shows a track
        arrive.set()  # the list arrives; an autosave would run now
        for _ in range(100):
            if editor.track_id is not None:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.5)  # past the autosave delay: a save of typed keys would have happened
        await settle(app, pilot)
        assert editor.track_id is not None
        assert editor.query_one("#t-title", Input).value == before[editor.track_id]
        assert not editor.query_one("#track-form").disabled
    with session_scope(engine) as session:
        after = {t.id: t.title for t in session.exec(select(Track).where(Track.release_id == release_id))}
    assert after == before
