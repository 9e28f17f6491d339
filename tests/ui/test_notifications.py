"""The notifications panel and the unread count in every screen's header (issue 10), on a real store."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import update
from textual.widgets import DataTable, Static
from textual.widgets._header import HeaderTitle
from tui_helpers import seed_catalog, seed_deliveries, settle

from stardust_tui.domain.notify_models import NotifyChannel
from stardust_tui.notify.outbox import record
from stardust_tui.services import Services
from stardust_tui.services.actor import Actor
from stardust_tui.worker.queue import write_tx

pytestmark = pytest.mark.anyio


def _header(app) -> str:
    return str(app.screen.query_one(HeaderTitle).content)


async def _watch_once(app, pilot) -> None:
    app.notify_watch.poll()
    await settle(app, pilot)


def _waiting_on_locks(conn) -> int:
    """Sessions of this database waiting for a lock (PostgreSQL's own view)."""
    return conn.exec_driver_sql("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                "AND wait_event_type = 'Lock'").scalar_one()


def _toasts(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_unread_count_toasts_and_the_panel(seeded, app_factory, settings) -> None:
    engine, ids = seeded
    seed_deliveries(engine, settings, ids)
    with write_tx(engine) as conn:
        record(conn, "release.ready", summary="{release} is ready [b]for delivery[/b]", release_id=ids[0])
        record(conn, "delivery.failed", summary="{release} to {target} failed", release_id=ids[2], target_id=2,
               data={"delivery_id": 3, "error": "ConnectionRefusedError: [Errno 111] refused"})
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.first_rows_shown()
        await _watch_once(app, pilot)
        assert _header(app).endswith("✉ 2!")  # two unread, one of them an error
        assert _toasts(app) == []  # events from before the app started are not toasted
        with write_tx(engine) as conn:
            record(conn, "ack.rejected", summary="{target} rejected {release}", release_id=ids[1], target_id=1,
                   data={"error_text": "Missing artwork", "proposed_action": "Redeliver"})
        await _watch_once(app, pilot)
        assert _header(app).endswith("✉ 3!")
        assert any("rejected" in t for t in _toasts(app))

        app.open_workers()  # reachable from any screen
        await settle(app, pilot)
        assert _header(app).endswith("✉ 3!")
        await pilot.press("f6")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "NotificationsScreen"
        table = app.screen.query_one("#notify-events", DataTable)
        assert table.row_count == 3
        assert [str(table.get_row_at(r)[3]) for r in range(3)] == ["ack.rejected", "delivery.failed", "release.ready"]
        assert not _header(app).endswith("!")  # opened: all read
        services = Services(settings=settings, engine_source=engine, actor=app.services.actor)
        assert services.notifications.unread() == (0, 0)
        await pilot.press("down", "down")
        detail = str(app.screen.query_one("#notify-detail", Static).render())
        assert "is ready [b]for delivery[/b]" in detail  # user text as written, never markup
        assert "enter: this release's deliveries" in detail
        await pilot.press("up")
        await settle(app, pilot)
        assert "enter: open delivery 3" in str(app.screen.query_one("#notify-detail", Static).render())
        await pilot.press("enter")  # the failed delivery opens
        await settle(app, pilot)
        assert type(app.screen).__name__ == "DeliveryDetailScreen"


async def test_a_failing_channel_is_shown_and_warned_about(seeded, app_factory, settings) -> None:
    engine, _ids = seeded
    services = Services(settings=settings, engine_source=engine, actor=Actor("ops", roles=("admin",)))
    services.notifications.add("webhook", "pager", {"url": "http://127.0.0.1:9/x"})
    services.notifications.add("webhook", "archive", {"url": "http://127.0.0.1:9/y"})
    with write_tx(engine) as conn:
        conn.execute(update(NotifyChannel.__table__).where(NotifyChannel.__table__.c.name == "pager").values(
            consecutive_failures=4, last_error="127.0.0.1:9: ConnectError: [Errno 111] Connection refused"))
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.first_rows_shown()
        await _watch_once(app, pilot)
        assert _header(app).endswith("✉ !")
        assert any(t.startswith("notification channel pager is failing (4 failures in a row") for t in _toasts(app))
        await pilot.press("f6")
        await settle(app, pilot)
        head = str(app.screen.query_one("#notify-head", Static).render())
        assert "No events yet" in head and "archive ok" in head and "pager FAILING" in head
        assert "Connection refused" in head
        await pilot.press("escape")
        await asyncio.sleep(0)
        assert type(app.screen).__name__ == "CatalogScreen"


async def test_the_palette_opens_the_panel(seeded, app_factory) -> None:
    engine, _ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"notifications")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "NotificationsScreen"


@pytest.mark.postgres
async def test_a_locked_outbox_never_blocks_the_screen(pg_engine, app_factory) -> None:
    """The outbox table is locked by another session (a long migration, a stuck transaction): the header's
    check and the panel wait in threads, keys still work at once, a check still waiting is not started again,
    and leaving the panel before its rows came is no error. Once the lock goes, everything shows."""
    ids = seed_catalog(pg_engine, count=3)
    with write_tx(pg_engine) as conn:
        record(conn, "release.ready", summary="{release} is ready", release_id=ids[0])
    app = app_factory(pg_engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.first_rows_shown()
        await _watch_once(app, pilot)
        assert _header(app).endswith("✉ 1")
        locker = pg_engine.connect()
        tx = locker.begin()
        locker.exec_driver_sql("LOCK TABLE notify_event IN ACCESS EXCLUSIVE MODE")
        try:
            for _ in range(3):
                app.notify_watch.poll()
                await pilot.pause(0.05)
            await pilot.pause(0.3)
            # one check waits for the lock; the next polls do not pile threads (and pooled connections) behind it
            assert _waiting_on_locks(locker) == 1
            await pilot.press("f6")
            await pilot.pause(0.2)
            assert type(app.screen).__name__ == "NotificationsScreen"
            assert "Loading" in str(app.screen.query_one("#notify-head", Static).render())
            loop = asyncio.get_running_loop()
            started = loop.time()
            await pilot.press("escape")  # the event loop answers while the panel's read waits
            await pilot.pause()
            assert loop.time() - started < 10.0  # (the lock is held until below: a blocked loop never gets here)
            assert type(app.screen).__name__ == "CatalogScreen"
        finally:
            tx.rollback()
            locker.close()
        await settle(app, pilot)
        await pilot.pause(0.2)
        assert not [t for t in _toasts(app) if "failed" in t or "Error" in t]
        await _watch_once(app, pilot)
        assert _header(app).endswith("✉ 1")  # the panel closed before it showed the event: still unread
        await pilot.press("f6")
        await settle(app, pilot)
        assert app.screen.query_one("#notify-events", DataTable).row_count == 1
