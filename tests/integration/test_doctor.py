"""``stardust doctor`` as a user runs it: one line per check, ``--json``, the exit status by the worst result.

A home with one real release (two 24-bit tracks, a cover), marked ready, and a local target: with no DDEX
schemas the doctor fails (and says ``stardust schemas fetch``), the ready release would be refused by the live
target, the probe writes and removes its file; after ``schemas fetch`` from the shared XSDs everything in
``ddex`` and ``delivery`` passes, and a changed schema file fails again. Then the faults a user meets: a key
file others can read, a key that cannot decrypt the stored secrets, a target whose server is down, a lease
left by a dead worker, a delivery stuck in running, an open circuit, and bad options (one line, exit 2).
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet

from stardust_tui.cli import cli
from stardust_tui.doctor.model import STATES
from tests.conftest import XSD_DIR
from tests.integration.sandbox_world import UPC, World, make_world


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def lines(out: str) -> dict[str, str]:
    """``section/name`` -> its whole line, for every check line of the doctor's output."""
    found = {}
    for line in out.splitlines():
        state, _, rest = line.partition("  ")
        if state.strip() in ("PASS", "WARN", "FAIL", "SKIP"):
            found[rest.split(":", 1)[0]] = line
    return found


@pytest.fixture
def world(isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    """A fresh home as after install: no schema folder configured, one ready release, a local live target."""
    monkeypatch.delenv("STARDUST_DDEX_SCHEMAS")
    w = make_world(isolated_home, tmp_path / "src")
    code, out, err = run("release", "set-status", UPC, "ready")
    assert code == 0, out + err
    (tmp_path / "out").mkdir()
    code, out, err = run("target", "add", "out", "--url", f"file://{tmp_path / 'out'}", "--profile", "generic-43")
    assert code == 0, out + err
    return w


def test_no_schemas_fails_then_fetch_passes_and_a_changed_file_fails(world: World, tmp_path: Path) -> None:
    code, out, err = run("doctor")
    assert code == 1, out + err
    found = lines(out)
    assert found["ddex/schemas"].startswith("FAIL") and "fix: stardust schemas fetch" in found["ddex/schemas"]
    ready = found["ddex/ready-releases out"]
    assert ready.startswith("FAIL") and "must be XSD-validated" in ready
    assert f"fix: stardust check {UPC} --target out" in ready
    assert found["delivery/probe out"].startswith("PASS") and "write, remove" in found["delivery/probe out"]
    assert list((tmp_path / "out").iterdir()) == []  # the probe removed what it wrote
    assert found["system/database"].startswith("PASS") and "integrity ok" in found["system/database"]
    assert {"system/secret-key", "system/clock", "system/config", "worker/daemon", "worker/queue",
            "speed/ern", "speed/search", "permissions/files"} <= set(found)
    assert out.splitlines()[-1].endswith(" s") and "2 failed" in out.splitlines()[-1]

    code, out, err = run("doctor", "--json")
    assert code == 1 and err == ""
    report = json.loads(out)
    assert report["worst"] == "fail"
    assert sum(report["counts"].values()) == len(report["checks"]) and report["counts"]["fail"] == 2
    for check in report["checks"]:
        assert set(check) == {"section", "name", "state", "what", "fix", "seconds"}
        assert check["state"] in STATES and check["what"] and check["seconds"] >= 0
        if check["state"] == "fail":
            assert check["fix"]

    code, out, err = run("schemas", "fetch", "--from", str(XSD_DIR))
    assert code == 0, out + err
    code, out, err = run("doctor", "--section", "ddex", "--section", "delivery")
    assert code == 0, out + err
    found = lines(out)
    assert set(found) == {"ddex/schemas", "ddex/ready-releases out", "delivery/circuits", "delivery/probe out"}
    assert "match their SHA-256" in found["ddex/schemas"]
    assert found["ddex/ready-releases out"].startswith("PASS") and "validate as ERN 4.3" in found[
        "ddex/ready-releases out"]

    xsd = world.home / "ddex-schemas" / "ern-43" / "release-notification.xsd"
    xsd.write_bytes(xsd.read_bytes().replace(b"</xs:schema>", b"<!-- edited --></xs:schema>"))
    code, out, err = run("doctor", "--section", "ddex", "--no-probe")
    assert code == 1
    assert lines(out)["ddex/schemas"].startswith("FAIL") and "changed" in lines(out)["ddex/schemas"]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_key_file_and_a_target_whose_server_is_down(world: World) -> None:
    port = _closed_port()
    code, out, err = run("target", "add", "down", "--url", f"ftp://upload@127.0.0.1:{port}/in?timeout=5",
                         "--password-stdin", input="s3cret-pass\n")
    assert code == 0, out + err
    key = world.home / "secret.key"
    assert key.stat().st_mode & 0o777 == 0o600

    code, out, err = run("doctor", "--section", "system", "--section", "delivery")
    found = lines(out)
    assert found["system/secret-key"].startswith("PASS") and "decrypts the stored secrets" in found[
        "system/secret-key"]
    probe = found["delivery/probe down"]
    assert probe.startswith("FAIL") and "connect failed" in probe and "fix: stardust target test down" in probe
    assert found["delivery/probe out"].startswith("PASS")
    assert code == 1 and "s3cret-pass" not in out + err

    os.chmod(key, 0o644)
    code, out, _ = run("doctor", "--section", "system")
    assert code == 1
    assert lines(out)["system/secret-key"].startswith("FAIL") and f"fix: chmod 600 {key}" in out
    os.chmod(key, 0o600)

    key.write_bytes(Fernet.generate_key())  # another key: the stored password cannot be decrypted
    code, out, _ = run("doctor", "--section", "system")
    assert code == 1 and "cannot decrypt the stored secrets" in lines(out)["system/secret-key"]
    key.unlink()
    code, out, _ = run("doctor", "--section", "system")
    assert code == 1 and "no key file" in lines(out)["system/secret-key"]
    assert not key.exists()  # the doctor does not make a new key that would hide the loss


def test_a_dead_workers_lease_a_stuck_delivery_and_an_open_circuit(world: World) -> None:
    from sqlalchemy import update

    from stardust_tui.domain.delivery_models import Delivery, Target
    from stardust_tui.domain.models import utcnow
    from stardust_tui.store.db import session_scope
    from stardust_tui.worker.queue import claim, renew

    code, out, err = run("schemas", "fetch", "--from", str(XSD_DIR))
    assert code == 0, err
    code, out, err = run("deliver", UPC, "--target", "out")  # queued; no worker runs it
    assert code == 0, out + err
    code, out, _ = run("doctor", "--section", "worker")
    found = lines(out)
    assert found["worker/daemon"].startswith("WARN") and "fix: run stardust worker" in found["worker/daemon"]
    assert "1 deliver(ies) due" in found["worker/queue"]
    assert code == 0  # warnings only
    assert run("doctor", "--section", "worker", "--strict")[0] == 1

    engine = world.services.store_engine
    lease = claim(engine, "vm:1:dead-worker", lease_s=0.5)  # a worker takes it, then dies
    assert lease is not None
    time.sleep(1.0)
    code, out, _ = run("doctor", "--section", "worker")
    assert "1 running deliver(ies) hold a lease past its expiry" in lines(out)["worker/leases"]
    assert lines(out)["worker/stuck"].startswith("PASS")

    renew(engine, lease, lease_s=600)  # alive and renewing, but nothing moved for two hours
    with session_scope(engine) as s:
        s.execute(update(Delivery).where(Delivery.id == lease.delivery_id)
                  .values(updated_at=utcnow() - timedelta(hours=2)))
    code, out, _ = run("doctor", "--section", "worker")
    assert code == 1
    assert lines(out)["worker/stuck"].startswith("FAIL") and "stardust deliveries log ID" in out
    assert lines(out)["worker/leases"].startswith("PASS")

    with session_scope(engine) as s:
        s.execute(update(Target).where(Target.name == "out").values(circuit_state="open", consecutive_failures=5,
                                                                     circuit_opened_at=utcnow()))
    code, out, _ = run("doctor", "--section", "delivery", "--no-probe")
    circuit = lines(out)["delivery/circuit out"]
    assert code == 1 and circuit.startswith("FAIL") and "open after 5 failures" in circuit
    assert "stardust deliveries targets --reset out" in circuit
    assert run("deliveries", "targets", "--reset", "out")[0] == 0
    code, out, _ = run("doctor", "--section", "delivery", "--no-probe")
    assert code == 0 and "every circuit closed" in lines(out)["delivery/circuits"]


def test_warnings_pass_unless_strict_and_bad_options_are_one_line(isolated_home: Path) -> None:
    code, out, err = run("doctor", "--section", "system")
    assert code == 0, out + err
    assert lines(out)["system/sender-dpid"].startswith("WARN")  # the placeholder sender of a fresh home
    assert "FAIL" not in out
    assert run("doctor", "--section", "system", "--strict")[0] == 1
    (isolated_home / "config.toml").write_text('sender_dpid = "PADPIDA2014120401D"\nsender_name = "Nebula"\n')
    code, out, _ = run("doctor", "--section", "system", "--strict")
    assert code == 0 and lines(out)["system/sender-dpid"].startswith("PASS")

    for args in (["--section", "plumbing"], ["--timeout", "0"], ["--timeout", "soon"]):
        code, out, err = run("doctor", *args)
        assert code == 2 and out == "", args
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err


def test_a_damaged_database_and_an_unknown_config_key(isolated_home: Path) -> None:
    assert run("init")[0] == 0
    db = isolated_home / "stardust.db"
    with db.open("r+b") as f:  # a page of the file overwritten, as a failing disk or a bad copy leaves it
        f.seek(4096 * 2)
        f.write(b"\xff" * 4096)
    code, out, err = run("doctor", "--section", "system")
    assert code == 1, out + err
    line = lines(out)["system/database"]
    assert line.startswith("FAIL  system/database: SQLite integrity check:") and "stardust restore" in line
    assert all(x[:4] in ("PASS", "WARN", "FAIL", "SKIP") for x in out.splitlines()[:-1])  # one line each

    db.unlink()
    (isolated_home / "config.toml").write_text('sender_dpid = "PADPIDA2014120401D"\nbogus_key = 1\n')
    code, out, err = run("doctor", "--section", "system")
    assert code == 0 and "unknown key 'bogus_key'" in lines(out)["system/config"]
    assert lines(out)["system/config"].startswith("WARN") and lines(out)["system/database"].startswith("PASS")


@pytest.fixture
def pg_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A PostgreSQL database of our own as the store (``STARDUST_DB``), dropped afterwards."""
    import uuid

    from sqlalchemy import text

    from stardust_tui.store.db import make_engine
    from tests.conftest import PG_URL, need_server

    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"sd_doctor_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001
        admin.dispose()
        need_server(f"PostgreSQL not reachable at {PG_URL}: {exc}")
    url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    monkeypatch.setenv("STARDUST_DB", url)
    yield url
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def test_on_postgresql_with_a_worker_daemon_alive(pg_store: str, isolated_home: Path) -> None:
    import signal
    import subprocess
    import sys

    assert run("init")[0] == 0
    daemon = subprocess.Popen([str(Path(sys.executable).with_name("stardust")), "worker", "--worker-id", "doc-daemon",
                               "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ))
    try:
        deadline = time.monotonic() + 60
        while True:
            code, out, err = run("doctor", "--section", "system", "--section", "worker", "--json")
            checks = {f"{c['section']}/{c['name']}": c for c in json.loads(out)["checks"]}
            if checks["worker/daemon"]["state"] == "pass" or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, derr = daemon.communicate(timeout=30)
    assert daemon.returncode == 0, derr.decode()[-2000:]
    assert checks["worker/daemon"]["state"] == "pass" and "doc-daemon" in checks["worker/daemon"]["what"]
    database = checks["system/database"]
    assert database["state"] == "pass" and "reachable" in database["what"] and "(postgresql)" in database["what"]
    assert checks["system/clock"]["state"] == "pass" and "agrees with PostgreSQL" in checks["system/clock"]["what"]
    assert "disk-database" not in {c.split("/")[1] for c in checks}  # the database is not a file here
    assert code == 0, out
