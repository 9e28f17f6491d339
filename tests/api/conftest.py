"""A real uvicorn serving the API on 127.0.0.1 (an ephemeral port) over a migrated store, and httpx clients.

The server runs in a thread of the test process so a test can seed the store through the services and,
where it proves something, make a service fail on purpose; requests still go over TCP to uvicorn.
``api_server(tmp_path, rate=..., max_upload_mb=...)`` starts one with other limits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from stardust_tui.api.app import create_app
from stardust_tui.config import Settings, load_settings
from stardust_tui.services import Services
from stardust_tui.services.actor import Actor
from stardust_tui.store.db import make_engine
from stardust_tui.store.migrate import upgrade
from tests.conftest import XSD_DIR


@dataclass
class Served:
    url: str
    home: Path
    settings: Settings
    services: Services
    """Services acting as an administrator (seed data, create keys)."""
    server: uvicorn.Server
    thread: threading.Thread

    def key(self, scope: str = "admin", name: str | None = None, **kw) -> str:
        name = name or f"{scope}-{time.monotonic_ns()}"
        return self.services.apikeys.create(name, scope=scope, **kw).token

    def client(self, token: str | None = None, **kw) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60, **kw)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


def start_server(home: Path, **limits) -> Served:
    settings = load_settings(home)
    settings.ddex_schemas = XSD_DIR
    settings.paths.ensure()
    engine = make_engine(settings.db_url)
    upgrade(engine, backup=False)
    app = create_app(settings, engine, **limits)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, name="test-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    admin = Services(settings=settings, engine_source=engine, actor=Actor("test-admin"))
    return Served(f"http://127.0.0.1:{port}", home, settings, admin, server, thread)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server per test module, generous limits (the rate-limit test starts its own)."""
    served = start_server(tmp_path_factory.mktemp("api-home"), rate=10_000, burst=10_000)
    yield served
    served.stop()


@pytest.fixture
def admin(api: Served) -> Iterator[httpx.Client]:
    with api.client(api.key("admin")) as c:
        yield c
