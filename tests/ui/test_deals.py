"""Several deals per release in the wizard, on a real store: list, add, edit, remove, with the form
refusing what the store or a DSP would (no model, end before start, a bad territory)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select
from textual.widgets import Input
from tui_helpers import screen_text, settle, type_into, wait_until

from stardust_tui.domain.models import Deal, Release
from stardust_tui.store.db import session_scope

pytestmark = pytest.mark.anyio


def _deals(engine, release_id: int) -> list[Deal]:
    with session_scope(engine) as session:
        rows = session.exec(select(Deal).where(Deal.release_id == release_id).order_by(Deal.id)).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


async def _deals_step(app, pilot, release_id: int):
    app.open_release(release_id)
    await settle(app, pilot)
    wizard = app.screen
    await wait_until(pilot, lambda: wizard.query_one("#f-title", Input).value != "")
    await pilot.press("pagedown", "pagedown", "pagedown", "pagedown")
    await settle(app, pilot)
    assert wizard.query_one("#wizard-steps").active == "step-deals"
    return wizard


async def test_add_edit_and_remove_several_deals(seeded, app_factory) -> None:
    from stardust_tui.widgets.confirm import ConfirmModal
    from stardust_tui.widgets.deal_form import DealFormModal

    engine, ids = seeded
    release_id = ids[0]
    with session_scope(engine) as session:
        revision = session.get(Release, release_id).revision
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        wizard = await _deals_step(app, pilot, release_id)
        deals = wizard.query_one("#wizard-deals")
        assert deals.row_count == 1 and app.focused is deals
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, DealFormModal)
        await type_into(pilot, app, "#d-territories", "us, CA")
        form.query_one("#d-models").select("AdvertisementSupportedModel")
        form.query_one("#d-uses").select("OnDemandStream")
        await type_into(pilot, app, "#d-start", "2026-03-01")
        await type_into(pilot, app, "#d-end", "2025-01-01")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and "must come after the start" in screen_text(app)
        await type_into(pilot, app, "#d-end", "2027-03-01")
        await type_into(pilot, app, "#d-price", "FRONT")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is wizard and deals.row_count == 2
        assert "US, CA" in screen_text(app)
        await pilot.press("down", "enter")  # edit the new one
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, DealFormModal) and form.query_one("#d-price", Input).value == "FRONT"
        await type_into(pilot, app, "#d-price", "MID")
        await type_into(pilot, app, "#d-excluded", "XX")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and "not a territory code: XX" in screen_text(app)
        await type_into(pilot, app, "#d-excluded", "")
        form.query_one("#d-uses").select("PermanentDownload")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is wizard
        stored = _deals(engine, release_id)
        assert len(stored) == 2
        new = stored[1]
        assert (new.territories, new.commercial_models, new.price_tier) == (["US", "CA"],
                                                                          ["AdvertisementSupportedModel"], "MID")
        assert sorted(new.use_types) == ["OnDemandStream", "PermanentDownload"]
        assert new.start.replace(tzinfo=UTC) == datetime(2026, 3, 1, tzinfo=UTC)
        assert new.end.replace(tzinfo=UTC) == datetime(2027, 3, 1, tzinfo=UTC)
        deals.move_cursor(row=0)
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmModal) and "Worldwide" in screen_text(app)
        await pilot.press("y")
        await settle(app, pilot)
        assert deals.row_count == 1
    stored = _deals(engine, release_id)
    assert [d.territories for d in stored] == [["US", "CA"]]
    with session_scope(engine) as session:
        assert session.get(Release, release_id).revision == revision + 3  # one revision per change


async def test_a_deal_needs_a_model_and_a_use_type(seeded, app_factory) -> None:
    engine, ids = seeded
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await _deals_step(app, pilot, ids[1])
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and "commercial model" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
    assert len(_deals(engine, ids[1])) == 1


async def test_a_preorder_deal_with_instant_gratification_tracks(seeded, app_factory) -> None:
    """Pre-order terms are edited in the wizard: ticked as a pre-order (ends on the release date unless
    told), instant-gratification tracks by ISRC; a deal the store refuses comes back in the form as typed."""
    from stardust_tui.widgets.deal_form import DealFormModal

    engine, ids = seeded
    release_id = ids[2]  # released 2026-03-03, tracks QZDA22600200..02
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        wizard = await _deals_step(app, pilot, release_id)
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, DealFormModal)
        form.query_one("#d-models").select("PayAsYouGoModel")
        form.query_one("#d-uses").select("PermanentDownload")
        await type_into(pilot, app, "#d-start", "2026-02-01")
        await type_into(pilot, app, "#d-instant", "QZDA22600201")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and "belong on a pre-order" in screen_text(app)
        form.query_one("#d-preorder").focus()
        await pilot.press("space")
        await type_into(pilot, app, "#d-instant", "QZDA22600299")  # not a track of this release
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, DealFormModal) and app.screen is not form)
        again = app.screen
        assert isinstance(again, DealFormModal), "the refused deal must come back in the form"
        assert "not the ISRC of a track of this release" in again.query_one("#deal-form-error").render().plain, \
            screen_text(app)
        assert again.query_one("#d-instant", Input).value == "QZDA22600299"
        assert again.query_one("#d-preorder").value is True
        assert again.query_one("#d-start", Input).value == "2026-02-01"
        await type_into(pilot, app, "#d-instant", "QZ-DA2-26-00201")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await wait_until(pilot, lambda: app.screen is wizard and wizard.query_one("#wizard-deals").row_count == 2)
        assert app.screen is wizard
        assert str(wizard.query_one("#wizard-deals").get_row_at(1)[-1]) == "yes +1 IG"  # the Pre-order column
    stored = _deals(engine, release_id)
    assert len(stored) == 2
    new = stored[1]
    assert new.is_preorder and new.instant_gratification == ["QZDA22600201"]
    assert new.start.replace(tzinfo=UTC) == datetime(2026, 2, 1, tzinfo=UTC)
    assert new.end.replace(tzinfo=UTC) == datetime(2026, 3, 3, tzinfo=UTC)  # the release date
