"""Helpers of the TUI tests: a small deterministic catalog seeded into a real store, and waiting for jobs."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.engine import Engine

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


LONG_RUNNING_GROUPS = {"delivery", "delivery-log"}


async def settle(app, pilot) -> None:
    """Wait for the app's short jobs (not the log follower or delivery runner, which run until quit)."""
    for _ in range(3):
        short = [w for w in app.workers if w.group not in LONG_RUNNING_GROUPS]
        if short:  # (an empty list would mean "all workers")
            await app.workers.wait_for_complete(short)
        await pilot.pause()
