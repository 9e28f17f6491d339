"""Roles in the TUI (issue 15): a refused action is one toast with the same line the CLI prints, naming the
role it needs, and nothing changes; the same refusal over the API names the key's scope and that role."""

from __future__ import annotations

import pytest
from tui_helpers import settle

from stardust_tui.errors import PermissionDenied
from stardust_tui.services import Services
from stardust_tui.services.actor import Actor

pytestmark = pytest.mark.anyio


async def test_a_viewer_is_told_the_role_an_action_needs(seeded, settings, app_factory,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from stardust_tui.services import actor as actor_mod

    engine, _ids = seeded
    owner = Services(settings, engine, actor=Actor("olga"))
    owner.users.add("stella", "viewer")
    before = owner.releases.list(limit=500).releases
    with pytest.raises(PermissionDenied) as refused:  # what `stardust release duplicate` says to stella
        Services(settings, engine, actor=Actor("stella")).releases.duplicate(before[0].id)
    line = str(refused.value)
    assert "needs the editor role (stella is viewer)" in line and "\n" not in line
    monkeypatch.setattr(actor_mod, "os_user", lambda: "stella")
    monkeypatch.delenv("STARDUST_ACTOR", raising=False)
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#releases").focus()
        await pilot.press("c")  # duplicate the selected release
        await settle(app, pilot)
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert errors == [line]
    after = owner.releases.list(limit=500).releases
    assert [r.id for r in after] == [r.id for r in before]  # nothing was created
