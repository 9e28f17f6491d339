"""The Health screen: the doctor's checks in the workstation, run in a thread worker, one row each, with the
state readable without colour, the highlighted row's fix below, and a re-run that sees a change."""

from __future__ import annotations

import contextlib

import pytest
from tui_helpers import settle, wait_until

pytestmark = pytest.mark.anyio


def rows(app) -> list[list[str]]:
    found = app.screen.query("#health")
    if not found:  # the screen is not composed yet
        return []
    table = found.first()
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_health_shows_every_check_and_its_fix(sqlite_engine, app_factory, monkeypatch) -> None:
    monkeypatch.delenv("STARDUST_DDEX_SCHEMAS")  # no schemas anywhere: the ddex check fails
    app = app_factory(sqlite_engine)
    settings = app.services.settings
    settings.ddex_schemas = settings.ddex_schemas_origin = None
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_health()
        await settle(app, pilot)
        found = {(r[1], r[2]): r for r in rows(app)}
        assert found[("system", "database")][0] == "✓ pass"
        assert found[("ddex", "schemas")][0] == "✗ fail"
        assert {("worker", "daemon"), ("speed", "ern"), ("permissions", "files")} <= set(found)
        head = str(app.screen.query_one("#health-head").render())
        assert "failed" in head and "passed" in head
        # the cursor went to the first failure, whose fix is shown under the table
        note = str(app.screen.query_one("#health-note").render())
        assert "ddex/schemas" in note and "Fix: stardust schemas fetch" in note
        # fix it (a configured folder), run again: the row passes
        from tests.conftest import XSD_DIR

        settings.ddex_schemas, settings.ddex_schemas_origin = XSD_DIR, "ddex_schemas (config)"
        await pilot.press("r")
        await settle(app, pilot)
        found = {(r[1], r[2]): r for r in rows(app)}
        assert found[("ddex", "schemas")][0] == "✓ pass"
        await pilot.press("escape")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "CatalogScreen"


async def test_the_checks_run_off_the_event_loop(sqlite_engine, app_factory) -> None:
    """A target whose server accepts and never answers: while its probe waits, the other rows are shown, the
    screen answers keys and the loop keeps ticking; the probe then fails on the target's own timeout."""
    import asyncio
    import socket
    import threading
    import time

    from click.testing import CliRunner

    from stardust_tui.cli import cli

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.append(listener.accept()[0]), daemon=True).start()
    port = listener.getsockname()[1]
    result = CliRunner().invoke(cli, ["target", "add", "silent", "--url", f"ftp://u@127.0.0.1:{port}/in?timeout=4",
                                      "--password-stdin"], input="pw\n")
    assert result.exit_code == 0, result.output
    app = app_factory(sqlite_engine)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            t0 = time.monotonic()
            app.open_health()
            assert await wait_until(pilot, lambda: len(rows(app)) >= 5 and held, timeout=30)
            names = [r[2] for r in rows(app)]
            assert "probe silent" not in names  # still waiting for the silent server
            ticks, start = 0, time.monotonic()
            while time.monotonic() - start < 0.5:  # the loop keeps running while the probe waits
                await asyncio.sleep(0.01)
                ticks += 1
            assert ticks >= 10
            await pilot.press("r")  # a key is handled at once: the checks are still running
            assert await wait_until(pilot, lambda: any("still running" in str(n.message)
                                                       for n in app._notifications), timeout=2)
            assert "probe silent" not in [r[2] for r in rows(app)]
            assert await wait_until(pilot, lambda: "probe silent" in [r[2] for r in rows(app)], timeout=60)
            probe = next(r for r in rows(app) if r[2] == "probe silent")
            assert probe[0] == "✗ fail" and time.monotonic() - t0 >= 3
    finally:
        listener.close()
        for conn in held:
            conn.close()


async def test_the_ern_preview_says_how_to_get_schemas(seeded, app_factory, monkeypatch) -> None:
    monkeypatch.delenv("STARDUST_DDEX_SCHEMAS")
    engine, ids = seeded
    app = app_factory(engine)
    settings = app.services.settings
    settings.ddex_schemas = settings.ddex_schemas_origin = None
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_ern(ids[0])
        await settle(app, pilot)
        summary = str(app.screen.query_one("#ern-summary").render())
        assert "XSD skipped: no schemas (stardust schemas fetch)" in summary
        assert app.screen.message is not None and not app.screen.message.report.schema_checked


async def test_the_palette_opens_health_and_escape_returns(seeded, app_factory) -> None:
    engine, _ = seeded
    app = app_factory(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press(*"Health (doctor)")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "HealthScreen"
        assert await wait_until(pilot, lambda: "passed" in str(app.screen.query_one("#health-head").render()),
                                timeout=60)
        await pilot.press("escape")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "CatalogScreen"


async def test_a_user_who_may_not_read_deliveries_is_told_in_the_head(seeded, settings, app_factory,
                                                                      monkeypatch) -> None:
    from stardust_tui.services import Services
    from stardust_tui.services import actor as actor_mod
    from stardust_tui.services.actor import Actor

    engine, _ = seeded
    Services(settings, engine, actor=Actor("olga")).users.add("stella", "viewer")
    monkeypatch.setattr(actor_mod, "os_user", lambda: "mallory")  # not a user of this store
    monkeypatch.delenv("STARDUST_ACTOR", raising=False)
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        from textual.worker import WorkerFailed

        # the catalog's own load is refused (mallory is no user here): the app shows that; a settle that
        # caught the failed worker before the app dropped it would re-raise it (seen once in a CI run)
        with contextlib.suppress(WorkerFailed):
            await settle(app, pilot)
        app.open_health()

        def head() -> str:
            found = app.screen.query("#health-head")
            return str(found.first().render()) if found else ""

        assert await wait_until(pilot, lambda: "could not run" in head(), timeout=30), head()
        assert "mallory" in head() and rows(app) == []
        await pilot.press("r")  # not stuck in "running": r tries again (and is told the same)
        with contextlib.suppress(WorkerFailed):
            await settle(app, pilot)
        assert "could not run" in head()
        assert not any("still running" in str(n.message) for n in app._notifications)
