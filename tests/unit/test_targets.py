"""Delivery targets: store functions on SQLite and PostgreSQL, encrypted credentials, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine

from stardust_tui.cli import cli
from stardust_tui.config import Settings
from stardust_tui.delivery.targets import (
    add_target,
    edit_target,
    get_target,
    list_targets,
    parse_secret_pairs,
    remove_target,
    secret_names,
    target_secrets,
    target_spec,
)
from stardust_tui.domain.delivery_models import Delivery
from stardust_tui.domain.models import Release
from stardust_tui.errors import ConflictError, NotFoundError, ValidationError
from stardust_tui.store.db import session_scope


def test_add_edit_remove_with_encrypted_credentials(engine: Engine, settings: Settings) -> None:
    paths = settings.paths
    with session_scope(engine) as s:
        t = add_target(s, paths, name="dsp1", url="sftp://bob@127.0.0.1:2222/in", profile="spotify",
                       password="hunter2", host_key="SHA256:abc", secrets={"key_passphrase": "open-sesame-passphrase"})
        assert t.id is not None
    with session_scope(engine) as s:
        t = get_target(s, "dsp1")
        assert "hunter2" not in (t.credentials or "") and "open-sesame-passphrase" not in (t.credentials or "")
        secrets = target_secrets(paths, t)
        assert secrets["password"].reveal() == "hunter2" and "hunter2" not in repr(secrets)
        assert secret_names(paths, t) == ["key_passphrase", "password"]
        spec = target_spec(t)
        assert spec.scheme == "sftp" and spec.host_key == "SHA256:abc" and spec.user == "bob"
        edit_target(s, paths, t, secrets={"key_passphrase": None}, max_concurrency=4, enabled=False)
    with session_scope(engine) as s:
        t = get_target(s, "dsp1")
        assert secret_names(paths, t) == ["password"]
        assert t.max_concurrency == 4 and not t.enabled
        assert get_target(s, t.id).name == "dsp1"
        assert [x.name for x in list_targets(s)] == ["dsp1"]
        remove_target(s, t)
    with session_scope(engine) as s, pytest.raises(NotFoundError):
        get_target(s, "dsp1")


def test_bad_targets_are_refused(engine: Engine, settings: Settings) -> None:
    paths = settings.paths
    with session_scope(engine) as s:
        add_target(s, paths, name="a", url="file:///srv/out")
        with pytest.raises(ConflictError):
            add_target(s, paths, name="a", url="file:///srv/out2")
        with pytest.raises(ValidationError, match="passwords are not allowed"):
            add_target(s, paths, name="b", url="ftp://bob:secret@host/in")
        with pytest.raises(NotFoundError, match="profile"):
            add_target(s, paths, name="c", url="file:///srv/out", profile="nope")
        with pytest.raises(ValidationError, match="key file"):
            add_target(s, paths, name="d", url="sftp://bob@host/in", key_file="/nonexistent/key")
        with pytest.raises(ValidationError):
            add_target(s, paths, name="bad name!", url="file:///srv/out")
        with pytest.raises(ValidationError, match="are for sftp"):
            add_target(s, paths, name="e", url="ftp://bob@host/in", host_key="SHA256:abc")
    with pytest.raises(ValidationError, match="unknown secret"):
        parse_secret_pairs(["colour=red"])
    with pytest.raises(ValidationError, match="KEY=VALUE"):
        parse_secret_pairs(["token"])


def test_remove_refused_with_history(sqlite_engine: Engine, settings: Settings) -> None:
    with session_scope(sqlite_engine) as s:
        t = add_target(s, settings.paths, name="x", url="file:///srv/out")
        r = Release(title="R", upc="0602445790047")
        s.add(r)
        s.flush()
        s.add(Delivery(release_id=r.id, target_id=t.id, idempotency_key="k1"))
    with session_scope(sqlite_engine) as s, pytest.raises(ConflictError, match="disable it instead"):
        remove_target(s, get_target(s, "x"))


def test_cli_target_commands_never_print_secrets(isolated_home: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    r = runner.invoke(cli, ["target", "add", "loc", "--url", f"file://{out}"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["target", "add", "ftp1", "--url", "ftp://bob@127.0.0.1:2121/in", "--password-stdin",
                            "--secret", "token=-"], input="s3cr3t-pw\ns3cr3t-token\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["target", "show", "ftp1"])
    assert r.exit_code == 0
    assert "password         set" in r.output and "token            set" in r.output
    assert "circuit          closed" in r.output and "releases         none yet" in r.output
    r = runner.invoke(cli, ["target", "list"])
    assert "ftp1" in r.output and "loc" in r.output and "closed" in r.output
    r2 = runner.invoke(cli, ["target", "list", "--json"])
    assert '"name": "ftp1"' in r2.output
    for text in (r.output, r2.output):
        assert "s3cr3t" not in text
    r = runner.invoke(cli, ["target", "add", "spot", "--url", f"file://{out}", "--profile", "spotify"])
    assert r.exit_code == 0 and "warning: profile spotify has placeholder recipient DPIDs" in r.output
    r = runner.invoke(cli, ["target", "disable", "ftp1"])
    assert r.exit_code == 0 and "disabled" in r.output
    r = runner.invoke(cli, ["target", "edit", "ftp1", "--clear-password", "--rename", "ftp2"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["target", "show", "ftp2"])
    assert "password         not set" in r.output and "enabled          no" in r.output
    r = runner.invoke(cli, ["target", "add", "bad", "--url", "ftp://bob:pw@host/in"])
    assert r.exit_code != 0 and "error:" in r.output and "pw@" not in r.output
    r = runner.invoke(cli, ["target", "add", "nopw", "--url", "ftp://bob@host/in", "--password-stdin"], input="")
    assert r.exit_code != 0 and "stdin" in r.output
    r = runner.invoke(cli, ["target", "remove", "ftp2", "--yes"])
    assert r.exit_code == 0
    assert "ftp2" not in runner.invoke(cli, ["target", "list"]).output


def test_cli_target_test_reports_each_step(isolated_home: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    out.mkdir()
    assert runner.invoke(cli, ["target", "add", "loc", "--url", f"file://{out}"]).exit_code == 0
    r = runner.invoke(cli, ["target", "test", "loc"])
    assert r.exit_code == 0, r.output
    for step in ("connect", "list", "write", "remove"):
        assert f"ok   {step}" in r.output
    assert list(out.iterdir()) == []  # the probe file is gone
    assert runner.invoke(cli, ["target", "add", "gone", "--url", f"file://{tmp_path / 'missing'}"]).exit_code == 0
    r = runner.invoke(cli, ["target", "test", "gone"])
    assert r.exit_code == 1 and "FAIL connect" in r.output


def test_cli_target_acks_polls_and_lists(isolated_home: Path, tmp_path: Path) -> None:
    from tests.unit.test_acks import ERROR16, ack16

    out = tmp_path / "out"
    (out / "acks").mkdir(parents=True)
    profiles = isolated_home / "profiles"
    profiles.mkdir(parents=True)
    (profiles / "acked.toml").write_text('extends = "generic-43"\nprofile_version = 1\n'
                                         '[choreography]\nack_folder = "acks"\n', encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["target", "add", "loc", "--url", f"file://{out}", "--profile", "acked"]).exit_code == 0
    assert runner.invoke(cli, ["target", "add", "plain", "--url", f"file://{out}"]).exit_code == 0
    (out / "acks" / "ACK_M1_20261123100000000.xml").write_bytes(ack16("0602445790043", "ResourceCorrupt", ERROR16))
    r = runner.invoke(cli, ["target", "acks", "loc"])
    assert r.exit_code == 0, r.output
    assert "read 1 new ACK file(s)" in r.output and "ResourceCorrupt" in r.output
    assert "Track 2 audio is truncated" in r.output and "ResendXmlAndResources" in r.output
    r = runner.invoke(cli, ["target", "acks", "loc"])
    assert "read 0 new ACK file(s)" in r.output and "ACK_M1_20261123100000000.xml" in r.output
    r = runner.invoke(cli, ["target", "acks", "plain"])
    assert r.exit_code != 0 and "no ACK folder" in r.output
    r = runner.invoke(cli, ["target", "test", "loc"])
    assert r.exit_code == 0 and "ok   acks     acks: 1 entries" in r.output, r.output
    (out / "acks" / "ACK_M1_20261123100000000.xml").unlink()
    (out / "acks").rmdir()
    r = runner.invoke(cli, ["target", "test", "loc"])  # a missing ACK folder is an empty one here
    assert r.exit_code == 0 and "ok   acks     acks: 0 entries" in r.output
