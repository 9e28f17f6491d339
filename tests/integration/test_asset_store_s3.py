"""The object-store asset store (issue 12) against a real S3 server (rclone serve s3, which checks
Content-MD5 and keeps objects as plain files we can look at and damage).

A release's audio and cover are added into a bucket (nothing kept locally), QC decodes them from the
bucket, and the worker delivers them streamed to a real SFTP server and a local folder, and copied
server-side to an S3 target on the same endpoint; the delivered trees are checked like every other
delivery (XSD-valid message, MD5s of the files). Migration moves the store to a folder and back with the
catalog unchanged; a damaged or missing object is caught by verify and by migrate."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from servers import S3_KEY, S3_SECRET, S3Server, Sshd
from sqlalchemy.engine import Engine
from sqlmodel import select

from stardust_tui.assets.local_backend import LocalBackend
from stardust_tui.assets.store import AssetStore
from stardust_tui.assets.store_config import parse_store_url, save_credentials
from stardust_tui.config import Settings, load_settings
from stardust_tui.delivery.targets import add_target
from stardust_tui.domain.models import Asset
from stardust_tui.services import Services
from stardust_tui.services.asset_store import AssetStoreService
from stardust_tui.store.db import session_scope
from tests.integration.delivery_release import make_release
from tests.integration.test_execute import _delivery, _enqueue, _run, check_delivered_tree


@pytest.fixture
def bucket_store(rclone_s3: S3Server, settings: Settings, sqlite_engine: Engine) -> tuple[Settings, str]:
    """The test home configured with an asset store in a bucket of the rclone server (credentials stored)."""
    name = f"assets-{os.getpid()}-{abs(hash(str(settings.paths.data_dir))) % 10**8}"
    assert rclone_s3.root is not None
    rclone_s3.client().create_bucket(Bucket=name)
    url = f"s3://{name}/store?endpoint={rclone_s3.endpoint}&region=us-east-1"
    settings.paths.config_file.write_text(f'[assets]\nurl = "{url}"\n', encoding="utf-8")
    fresh = load_settings()
    save_credentials(fresh.paths, sqlite_engine, parse_store_url(url),  # type: ignore[arg-type]
                     {"aws_access_key_id": S3_KEY, "aws_secret_access_key": S3_SECRET})
    return fresh, name


def _objects(root: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in root.rglob("*") if p.is_file()}


def test_release_in_a_bucket_delivered_streamed_and_server_side(
        bucket_store: tuple[Settings, str], rclone_s3: S3Server, sshd: Sshd, sqlite_engine: Engine,
        tmp_path: Path) -> None:
    settings, bucket = bucket_store
    rid = make_release(sqlite_engine, settings, tmp_path / "src")
    with session_scope(sqlite_engine) as s:
        assets = list(s.exec(select(Asset)).all())
    stored = _objects(rclone_s3.root / bucket)  # type: ignore[operator]
    assert {a.sha256 for a in assets} == set(stored), "every asset is an object named by its SHA-256"
    assert not list(settings.paths.assets_dir.rglob("*")), "nothing is kept in the local store"
    store = AssetStore(settings, sqlite_engine)
    assert all(store.verify(a) for a in assets)
    wav = next(a for a in assets if a.original_name == "one.wav")
    assert store.facts(wav)["sample_rate"] == 44100  # read back from the bucket by ranged reads

    out = tmp_path / "sftp-root"
    folder = tmp_path / "folder"
    out.mkdir()
    folder.mkdir()
    with session_scope(sqlite_engine) as s:
        sftp = add_target(s, settings.paths, name="sftp", url=f"sftp://{sshd.user}@127.0.0.1:{sshd.port}{out}",
                          key_file=str(sshd.key), known_hosts=str(sshd.known_hosts), profile="generic-43").id
        local = add_target(s, settings.paths, name="folder", url=f"file://{folder}", profile="generic-43").id
        s3 = add_target(s, settings.paths, name="s3", profile="generic-43",
                        url=f"s3://{rclone_s3.bucket}/inbox-{bucket}?endpoint={rclone_s3.endpoint}&region=us-east-1",
                        secrets={"aws_access_key_id": S3_KEY, "aws_secret_access_key": S3_SECRET}).id
    ids = [_enqueue(sqlite_engine, rid, t) for t in (sftp, local, s3)]
    _run(settings, sqlite_engine)
    for did, root in zip(ids, (out, folder, rclone_s3.root / rclone_s3.bucket / f"inbox-{bucket}"), strict=True):  # type: ignore[operator]
        d, steps = _delivery(sqlite_engine, did)
        assert d.state == "succeeded", d.last_error
        check_delivered_tree(root, d, steps, batch=True)


def test_verify_and_migrate_catch_damage_and_round_trip(
        bucket_store: tuple[Settings, str], rclone_s3: S3Server, sqlite_engine: Engine, tmp_path: Path) -> None:
    settings, bucket = bucket_store
    make_release(sqlite_engine, settings, tmp_path / "src")
    services = Services(settings, sqlite_engine)
    svc = AssetStoreService(services)
    with session_scope(sqlite_engine) as s:
        before = sorted((a.id, a.sha256, a.md5, a.size) for a in s.exec(select(Asset)).all())
    # bucket -> folder: every file copied and verified; the catalog rows do not change
    report = svc.migrate("local")
    assert report.ok and report.copied == len(before) and report.present == 0
    again = svc.migrate("local")  # resumable: nothing left to copy
    assert again.ok and again.copied == 0 and again.present == len(before)
    local = AssetStore(settings.paths, backend=LocalBackend(settings.paths.assets_dir))
    assert not AssetStore(settings.paths).is_local, "the home's config names the bucket"
    with session_scope(sqlite_engine) as s:
        rows = list(s.exec(select(Asset)).all())
        assert sorted((a.id, a.sha256, a.md5, a.size) for a in rows) == before
        assert all(local.verify(a) for a in rows)

    # damage one object in the bucket, remove another: verify names both; migrating them again reports
    # the missing one and refuses the damaged one (never a silent skip)
    objects = sorted(p for p in (rclone_s3.root / bucket).rglob("*") if p.is_file())  # type: ignore[operator]
    damaged, missing = objects[0], objects[1]
    damaged.chmod(0o644)
    with damaged.open("r+b") as fh:
        fh.seek(100)
        fh.write(b"\x00\xff\x00")
    rclone_s3.client().delete_object(Bucket=bucket, Key=f"store/{missing.name[:2]}/{missing.name[2:4]}/{missing.name}")
    bad = services.assets.verify()
    assert {a.sha256 for a, _ in bad.bad} == {damaged.name, missing.name}
    aside = tmp_path / "aside"
    aside.mkdir()
    for name in (damaged.name, missing.name):
        copy = local.backend.path(name)
        copy.chmod(0o644)
        copy.rename(aside / name)
    report = svc.migrate("local")
    assert [m.split()[0] for m in report.missing] == [missing.name[:12]]
    assert [f.split()[0] for f in report.failed] == [damaged.name[:12]]
    assert not report.ok and not local.backend.path(damaged.name).exists()

    # folder -> bucket (back): the two files come back from the folder, checked on the way in
    for name in (damaged.name, missing.name):
        local.backend.path(name).parent.mkdir(parents=True, exist_ok=True)
        (aside / name).rename(local.backend.path(name))
    rclone_s3.client().delete_object(Bucket=bucket, Key=f"store/{damaged.name[:2]}/{damaged.name[2:4]}/{damaged.name}")
    back = svc.migrate(settings.assets_url or "", source="local")
    assert back.ok and back.copied == 2 and back.present == len(before) - 2
    assert not services.assets.verify().bad


def test_release_in_a_bucket_delivered_streamed_over_ftps_rest_and_azure(
        bucket_store: tuple[Settings, str], pyftpd, tls_cert, rest_receiver, azurite,  # noqa: ANN001
        sqlite_engine: Engine, tmp_path: Path) -> None:
    """The other transports read the bucket's objects streamed too (nothing local): FTPS (pyftpdlib),
    a REST receiver and Azure Blob (Azurite); each delivered tree is complete and its MD5s right."""
    settings, _bucket = bucket_store
    rid = make_release(sqlite_engine, settings, tmp_path / "src")
    assert not list(settings.paths.assets_dir.rglob("*")), "nothing is kept in the local store"
    sub = f"bucket-{tmp_path.name[-12:]}"
    prefix = f"from-bucket/{tmp_path.name[-12:]}"
    with session_scope(sqlite_engine) as s:
        ftps = add_target(s, settings.paths, name="ftps", profile="generic-43", password=pyftpd.password,
                          url=f"ftps://{pyftpd.user}@127.0.0.1:{pyftpd.port}/{sub}?ca={tls_cert[0]}").id
        rest = add_target(s, settings.paths, name="rest", profile="generic-43", url=rest_receiver.url,
                          secrets={"token": rest_receiver.token}).id
        azure = add_target(s, settings.paths, name="azure", profile="generic-43",
                           url=f"azure://{azurite.container}/{prefix}?account_url={azurite.account_url}",
                           secrets={"azure_connection_string": azurite.connection_string}).id
    ids = [_enqueue(sqlite_engine, rid, t) for t in (ftps, rest, azure)]
    _run(settings, sqlite_engine)
    azure_copy = tmp_path / "azure-copy"  # Azurite keeps blobs in memory: read them back into a folder
    for did, root in zip(ids, (pyftpd.root / sub, rest_receiver.root, azure_copy), strict=True):
        d, steps = _delivery(sqlite_engine, did)
        assert d.state == "succeeded", d.last_error
        if root == azure_copy:
            container = azurite.container_client()
            for blob in container.list_blobs(name_starts_with=prefix):
                dest = azure_copy / blob.name[len(prefix) + 1:]
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(container.download_blob(blob.name).readall())
        check_delivered_tree(root, d, steps, batch=True)
    assert not list(settings.paths.assets_dir.rglob("*")), "delivering kept no local copy either"
