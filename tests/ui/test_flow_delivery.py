"""Pilot flows: build and validate the ERN; add and test a target; deliver to a real local folder."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlmodel import select
from tui_helpers import screen_text, settle, type_into, wait_until

from stardust_tui.domain.delivery_models import Target
from stardust_tui.store.db import session_scope

pytestmark = pytest.mark.anyio


async def test_ern_preview_builds_validates_and_saves(seeded, app_factory, tmp_path: Path) -> None:
    from textual.widgets import OptionList, Select

    engine, ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        screen = app.screen
        assert screen.message is not None and screen.message.version == "4.3"
        assert screen.message.report.schema_checked
        assert b"NewReleaseMessage" in screen.message.data
        issues = screen.query_one("#ern-issues", OptionList)
        assert issues.option_count >= 1
        screen.query_one("#ern-version", Select).value = "3.8.2"
        await settle(app, pilot)
        assert screen.message.version == "3.8.2" and b"ern/382" in screen.message.data
        screen.jump_to_line(120)
        await pilot.pause()
        await pilot.pause()
        assert screen.query_one("#ern-xml-scroll").scroll_y > 50
        await pilot.press("ctrl+s")
        await pilot.pause()
        await type_into(pilot, app, "#save-path", str(tmp_path))
        await pilot.press("enter")
        await settle(app, pilot)
        saved = list(tmp_path.glob("*.xml"))
        assert len(saved) == 1 and saved[0].read_bytes() == screen.message.data


async def test_ern_preview_shows_why_a_message_cannot_be_built(seeded, settings, app_factory) -> None:
    engine, ids = seeded
    settings.sender_dpid = "NOT-A-DPID"
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_ern(ids[0])
        await settle(app, pilot)
        screen = app.screen
        assert screen.message is None
        assert "not a DDEX party ID" in str(screen.query_one("#ern-xml").render())
        assert "not built" in str(screen.query_one("#ern-summary").render())


async def test_add_target_test_it_and_deliver_to_a_local_folder(settings, app_factory, tmp_path: Path) -> None:
    from stardust_tui.demo import build_demo
    from stardust_tui.screens.deliver_dialog import DeliverDialog
    from stardust_tui.store.open import open_store

    engine = open_store(settings)
    build_demo(engine, settings.paths, actor="test")
    inbox = tmp_path / "dsp-inbox"
    inbox.mkdir()
    app = app_factory(engine, start_workers=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        await type_into(pilot, app, "#t-name", "local-dsp")
        await type_into(pilot, app, "#t-url", inbox.as_uri())
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        with session_scope(engine) as session:
            target = session.exec(select(Target).where(Target.name == "local-dsp")).one()
        targets_screen = app.screen
        await pilot.press("t")
        for _ in range(50):
            await asyncio.sleep(0.1)
            if "passed" in "\n".join(targets_screen.query_one("#probe-log").lines):
                break
        probe_lines = "\n".join(targets_screen.query_one("#probe-log").lines)
        assert "✓ connect" in probe_lines and "✓ write" in probe_lines and "All steps passed." in probe_lines

        await pilot.press("1")
        await settle(app, pilot)
        await pilot.press("slash", *"Northern Lights Atlas", "enter")  # the demo album (it has deals)
        await settle(app, pilot)
        assert str(app.screen.query_one("#releases").get_row_at(0)[0]) == "Northern Lights Atlas"
        await pilot.press("s")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, DeliverDialog)
        assert await wait_until(pilot, lambda: dialog.readiness is not None, timeout=30)
        assert "Northern Lights Atlas" in screen_text(app) and "local-dsp" in screen_text(app)
        await pilot.press("d")
        await settle(app, pilot)
        assert app.screen is not dialog
        await pilot.press("3")
        await settle(app, pilot)
        deliveries = app.screen
        log = deliveries.query_one("#event-log")
        for _ in range(300):
            await asyncio.sleep(0.1)
            if any("succeeded" in line for line in log.lines):
                break
        assert any("succeeded" in line for line in log.lines), "\n".join(log.lines[-20:])
        await asyncio.sleep(1.2)
        await settle(app, pilot)
        table = deliveries.query_one("#deliveries")
        assert table.row_count == 1 and table.get_row_at(0)[3].plain == "succeeded"
        assert target.id is not None
    assert any(p.suffix == ".xml" for p in inbox.rglob("*"))
