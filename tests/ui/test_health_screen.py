"""The Health screen: the doctor's checks in the workstation, run in a thread worker, one row each, with the
state readable without colour, the highlighted row's fix below, and a re-run that sees a change."""

from __future__ import annotations

import pytest
from tui_helpers import settle

pytestmark = pytest.mark.anyio


def rows(app) -> list[list[str]]:
    table = app.screen.query_one("#health")
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
        assert app.screen.query("#health") is not None
