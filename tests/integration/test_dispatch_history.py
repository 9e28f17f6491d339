"""The TUI's delivery services end to end with the real runner and a local folder target: the deliver
dialog's options and readiness, queueing (idempotent), the release's status per target, one delivery's
steps/events, and the message sent — rebuilt byte-identical (even after the release changed) and
fetched back from the target."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import func, select

from stardust_tui.delivery.targets import add_target
from stardust_tui.domain.models import ReleaseRevision
from stardust_tui.errors import ValidationError
from stardust_tui.services import Services
from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import load_release, save_release
from stardust_tui.worker.runner import Runner, RunnerConfig
from tests.integration.delivery_release import UPC, make_release

NOW = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


def _run(services: Services) -> None:
    cfg = RunnerConfig(concurrency=1, once=True, ack_poll_s=0, poll_s=0.05, retry_base_s=0.0, heartbeat_s=0.5)
    asyncio.run(Runner(services.settings, services.engine, config=cfg).run())


@pytest.fixture
def world(settings, sqlite_engine, tmp_path: Path):
    rid = make_release(sqlite_engine, settings, tmp_path / "src")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with session_scope(sqlite_engine) as s:
        tid = add_target(s, settings.paths, name="inbox", url=f"file://{inbox}").id
        add_target(s, settings.paths, name="audius", url=f"file://{inbox}", profile="audius")
        add_target(s, settings.paths, name="spot", url=f"file://{inbox}", profile="spotify")
    return Services(settings=settings, engine_source=sqlite_engine, now=lambda: NOW), rid, tid, inbox


def test_options_follow_profile_and_state(world) -> None:
    services, rid, tid, _ = world
    opts = services.dispatch.options(rid)
    assert opts.release.upc == UPC and opts.release.title == "Night Signals"
    inbox = next(t for t in opts.targets if t.name == "inbox")
    assert inbox.at_target is None and inbox.default_type == "new"
    allowed = {c.message_type: c.allowed for c in inbox.types}
    assert allowed == {"new": True, "update": False, "takedown": False, "purge": False}
    assert inbox.choice("purge").note == "never delivered to inbox: nothing to purge"
    audius = next(t for t in opts.targets if t.name == "audius")
    assert "never delivered" in audius.choice("purge").note
    spot = next(t for t in opts.targets if t.name == "spot")  # the profile refuses purges outright
    assert not spot.choice("purge").allowed
    assert spot.choice("purge").note == "spotify refuses purge messages; it takes releases down by removing its deals"


def test_check_names_blocking_errors(world) -> None:
    services, rid, tid, _ = world
    ok = services.dispatch.check(rid, tid, "new")
    assert ok.ok, ok.errors
    with session_scope(services.engine) as s:
        rel = load_release(s, rid)
        rel.genre = None
        save_release(s, rel, actor="t")
    bad = services.dispatch.check(rid, tid, "new")
    assert any(e.startswith("genre:") for e in bad.errors)
    with pytest.raises(ValidationError, match="not ready: genre"):
        services.dispatch.queue(rid, tid, "new")
    assert services.dispatch.check(rid, tid, "takedown").errors == ["takedown: not live at inbox (never delivered)"]


def test_deliver_then_history_detail_and_message(world) -> None:
    services, rid, tid, inbox = world
    queued = services.dispatch.queue(rid, tid, "new")
    assert queued.fresh and queued.state == "queued"
    again = services.dispatch.queue(rid, tid, "new")
    assert (again.delivery_id, again.fresh) == (queued.delivery_id, False)  # idempotent
    _run(services)

    opts = services.dispatch.options(rid)
    inbox_choice = next(t for t in opts.targets if t.name == "inbox")
    assert inbox_choice.at_target == "delivered" and inbox_choice.default_type == "update"
    assert inbox_choice.choice("takedown").allowed and "removing its deals" in inbox_choice.choice("takedown").note
    assert services.dispatch.check(rid, tid, "new").existing == (queued.delivery_id, "succeeded")

    history = services.delivery_history.for_release(rid)
    at = {r.target: r for r in history.targets}
    assert at["inbox"].status == "delivered" and at["inbox"].delivery_id == queued.delivery_id
    assert at["audius"].status is None
    assert [(d.id, d.state, d.message_type) for d in history.deliveries] == [(queued.delivery_id, "succeeded", "new")]

    detail = services.delivery_history.detail(queued.delivery_id)
    assert detail.fields["state"] == "succeeded" and detail.fields["target"] == "inbox"
    names = [s.name for s in detail.steps]
    assert names[0] == "package" and "verify" in names
    uploads = [s for s in detail.steps if s.name.startswith("upload ")]
    assert len(uploads) == 5 and all(s.md5 and s.size for s in uploads)  # 2 audio, cover, XML, manifest
    for s in uploads:
        assert hashlib.md5((inbox / s.remote_path).read_bytes()).hexdigest() == s.md5
    assert any("delivered new message" in e.message for e in detail.events)

    sent_file = inbox / detail.steps[0].remote_path
    msg = services.delivery_history.message(queued.delivery_id)
    assert msg.verified and msg.source == "rebuilt" and msg.data == sent_file.read_bytes()

    with session_scope(services.engine) as s:  # the release changes after it was sent
        rel = load_release(s, rid)
        rel.title = "Night Signals (Remastered)"
        save_release(s, rel, actor="t")
        revisions = s.exec(select(func.count()).select_from(ReleaseRevision)
                           .where(ReleaseRevision.release_id == rid)).one()
    msg = services.delivery_history.message(queued.delivery_id)
    assert msg.verified and msg.data == sent_file.read_bytes()
    with session_scope(services.engine) as s:  # ...and rebuilding the old message wrote nothing
        assert load_release(s, rid).title == "Night Signals (Remastered)"
        assert s.exec(select(func.count()).select_from(ReleaseRevision)
                      .where(ReleaseRevision.release_id == rid)).one() == revisions

    fetched = services.delivery_history.fetch_message(queued.delivery_id)
    assert fetched.source == "fetched" and fetched.verified and fetched.data == sent_file.read_bytes()

    down = services.dispatch.queue(rid, tid, "takedown")
    _run(services)
    at = {r.target: r for r in services.delivery_history.for_release(rid).targets}
    assert at["inbox"].status == "taken-down" and at["inbox"].delivery_id == down.delivery_id


def test_message_of_unsent_delivery_is_one_clear_error(world) -> None:
    services, rid, tid, _ = world
    queued = services.dispatch.queue(rid, tid, "new")
    with pytest.raises(ValidationError, match="never packaged"):
        services.delivery_history.message(queued.delivery_id)


def test_set_status_refuses_ready_with_errors(world) -> None:
    services, rid, _, _ = world
    assert services.dispatch.set_status(rid, "ready") > 1
    with session_scope(services.engine) as s:
        rel = load_release(s, rid)
        rel.upc = None
        rel.status = "draft"
        save_release(s, rel, actor="t")
    with pytest.raises(ValidationError, match="cannot mark ready"):
        services.dispatch.set_status(rid, "ready")
    with pytest.raises(ValidationError, match="unknown status"):
        services.dispatch.set_status(rid, "[bold]live")
