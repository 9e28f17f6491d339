"""End-to-end deliveries through the real worker runner to a local folder (servers: test_execute_remote.py):
batch and release-by-release layouts for ERN 3.8.2/4.2/4.3, every MD5 in the XML matches the delivered
file, the XML and the manifest are XSD-valid, the manifest is uploaded last, a crashed delivery resumes
without re-sending, an update leaves out files the target already has unless an ACK asked for them, and
releases that break the readiness rules or the profile fail before anything is sent."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from stardust_tui.config import Settings
from stardust_tui.delivery.manifest import validate_choreography
from stardust_tui.delivery.targets import add_target
from stardust_tui.domain.delivery_models import Delivery, DeliveryStep, ReleaseTargetStatus
from stardust_tui.domain.models import Release
from stardust_tui.ern.schemas import schema_for
from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import load_release
from stardust_tui.store.revisions import content_hash
from stardust_tui.worker import queue
from stardust_tui.worker.runner import Runner, RunnerConfig
from tests.conftest import XSD_DIR
from tests.integration.delivery_release import UPC, make_release


def _enqueue(engine: Engine, release_id: int, target_id: int, message_type: str = "new") -> int:
    with session_scope(engine) as s:
        release = load_release(s, release_id)
        d = queue.enqueue(s, release_id=release_id, target_id=target_id, message_type=message_type,
                          content_hash=content_hash(release))
        return d.id


def _run(settings: Settings, engine: Engine, executor=None) -> None:  # noqa: ANN001
    cfg = RunnerConfig(concurrency=1, once=True, ack_poll_s=0, poll_s=0.05, retry_base_s=0.0, heartbeat_s=0.5)
    asyncio.run(Runner(settings, engine, executor=executor, config=cfg).run())


def _delivery(engine: Engine, delivery_id: int) -> tuple[Delivery, list[DeliveryStep]]:
    with session_scope(engine) as s:
        d = s.get(Delivery, delivery_id)
        steps = list(s.exec(select(DeliveryStep).where(DeliveryStep.delivery_id == delivery_id)
                            .order_by(col(DeliveryStep.completed_at), col(DeliveryStep.id))))
        return d, steps


def check_delivered_tree(root: Path, d: Delivery, steps: list[DeliveryStep], *, batch: bool,
                         semaphore: bool = False) -> None:
    """The remote tree is complete and correct (see the module docstring)."""
    folder = root / d.remote_path
    xml_path = (folder / UPC / f"{UPC}.xml") if batch else (folder / f"{UPC}.xml")
    data = xml_path.read_bytes()
    doc = etree.fromstring(data)
    version = {"382": "3.8.2", "42": "4.2", "43": "4.3"}[etree.QName(doc).namespace.rsplit("/", 1)[1]]
    schema = schema_for(version, XSD_DIR)
    assert schema.validate(doc), schema.error_log
    files = [el for el in doc.iter() if isinstance(el.tag, str) and etree.QName(el).localname == "File"]
    assert len(files) == 3  # two audio files and the cover
    for el in files:
        if version == "3.8.2":
            uri = (el.findtext("FilePath") or "") + el.findtext("FileName")
            md5 = el.findtext("HashSum/HashSum")
        else:
            uri, md5 = el.findtext("URI"), el.findtext("HashSum/HashSumValue")
            assert int(el.findtext("FileSize")) == (xml_path.parent / uri).stat().st_size
        delivered = xml_path.parent / uri
        assert hashlib.md5(delivered.read_bytes()).hexdigest() == md5, uri
    names = [s.name for s in steps if s.name.startswith("upload ")]
    assert names[-2 if batch else -1].endswith(f"{UPC}.xml")
    all_files = sorted(p for p in folder.rglob("*") if p.is_file())
    assert not [p for p in all_files if p.name.endswith(".part")]  # no temporary names left
    if batch:
        manifest = folder / f"BatchComplete_{d.batch_id}.xml"
        assert names[-1].endswith(manifest.name)  # uploaded last
        mdata = manifest.read_bytes()
        if semaphore:
            assert mdata == b""
        else:
            assert validate_choreography(mdata, "1.8", XSD_DIR) == []
            assert hashlib.md5(data).hexdigest().encode() in mdata
        assert manifest.stat().st_mtime_ns >= max(p.stat().st_mtime_ns for p in all_files if p != manifest)
        assert len(all_files) == 5
    else:
        assert len(all_files) == 4 and d.remote_path.startswith(f"N_{UPC}_")


@pytest.mark.parametrize("profile", ["generic-43", "generic-43-rbr", "semaphore", "generic-42", "generic-382",
                                     "postgresql"])
def test_deliver_to_local_folder(request: pytest.FixtureRequest, settings: Settings, tmp_path: Path,
                                 profile: str) -> None:
    if profile == "postgresql":  # the same delivery with the store on PostgreSQL
        sqlite_engine, profile = request.getfixturevalue("pg_engine"), "generic-43"
    else:
        sqlite_engine = request.getfixturevalue("sqlite_engine")
    out = tmp_path / "dsp"
    out.mkdir()
    if profile == "semaphore":  # a recipient that wants a zero-byte BatchComplete file
        settings.paths.profiles_dir.mkdir(parents=True, exist_ok=True)
        (settings.paths.profiles_dir / "semaphore.toml").write_text(
            'extends = "generic-43"\nprofile_version = 1\n[choreography]\nmanifest = "zero-byte"\n',
            encoding="utf-8")
    rid = make_release(sqlite_engine, settings, tmp_path / "src")
    with session_scope(sqlite_engine) as s:
        tid = add_target(s, settings.paths, name="local", url=f"file://{out}", profile=profile).id
    did = _enqueue(sqlite_engine, rid, tid)
    _run(settings, sqlite_engine)
    d, steps = _delivery(sqlite_engine, did)
    assert d.state == "succeeded", d.last_error
    check_delivered_tree(out, d, steps, batch=profile != "generic-43-rbr", semaphore=profile == "semaphore")
    with session_scope(sqlite_engine) as s:
        st = s.exec(select(ReleaseTargetStatus).where(ReleaseTargetStatus.release_id == rid)).one()
        assert st.status == "delivered" and st.message_id == d.message_id
        assert s.get(Release, rid).status == "delivered"


def test_crash_resumes_without_resending_then_update_skips(sqlite_engine: Engine, settings: Settings,
                                                           tmp_path: Path) -> None:
    from stardust_tui.delivery.execute import execute_delivery

    out = tmp_path / "dsp"
    out.mkdir()
    rid = make_release(sqlite_engine, settings, tmp_path / "src")
    with session_scope(sqlite_engine) as s:
        tid = add_target(s, settings.paths, name="local", url=f"file://{out}").id
    did = _enqueue(sqlite_engine, rid, tid)

    class Crash(Exception):
        pass

    async def crashing(ctx, delivery, steps, events):  # noqa: ANN001, ANN202
        class Proxy:
            def __getattr__(self, name):  # noqa: ANN001, ANN204
                return getattr(steps, name)

            async def done(self, name, **kw):  # noqa: ANN001, ANN202
                await steps.done(name, **kw)
                if name.startswith("upload ") and name.endswith(".flac"):
                    raise Crash("power cut after the second audio file")

        await execute_delivery(ctx, delivery, Proxy(), events)

    # the first attempt crashes after the second audio file; the retry (same runner, no backoff) resumes
    _run(settings, sqlite_engine, executor=crashing)
    d, steps = _delivery(sqlite_engine, did)
    assert d.state == "succeeded", d.last_error
    assert d.attempts == 2
    batch_id = d.batch_id
    assert len(list(out.iterdir())) == 1  # one batch folder: the resumed attempt continued the same batch
    attempts = {s.name.rsplit("/", 1)[-1]: s.attempt for s in steps}
    assert attempts[f"{UPC}_01_001.wav"] == 1 and attempts[f"{UPC}_01_002.flac"] == 1
    assert attempts[f"{UPC}.xml"] == 2 and attempts[f"BatchComplete_{batch_id}.xml"] == 2
    check_delivered_tree(out, d, steps, batch=True)

    # an update after a metadata change re-sends the XML but none of the files the target already has
    with session_scope(sqlite_engine) as s:
        from stardust_tui.store.releases import save_release

        release = load_release(s, rid)
        release.genre = "Ambient"
        save_release(s, release, actor="test")
    upd = _enqueue(sqlite_engine, rid, tid, "update")
    _run(settings, sqlite_engine)
    d, steps = _delivery(sqlite_engine, upd)
    assert d.state == "succeeded", d.last_error
    assert sorted(s.state for s in steps if "/resources/" in s.name) == ["skipped"] * 3
    sent = sorted(p.name for p in (out / d.remote_path).rglob("*") if p.is_file())
    assert sent == sorted([f"{UPC}.xml", f"BatchComplete_{d.batch_id}.xml"])


def test_profile_rules_and_placeholder_dpids_fail_fast(sqlite_engine: Engine, settings: Settings,
                                                       tmp_path: Path) -> None:
    out = tmp_path / "dsp"
    out.mkdir()
    rid = make_release(sqlite_engine, settings, tmp_path / "src")
    profiles = settings.paths.profiles_dir
    profiles.mkdir(parents=True, exist_ok=True)
    (profiles / "strict.toml").write_text('extends = "generic-43"\nprofile_version = 1\n'
                                          "[audio]\nbit_depths = [16]\n", encoding="utf-8")
    with session_scope(sqlite_engine) as s:
        strict = add_target(s, settings.paths, name="strict", url=f"file://{out}", profile="strict").id
        spotify = add_target(s, settings.paths, name="spotify", url=f"file://{out}", profile="spotify").id
    a, b = _enqueue(sqlite_engine, rid, strict), _enqueue(sqlite_engine, rid, spotify)
    _run(settings, sqlite_engine)
    d, _ = _delivery(sqlite_engine, a)
    assert d.state == "failed" and d.attempts == 1
    assert "not ready for strict" in d.last_error and "24-bit" in d.last_error
    d, _ = _delivery(sqlite_engine, b)
    assert d.state == "failed" and d.attempts == 1 and "recipient DPID not set" in d.last_error
    # the catalog's readiness rules apply too: a release without deals is not sent
    from stardust_tui.store.releases import save_release

    with session_scope(sqlite_engine) as s:
        release = load_release(s, rid)
        release.deals.clear()
        save_release(s, release, actor="test")
        generic = add_target(s, settings.paths, name="generic", url=f"file://{out}").id
    c = _enqueue(sqlite_engine, rid, generic)
    _run(settings, sqlite_engine)
    d, _ = _delivery(sqlite_engine, c)
    assert d.state == "failed" and d.attempts == 1 and "deals" in d.last_error
    assert list(out.iterdir()) == []  # nothing was sent


def test_concurrent_deliveries_to_one_target_get_their_own_batch(sqlite_engine: Engine, settings: Settings,
                                                                 tmp_path: Path) -> None:
    from stardust_tui.domain.identifiers import gtin_check_digit

    out = tmp_path / "dsp"
    out.mkdir()
    with session_scope(sqlite_engine) as s:
        tid = add_target(s, settings.paths, name="local", url=f"file://{out}", max_concurrency=4).id
    ids = []
    for n in range(1, 5):
        body = f"060244579{n:03d}"
        rid = make_release(sqlite_engine, settings, tmp_path / f"src{n}", upc=body + str(gtin_check_digit(body)), n=n)
        ids.append(_enqueue(sqlite_engine, rid, tid))
    cfg = RunnerConfig(concurrency=4, once=True, ack_poll_s=0, poll_s=0.05, retry_base_s=0.0, heartbeat_s=0.5)
    asyncio.run(Runner(settings, sqlite_engine, config=cfg).run())
    batches = set()
    for did in ids:
        d, _ = _delivery(sqlite_engine, did)
        assert d.state == "succeeded", d.last_error
        batches.add(d.batch_id)
        assert (out / d.batch_id / f"BatchComplete_{d.batch_id}.xml").is_file()
    assert len(batches) == 4 and len(list(out.iterdir())) == 4


def test_update_resends_files_when_the_ack_asks_for_them(sqlite_engine: Engine, settings: Settings,
                                                         tmp_path: Path) -> None:
    from stardust_tui.delivery.acks import parse_ack, record_ack
    from stardust_tui.store.releases import save_release
    from tests.unit.test_acks import ERROR16, ack16

    out = tmp_path / "dsp"
    out.mkdir()
    rid = make_release(sqlite_engine, settings, tmp_path / "src")
    with session_scope(sqlite_engine) as s:
        tid = add_target(s, settings.paths, name="local", url=f"file://{out}").id
    first = _enqueue(sqlite_engine, rid, tid)
    _run(settings, sqlite_engine)
    d, _ = _delivery(sqlite_engine, first)
    assert d.state == "succeeded"
    name = f"ACK_{d.message_id}_20261124100000000.xml"  # "ResourceCorrupt, ResendXmlAndResources"
    assert record_ack(sqlite_engine, tid, name, parse_ack(ack16(UPC, "ResourceCorrupt", ERROR16), name))
    with session_scope(sqlite_engine) as s:
        release = load_release(s, rid)
        release.genre = "Ambient"
        save_release(s, release, actor="test")
    upd = _enqueue(sqlite_engine, rid, tid, "update")
    _run(settings, sqlite_engine)
    d, steps = _delivery(sqlite_engine, upd)
    assert d.state == "succeeded", d.last_error
    assert sorted(s.state for s in steps if "/resources/" in s.name) == ["done"] * 3
    check_delivered_tree(out, d, steps, batch=True)

