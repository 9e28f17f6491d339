"""Fixtures for the TUI tests: a real SQLite store seeded with a small deterministic catalog."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from tui_helpers import seed_catalog

from stardust_tui.config import Settings


@pytest.fixture
def seeded(sqlite_engine: Engine) -> Iterator[tuple[Engine, list[int]]]:
    yield sqlite_engine, seed_catalog(sqlite_engine)


@pytest.fixture
def app_factory(settings: Settings):
    from stardust_tui.app import make_app

    def make(engine: Engine, **kwargs):
        return make_app(settings, engine, start_workers=kwargs.pop("start_workers", False), **kwargs)

    return make


@pytest.fixture
def anyio_backend() -> str:
    """Pilot tests run on asyncio through anyio's pytest plugin (``pytestmark = pytest.mark.anyio``)."""
    return "asyncio"

