"""End-to-end deliveries through the real worker runner to real servers on 127.0.0.1: OpenSSH sshd
(SFTP, key auth, known_hosts), pyftpdlib (FTPS with a stored encrypted password, then ACK polling),
rclone serve s3 and the REST receiver. The delivered trees are checked like the local-folder ones."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from servers import Sshd
from sqlalchemy.engine import Engine
from sqlmodel import select

from stardust_tui.config import Settings
from stardust_tui.delivery.targets import add_target
from stardust_tui.domain.delivery_models import ReleaseTargetStatus
from stardust_tui.store.db import session_scope
from tests.integration.delivery_release import UPC, make_release
from tests.integration.test_execute import _delivery, _enqueue, _run, check_delivered_tree


def test_deliver_over_sftp(sshd: Sshd, sqlite_engine: Engine, settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "sftp-root"
    out.mkdir()
    rid = make_release(sqlite_engine, settings, tmp_path / "src")
    with session_scope(sqlite_engine) as s:
        tid = add_target(s, settings.paths, name="sftp", url=f"sftp://{sshd.user}@127.0.0.1:{sshd.port}{out}",
                         key_file=str(sshd.key), known_hosts=str(sshd.known_hosts), profile="generic-43").id
        rbr = add_target(s, settings.paths, name="sftp-rbr", profile="generic-43-rbr",
                         url=f"sftp://{sshd.user}@127.0.0.1:{sshd.port}{out}/rbr",
                         key_file=str(sshd.key), known_hosts=str(sshd.known_hosts)).id
    (out / "rbr").mkdir()
    first, second = _enqueue(sqlite_engine, rid, tid), _enqueue(sqlite_engine, rid, rbr)
    _run(settings, sqlite_engine)
    d, steps = _delivery(sqlite_engine, first)
    assert d.state == "succeeded", d.last_error
    check_delivered_tree(out, d, steps, batch=True)
    d, steps = _delivery(sqlite_engine, second)
    assert d.state == "succeeded", d.last_error
    check_delivered_tree(out / "rbr", d, steps, batch=False)


def test_deliver_over_ftps_with_stored_password_then_acks(pyftpd, tls_cert, sqlite_engine: Engine,  # noqa: ANN001
                                                          settings: Settings, tmp_path: Path) -> None:
    from stardust_tui.delivery.acks import poll_acks
    from tests.unit.test_acks import ERROR16, ack16, ack18

    sub = f"e2e-{tmp_path.name[-12:]}"
    (pyftpd.root / sub / "acks").mkdir(parents=True)
    profiles = settings.paths.profiles_dir
    profiles.mkdir(parents=True, exist_ok=True)
    (profiles / "acked.toml").write_text('extends = "generic-43"\nprofile_version = 1\n'
                                         '[choreography]\nack_folder = "acks"\n', encoding="utf-8")
    rid = make_release(sqlite_engine, settings, tmp_path / "src")
    with session_scope(sqlite_engine) as s:
        tid = add_target(s, settings.paths, name="ftps", profile="acked", password=pyftpd.password,
                         url=f"ftps://{pyftpd.user}@127.0.0.1:{pyftpd.port}/{sub}?ca={tls_cert[0]}").id
    did = _enqueue(sqlite_engine, rid, tid)
    _run(settings, sqlite_engine)
    d, steps = _delivery(sqlite_engine, did)
    assert d.state == "succeeded", d.last_error
    check_delivered_tree(pyftpd.root / sub, d, steps, batch=True)

    # the DSP acknowledges (1.8, by message id), then reports a problem later (1.6)
    acks = pyftpd.root / sub / "acks"
    (acks / f"ACK_{d.message_id}_20261123100000000.xml").write_bytes(
        ack18(UPC, "SuccessfullyIngestedByReleaseDistributor", d.message_id))
    assert len(asyncio.run(poll_acks(settings, sqlite_engine))) == 1
    with session_scope(sqlite_engine) as s:
        st = s.exec(select(ReleaseTargetStatus).where(ReleaseTargetStatus.release_id == rid)).one()
        assert st.status == "ack-ok" and st.delivery_id == did
    (acks / f"ACK_{d.message_id}_20261124100000000.xml").write_bytes(ack16(UPC, "ResourceCorrupt", ERROR16))
    assert len(asyncio.run(poll_acks(settings, sqlite_engine))) == 1
    assert asyncio.run(poll_acks(settings, sqlite_engine)) == []
    with session_scope(sqlite_engine) as s:
        st = s.exec(select(ReleaseTargetStatus).where(ReleaseTargetStatus.release_id == rid)).one()
        assert st.status == "ack-error" and st.proposed_action == "ResendXmlAndResources"


@pytest.mark.parametrize("kind", ["s3-rclone", "rest"])
def test_deliver_to_s3_and_rest(kind: str, request: pytest.FixtureRequest, sqlite_engine: Engine,
                                settings: Settings, tmp_path: Path) -> None:
    from servers import S3_KEY, S3_SECRET

    rid = make_release(sqlite_engine, settings, tmp_path / "src")
    prefix = f"in-{tmp_path.name[-10:]}"
    if kind == "s3-rclone":
        server = request.getfixturevalue("rclone_s3")
        url = f"s3://{server.bucket}/{prefix}?endpoint={server.endpoint}&region=us-east-1"
        secrets = {"aws_access_key_id": S3_KEY, "aws_secret_access_key": S3_SECRET}
        root = server.root / server.bucket / prefix
    else:
        server = request.getfixturevalue("rest_receiver")
        url, secrets, root = server.url, {"token": server.token}, server.root
    with session_scope(sqlite_engine) as s:
        tid = add_target(s, settings.paths, name=kind, url=url, secrets=secrets).id
    did = _enqueue(sqlite_engine, rid, tid)
    _run(settings, sqlite_engine)
    d, steps = _delivery(sqlite_engine, did)
    assert d.state == "succeeded", d.last_error
    check_delivered_tree(root, d, steps, batch=True)
