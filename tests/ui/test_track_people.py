"""Track editor, issue 17's missing capabilities: featured artists and remixers, contributors with DDEX roles
in the CSV import's ``Role: Name`` format (completer and picker), and multi-disc track lists — saved in a
real store and carried into the ERN message."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Input
from tui_helpers import screen_text, settle, type_into, wait_saved, wait_until

from stardust_tui.domain.models import Track
from stardust_tui.store.db import session_scope

pytestmark = pytest.mark.anyio


def _tracks(engine, release_id: int) -> list[tuple[int, int, str]]:
    with session_scope(engine) as session:
        rows = session.exec(select(Track).where(Track.release_id == release_id)).all()
        return sorted((t.disc_number, t.track_number, t.title) for t in rows)


async def _editor(app, pilot, release_id: int):
    app.open_tracks(release_id)
    await settle(app, pilot)
    return app.screen


async def test_artists_by_role_and_ddex_contributors_are_saved_and_sent(seeded, app_factory) -> None:
    engine, ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        editor = await _editor(app, pilot, ids[0])
        track_id = editor.track_id
        await type_into(pilot, app, "#t-artists", "Ada Vale; Earth, Wind & Fire")
        await type_into(pilot, app, "#t-featured", "Bo Ray")
        await type_into(pilot, app, "#t-remixers", "DJ Sol")
        await type_into(pilot, app, "#t-credits", "Mastering Engineer: Cy Lee; Guitar: Al Dee; Ann Lee: Producer")
        assert editor.query_one("#t-display_artist", Input).value == "Ada Vale & Earth, Wind & Fire feat. Bo Ray"
        await wait_saved(pilot, editor)
        await settle(app, pilot)
        assert "✗" not in str(editor.query_one("#track-msg").render())
    with session_scope(engine) as session:
        track = session.get(Track, track_id)
        artists = [(a.party.name, a.role) for a in sorted(track.artists, key=lambda a: a.sequence)]
        credits = sorted((c.party.name, c.role, c.instrument) for c in track.credits)
        display = track.display_artist
    assert artists == [("Ada Vale", "MainArtist"), ("Earth, Wind & Fire", "MainArtist"),
                       ("Bo Ray", "FeaturedArtist"), ("DJ Sol", "Remixer")]
    assert credits == [("Al Dee", "Musician", "Guitar"), ("Ann Lee", "Producer", None),
                       ("Cy Lee", "MasteringEngineer", None)]
    assert display == "Ada Vale & Earth, Wind & Fire feat. Bo Ray"
    app = app_factory(engine)  # reopened: the form shows them back in the shared format
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        editor = await _editor(app, pilot, ids[0])
        shown = editor.query_one("#t-credits", Input).value
        assert shown == "MasteringEngineer: Cy Lee; Guitar: Al Dee; Producer: Ann Lee"
        assert editor.query_one("#t-featured", Input).value == "Bo Ray"
        app.open_ern(ids[0])
        await settle(app, pilot)
        assert await wait_until(pilot, lambda: app.screen.message is not None, timeout=60)
        xml = app.screen.message.text
    assert "FeaturedArtist" in xml and "MasteringEngineer" in xml and "Bo Ray" in xml


async def test_an_unknown_role_is_refused_naming_close_ddex_roles(seeded, app_factory) -> None:
    engine, ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        editor = await _editor(app, pilot, ids[0])
        await type_into(pilot, app, "#t-credits", "Masterring Enginer: Cy Lee")
        await pilot.pause()
        message = str(editor.query_one("#track-msg").render())
        assert "not a DDEX contributor role" in message and "MasteringEngineer" in message


async def test_roles_complete_as_typed_and_come_from_the_picker(seeded, app_factory) -> None:
    from stardust_tui.widgets.roles import RolePickerModal

    engine, ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        editor = await _editor(app, pilot, ids[0])
        await type_into(pilot, app, "#t-credits", "masteringe")
        await pilot.pause(0.3)
        await pilot.press("right")  # take the suggestion
        await pilot.press(*"Cy Lee")
        box = editor.query_one("#t-credits", Input)
        assert box.value == "MasteringEngineer: Cy Lee"
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, RolePickerModal)
        await pilot.press(*"mixing")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is editor and app.focused is box
        await pilot.press(*"Dee Mix")
        assert box.value == "MasteringEngineer: Cy Lee; MixingEngineer: Dee Mix"


async def test_multi_disc_track_lists(seeded, app_factory) -> None:
    engine, ids = seeded
    release_id = ids[2]  # three tracks on disc 1
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        editor = await _editor(app, pilot, release_id)
        table = editor.query_one("#tracklist", DataTable)
        table.focus()
        await pilot.press("end")
        await settle(app, pilot)
        third = editor.tracks[editor.track_id].title
        await type_into(pilot, app, "#t-disc_number", "2")  # the last track opens disc 2
        await wait_saved(pilot, editor)
        await settle(app, pilot)
        assert _tracks(engine, release_id)[-1] == (2, 1, third)
        await pilot.press("ctrl+n")  # a new track on the highlighted track's disc
        await settle(app, pilot)
        assert (2, 2, "New track") in _tracks(engine, release_id)
        table.focus()
        table.move_cursor(row=table.get_row_index(str(editor.track_id)))
        await pilot.press("shift+up")  # first of disc 2 -> last of disc 1
        await settle(app, pilot)
        assert _tracks(engine, release_id)[2] == (1, 3, third)
        await pilot.press("shift+down")  # and back to the start of disc 2
        await settle(app, pilot)
        assert (2, 1, third) in _tracks(engine, release_id)
        assert [d for d, _, _ in _tracks(engine, release_id)] == [1, 1, 2, 2]
        assert "Disc" in screen_text(app)
