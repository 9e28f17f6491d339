"""Signed webhooks against a real HTTP receiver (Starlette on uvicorn, on loopback, TLS from a test CA) that checks
``Stardust-Signature`` with its own HMAC code and refuses a wrong one."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from stardust_tui.config import Settings
from stardust_tui.domain.models import utcnow
from stardust_tui.domain.notify_models import NotifyChannel, NotifyEvent, NotifySend
from stardust_tui.errors import ValidationError
from stardust_tui.notify import claims, routing
from stardust_tui.notify.channel import OutEvent, Outgoing, SendFailed
from stardust_tui.notify.channels import build as build_channel
from stardust_tui.notify.channels import get_channel
from stardust_tui.notify.outbox import record
from stardust_tui.notify.sender import NotifySender, SenderConfig
from stardust_tui.services import Services
from stardust_tui.services.actor import Actor
from stardust_tui.store.db import session_scope
from stardust_tui.worker.queue import write_tx
from tests.integration.notify_servers import CertAuthority, WebhookReceiver, make_test_ca, start_webhook_receiver

FAST = SenderConfig(retry_base_s=0.01, retry_max_s=0.05)


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> CertAuthority:
    return make_test_ca(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def services(settings: Settings, sqlite_engine: Engine) -> Services:
    return Services(settings=settings, engine_source=sqlite_engine, actor=Actor("ops", roles=("admin",)))


@pytest.fixture
def receiver(ca: CertAuthority) -> Iterator[WebhookReceiver]:
    hook = start_webhook_receiver("not-known-yet", ca=ca)
    yield hook
    hook.stop()


def _channel(services: Services, hook: WebhookReceiver, ca: CertAuthority, *, digest: str = "immediate",
             timeout: float = 5.0) -> str:
    added = services.notifications.add("webhook", "hook", {"url": hook.url, "ca_file": str(ca.ca_cert),
                                                           "timeout_s": timeout}, digest=digest)
    assert added.secret and added.secret.startswith("whsec_")
    return added.secret


def _event(engine: Engine, kind: str = "delivery.failed", **data: object) -> str:
    with write_tx(engine) as conn:
        return record(conn, kind, summary=f"{kind} happened", data={"error": "boom", **data})


def _sender(settings: Settings, engine: Engine, config: SenderConfig = FAST) -> NotifySender:
    return NotifySender(settings, engine, owner="test-sender", config=config)


def _stored_payload(engine: Engine, event_id: str) -> bytes:
    with session_scope(engine) as s:
        return s.execute(select(NotifyEvent.payload).where(NotifyEvent.event_id == event_id)).scalar_one().encode()


def test_signed_post_over_verified_tls_carries_the_stored_payload(services: Services, receiver: WebhookReceiver,
                                                                  ca: CertAuthority, settings: Settings,
                                                                  sqlite_engine: Engine) -> None:
    receiver.secret = _channel(services, receiver, ca)
    event_id = _event(sqlite_engine)
    assert asyncio.run(_sender(settings, sqlite_engine).pass_once()) == 1
    assert receiver.refused == [] and len(receiver.deliveries) == 1
    got = receiver.deliveries[0]
    assert got.event_id == event_id and got.event_type == "delivery.failed" and got.delivery_id.startswith("dlv_")
    assert got.body == _stored_payload(sqlite_engine, event_id)  # byte for byte what the outbox holds
    doc = got.json
    assert doc["schema"] == "stardust.event/1" and doc["id"] == event_id and doc["data"]["error"] == "boom"
    assert receiver.secret not in got.body.decode()
    with session_scope(sqlite_engine) as s:
        stored = s.execute(select(NotifyChannel.secret)).scalar_one()
    assert receiver.secret not in stored  # encrypted at rest
    assert [c.has_secret for c in services.notifications.list()] == [True]
    assert receiver.secret not in json.dumps([c.__dict__ for c in services.notifications.list()], default=str)


def test_a_wrong_signature_is_refused_and_the_event_waits_then_arrives_once(
        services: Services, receiver: WebhookReceiver, ca: CertAuthority, settings: Settings,
        sqlite_engine: Engine) -> None:
    secret = _channel(services, receiver, ca)
    receiver.secret = "whsec_the_receiver_knows_another_one"
    event_id = _event(sqlite_engine)
    sender = _sender(settings, sqlite_engine)
    for _ in range(3):
        asyncio.run(sender.pass_once())
        asyncio.run(asyncio.sleep(0.06))
    assert receiver.deliveries == [] and receiver.refused.count("signature mismatch") >= 3
    row = services.notifications.get("hook")
    assert row.failing and row.pending == 1 and "HTTP 401" in (row.last_error or "")
    with session_scope(sqlite_engine) as s:
        send = s.execute(select(NotifySend)).scalar_one()
        first_delivery_id = send.delivery_id
        assert send.status == "pending"  # 401 is the receiver's set-up: retried, never dropped
    receiver.secret = secret  # the receiver is given the right secret
    asyncio.run(asyncio.sleep(0.06))
    asyncio.run(sender.pass_once())
    assert [(d.event_id, d.delivery_id) for d in receiver.deliveries] == [(event_id, first_delivery_id)]
    assert not services.notifications.get("hook").failing


def test_503_is_retried_with_the_same_delivery_id_and_bytes(services: Services, receiver: WebhookReceiver,
                                                            ca: CertAuthority, settings: Settings,
                                                            sqlite_engine: Engine) -> None:
    receiver.secret = _channel(services, receiver, ca)
    receiver.fail_next = 2
    event_id = _event(sqlite_engine)
    sender = _sender(settings, sqlite_engine)
    for _ in range(4):
        asyncio.run(sender.pass_once())
        asyncio.run(asyncio.sleep(0.06))
    assert len(receiver.deliveries) == 1 and receiver.deliveries[0].event_id == event_id
    with session_scope(sqlite_engine) as s:
        send = s.execute(select(NotifySend)).scalar_one()
    assert send.status == "sent" and send.attempts == 3 and send.delivery_id == receiver.deliveries[0].delivery_id


def test_a_timeout_is_retried(services: Services, receiver: WebhookReceiver, ca: CertAuthority,
                              settings: Settings, sqlite_engine: Engine) -> None:
    receiver.secret = _channel(services, receiver, ca, timeout=0.5)
    receiver.delay_s = 1.5
    _event(sqlite_engine)
    asyncio.run(_sender(settings, sqlite_engine).pass_once())
    with session_scope(sqlite_engine) as s:
        send = s.execute(select(NotifySend)).scalar_one()
    assert send.status == "pending" and "no answer within 0.5 s" in send.last_error


def test_a_refused_payload_is_failed_and_kept_until_retried(services: Services, receiver: WebhookReceiver,
                                                            ca: CertAuthority, settings: Settings,
                                                            sqlite_engine: Engine) -> None:
    receiver.secret = _channel(services, receiver, ca)
    receiver.answer = (422, "missing field x")  # a permanent refusal of this message
    _event(sqlite_engine)
    sender = _sender(settings, sqlite_engine)
    asyncio.run(sender.pass_once())
    asyncio.run(asyncio.sleep(0.06))
    asyncio.run(sender.pass_once())
    assert receiver.refused == ["answered 422"]  # not retried by itself
    rows = services.notifications.outbox(status="failed")
    assert len(rows) == 1 and 'HTTP 422: {"error":"missing field x"}' in rows[0].last_error
    receiver.answer = None
    assert services.notifications.retry(send_id=rows[0].send_id) == 1
    asyncio.run(sender.pass_once())
    assert len(receiver.deliveries) == 1 and services.notifications.outbox(status="failed") == []


def test_an_hourly_digest_is_one_signed_post_with_every_event(services: Services, receiver: WebhookReceiver,
                                                              ca: CertAuthority, settings: Settings,
                                                              sqlite_engine: Engine) -> None:
    receiver.secret = _channel(services, receiver, ca, digest="hourly")
    ids = [_event(sqlite_engine, "import.finished"), _event(sqlite_engine, "backup.finished")]
    sender = _sender(settings, sqlite_engine)
    asyncio.run(sender.pass_once())
    assert receiver.deliveries == []  # held until the top of the hour
    with write_tx(sqlite_engine) as conn:  # the hour is over
        conn.execute(update(NotifySend.__table__).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    asyncio.run(sender.pass_once())
    assert len(receiver.deliveries) == 1
    got = receiver.deliveries[0]
    assert got.event_type == "digest" and got.delivery_id.startswith("dig_") and got.event_id is None
    doc = got.json
    assert doc["schema"] == "stardust.digest/1" and doc["count"] == 2
    assert [e["id"] for e in doc["events"]] == ids


def test_an_untrusted_certificate_is_refused(services: Services, receiver: WebhookReceiver,
                                             sqlite_engine: Engine) -> None:
    services.notifications.add("webhook", "hook", {"url": receiver.url})  # no --ca: the system CAs
    with pytest.raises(SendFailed, match="TLS certificate not trusted"):
        services.notifications.test("hook", lambda _line: None)
    assert receiver.deliveries == [] and receiver.refused == []


def test_notify_test_prints_each_step(services: Services, receiver: WebhookReceiver, ca: CertAuthority) -> None:
    receiver.secret = _channel(services, receiver, ca)
    steps: list[str] = []
    services.notifications.test("hook", steps.append)
    assert steps[0].startswith("channel hook: POST https://localhost:")
    assert any("signed (Stardust-Signature)" in s and "TLS certificate verified" in s for s in steps)
    assert steps[-1].startswith(f"localhost:{receiver.port} answered HTTP 200 in ")
    assert receiver.deliveries[0].event_type == "notify.test"


@pytest.mark.parametrize(("url", "message"), [
    ("http://hooks.example.com/x", "plain http:// is only allowed to this machine"),
    ("https://user:pw@hooks.example.com/x", "no credentials in the URL"),
    ("ftp://hooks.example.com/x", r"is not an http\(s\) URL"),
])
def test_unsafe_urls_are_refused(services: Services, url: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        services.notifications.add("webhook", "hook", {"url": url})
    assert services.notifications.list() == []


def test_a_sender_dying_after_the_post_is_replaced_and_the_same_bytes_are_sent_again(
        services: Services, receiver: WebhookReceiver, ca: CertAuthority, settings: Settings,
        sqlite_engine: Engine) -> None:
    receiver.secret = _channel(services, receiver, ca)
    event_id = _event(sqlite_engine)
    first = _sender(settings, sqlite_engine, SenderConfig(lease_s=0.3))
    routing.route_new(sqlite_engine, first.rules, first.schedule, now=utcnow())
    claim = claims.claim(sqlite_engine, "doomed-sender", now=utcnow(), lease_s=0.3)
    assert claim is not None and claims.claim(sqlite_engine, "other", now=utcnow(), lease_s=0.3) is None
    with session_scope(sqlite_engine) as s:
        channel = build_channel(get_channel(s, "hook"), settings.paths)
    message = Outgoing(claim.sends[0].delivery_id, tuple(OutEvent(c.event_id, c.event_type, c.payload)
                                                         for c in claim.sends))
    asyncio.run(channel.send(message))  # the POST arrives ... and the sender dies before recording it
    asyncio.run(asyncio.sleep(0.35))  # its lease runs out
    assert asyncio.run(_sender(settings, sqlite_engine).pass_once()) == 1
    assert [d.event_id for d in receiver.deliveries] == [event_id, event_id]
    assert receiver.deliveries[0].delivery_id == receiver.deliveries[1].delivery_id
    assert receiver.deliveries[0].body == receiver.deliveries[1].body
    assert claims.mark_sent(sqlite_engine, claim, now=utcnow()) == 0  # the dead sender's late record is refused


def test_the_daemon_sends_the_weekly_summary_on_its_slot(services: Services, receiver: WebhookReceiver,
                                                         ca: CertAuthority, settings: Settings,
                                                         sqlite_engine: Engine) -> None:
    from datetime import UTC, datetime

    receiver.secret = _channel(services, receiver, ca)
    settings.notify = {"weekly_day": "monday", "weekly_hour": 9, "timezone": "Europe/Berlin",
                       "rules": [{"events": ["report.weekly"], "channels": ["hook"]}]}
    monday = datetime(2026, 12, 7, 8, 0, 30, tzinfo=UTC)  # 09:00:30 in Berlin
    daemon = NotifySender(settings, sqlite_engine, owner="daemon", clock=lambda: monday,
                          config=SenderConfig(weekly=True))
    _event(sqlite_engine, "delivery.failed")  # no rule sends this one
    asyncio.run(daemon.pass_once())
    tui = NotifySender(settings, sqlite_engine, owner="tui", clock=lambda: monday)  # in-process: no weekly
    asyncio.run(tui.pass_once())
    assert [d.event_type for d in receiver.deliveries] == ["report.weekly"]
    doc = receiver.deliveries[0].json
    assert doc["time"] == "2026-12-07T08:00:00Z" and doc["data"]["period"]["days"] == 7
    assert doc["summary"].startswith("week from 2026-11-30: 0 delivered")


def test_a_burst_larger_than_a_routing_batch_goes_out_in_one_pass(services: Services, receiver: WebhookReceiver,
                                                                   ca: CertAuthority, settings: Settings,
                                                                   sqlite_engine: Engine,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """More new events than one routing batch (500; 3 here): one pass routes and sends them all, instead of one
    batch per poll (the bench's 1000 events arrived 500 at a time)."""
    monkeypatch.setattr(routing, "BATCH", 3)
    receiver.secret = _channel(services, receiver, ca)
    ids = [_event(sqlite_engine, n=i) for i in range(7)]
    assert asyncio.run(_sender(settings, sqlite_engine).pass_once()) == 7
    assert sorted(receiver.event_ids()) == sorted(ids) and receiver.refused == []
