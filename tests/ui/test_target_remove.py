"""Removing a target from the Targets screen: asks first; one never used goes; one with delivery history stays
and the refusal says to disable it instead (issue 17, "remove a target")."""

from __future__ import annotations

import pytest
from sqlmodel import select
from tui_helpers import seed_deliveries, settle

from stardust_tui.delivery.targets import add_target
from stardust_tui.domain.delivery_models import Target
from stardust_tui.store.db import session_scope

pytestmark = pytest.mark.anyio


def names(engine) -> list[str]:
    with session_scope(engine) as s:
        return sorted(s.exec(select(Target.name)).all())


async def test_remove_unused_target_and_refuse_one_with_history(seeded, settings, app_factory) -> None:
    engine, ids = seeded
    seed_deliveries(engine, settings, ids)  # dsp-folder and label-archive both have deliveries
    with session_scope(engine) as s:
        add_target(s, settings.paths, name="aaa-unused", url="file:///srv/unused")
    app = app_factory(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        table = app.screen.query_one("#targets")
        table.focus()
        table.move_cursor(row=0)  # aaa-unused sorts first
        await pilot.press("delete")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ConfirmModal"
        await pilot.press("n")
        await settle(app, pilot)
        assert names(engine) == ["aaa-unused", "dsp-folder", "label-archive"]
        await pilot.press("delete", "y")
        await settle(app, pilot)
        assert names(engine) == ["dsp-folder", "label-archive"]
        assert app.screen.query_one("#targets").row_count == 2
        table.move_cursor(row=0)  # dsp-folder: it has delivered
        await pilot.press("delete", "y")
        await settle(app, pilot)
        assert names(engine) == ["dsp-folder", "label-archive"]
        assert any("dsp-folder not removed" in n.message and "disable it instead" in n.message
                   for n in app._notifications)


async def test_a_pushed_targets_screen_pops_cleanly(seeded, app_factory) -> None:
    """Popping a Targets screen makes Textual call ``screen.remove()``; the screen's remove-a-target worker was
    named ``remove`` and hid Widget.remove, so the pop started that worker with no target (found by mypy:
    the override's signature did not match Widget.remove's)."""
    from stardust_tui.screens.targets import TargetsScreen

    engine, _ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen = TargetsScreen()
        await app.push_screen(screen)
        await settle(app, pilot)
        await app.pop_screen()
        await settle(app, pilot)
        assert not screen.is_attached and type(app.screen).__name__ == "CatalogScreen"
        assert not [n for n in app._notifications if n.severity == "error"]
