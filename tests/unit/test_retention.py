"""Retention (issue 15): `[retention]` keys validated like every config key; `stardust retention --dry-run` counts
exactly what a real run then removes (old delivery events, audit entries cut from the chain's start, revisions
beyond N except delivered ones, rotated logs, hot-folder reports, ACK records except the newest), and the audit
chain still verifies after the cut. Old data is written with the catalog's clock set 500 days back."""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from stardust_tui.cli import cli
from stardust_tui.config import Settings, load_settings
from stardust_tui.domain import models
from stardust_tui.domain.delivery_models import Acknowledgement, DeliveryEvent
from stardust_tui.domain.models import AuditEntry, ReleaseRevision
from stardust_tui.services import Services
from stardust_tui.services.actor import Actor
from stardust_tui.store import audit_chain
from stardust_tui.store.db import session_scope
from stardust_tui.worker.queue import enqueue

POLICY = """[retention]
delivery_events_days = 30
audit_days = 30
revisions_keep = 2
logs_days = 30
import_reports_days = 30
ack_days = 30
"""


class _Past(datetime):
    @classmethod
    def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
        return datetime.now(tz) - timedelta(days=500)


def _counts(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as s:
        return {name: int(s.execute(select(func.count()).select_from(model)).scalar_one())
                for name, model in (("events", DeliveryEvent), ("audit", AuditEntry), ("revisions", ReleaseRevision),
                                    ("acks", Acknowledgement))}


@pytest.fixture
def aged(settings: Settings, sqlite_engine: Engine, tmp_path: Path) -> dict[str, Any]:
    watch = tmp_path / "drop"
    settings.paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    settings.paths.config_file.write_text(POLICY + f'\n[watch]\ndirs = ["{watch}"]\n')
    svc = Services(load_settings(), sqlite_engine, actor=Actor("olga"))
    out = tmp_path / "dsp"
    out.mkdir()
    with pytest.MonkeyPatch.context() as clock:  # 500 days ago: a target, release A and its history
        clock.setattr(models, "datetime", _Past)
        svc.targets.add(name="shop", url=f"file://{out}")
        a = svc.releases.create(title="Old Album", artists=["Ann Lee"])
        for genre in ("Pop", "Jazz", "Soul", "Funk"):
            svc.releases.edit(a, genre=genre)
        with session_scope(sqlite_engine) as s:
            third = s.execute(select(ReleaseRevision).where(ReleaseRevision.release_id == a,
                                                            ReleaseRevision.number == 3)).scalar_one()
            d = enqueue(s, release_id=a, target_id=1, content_hash=third.content_hash)  # revision 3 was delivered
            d.state = "succeeded"
            for i in range(4):
                s.add(DeliveryEvent(delivery_id=d.id, target_id=1, message=f"step {i}", at=models.utcnow()))
            for i in range(3):
                s.add(Acknowledgement(target_id=1, file_name=f"ACK_{i}.xml", release_id=a, file_status="Acknowledged",
                                      received_at=models.utcnow() + timedelta(minutes=i)))
    b = svc.releases.create(title="New Single", artists=["Ann Lee"])  # today
    svc.releases.edit(b, genre="Pop")
    old = time.time() - 90 * 86400
    logs = settings.paths.log_dir
    logs.mkdir(parents=True, exist_ok=True)
    for name, stamp in (("deliveries-20240101T000000-1.jsonl", old), ("deliveries-20261201T000000-2.jsonl", None)):
        (logs / name).write_text("{}\n")
        if stamp:
            os.utime(logs / name, (stamp, stamp))
    for sub, name, stamp in (("done", "a.csv.report.txt", old), ("failed", "b.csv.report.json", old),
                             ("done", "c.csv.report.txt", None), ("done", "a.csv", old)):
        (watch / sub).mkdir(parents=True, exist_ok=True)
        (watch / sub / name).write_text("report\n")
        if stamp:
            os.utime(watch / sub / name, (stamp, stamp))
    return {"svc": svc, "engine": sqlite_engine, "watch": watch, "logs": logs}


def test_dry_run_counts_exactly_what_the_real_run_removes(aged: dict[str, Any]) -> None:
    engine = aged["engine"]
    before = _counts(engine)
    result = CliRunner().invoke(cli, ["retention", "--dry-run"])
    assert result.exit_code == 0 and not result.stderr, result.output
    assert result.stdout.splitlines() == [
        "delivery_events_days   would remove        4 delivery log events: of finished deliveries older than 30 days",
        "revisions_keep         would remove        2 release revisions: beyond the newest 2 per release; delivered "
        "ones kept",
        "ack_days               would remove        2 ACK records: older than 30 days; the newest per release and "
        "target kept",
        "logs_days              would remove        1 rotated delivery logs: older than 30 days",
        "import_reports_days    would remove        2 hot-folder import reports: older than 30 days",
        "audit_days             would remove        6 audit entries: older than 30 days, cut from the chain's start; "
        "the cut is recorded",
        "total                  would remove       17",
    ]
    assert _counts(engine) == before  # a dry run removes nothing
    assert len(list(aged["logs"].glob("deliveries-*.jsonl"))) == 2

    report = aged["svc"].retention.run(dry_run=False)
    assert {s.key: s.count for s in report.sweeps} == {
        "delivery_events_days": 4, "revisions_keep": 2, "ack_days": 2, "logs_days": 1, "import_reports_days": 2,
        "audit_days": 6}
    after = _counts(engine)
    assert after["events"] == before["events"] - 4 and after["acks"] == before["acks"] - 2
    assert after["revisions"] == before["revisions"] - 2
    with session_scope(engine) as s:  # release 1 keeps its newest two and the delivered revision 3
        kept = s.execute(select(ReleaseRevision.number).where(ReleaseRevision.release_id == 1)
                         .order_by(ReleaseRevision.number)).scalars().all()
        assert kept == [3, 4, 5]
        assert s.execute(select(Acknowledgement.file_name)).scalars().all() == ["ACK_2.xml"]
    assert [p.name for p in aged["logs"].glob("deliveries-*.jsonl")] == ["deliveries-20261201T000000-2.jsonl"]
    assert sorted(p.name for p in aged["watch"].rglob("*") if p.is_file()) == ["a.csv", "c.csv.report.txt"]
    with engine.connect() as conn:  # the first 6 entries are gone on purpose: the rest still verifies
        chain = audit_chain.verify(conn)
    assert chain.ok and chain.pruned_seq == 6, chain.problems
    entry = aged["svc"].audit.list().entries[0]
    assert (entry.actor, entry.action, entry.note) == ("olga", "retention", "retention removed 17 item(s)")
    again = aged["svc"].retention.run(dry_run=True)
    assert again.total == 0


def test_retention_keys_are_validated_and_a_real_run_needs_an_admin(aged: dict[str, Any],
                                                                    settings: Settings) -> None:
    svc = aged["svc"]
    svc.users.add("vic", "viewer")
    vic = Services(svc.settings, aged["engine"], actor=Actor("vic"))
    assert vic.retention.run(dry_run=True).total == 17  # anyone may look
    with pytest.raises(Exception, match="applying the retention policy needs the admin role"):
        vic.retention.run(dry_run=False)
    settings.paths.config_file.write_text("[retention]\nrevisions_keep = 0\n")
    result = CliRunner().invoke(cli, ["retention", "--dry-run"])
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("retention.revisions_keep: expected an integer from 1 to 1000000, got 0")


def test_the_worker_applies_the_policy_in_its_housekeeping(aged: dict[str, Any]) -> None:
    import asyncio

    from stardust_tui.worker import housekeeping
    from stardust_tui.worker.events import JsonLineLog

    svc = aged["svc"]
    assert housekeeping.retention_enabled(svc.settings)
    seen: list[str] = []

    async def one_round() -> None:
        task = asyncio.create_task(housekeeping.retention_loop(
            svc.settings, aged["engine"], actor="worker@test", log=JsonLineLog(svc.settings.paths.delivery_log_file),
            listener=lambda event: seen.append(event.message)))
        for _ in range(200):
            await asyncio.sleep(0.05)
            if seen:
                break
        task.cancel()

    asyncio.run(one_round())
    assert seen == ["retention removed 4 delivery log events, 2 release revisions, 2 ACK records, 1 rotated delivery "
                    "logs, 2 hot-folder import reports, 6 audit entries"]
    assert svc.audit.list().entries[0].actor == "worker@test"


def test_an_ack_read_again_after_its_record_was_pruned_does_not_undo_a_newer_one(
        sqlite_engine: Engine, settings: Settings, tmp_path: Path) -> None:
    import asyncio

    from test_acks import ERROR16, _seed, _status, ack16

    from stardust_tui.delivery.acks import poll_target_acks
    from stardust_tui.delivery.registry import open_transport
    from stardust_tui.delivery.targets import get_target
    from stardust_tui.store.retention import acks as prune_acks

    out = tmp_path / "dsp"
    (out / "acks").mkdir(parents=True)
    _target_id, release_id = _seed(sqlite_engine, settings, out)
    (out / "acks" / "ACK_SD-1_20261123100000123.xml").write_bytes(ack16("0602445790047", "FileOK"))
    (out / "acks" / "ACK_SD-1_20261124100000123.xml").write_bytes(ack16("0602445790047", "ResourceCorrupt", ERROR16))
    with session_scope(sqlite_engine) as s:
        target = get_target(s, "meta1")

    async def poll() -> list:
        async with open_transport(f"file://{out}") as transport:
            return await poll_target_acks(sqlite_engine, target, transport, "/acks")

    assert len(asyncio.run(poll())) == 2 and _status(sqlite_engine, release_id).status == "ack-error"
    with sqlite_engine.begin() as conn:  # retention: every record is old, the newest of the release stays
        assert prune_acks(conn, models.utcnow() + timedelta(days=1), dry_run=False) == 1
    assert [name for name, _ in asyncio.run(poll())] == ["ACK_SD-1_20261123100000123.xml"]  # still in the folder
    assert _status(sqlite_engine, release_id).status == "ack-error"  # the older FileOK does not win again
