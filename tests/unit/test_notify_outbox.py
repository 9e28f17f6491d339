"""The transactional outbox: each state change writes its event in its own transaction (SQLite and PostgreSQL),
a rolled-back change leaves no event, and each event is written once with the release and target named."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from stardust_tui.config import Settings
from stardust_tui.delivery.acks import AckRelease, AckResult, record_ack
from stardust_tui.domain.delivery_models import Target
from stardust_tui.domain.models import utcnow
from stardust_tui.domain.notify_models import NotifyEvent
from stardust_tui.importexport.ledger import record_run
from stardust_tui.notify.outbox import record
from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import create_release, get_release, set_status
from stardust_tui.worker import circuit, queue
from stardust_tui.worker.retry import RetryPolicy
from tests.integration.delivery_release import make_release


class Boom(Exception):
    pass


def _events(engine: Engine, kind: str | None = None) -> list[dict]:
    with session_scope(engine) as s:
        stmt = select(NotifyEvent).order_by(NotifyEvent.id)
        if kind:
            stmt = stmt.where(NotifyEvent.type == kind)
        return [json.loads(e.payload) for e in s.execute(stmt).scalars()]


def _target(engine: Engine, name: str = "spotify") -> int:
    with session_scope(engine) as s:
        t = Target(name=name, url="file:///srv/out", profile="generic-43")
        s.add(t)
        s.flush()
        return int(t.id)  # type: ignore[arg-type]


def _release(engine: Engine, title: str = "Night Drive", upc: str = "036000291452") -> int:
    with session_scope(engine) as s:
        return int(create_release(s, actor="t", title=title, artists=["Luna Park"], upc=upc,
                                  label="Star Records").id)


def _claimed(engine: Engine, release_id: int, target_id: int, *, max_attempts: int = 3) -> queue.Claim:
    with session_scope(engine) as s:
        queue.enqueue(s, release_id=release_id, target_id=target_id, content_hash="h" * 64,
                      max_attempts=max_attempts, resend=True)
    c = queue.claim(engine, "w1", lease_s=30)
    assert c is not None
    return c


def test_a_delivery_outcome_and_its_event_commit_together(engine: Engine) -> None:
    rid, tid = _release(engine), _target(engine)
    c = _claimed(engine, rid, tid)
    with pytest.raises(Boom), queue.write_tx(engine) as conn:
        queue.succeed(conn, c, release_id=rid, message_type="new")
        raise Boom  # the outcome is rolled back: so is its event
    assert _events(engine) == []
    with queue.write_tx(engine) as conn:
        queue.succeed(conn, c, release_id=rid, message_type="new")
    (event,) = _events(engine)
    assert event["type"] == "delivery.succeeded" and event["schema"] == "stardust.event/1"
    assert event["release"] == {"id": rid, "upc": "036000291452", "grid": None, "title": "Night Drive",
                                "artist": "Luna Park", "label": "Star Records", "release_date": None}
    assert event["target"] == {"id": tid, "name": "spotify"}
    assert event["summary"].startswith("'Night Drive' (UPC 036000291452) delivered to spotify in ")
    assert event["data"]["delivery_id"] == c.delivery_id and event["data"]["message_type"] == "new"
    assert event["id"].startswith("evt_") and event["time"].endswith("Z")


def test_retrying_then_failed_with_the_error_redacted(engine: Engine) -> None:
    rid, tid = _release(engine), _target(engine)
    c = _claimed(engine, rid, tid, max_attempts=2)
    error = "530 login failed at ftp://dsp:hunter2@ftp.example.com/inbox?token=abc123"
    args = dict(permanent=False, policy=RetryPolicy(base_s=0.01), max_attempts=2, blame_target=True,
                circuit_policy=circuit.CircuitPolicy())
    with queue.write_tx(engine) as conn:
        assert queue.fail(conn, c, error=error, **args) == "retry-wait"
    with queue.write_tx(engine) as conn:  # due again: claim the second attempt
        conn.execute(queue.update(queue.D).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    c2 = queue.claim(engine, "w1", lease_s=30)
    with queue.write_tx(engine) as conn:
        assert queue.fail(conn, c2, error=error, **args) == "failed"
    retrying, failed = _events(engine)
    assert retrying["type"] == "delivery.retrying" and failed["type"] == "delivery.failed"
    assert failed["summary"] == "new delivery of 'Night Drive' (UPC 036000291452) to spotify failed after 2 attempt(s)"
    for e in (retrying, failed):
        assert "hunter2" not in json.dumps(e) and "abc123" not in json.dumps(e)
        assert "ftp://dsp:***@ftp.example.com/inbox?token=***" in e["data"]["error"]


def test_a_circuit_opening_and_closing_is_one_event_each(engine: Engine) -> None:
    tid = _target(engine)
    policy = circuit.CircuitPolicy(threshold=3)
    for _ in range(5):
        with queue.write_tx(engine) as conn:
            circuit.record_failure(conn, tid, policy)
    with queue.write_tx(engine) as conn:  # the probe fails: opened again, not news
        circuit.mark_half_open(conn, tid)
        circuit.record_failure(conn, tid, policy)
    for _ in range(2):
        with queue.write_tx(engine) as conn:
            circuit.record_success(conn, tid)
    with queue.write_tx(engine) as conn:
        circuit.record_failure(conn, tid, policy)
        circuit.reset(conn, tid)  # closed already: nothing
    events = _events(engine)
    assert [e["type"] for e in events] == ["circuit.opened", "circuit.closed"]
    assert events[0]["summary"] == "spotify failed 3 time(s) in a row: deliveries to it are paused"
    assert events[0]["data"]["consecutive_failures"] == 3


def test_a_manual_reset_says_so(engine: Engine) -> None:
    tid = _target(engine)
    for _ in range(5):
        with queue.write_tx(engine) as conn:
            circuit.record_failure(conn, tid, circuit.CircuitPolicy())
    with queue.write_tx(engine) as conn:
        circuit.reset(conn, tid)
    assert [(e["type"], e["data"]["reason"]) for e in _events(engine)][-1] == ("circuit.closed", "reset by hand")


def test_release_ready_is_written_with_the_status_change(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    rid = make_release(engine, settings, tmp_path / "src")
    with pytest.raises(Boom), session_scope(engine) as s:
        set_status(s, get_release(s, rid), "ready", actor="ann")
        raise Boom
    assert _events(engine) == []
    with session_scope(engine) as s:
        set_status(s, get_release(s, rid), "ready", actor="ann")
    with session_scope(engine) as s:
        set_status(s, get_release(s, rid), "ready", actor="ann")  # already ready: no new event
    (event,) = _events(engine)
    assert event["type"] == "release.ready" and event["data"]["actor"] == "ann"
    assert event["summary"] == "'Night Signals' (UPC 0602445790043) is ready for delivery"


def test_acks_write_accepted_and_rejected(engine: Engine) -> None:
    rid, tid = _release(engine), _target(engine)
    bad = AckResult("1.8", "ACK1", None, (AckRelease(("036000291452",), "ErrorInTheMessage", "ack-error",
                                                     error_text="Missing cover art <img>",
                                                     proposed_action="Redeliver"),))
    good = AckResult("1.8", "ACK2", None, (AckRelease(("036000291452",), "FileOK", "ack-ok"),))
    assert record_ack(engine, tid, "ACK_1_20261204120000.xml", bad)
    assert not record_ack(engine, tid, "ACK_1_20261204120000.xml", bad)  # the same file again: nothing
    assert record_ack(engine, tid, "ACK_2_20261204130000.xml", good)
    rejected, accepted = _events(engine)
    assert rejected["type"] == "ack.rejected" and rejected["data"]["error_text"] == "Missing cover art <img>"
    assert rejected["summary"] == ("spotify rejected 'Night Drive' (UPC 036000291452) (ErrorInTheMessage; "
                                   "proposed action: Redeliver)")
    assert accepted["type"] == "ack.accepted" and accepted["release"]["id"] == rid


def test_import_runs(engine: Engine, tmp_path: Path) -> None:
    src = tmp_path / "cat{a}.csv"
    src.write_text("x", encoding="utf-8")
    record_run(engine, src, sha256="0" * 64, kind="catalog", status="ok", counts={"created": 3, "errors": 0})
    record_run(engine, src, sha256="0" * 64, kind="catalog", status="failed", counts={"errors": 2})
    ok, failed = _events(engine)
    assert ok["type"] == "import.finished" and ok["summary"] == "import of cat{a}.csv finished: 3 created"
    assert failed["type"] == "import.failed" and failed["data"]["counts"] == {"errors": 2}


def test_dedupe_key_writes_once_and_names_are_never_placeholders(engine: Engine) -> None:
    rid = _release(engine, title="{target} and {release}")
    with queue.write_tx(engine) as conn:
        assert record(conn, "release.ready", summary="{release} is ready", release_id=rid, dedupe_key="k1")
    with queue.write_tx(engine) as conn:
        assert record(conn, "release.ready", summary="{release} is ready", release_id=rid, dedupe_key="k1") is None
    (event,) = _events(engine)
    assert event["summary"] == "'{target} and {release}' (UPC 036000291452) is ready"
    with Session(engine) as s, pytest.raises(ValueError, match="unknown event type"):
        record(s, "delivery.exploded", summary="x")
