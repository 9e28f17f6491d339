"""Fixtures for the TUI tests: a real SQLite store seeded with a small deterministic catalog."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine

from stardust_tui.config import Settings
from stardust_tui.domain.identifiers import gtin_check_digit
from stardust_tui.store.db import session_scope

ARTISTS = ["Nova Fields", "The Quiet Orbit", "Mara Lindqvist", "Sol & Kite", "Deep Harbor"]
TITLES = ["Glass Horizons", "Night Transit", "Paper Moons", "Low Tide Signals", "Amber Static", "Hollow Bells",
          "Northern Relay", "Velvet Circuit"]
TYPES = ["album", "ep", "single", "compilation"]
FIXED_NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def demo_upc(n: int) -> str:
    body = f"19{n:09d}"
    return body + str(gtin_check_digit(body))


def seed_catalog(engine: Engine, count: int = 24) -> list[int]:
    """``count`` releases with tracks and a worldwide deal; all values fixed so snapshots are stable."""
    from stardust_tui.store.releases import create_release

    ids = []
    with session_scope(engine) as session:
        for i in range(count):
            artist = ARTISTS[i % len(ARTISTS)]
            tracks = [{"title": f"{TITLES[(i + k) % len(TITLES)]} (Part {k + 1})", "display_artist": artist,
                       "isrc": f"QZDA226{i:03d}{k:02d}", "duration_seconds": 180 + k}
                      for k in range(1 + i % 3)]
            release = create_release(
                session, actor="seed", title=f"{TITLES[i % len(TITLES)]} {i + 1}", artists=[artist],
                label="Stardust Records", release_type=TYPES[i % len(TYPES)], upc=demo_upc(i + 1),
                genre="Electronic", language="en", release_date=date(2026, 1 + i % 12, 1 + i % 28),
                p_line_year=2026, p_line="2026 Stardust Records", c_line_year=2026, c_line="2026 Stardust Records",
                tracks=tracks, deals=[{"territories": ["Worldwide"], "commercial_models": ["SubscriptionModel"],
                                       "use_types": ["OnDemandStream"], "start": FIXED_NOW}],
            )
            session.flush()
            ids.append(int(release.id))
    return ids


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
