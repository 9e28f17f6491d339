"""User text with square brackets is drawn literally on every screen of issue 17/14 (never parsed as markup:
``[/]`` would crash the render, ``[b]…[/b]`` would vanish)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Label, Static
from tui_helpers import seed_deliveries, settle

from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import load_release, save_release

pytestmark = pytest.mark.anyio

TITLE = "Mix [/] Edition [b]Bold[/b] [Remastered]"


def screen_text(app) -> str:
    parts = [str(w.render()) for w in app.screen.query(Static) if w.display] + [
        str(w.render()) for w in app.screen.query(Label)]
    for table in app.screen.query(DataTable):
        parts += [str(c) for i in range(table.row_count) for c in table.get_row_at(i)]
    return "\n".join(parts)


@pytest.mark.parametrize("opener", ["open_deliver", "open_status", "open_history", "open_release_deliveries",
                                    "open_delivery", "open_export"])
async def test_bracketed_title_everywhere(seeded, settings, app_factory, opener: str) -> None:
    engine, ids = seeded
    seed_deliveries(engine, settings, ids)  # delivery 1 is of release 1
    with session_scope(engine) as s:
        rel = load_release(s, ids[0])
        rel.title = TITLE
        save_release(s, rel, actor="t")
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        getattr(app, opener)([ids[0]] if opener == "open_export" else ids[0])
        await settle(app, pilot)
        assert TITLE in screen_text(app), opener
        assert not [n for n in app._notifications if n.severity == "error"]
