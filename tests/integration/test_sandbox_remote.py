"""The sandbox DSP on remote inboxes, polled with the project's own transports: OpenSSH SFTP and S3 (rclone).

The target's URL points at the remote inbox (``stardust target edit --url``); the release is delivered there by
the real executor; ``sandbox serve --inbox URL`` reads the batch and writes its ACK through the same transport
(key auth and known_hosts for SFTP, stored-nowhere secrets for S3); ``stardust target acks`` then reads it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from servers import S3_KEY, S3_SECRET, Sshd

from tests.integration.sandbox_world import UPC, World, make_world


@pytest.fixture
def world(tmp_path: Path, isolated_home: Path) -> World:
    return make_world(isolated_home, tmp_path / "src")


def _rehearse(world: World, inbox_url: str, extra: list[str], stdin: str | None = None) -> None:
    assert world.cli("sandbox", "target", "remote", "--profile", "spotify")[0] == 0
    code, out, err = world.cli("target", "edit", "remote", "--url", inbox_url, *extra, input=stdin)
    assert code == 0, out + err
    code, out, err = world.cli("deliver", UPC, "--target", "remote", "--wait")
    assert code == 0, out + err
    serve_extra = [a for a in extra if not a.startswith("--password")]
    code, out, err = world.cli("sandbox", "serve", "--profile", "spotify", "--inbox", inbox_url, "--once",
                               *serve_extra, input=stdin)
    assert code == 0 and f"release {UPC} accepted" in out, out + err
    code, out, err = world.cli("target", "acks", "remote")
    assert code == 0 and "read 1 new ACK file(s)" in out, out + err
    assert world.status("remote")[0] == "ack-ok"


def test_sandbox_on_an_sftp_inbox(world: World, sshd: Sshd, tmp_path: Path) -> None:
    inbox = tmp_path / "sftp-inbox"
    inbox.mkdir()
    _rehearse(world, f"sftp://{sshd.user}@127.0.0.1:{sshd.port}{inbox}",
              ["--key", str(sshd.key), "--known-hosts", str(sshd.known_hosts)])
    assert list((inbox / "acks").glob("ACK_*.xml")) and list((inbox / "acks").glob("SANDBOX-REPORT_*.txt"))


def test_sandbox_on_an_s3_inbox(world: World, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    server = request.getfixturevalue("rclone_s3")
    prefix = f"inbox-{tmp_path.name[-10:]}"
    url = f"s3://{server.bucket}/{prefix}?endpoint={server.endpoint}&region=us-east-1"
    _rehearse(world, url, ["--secret", "aws_access_key_id=-", "--secret", "aws_secret_access_key=-"],
              stdin=f"{S3_KEY}\n{S3_SECRET}\n")
    acks = list((server.root / server.bucket / prefix / "acks").glob("ACK_*.xml"))
    assert len(acks) == 1
