"""The deliver dialog: readiness first, release/target/type named, only allowed types, confirm; the chosen
target (not the first) gets the delivery; takedowns ask again; nothing is queued on cancel or while
blocking errors remain; bracketed titles show literally."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from tui_helpers import settle

from stardust_tui.delivery.targets import add_target
from stardust_tui.domain.delivery_models import Delivery, ReleaseTargetStatus
from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import load_release, save_release
from tests.integration.delivery_release import make_release

pytestmark = pytest.mark.anyio


def shown_ids(app) -> set[str]:
    """Binding ids the footer shows now (check_action False hides a binding)."""
    return {b.binding.id for b in app.screen.active_bindings.values() if b.binding.show and b.enabled}


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def deliveries(engine) -> list[tuple[int, int, str, int]]:
    with session_scope(engine) as s:
        return [(d.release_id, d.target_id, d.message_type, d.priority) for d in s.exec(select(Delivery))]


@pytest.fixture
def ready(settings, sqlite_engine, tmp_path: Path):
    """A release that passes every check (real audio and cover) and two folder targets."""
    rid = make_release(sqlite_engine, settings, tmp_path / "src")
    with session_scope(sqlite_engine) as s:
        first = add_target(s, settings.paths, name="alpha-inbox", url=f"file://{tmp_path / 'a'}").id
        second = add_target(s, settings.paths, name="beta-inbox", url=f"file://{tmp_path / 'b'}").id
    return sqlite_engine, rid, first, second


async def test_not_ready_release_cannot_be_sent(seeded, settings, app_factory) -> None:
    engine, ids = seeded  # seeded releases have no cover and no audio
    with session_scope(engine) as s:
        add_target(s, settings.paths, name="dsp", url="file:///srv/dsp")
    app = app_factory(engine)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        app.open_deliver(ids[0])
        await settle(app, pilot)
        assert "Glass Horizons 1" in text_of(app, "#deliver-title")
        check = text_of(app, "#deliver-check")
        assert "Not ready" in check and "cover" in check
        assert "deliver-send" not in shown_ids(app) and "deliver-cancel" in shown_ids(app)
        assert app.screen.query_one("#deliver-go").disabled
        await pilot.press("d")
        await settle(app, pilot)
        assert deliveries(engine) == []
        await pilot.press("escape")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "CatalogScreen"


async def test_chosen_target_gets_the_delivery(ready, app_factory) -> None:
    engine, rid, first, second = ready
    app = app_factory(engine)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        app.open_deliver(rid)
        await settle(app, pilot)
        screen = app.screen
        assert screen.query_one("#type-new").value and screen.query_one("#type-takedown").disabled
        assert screen.query_one("#type-update").disabled and screen.query_one("#type-purge").disabled
        assert "purge: never delivered to alpha-inbox: nothing to purge" in text_of(app, "#deliver-type-notes")
        assert "Ready" in text_of(app, "#deliver-check") and "alpha-inbox" in text_of(app, "#deliver-check")
        await pilot.press("down")  # the second target
        await settle(app, pilot)
        assert "beta-inbox" in text_of(app, "#deliver-check") and "beta-inbox" in text_of(app, "#deliver-summary")
        assert "deliver-send" in shown_ids(app)
        await pilot.press("tab", "tab", "space")  # past the radio set to "High priority"
        await settle(app, pilot)
        assert "high priority" in text_of(app, "#deliver-summary")
        await pilot.press("d")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "CatalogScreen"
    assert deliveries(engine) == [(rid, second, "new", 10)]


async def test_takedown_asks_again_and_update_is_default_once_delivered(ready, app_factory) -> None:
    engine, rid, first, _ = ready
    with session_scope(engine) as s:
        s.add(ReleaseTargetStatus(release_id=rid, target_id=first, status="ack-ok"))
    app = app_factory(engine)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        app.open_deliver(rid, target_id=first)
        await settle(app, pilot)
        screen = app.screen
        assert screen.query_one("#type-update").value and not screen.query_one("#type-takedown").disabled
        assert "acknowledged OK" in str(screen.query_one("#deliver-targets").get_option_at_index(0).prompt)
        screen.query_one("#deliver-types").focus()
        await pilot.press("down", "enter")  # update -> takedown
        await settle(app, pilot)
        assert screen.query_one("#type-takedown").value
        assert "takedown to alpha-inbox" in text_of(app, "#deliver-check")
        await pilot.press("d")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ConfirmModal"
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen is screen and deliveries(engine) == []
        await pilot.press("d")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
    assert deliveries(engine) == [(rid, first, "takedown", 0)]


async def test_release_changed_meanwhile_is_refused_and_shown(ready, app_factory) -> None:
    engine, rid, first, _ = ready
    app = app_factory(engine)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        app.open_deliver(rid)
        await settle(app, pilot)
        assert "Ready" in text_of(app, "#deliver-check")
        with session_scope(engine) as s:  # another session removes the genre after the check
            rel = load_release(s, rid)
            rel.genre = None
            save_release(s, rel, actor="other")
        await pilot.press("d")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "DeliverDialog"
        assert "genre" in text_of(app, "#deliver-check")
        assert any("not ready: genre" in n.message for n in app._notifications)
    assert deliveries(engine) == []


async def test_bracketed_title_is_shown_literally(ready, app_factory) -> None:
    engine, rid, _, _ = ready
    with session_scope(engine) as s:
        rel = load_release(s, rid)
        rel.title = "Mix [/] Edition [Remastered]"
        save_release(s, rel, actor="t")
    app = app_factory(engine)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        app.open_deliver(rid)
        await settle(app, pilot)
        assert "“Mix [/] Edition [Remastered]”" in text_of(app, "#deliver-title")
        assert "Mix [/] Edition [Remastered]" in text_of(app, "#deliver-summary")


async def test_a_delivery_can_be_scheduled_and_a_bad_time_sends_nothing(ready, app_factory) -> None:
    from datetime import UTC, datetime, timedelta

    from textual.widgets import Input

    engine, rid, first, _ = ready
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_deliver(rid)
        await settle(app, pilot)
        screen = app.screen
        assert "Ready" in text_of(app, "#deliver-check")
        screen.query_one("#deliver-at", Input).focus()
        await pilot.press(*"tomorrow")
        await settle(app, pilot)
        assert "not a date and time: 'tomorrow'" in text_of(app, "#deliver-summary")
        assert "deliver-send" not in shown_ids(app) and screen.query_one("#deliver-go").disabled
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen and deliveries(engine) == []
        screen.query_one("#deliver-at", Input).value = ""
        await pilot.press(*"2020-01-01 09:00")
        await settle(app, pilot)
        assert "in the past" in text_of(app, "#deliver-summary") and screen.query_one("#deliver-go").disabled
        day = (datetime.now() + timedelta(days=2)).date()
        screen.query_one("#deliver-at", Input).value = ""
        await pilot.press(*f"{day} 09:30")
        await settle(app, pilot)
        assert f"not before {day} 09:30" in text_of(app, "#deliver-summary")
        assert not screen.query_one("#deliver-go").disabled  # (d types a "d" here, so Enter delivers)
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "CatalogScreen"
    assert deliveries(engine) == [(rid, first, "new", 0)]
    with session_scope(engine) as s:
        scheduled = s.exec(select(Delivery)).one().scheduled_at
    wanted = datetime(day.year, day.month, day.day, 9, 30).astimezone().astimezone(UTC)
    assert scheduled.replace(tzinfo=UTC) == wanted


async def test_no_enabled_target_names_the_key_that_opens_targets(seeded, app_factory) -> None:
    engine, ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_deliver(ids[0])
        await settle(app, pilot)
        hint = text_of(app, "#deliver-check")
        assert "No enabled delivery target" in hint
        key = hint.rsplit("(", 1)[1].rstrip(").")
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press(key)  # the key the hint names
        await settle(app, pilot)
        assert type(app.screen).__name__ == "TargetsScreen"
