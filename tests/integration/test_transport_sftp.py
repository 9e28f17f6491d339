"""What is specific to SFTP: host keys, key/password auth, reconnects, login-relative paths (the shared
contract runs on OpenSSH sshd in test_transport_contract.py)."""

from __future__ import annotations

import re
import subprocess
import uuid
from pathlib import Path

import pytest
from servers import AsyncSftp, Sshd, dir_md5
from transport_contract import ServerView, run, upload_and_verify, wrong_credentials

from stardust_tui.delivery.base import HostKeyError, TransportAuthError, TransportPermanentError
from stardust_tui.delivery.registry import open_transport
from stardust_tui.delivery.urls import parse_target_url
from stardust_tui.secrets import Secret


def _host_fp(sshd: Sshd) -> str:
    out = subprocess.run(["ssh-keygen", "-lf", str(sshd.host_pub)], capture_output=True, text=True, check=True)
    return out.stdout.split()[1]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    d = tmp_path / f"sftp-{uuid.uuid4().hex[:6]}"
    d.mkdir()
    return d


@pytest.fixture
def view(sshd: Sshd, root: Path) -> ServerView:
    return ServerView(
        url=f"sftp://{sshd.user}@127.0.0.1:{sshd.port}{root}?key={sshd.key}&known_hosts={sshd.known_hosts}",
        secrets={},
        md5=lambda rel: dir_md5(root, rel),
    )


def test_wrong_key_and_password_are_auth_errors(view: ServerView, sshd: Sshd, root: Path) -> None:
    base = f"sftp://{sshd.user}@127.0.0.1:{sshd.port}{root}?known_hosts={sshd.known_hosts}"
    run(wrong_credentials(ServerView(url=f"{base}&key={sshd.other_key}", secrets={}, md5=view.md5)))
    exc = run(wrong_credentials(ServerView(url=base, secrets={}, md5=view.md5,
                                           bad_secrets={"password": Secret("hunter2")})))
    assert "hunter2" not in str(exc)


def test_pinned_fingerprint_accepted_and_wrong_one_refused(sshd: Sshd, root: Path, small_file: Path) -> None:
    fp = _host_fp(sshd)
    good = parse_target_url(f"sftp://{sshd.user}@127.0.0.1:{sshd.port}{root}", key_file=str(sshd.key), host_key=fp)

    async def go() -> None:
        async with open_transport(good) as t:
            await t.upload(small_file, "pinned.txt")

    run(go())
    assert dir_md5(root, "pinned.txt") == dir_md5(small_file.parent, small_file.name)
    bad = good.with_options(host_key="SHA256:" + "A" * 43)
    with pytest.raises(HostKeyError, match="does not match the pinned"):
        run(open_transport(bad).connect())


def test_unknown_and_changed_host_keys_refused(sshd: Sshd, root: Path, tmp_path: Path) -> None:
    empty = tmp_path / "known_hosts"
    url = f"sftp://{sshd.user}@127.0.0.1:{sshd.port}{root}?key={sshd.key}&known_hosts={empty}"
    with pytest.raises(HostKeyError, match=re.escape(f"unknown host key ssh-ed25519 {_host_fp(sshd)}")):
        run(open_transport(url).connect())
    # a known_hosts entry with another key for this host: a changed key, refused even with trust_unknown_host
    other = (sshd.key.with_suffix(".pub")).read_text().split()
    empty.write_text(f"[127.0.0.1]:{sshd.port} {other[0]} {other[1]}\n")
    with pytest.raises(HostKeyError, match="CHANGED"):
        run(open_transport(parse_target_url(url, trust_unknown_host=True)).connect())


def test_trust_unknown_host_records_the_key(sshd: Sshd, root: Path, tmp_path: Path) -> None:
    kh = tmp_path / "new" / "known_hosts"
    spec = parse_target_url(f"sftp://{sshd.user}@127.0.0.1:{sshd.port}{root}?key={sshd.key}&known_hosts={kh}",
                            trust_unknown_host=True)

    async def go(s: object) -> None:
        async with open_transport(s) as t:  # type: ignore[arg-type]
            await t.list("")

    run(go(spec))
    assert f"[127.0.0.1]:{sshd.port} ssh-ed25519" in kh.read_text()
    run(go(spec.with_options(trust_unknown_host=False)))  # now known: accepted without trust


def test_missing_key_file_is_permanent(sshd: Sshd, root: Path, tmp_path: Path) -> None:
    url = f"sftp://{sshd.user}@127.0.0.1:{sshd.port}{root}?key={tmp_path}/nope&known_hosts={sshd.known_hosts}"
    with pytest.raises(TransportPermanentError, match="key file not found"):
        run(open_transport(url).connect())


def test_password_auth_on_a_password_server(asyncssh_sftp: AsyncSftp, small_file: Path, tmp_path: Path) -> None:
    """OpenSSH above is key-only; asyncssh checks password auth (right and wrong) end to end."""
    kh = tmp_path / "known_hosts"
    kh.write_text(f"[127.0.0.1]:{asyncssh_sftp.port} {asyncssh_sftp.host_pub}\n")
    sub = uuid.uuid4().hex[:8]
    view = ServerView(
        url=f"sftp://{asyncssh_sftp.user}@127.0.0.1:{asyncssh_sftp.port}/{sub}?known_hosts={kh}",
        secrets={"password": Secret(asyncssh_sftp.password)},
        bad_secrets={"password": Secret("wrong")},
        md5=lambda rel: dir_md5(asyncssh_sftp.root / sub, rel),
    )
    run(upload_and_verify(view, small_file, "in/small.txt"))
    run(wrong_credentials(view))


def test_probe_steps_on_a_real_server(view: ServerView, sshd: Sshd, root: Path, tmp_path: Path) -> None:
    from stardust_tui.delivery.probe import probe

    steps = run(probe(view.transport()))
    assert [(s, ok) for s, ok, _ in steps] == [("connect", True), ("list", True), ("write", True), ("remove", True)]
    assert list(root.iterdir()) == []
    unknown = f"sftp://{sshd.user}@127.0.0.1:{sshd.port}{root}?key={sshd.key}&known_hosts={tmp_path}/none"
    failed = run(probe(open_transport(unknown)))
    assert failed == [("connect", False, failed[0][2])] and _host_fp(sshd) in failed[0][2]


def test_reconnects_once_when_an_idle_connection_was_dropped(view: ServerView, small_file: Path) -> None:
    async def go() -> None:
        async with view.transport() as t:
            await t.upload(small_file, "a.txt")
            t._conn.get_channel().get_transport().close()  # type: ignore[attr-defined]  # dies between two files
            await t.upload(small_file, "b.txt")

    run(go())
    assert view.md5("b.txt") == view.md5("a.txt") is not None


def test_default_user_key_when_no_key_or_password_is_configured(
    sshd: Sshd, root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_file: Path
) -> None:
    home = tmp_path / "userhome"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_bytes(sshd.key.read_bytes())
    (home / ".ssh" / "id_ed25519").chmod(0o600)
    monkeypatch.setenv("HOME", str(home))
    url = f"sftp://{sshd.user}@127.0.0.1:{sshd.port}{root}?known_hosts={sshd.known_hosts}"

    async def go() -> None:
        async with open_transport(url) as t:
            await t.upload(small_file, "default-key.txt")

    run(go())
    assert dir_md5(root, "default-key.txt") is not None
    (home / ".ssh" / "id_ed25519").unlink()
    with pytest.raises(TransportAuthError, match="no SSH key file or password"):
        run(open_transport(url).connect())


def test_mkdir_with_repeated_names_and_over_a_file(view: ServerView, root: Path, small_file: Path) -> None:
    async def go() -> None:
        async with view.transport() as t:
            await t.mkdir("r/r/r")
            await t.upload(small_file, "r/r/r/x.txt")
            with pytest.raises(TransportPermanentError, match="not a folder"):
                await t.mkdir("r/r/r/x.txt/sub")

    run(go())
    assert (root / "r" / "r" / "r" / "x.txt").is_file()


def test_login_relative_path(asyncssh_sftp: AsyncSftp, small_file: Path, tmp_path: Path) -> None:
    kh = tmp_path / "known_hosts"
    kh.write_text(f"[127.0.0.1]:{asyncssh_sftp.port} {asyncssh_sftp.host_pub}\n")
    sub = uuid.uuid4().hex[:8]
    view = ServerView(
        url=f"sftp://{asyncssh_sftp.user}@127.0.0.1:{asyncssh_sftp.port}/~/{sub}?known_hosts={kh}",
        secrets={"password": Secret(asyncssh_sftp.password)},
        md5=lambda rel: dir_md5(asyncssh_sftp.root / sub, rel),
    )
    run(upload_and_verify(view, small_file, "in/small.txt"))
