"""Targets and deliveries screens: enable/disable, circuit reset, edit through the form; retry, cancel and
deliver again from the queue; per-target success rate."""

from __future__ import annotations

import pytest
from sqlmodel import select
from tui_helpers import seed_deliveries, settle

from stardust_tui.domain.delivery_models import Delivery, Target
from stardust_tui.store.db import session_scope

pytestmark = pytest.mark.anyio


async def test_targets_toggle_reset_and_edit(seeded, settings, app_factory) -> None:
    from stardust_tui.widgets.target_form import TargetFormModal

    engine, ids = seeded
    seed_deliveries(engine, settings, ids)
    with session_scope(engine) as session:
        target = session.exec(select(Target).where(Target.name == "dsp-folder")).one()
        target.circuit_state, target.consecutive_failures = "open", 5
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        screen = app.screen
        table = screen.query_one("#targets")
        assert table.row_count == 2 and str(table.get_row_at(0)[4]) == "open (5)"
        await pilot.press("space")
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        assert str(table.get_row_at(0)[3]) == "✗" and str(table.get_row_at(0)[4]) == "closed"
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, TargetFormModal)
        url = app.screen.query_one("#t-url")
        url.value = "file:///srv/other-inbox"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    with session_scope(engine) as session:
        target = session.exec(select(Target).where(Target.name == "dsp-folder")).one()
        assert not target.enabled and target.circuit_state == "closed" and target.url == "file:///srv/other-inbox"


async def test_deliveries_retry_cancel_again_and_metrics(seeded, settings, app_factory) -> None:
    engine, ids = seeded
    seed_deliveries(engine, settings, ids)
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        screen = app.screen
        table = screen.query_one("#deliveries")
        assert [str(table.get_row_at(i)[3]) for i in range(5)] == ["queued", "running", "failed", "succeeded",
                                                                   "succeeded"]
        assert "21.0/64.0 MB" in str(table.get_row_at(1)[5])
        board = screen.query_one("#target-metrics")
        rows = {str(board.get_row_at(i)[0]): board.get_row_at(i) for i in range(board.row_count)}
        assert rows["dsp-folder"][1] == "100" and rows["label-archive"][1] == "0"
        assert rows["dsp-folder"][5].count("▁") == 22  # two busy hours out of 24
        table.focus()
        await pilot.press("x")  # cancel the queued one (row 0): it asks first
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        table.move_cursor(row=2)
        await pilot.press("r")  # retry the failed one
        await settle(app, pilot)
        table.move_cursor(row=3)
        await pilot.press("a")  # deliver a succeeded one again: an update message
        await settle(app, pilot)
    with session_scope(engine) as session:
        states = {d.id: (d.state, d.message_type) for d in session.exec(select(Delivery))}
    assert states[5] == ("cancelled", "new") and states[3] == ("queued", "new")
    assert states[2] == ("succeeded", "new") and states[6] == ("queued", "update")
