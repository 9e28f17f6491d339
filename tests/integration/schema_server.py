"""A real HTTP server on 127.0.0.1 serving ``../shared/ddex/xsd`` the ways a schema host can answer.

Paths (``base`` = ``http://127.0.0.1:PORT``):

* ``/mirror/ern-43/release-notification.xsd`` — the folder as it is (the installed layout);
* ``/ddex/ern/43/release-notification.xsd`` — DDEX's layout (``ern/43``, ``ern-c-sftp/18``...), with each
  main schema's first import rewritten to an absolute URL on this server (as DDEX's files import
  ``http://ddex.net/xml/...``), so the fetch must follow it and point it back at the local copy;
* ``/html/...`` — status 200 with an HTML "page not found" (what a broken CDN answers);
* ``/trunc/...`` — a ``Content-Length`` larger than the body, then the connection closes;
* ``/cut/...`` — half of the file, no ``Content-Length``, connection closed (XML ends early);
* anything else — 404.

Requests are recorded in ``server.hits``.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_DDEX_DIRS = {"ern/382": "ern-382", "ern/42": "ern-42", "ern/43": "ern-43", "ern-c-sftp/16": "ern-c-sftp-16",
              "ern-c-sftp/18": "ern-c-sftp-18"}
HTML = b"<!DOCTYPE html><html><head><title>404</title></head><body>Page not found</body></html>"


@dataclass
class SchemaServer:
    root: Path
    httpd: ThreadingHTTPServer
    thread: threading.Thread
    hits: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def _ddex_file(root: Path, rel: str, base: str) -> bytes | None:
    for prefix, folder in _DDEX_DIRS.items():
        if rel.startswith(prefix + "/"):
            path = root / folder / rel[len(prefix) + 1:]
            if not path.is_file():
                return None
            data = path.read_bytes()
            if path.name in ("release-notification.xsd", "ern-choreography-sftp.xsd"):
                match = re.search(rb'schemaLocation="([^"/:]+\.xsd)"', data)
                if match:  # the first import by an absolute URL, like DDEX's own files
                    absolute = f"{base}/avs/{folder}/{match.group(1).decode()}".encode()
                    data = data.replace(match.group(0), b'schemaLocation="' + absolute + b'"', 1)
            return data
    return None


def start_schema_server(root: Path) -> SchemaServer:
    holder: dict[str, SchemaServer] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _send(self, status: int, body: bytes, ctype: str = "application/xml", length: int | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            if length is not None:
                self.send_header("Content-Length", str(length))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            server = holder["server"]
            server.hits.append(self.path)
            path = self.path.split("?", 1)[0]
            kind, _, rel = path.lstrip("/").partition("/")
            if ".." in rel.split("/"):
                return self._send(404, b"", length=0)
            if kind == "mirror" and (root / rel).is_file():
                data = (root / rel).read_bytes()
                return self._send(200, data, length=len(data))
            if kind == "ddex":
                data = _ddex_file(root, rel, server.base + "/ddex")
                if data is not None:
                    return self._send(200, data, length=len(data))
            if kind == "ddex" and rel.startswith("avs/"):  # the absolute imports point here
                folder, _, name = rel[4:].partition("/")
                if (root / folder / name).is_file():
                    data = (root / folder / name).read_bytes()
                    return self._send(200, data, length=len(data))
            if kind == "html":
                return self._send(200, HTML, "text/html; charset=utf-8", len(HTML))
            if kind in ("trunc", "cut") and (root / rel).is_file():
                data = (root / rel).read_bytes()
                self.close_connection = True
                if kind == "trunc":
                    return self._send(200, data[: len(data) // 2], length=len(data))
                return self._send(200, data[: len(data) // 2])
            return self._send(404, b"not found", "text/plain", 9)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="schema-server", daemon=True)
    server = SchemaServer(root, httpd, thread)
    holder["server"] = server
    thread.start()
    return server
