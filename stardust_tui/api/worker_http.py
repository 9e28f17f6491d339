"""``stardust worker --http HOST:PORT``: the daemon's own ``/health``, ``/ready`` and ``/metrics``.

A standard-library HTTP server in a background thread (no FastAPI in the daemon): ``/ready`` runs the
same named checks as the API's, judging this worker's own heartbeat; ``/metrics`` renders the same
Prometheus registry (store numbers read at scrape time). Handlers only read, and each request gets its
own thread, so a slow database never stalls the delivery loop.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from stardust_tui.errors import StardustError

if TYPE_CHECKING:
    from stardust_tui.services import Services


def parse_address(text: str) -> tuple[str, int]:
    """``127.0.0.1:9100`` / ``[::1]:9100`` / ``:9100`` (loopback) -> (host, port); ValueError naming the problem."""
    host, sep, port = text.strip().rpartition(":")
    if not sep or not (port.isascii() and port.isdigit()) or not 1 <= int(port) <= 65535:
        raise ValueError(f"{text!r} is not HOST:PORT (e.g. 127.0.0.1:9100)")
    host = host.strip("[]") or "127.0.0.1"
    return host, int(port)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature; probes are noisy
        pass

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        path = self.path.split("?", 1)[0]
        try:
            if path == "/health":
                self._send(200, b'{"status": "ok"}', "application/json")
            elif path == "/ready":
                checks = self.server.services.health.checks(own_heartbeat=self.server.worker_id)
                ok = all(c.ok for c in checks)
                body = json.dumps({"ready": ok, "checks": [c.__dict__ for c in checks]}).encode()
                self._send(200 if ok else 503, body, "application/json")
            elif path == "/metrics":
                from stardust_tui.api.metrics import CONTENT_TYPE

                self._send(200, self.server.metrics.render(), CONTENT_TYPE)
            else:
                self._send(404, b'{"status": 404, "title": "Not found"}', "application/problem+json")
        except Exception:  # noqa: BLE001 - never a traceback to a probe
            self._send(500, b'{"status": 500, "title": "Internal server error"}', "application/problem+json")

    do_HEAD = do_GET


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], services: Services, worker_id: str) -> None:
        from stardust_tui.api.metrics import Metrics

        self.services, self.worker_id = services, worker_id
        self.metrics = Metrics(services)
        super().__init__(address, _Handler)


class WorkerHttp:
    """The daemon's probe server; ``start()`` binds (one-line StardustError when it cannot), ``stop()`` ends it."""

    def __init__(self, services: Services, worker_id: str, host: str, port: int) -> None:
        self.services, self.worker_id, self.host, self.port = services, worker_id, host, port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> WorkerHttp:
        import socket

        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        _Server.address_family = family
        try:
            self._server = _Server((self.host, self.port), self.services, self.worker_id)
        except OSError as exc:
            raise StardustError(f"cannot listen on {self.host}:{self.port} ({exc.strerror or exc})",
                                where="--http") from None
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="stardust-worker-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
