"""The README's TLS reverse proxy, as written, in front of a real `stardust serve`: nginx (its config block
taken from README.md) terminates TLS on 127.0.0.1 with a self-signed certificate; the API answers through
it, /metrics and /ready stay for the monitoring network, Server-Sent Events arrive before the delivery ends
(no buffering), and a chunked upload streams through with its SHA-256 checked."""

from __future__ import annotations

import getpass
import hashlib
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import XSD_DIR, need_server
from tests.integration.delivery_release import make_release
from tests.integration.servers_util import make_cert

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _readme_server_block(api_port: int, tls_port: int, cert: Path, key: Path) -> str:
    block = re.search(r"```nginx\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert block, "README.md lost its nginx example"
    text = block.group(1)
    for old, new in (("listen 443 ssl;", f"listen 127.0.0.1:{tls_port} ssl;"),
                     ("server_name api.example.com;", "server_name localhost;"),
                     ("/etc/letsencrypt/live/api.example.com/fullchain.pem", str(cert)),
                     ("/etc/letsencrypt/live/api.example.com/privkey.pem", str(key)),
                     ("127.0.0.1:8080", f"127.0.0.1:{api_port}")):
        assert old in text, f"README's nginx example no longer has {old!r}"
        text = text.replace(old, new)
    return text


def _wait(url: str, proc: subprocess.Popen, **kw) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{proc.args[0]} exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            httpx.get(url, timeout=2, **kw)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer")


@pytest.mark.slow
def test_the_readme_reverse_proxy_in_front_of_stardust_serve(tmp_path: Path) -> None:
    if NGINX is None:
        need_server("nginx is not installed (apt-get install nginx-light; .ci/install-test-servers does)")
    from stardust_tui.config import load_settings
    from stardust_tui.services import Services
    from stardust_tui.services.actor import Actor
    from stardust_tui.store.db import make_engine
    from stardust_tui.store.migrate import upgrade

    home = tmp_path / "home"
    settings = load_settings(home)
    settings.paths.ensure()
    engine = make_engine(settings.db_url)
    upgrade(engine, backup=False)
    rid = make_release(engine, settings, tmp_path / "media")
    admin = Services(settings=settings, engine_source=engine, actor=Actor("owner"))
    admin.targets.add(name="inbox", url=f"file://{tmp_path / 'inbox'}", profile="generic-43")
    token = admin.apikeys.create("via-proxy", scope="deliver").token
    engine.dispose()

    api_port, tls_port = _free_port(), _free_port()
    cert, key = make_cert(tmp_path)
    conf = tmp_path / "nginx.conf"
    # as root, nginx's workers would run as nobody, who cannot enter pytest's 0700 folders
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
    conf.write_text(f"{user}daemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log warn;\nevents {{}}\n"
                    f"http {{\naccess_log off;\nclient_body_temp_path {tmp_path}/body;\n"
                    f"proxy_temp_path {tmp_path}/proxy;\n"
                    f"{_readme_server_block(api_port, tls_port, cert, key)}}}\n")
    env = {**os.environ, "STARDUST_DDEX_SCHEMAS": str(XSD_DIR)}
    serve = subprocess.Popen([sys.executable, "-m", "stardust_tui", "--home", str(home), "serve", "--port",
                              str(api_port), "--no-access-log"], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    proxy = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(tmp_path)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    tls = ssl.create_default_context(cafile=str(cert))
    base = f"https://localhost:{tls_port}"
    try:
        _wait(f"http://127.0.0.1:{api_port}/health", serve)
        _wait(f"{base}/health", proxy, verify=tls)
        with httpx.Client(base_url=base, verify=tls, timeout=30,
                          headers={"Authorization": f"Bearer {token}"}) as c:
            assert c.get("/health").json() == {"status": "ok"}
            for private in ("/metrics", "/ready"):  # for the monitoring network only
                assert c.get(private).status_code == 403, private
                assert httpx.get(f"http://127.0.0.1:{api_port}{private}").status_code in (200, 503)
            r = c.post("/releases", json={"title": "Through The Proxy", "artists": ["Edge"]})
            assert r.status_code == 201 and r.headers["etag"] == '"1"' and r.headers["location"].startswith("/")

            data = os.urandom(3_000_000)

            def chunks():
                for i in range(0, len(data), 256 * 1024):
                    yield data[i:i + 256 * 1024]

            up = c.post("/assets", params={"filename": "blob.bin", "sha256": hashlib.sha256(data).hexdigest()},
                        content=chunks())
            assert up.status_code == 201, up.text
            assert c.get(f"/assets/{up.json()['asset']['id']}/content").content == data
            # streamed to the API, not spooled whole on the proxy's disk first (needs proxy_http_version 1.1)
            assert "buffered to a temporary file" not in (tmp_path / "error.log").read_text()

            queued = c.post("/deliveries", json={"releases": [str(rid)], "target": "inbox",
                                                 "at": "2100-01-01T00:00:00Z"})
            assert queued.status_code == 201, queued.text
            did = queued.json()[0]["delivery_id"]
            started = time.monotonic()
            with c.stream("GET", f"/deliveries/{did}/events") as stream:
                first = next(stream.iter_lines())
                assert first.startswith(": stardust delivery events")
                assert time.monotonic() - started < 10  # not held back until the (far) end of the delivery
            assert c.post(f"/deliveries/{did}/cancel").json()["state"] == "cancelled"
    finally:
        for proc in (proxy, serve):
            proc.send_signal(signal.SIGTERM)
        for proc in (proxy, serve):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
