"""Audit log screen (issue 15): the CLI's filters (entity, actor, since, action), each entry's field-level changes,
older pages, the hash chain verified (intact, then broken by an edit behind Stardust's back), a bad filter as a
message, and a label-limited user seeing only their labels' entries, exactly as the CLI does."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from textual.widgets import DataTable
from tui_helpers import settle, type_into

from stardust_tui.services import Services
from stardust_tui.services.actor import Actor
from stardust_tui.store.releases import create_release

pytestmark = pytest.mark.anyio


def rows(app, table: str = "#audit-entries") -> list[list[str]]:
    widget = app.screen.query_one(table, DataTable)
    return [[str(c) for c in widget.get_row_at(i)] for i in range(widget.row_count)]


def head(app) -> str:
    return str(app.screen.query_one("#audit-head").render())


def edits(settings, engine) -> None:
    ann = Services(settings, engine, actor=Actor("ann"))
    ann.releases.edit(3, title="Paper Moons [Deluxe]", genre="Ambient")
    Services(settings, engine, actor=Actor("bob")).releases.set_status(2, "draft")


async def test_filters_changes_and_the_chain(seeded, settings, app_factory) -> None:
    engine, _ids = seeded
    edits(settings, engine)
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_audit()
        await settle(app, pilot)
        first = rows(app)
        assert len(first) == 26 and head(app) == "26 entries (all)"  # 24 creations, ann's edit, bob's status
        assert [(r[2], r[3], r[4]) for r in first[:2]] == [("bob", "set-status", "release:2"),
                                                           ("ann", "edit", "release:3")]
        await pilot.press("down")
        await settle(app, pilot)
        assert rows(app, "#audit-changes") == [["genre", "Electronic", "Ambient"],
                                               ["title", "Paper Moons 3", "Paper Moons [Deluxe]"]]
        title = str(app.screen.query_one("#audit-changes-title").render())
        assert title == "Entry #25 · edit release:3 by ann: 2 changed fields"
        await type_into(pilot, app, "#audit-actor", "ann")
        await pilot.press("enter")
        await settle(app, pilot)
        assert [(r[2], r[3]) for r in rows(app)] == [("ann", "edit")] and head(app) == "1 entry (actor ann)"
        await type_into(pilot, app, "#audit-actor", "")
        await type_into(pilot, app, "#audit-entity", "release:3")
        await pilot.press("enter")
        await settle(app, pilot)
        assert [r[3] for r in rows(app)] == ["edit", "create"]
        await type_into(pilot, app, "#audit-since", "2099-01-01")
        await pilot.press("enter")
        await settle(app, pilot)
        assert rows(app) == [] and head(app) == "0 entries (entity release:3, since 2099-01-01)"
        await type_into(pilot, app, "#audit-since", "yesterday")
        await pilot.press("enter")
        await settle(app, pilot)
        assert head(app) == "since: 'yesterday' is not a date as YYYY-MM-DD"
        await type_into(pilot, app, "#audit-since", "")
        await type_into(pilot, app, "#audit-entity", "release:999")
        await pilot.press("enter")
        await settle(app, pilot)
        assert head(app) == "no release with id 999"
        app.screen.query_one("#audit-entries").focus()
        await pilot.press("v")
        await settle(app, pilot)
        assert head(app) == "audit chain intact: 26 entries checked, head #26"
        with engine.begin() as conn:
            conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 25"))
        await pilot.press("v")
        await settle(app, pilot)
        assert head(app) == ("audit chain BROKEN: entry #25 (id 25, edit release 3) was changed after it was "
                             "written: its content does not match its hash")


async def test_older_pages_load_with_m(seeded, app_factory, monkeypatch: pytest.MonkeyPatch) -> None:
    from stardust_tui.screens import audit as audit_screen

    monkeypatch.setattr(audit_screen, "PAGE", 10)
    engine, _ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_audit()
        await settle(app, pilot)
        assert len(rows(app)) == 10 and head(app) == "10 entries (all) · m: older entries"
        await pilot.press("m", "m")
        await settle(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        assert [r[1] for r in rows(app)] == [str(n) for n in range(24, 0, -1)] and head(app) == "24 entries (all)"


async def test_a_label_limited_user_sees_their_labels_entries(seeded, settings, app_factory,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from stardust_tui.services import actor as actor_mod
    from stardust_tui.store.db import session_scope

    engine, _ids = seeded
    with session_scope(engine) as s:
        create_release(s, actor="seed", title="Moon Only", artists=["Nobody"], label="Moon Music")
    owner = Services(settings, engine, actor=Actor("olga"))
    owner.users.add("stella", "viewer", ["Moon Music"])
    monkeypatch.setattr(actor_mod, "os_user", lambda: "stella")
    monkeypatch.delenv("STARDUST_ACTOR", raising=False)
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_audit()
        await settle(app, pilot)
        assert [(r[3], r[4]) for r in rows(app)] == [("add-user", "user:stella"), ("add-user", "user:olga"),
                                                     ("create", "release:25")]
        app.screen.query_one("#audit-entries").focus()
        await pilot.press("v")
        await settle(app, pilot)
        assert head(app).startswith("verifying the audit chain reads every label's entries")
