"""A release's deliveries and one delivery in full, driven by keys, on a real delivery to a folder target:
status per target with the DSP's ACK text (read from the target's ACK folder by a key), the history,
a delivery's steps/MD5s/events, the message sent (rebuilt and verified, or fetched back), retry and cancel."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlmodel import select
from tui_helpers import seed_deliveries, settle

from stardust_tui.delivery.targets import add_target
from stardust_tui.domain.delivery_models import Delivery
from stardust_tui.services import Services
from stardust_tui.store.db import session_scope
from stardust_tui.worker.runner import Runner, RunnerConfig
from tests.integration.delivery_release import UPC, make_release

pytestmark = pytest.mark.anyio

ACK16 = """<?xml version="1.0" encoding="UTF-8"?>
<ern-c-sftp:FtpAcknowledgementMessage xmlns:ern-c-sftp="http://ddex.net/xml/ern-c-sftp/16"
    MessageVersionId="ern-c-sftp/16">
  <MessageHeader>
    <MessageSender><PartyId>PADPIDA0000000000R</PartyId><PartyName><FullName>DSP</FullName></PartyName></MessageSender>
    <MessageRecipient><PartyId>PADPIDA0000000000Z</PartyId></MessageRecipient>
    <MessageCreatedDateTime>2026-11-23T10:00:00Z</MessageCreatedDateTime>
  </MessageHeader>
  <AcknowledgedFile><ReleaseId>{folder}</ReleaseId><Date>2026-11-23</Date></AcknowledgedFile>
  <FileStatus>ResourceCorrupt</FileStatus>
  <ErrorText>[Track 2] audio is truncated [/]</ErrorText>
  <ProposedActionType>ResendXmlAndResources</ProposedActionType>
</ern-c-sftp:FtpAcknowledgementMessage>"""


def shown_ids(app) -> set[str]:
    return {b.binding.id for b in app.screen.active_bindings.values() if b.binding.show and b.enabled}


def cells(app, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def render(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


@pytest.fixture
def delivered(settings, sqlite_engine, tmp_path: Path):
    """A real release delivered to a folder whose profile reads ACKs from ``acks/`` in it."""
    settings.paths.profiles_dir.mkdir(parents=True, exist_ok=True)
    (settings.paths.profiles_dir / "acked.toml").write_text(
        'name = "acked"\nextends = "generic-43"\nprofile_version = 1\ndescription = "generic 4.3 with ACKs"\n'
        '[choreography]\nack_folder = "acks"\n')
    rid = make_release(sqlite_engine, settings, tmp_path / "src")
    inbox = tmp_path / "inbox"
    (inbox / "acks").mkdir(parents=True)
    with session_scope(sqlite_engine) as s:
        tid = add_target(s, settings.paths, name="inbox", url=f"file://{inbox}", profile="acked").id
        add_target(s, settings.paths, name="spare", url=f"file://{tmp_path / 'spare'}")
    services = Services(settings=settings, engine_source=sqlite_engine)
    did = services.dispatch.queue(rid, tid, "new").delivery_id
    cfg = RunnerConfig(concurrency=1, once=True, ack_poll_s=0, poll_s=0.05, retry_base_s=0.0, heartbeat_s=0.5)
    asyncio.run(Runner(settings, sqlite_engine, config=cfg).run())
    return sqlite_engine, rid, did, inbox


async def test_history_detail_and_message(delivered, app_factory) -> None:
    engine, rid, did, inbox = delivered
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_release_deliveries(rid)
        await settle(app, pilot)
        assert "“Night Signals”" in render(app, "#rd-head")
        assert [(r[0], r[1]) for r in cells(app, "#rd-targets")] == [("inbox", "delivered"), ("spare", "never sent")]
        assert [(r[0], r[1], r[2], r[3]) for r in cells(app, "#rd-deliveries")] == [
            (str(did), "inbox", "new", "succeeded")]
        assert {"rdeliveries-open", "rdeliveries-deliver", "rdeliveries-acks"} <= shown_ids(app)
        await pilot.press("tab", "enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "DeliveryDetailScreen"
        assert f"Delivery {did} · new of “Night Signals” to inbox · succeeded" in render(app, "#dd-head")
        info = dict((r[0], r[1]) for r in cells(app, "#dd-info"))
        assert info["state"] == "succeeded" and info["ern version"] == "4.3" and info["target"] == "inbox"
        assert "delivery-retry" not in shown_ids(app) and "delivery-cancel" not in shown_ids(app)
        await pilot.press("p")
        await settle(app, pilot)
        steps = cells(app, "#dd-steps")
        assert steps[0][1] == "package" and steps[-1][1] == "verify"
        uploads = [r for r in steps if r[1].startswith("upload ")]
        assert len(uploads) == 5 and all(len(r[4]) == 32 for r in uploads)
        await pilot.press("e")
        await settle(app, pilot)
        assert any("delivered new message" in r[3] for r in cells(app, "#dd-events"))
        assert "delivery-fetch" not in shown_ids(app)
        await pilot.press("m")
        await settle(app, pilot)
        sent = next(inbox.rglob(f"{UPC}.xml")).read_bytes()
        assert "byte-identical to the message sent" in render(app, "#dd-message-status")
        assert app.screen.query_one("#dd-message").text == sent.decode()
        assert "delivery-fetch" in shown_ids(app)
        await pilot.press("f")
        await settle(app, pilot)
        assert "✓ Fetched from inbox: byte-identical" in render(app, "#dd-message-status")
        await pilot.press("escape")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ReleaseDeliveriesScreen"
        await pilot.press("tab", "s")  # back to the targets table: deliver to inbox again
        await settle(app, pilot)
        assert type(app.screen).__name__ == "DeliverDialog"
        assert app.screen.query_one("#type-update").value
        assert "update to inbox" in render(app, "#deliver-check")


async def test_read_acks_shows_the_dsp_text_and_resend_hint(delivered, app_factory) -> None:
    engine, rid, did, inbox = delivered
    with session_scope(engine) as s:
        folder = s.get(Delivery, did).remote_path
    (inbox / "acks" / f"ACK_x_{folder[:17]}.xml").write_text(ACK16.format(folder=UPC))
    app = app_factory(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_release_deliveries(rid)
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        row = cells(app, "#rd-targets")[0]
        assert (row[0], row[1]) == ("inbox", "ACK error") and "[Track 2] audio is truncated [/]" in row[4]
        detail = render(app, "#rd-target-detail")
        assert "ResourceCorrupt: [Track 2] audio is truncated [/]" in detail
        assert "asks for the XML and all files again: send an update (s)" in detail
        assert any("1 new ACK file(s) in acks" in n.message for n in app._notifications)
        await pilot.press("s")
        await settle(app, pilot)
        assert app.screen.query_one("#type-update").value


async def test_retry_and_cancel_from_the_detail(seeded, settings, app_factory) -> None:
    engine, ids = seeded
    seed_deliveries(engine, settings, ids)  # delivery 3 failed, 5 queued
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_delivery(3)
        await settle(app, pilot)
        assert "failed" in render(app, "#dd-head") and "delivery-retry" in shown_ids(app)
        await pilot.press("m")
        await settle(app, pilot)
        assert "never packaged" in render(app, "#dd-message-status")
        await pilot.press("r")
        await settle(app, pilot)
        assert "queued" in render(app, "#dd-head")
        assert "delivery-retry" not in shown_ids(app) and "delivery-cancel" in shown_ids(app)
        await pilot.press("x")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ConfirmModal"
        await pilot.press("n")
        await settle(app, pilot)
        assert "queued" in render(app, "#dd-head")
        await pilot.press("x", "y")
        await settle(app, pilot)
        assert "cancelled" in render(app, "#dd-head")
    with session_scope(engine) as s:
        assert s.exec(select(Delivery.state).where(Delivery.id == 3)).one() == "cancelled"


async def test_unknown_delivery_is_one_error(seeded, app_factory) -> None:
    engine, _ = seeded
    app = app_factory(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_delivery(404)
        await settle(app, pilot)
        assert any("delivery 404 does not exist" in n.message for n in app._notifications)
