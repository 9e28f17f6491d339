"""/health, /ready (named checks), /metrics from the API and from `stardust worker --http`, and systemd's
notify protocol (READY=1, WATCHDOG=1, STOPPING=1) read from a real unix datagram socket for both daemons."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def test_health_ready_and_metrics(api) -> None:
    with api.client() as c:  # no key needed
        assert c.get("/health").json() == {"status": "ok"}
        r = c.get("/ready")
        checks = {x["name"]: x for x in r.json()["checks"]}
        assert set(checks) == {"database", "ddex_schemas", "worker", "asset_store"}
        assert checks["database"]["ok"] and checks["ddex_schemas"]["ok"] and checks["asset_store"]["ok"]
        assert not checks["worker"]["ok"] and r.status_code == 503  # no `stardust worker` daemon
        from stardust_tui.worker.heartbeat import beat

        beat(api.services.engine, "test-daemon", kind="daemon")
        r = c.get("/ready")
        assert r.status_code == 200 and r.json()["ready"] is True
        with api.client(api.key("read")) as keyed:
            keyed.get("/releases")
            keyed.get("/releases/424242")
        text = c.get("/metrics").text
    assert "stardust_store_up 1.0" in text and "stardust_queue_depth" in text
    assert re.search(r'stardust_api_requests_total\{method="GET",route="/releases",status="200"\} \d', text)
    assert re.search(r'stardust_api_requests_total\{method="GET",route="/releases/\{ref\}",status="404"\}', text)
    assert "stardust_target_circuit_state" in text and "stardust_delivery_duration_seconds" in text


class NotifySocket:
    """What systemd does for Type=notify: a datagram socket whose path goes to the service as NOTIFY_SOCKET."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.5)
        self.messages: list[str] = []

    def wait_for(self, text: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in m for m in self.messages):
                return True
            try:
                self.messages.append(self.sock.recv(4096).decode())
            except TimeoutError:
                pass
        return any(text in m for m in self.messages)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _spawn(home: Path, notify: NotifySocket, *args: str) -> subprocess.Popen:
    env = {**os.environ, "NOTIFY_SOCKET": str(notify.path), "WATCHDOG_USEC": "1000000"}
    return subprocess.Popen([sys.executable, "-m", "stardust_tui", "--home", str(home), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_serve_and_worker_speak_sd_notify_and_serve_probes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    subprocess.run([sys.executable, "-m", "stardust_tui", "--home", str(home), "init"], check=True,
                   capture_output=True, timeout=120)
    api_notify, worker_notify = NotifySocket(tmp_path / "api.sock"), NotifySocket(tmp_path / "worker.sock")
    api_port, worker_port = _free_port(), _free_port()
    serve = _spawn(home, api_notify, "serve", "--port", str(api_port), "--no-access-log")
    worker = _spawn(home, worker_notify, "worker", "--http", f"127.0.0.1:{worker_port}", "--ack-poll", "0",
                    "--quiet")
    try:
        assert api_notify.wait_for("READY=1", 90), (api_notify.messages, serve.poll())
        assert api_notify.wait_for("WATCHDOG=1", 5)
        assert httpx.get(f"http://127.0.0.1:{api_port}/health").status_code == 200  # ready means listening
        assert worker_notify.wait_for("READY=1", 90), worker_notify.messages
        assert worker_notify.wait_for("WATCHDOG=1", 5)
        base = f"http://127.0.0.1:{worker_port}"
        assert httpx.get(f"{base}/health").json() == {"status": "ok"}
        ready = httpx.get(f"{base}/ready")
        assert ready.status_code == 200, ready.text
        assert {c["name"] for c in ready.json()["checks"]} == {"database", "ddex_schemas", "worker", "asset_store"}
        assert "stardust_live_workers 1.0" in httpx.get(f"{base}/metrics").text
        assert httpx.get(f"{base}/nope").status_code == 404
        assert httpx.get(f"http://127.0.0.1:{api_port}/ready").status_code == 200  # the daemon's heartbeat counts
    finally:
        for proc in (serve, worker):
            proc.send_signal(signal.SIGTERM)
        for proc in (serve, worker):
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
    assert api_notify.wait_for("STOPPING=1", 5) and worker_notify.wait_for("STOPPING=1", 5)
    # uvicorn re-raises SIGTERM once it has shut down cleanly (systemd counts that as a clean stop)
    assert serve.returncode in (0, -signal.SIGTERM) and worker.returncode == 0, (serve.stderr.read(),
                                                                               worker.stderr.read())


def test_serve_check_reports_readiness(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "stardust_tui", "--home", str(tmp_path / "h"), "serve", "--check"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and '"name": "worker"' in out.stdout  # no daemon: not ready, named
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    port = busy.getsockname()[1]
    try:
        taken = subprocess.run([sys.executable, "-m", "stardust_tui", "--home", str(tmp_path / "h"), "serve",
                                "--port", str(port)], capture_output=True, text=True, timeout=120)
    finally:
        busy.close()
    assert taken.returncode != 0 and "Traceback" not in taken.stderr
    assert "address already in use" in taken.stderr
