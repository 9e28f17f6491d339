"""Backup and restore: a snapshot taken while deliveries are being written restores every release, asset,
target and delivery record; checksums are verified first; incremental assets; retention; CLI."""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text, update
from sqlmodel import Session

from stardust_tui.assets.store import AssetStore
from stardust_tui.cli import cli
from stardust_tui.config import Settings
from stardust_tui.domain.delivery_models import Delivery, DeliveryEvent, DeliveryStep, ReleaseTargetStatus, Target
from stardust_tui.domain.models import Asset, Release, Track
from stardust_tui.errors import StardustError
from stardust_tui.importexport.backup import create_backup, list_snapshots, run_scheduled_backup
from stardust_tui.importexport.importer import run_import
from stardust_tui.importexport.restore import restore_backup, verify_backup
from stardust_tui.paths import Paths
from stardust_tui.store.db import make_engine, session_scope
from stardust_tui.store.releases import load_release, save_release


def build_catalog(engine, settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = ["UPC,Release Title,Artist,Track Number,Track Title,ISRC"]
    for i in range(1, 21):
        body = f"{i:011d}"
        from stardust_tui.domain.identifiers import gtin_check_digit

        upc = body + str(gtin_check_digit(body))
        rows += [f"{upc},Album {i},Artist {i},{n},Song {n},QZABC24{i:03d}{n:02d}" for n in (1, 2)]
    src = tmp_path / "cat.csv"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert run_import(engine, src).created == 20
    store = AssetStore(settings.paths)
    with session_scope(engine) as s:
        for i in (1, 2, 3):
            f = tmp_path / f"audio{i}.bin"
            f.write_bytes(b"NOT-AUDIO " + os.urandom(50_000 + i))  # never sniffed as audio (MPEG sync, ID3...)
            asset = store.add(s, f)
            release = load_release(s, i)
            release.tracks[0].audio_asset_id = asset.id
            save_release(s, release, actor="t")
        for name in ("spotify", "apple"):
            s.add(Target(name=name, url=f"sftp://{name}.example/in", credentials="gAAAA-encrypted"))
        s.flush()
        for rid in range(1, 6):
            d = Delivery(release_id=rid, target_id=1, state="running" if rid % 2 else "queued",
                         idempotency_key=f"k{rid}", lease_owner="w1")
            s.add(d)
            s.flush()
            s.add(DeliveryStep(delivery_id=d.id, name="package", state="done"))
            s.add(ReleaseTargetStatus(release_id=rid, target_id=1, status="delivered", delivery_id=d.id))


def snapshot_of(engine) -> dict:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        def rows(model, *cols):  # type: ignore[no-untyped-def]
            return sorted(tuple(r) for r in s.execute(select(*[getattr(model, c) for c in cols])).all())
        return {
            "releases": rows(Release, "id", "upc", "title", "revision"),
            "tracks": rows(Track, "id", "release_id", "isrc", "audio_asset_id"),
            "assets": rows(Asset, "id", "sha256", "size"),
            "targets": rows(Target, "id", "name", "url", "credentials"),
            "deliveries": rows(Delivery, "id", "release_id", "target_id", "state", "idempotency_key"),
            "steps": rows(DeliveryStep, "id", "delivery_id", "name", "state"),
            "status": rows(ReleaseTargetStatus, "id", "release_id", "status"),
        }


class Writer(threading.Thread):
    """Keeps delivering while the backup runs: each transaction adds an event and bumps bytes_done to the
    number of events of that delivery (so a consistent snapshot always has bytes_done == event count)."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.engine = make_engine(url)
        self.stop = threading.Event()
        self.writes = 0

    def run(self) -> None:
        while not self.stop.is_set():
            did = self.writes % 5 + 1
            with session_scope(self.engine) as s:
                s.add(DeliveryEvent(delivery_id=did, target_id=1, message=f"uploaded chunk {self.writes}"))
                s.flush()
                n = s.execute(select(func.count()).select_from(DeliveryEvent)
                              .where(DeliveryEvent.delivery_id == did)).scalar_one()
                s.execute(update(Delivery).where(Delivery.id == did).values(bytes_done=n))
            self.writes += 1
        self.engine.dispose()


def test_backup_during_deliveries_restores_everything(sqlite_engine, settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    build_catalog(sqlite_engine, settings, tmp_path)
    before = snapshot_of(sqlite_engine)
    settings.paths.secret_key_file.write_text("key", encoding="utf-8")
    writer = Writer(settings.db_url)
    writer.start()
    deadline = time.monotonic() + 60
    while writer.writes < 20:  # deliveries are really in progress
        assert writer.is_alive() and time.monotonic() < deadline
        threading.Event().wait(0.01)
    result = create_backup(settings, tmp_path / "backups")
    writer.stop.set()
    writer.join(10)
    assert result.database == "sqlite" and result.assets_total == 3 and result.assets_copied == 3
    assert writer.writes > 20

    new_home = Paths.resolve(tmp_path / "restored")
    verified, notes = restore_backup(tmp_path / "backups", new_home)
    assert verified.ok and any("database restored" in n for n in notes)
    restored = make_engine(str(new_home.database_file))
    after = snapshot_of(restored)
    assert after == before  # every release, track, asset, target, delivery, step and status row intact
    with Session(restored) as s:
        assert s.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        events = s.execute(select(DeliveryEvent.delivery_id, func.count()).group_by(DeliveryEvent.delivery_id)).all()
        done = dict(s.execute(select(Delivery.id, Delivery.bytes_done)).all())
        assert events and all(done[d] == n for d, n in events)  # a consistent point in the writer's history
        store = AssetStore(new_home)
        assert all(store.verify(a) for a in s.exec(select(Asset)).scalars())  # type: ignore[call-overload]
    assert new_home.secret_key_file.read_text(encoding="utf-8") == "key"
    assert (new_home.secret_key_file.stat().st_mode & 0o777) == 0o600
    restored.dispose()


def test_incremental_verify_and_refusals(sqlite_engine, settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    build_catalog(sqlite_engine, settings, tmp_path)
    root = tmp_path / "bk"
    first = create_backup(settings, root)
    second = create_backup(settings, root)
    assert (first.assets_copied, second.assets_copied, second.assets_total) == (3, 0, 3)
    assert len(list_snapshots(root)) == 2 and verify_backup(root).ok
    with pytest.raises(StardustError, match="not empty"):
        restore_backup(root, settings.paths)  # the live home
    manifest = json.loads((second.snapshot / "manifest.json").read_text(encoding="utf-8"))
    sha = manifest["assets"][0]["sha256"]
    victim = root / "assets" / sha[:2] / sha[2:4] / sha
    data = bytearray(victim.read_bytes())
    data[100] ^= 0xFF
    victim.write_bytes(bytes(data))
    bad = verify_backup(root)
    assert not bad.ok and "checksum mismatch" in bad.problems[0]
    target = Paths.resolve(tmp_path / "new")
    with pytest.raises(StardustError, match="verification"):
        restore_backup(root, target)
    assert not target.database_file.exists()  # nothing restored
    (second.snapshot / "manifest.json").unlink()  # an incomplete snapshot is ignored: the first one is used
    assert list_snapshots(root) == [first.snapshot]


def test_scheduled_backup_and_retention(sqlite_engine, settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    build_catalog(sqlite_engine, settings, tmp_path)
    settings.backup = {"dir": str(tmp_path / "sched"), "interval_hours": 24, "keep": 2}
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    assert run_scheduled_backup(settings, now=t0) is not None
    assert run_scheduled_backup(settings, now=t0 + timedelta(hours=1)) is None  # not due yet
    for day in (1, 2, 3):
        assert run_scheduled_backup(settings, now=t0 + timedelta(days=day)) is not None
    snaps = list_snapshots(tmp_path / "sched")
    assert [s.name[:8] for s in snaps] == ["20260103", "20260104"]
    assert verify_backup(tmp_path / "sched").ok
    assets = list((tmp_path / "sched" / "assets").glob("*/*/*"))
    assert len(assets) == 3


def test_cli_backup_verify_restore(tmp_path: Path) -> None:
    runner = CliRunner()
    home, other = tmp_path / "h", tmp_path / "o"
    assert runner.invoke(cli, ["--home", str(home), "init"]).exit_code == 0
    out = runner.invoke(cli, ["--home", str(home), "backup", str(tmp_path / "b")])
    assert out.exit_code == 0 and "SQLite online backup" in out.output
    assert runner.invoke(cli, ["restore", str(tmp_path / "b"), "--verify"]).output.strip().endswith("OK")
    res = runner.invoke(cli, ["--home", str(other), "restore", str(tmp_path / "b")])
    assert res.exit_code == 0 and (other / "stardust.db").is_file()
    res = runner.invoke(cli, ["--home", str(other), "restore", str(tmp_path / "b")])
    assert res.exit_code == 1 and "--force" in res.output
    res = runner.invoke(cli, ["--home", str(other), "restore", str(tmp_path / "b"), "--force"])
    assert res.exit_code == 0 and list(other.glob("stardust.db.before-restore-*"))


def test_postgres_backup_with_pg_dump_and_restore(pg_url: str, settings: Settings, tmp_path: Path) -> None:
    """PostgreSQL: pg_dump into the snapshot, pg_restore into another database, same rows."""
    import shutil
    import uuid

    from sqlalchemy.engine import make_url

    from stardust_tui.store.migrate import upgrade

    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore not installed")
    names = [f"sd_bk_{uuid.uuid4().hex[:10]}", f"sd_rs_{uuid.uuid4().hex[:10]}"]
    admin = make_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for n in names:
            conn.execute(text(f'CREATE DATABASE "{n}"'))
    urls = [make_url(pg_url).set(database=n).render_as_string(hide_password=False) for n in names]
    engines = [make_engine(u) for u in urls]
    try:
        upgrade(engines[0])
        settings.database_url = urls[0]
        build_catalog(engines[0], settings, tmp_path)
        before = snapshot_of(engines[0])
        result = create_backup(settings, tmp_path / "pgbk")
        assert result.database == "pg_dump" and result.assets_total == 3
        assert (result.snapshot / "stardust.pgdump").stat().st_size > 0 and verify_backup(tmp_path / "pgbk").ok
        new_home = Paths.resolve(tmp_path / "pg-restored")
        _, notes = restore_backup(tmp_path / "pgbk", new_home, db_url=urls[1])
        assert any("restored with pg_restore" in n for n in notes), notes
        assert snapshot_of(engines[1]) == before
        assert len(list(new_home.assets_dir.glob("*/*/*"))) == 3
    finally:
        for e in engines:
            e.dispose()
        with admin.connect() as conn:
            for n in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)'))
        admin.dispose()
