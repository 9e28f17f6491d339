"""Helpers of the TUI tests: a small deterministic catalog seeded into a real store, and waiting for jobs."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime
from typing import Any

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


LONG_RUNNING_GROUPS = {"delivery", "delivery-log", "delivery-events"}  # delivery-events: PostgreSQL LISTEN


async def settle(app, pilot) -> None:
    """Wait for the app's short jobs (not the log follower or delivery runner, which run until quit)."""
    from textual.worker import WorkerCancelled

    for _ in range(3):
        # A worker replaced by a newer one of its group (exclusive) is cancelled: nothing to wait for.
        short = [w for w in app.workers if w.group not in LONG_RUNNING_GROUPS and not w.is_cancelled]
        if short:  # (an empty list would mean "all workers")
            with contextlib.suppress(WorkerCancelled):
                await app.workers.wait_for_complete(short)
        await pilot.pause()


def seed_deliveries(engine: Engine, settings: Any, release_ids: list[int]) -> None:
    """Two targets, five deliveries in every state and a delivery log with fixed timestamps."""
    from datetime import timedelta

    from stardust_tui.delivery.targets import add_target
    from stardust_tui.domain.delivery_models import Delivery
    from stardust_tui.domain.models import utcnow
    from stardust_tui.store.releases import content_hash, load_release
    from stardust_tui.worker.events import Event, JsonLineLog
    from stardust_tui.worker.queue import enqueue

    now = utcnow() + timedelta(minutes=30)  # mid-bucket, so the sparkline is the same at any minute
    with session_scope(engine) as session:
        a = add_target(session, settings.paths, name="dsp-folder", url="file:///srv/dsp-inbox")
        b = add_target(session, settings.paths, name="label-archive", url="file:///srv/archive",
                       profile="generic-382")
        plan = [(a, "succeeded", 1, 48_000_000, 48_000_000, None, 3), (a, "succeeded", 1, 12_500_000, 12_500_000,
                                                                     None, 1),
                (b, "failed", 5, 30_000_000, 9_000_000, "ConnectionRefusedError: [Errno 111] refused", 2),
                (a, "running", 1, 64_000_000, 21_000_000, None, None), (b, "queued", 0, 0, 0, None, None)]
        for n, (target, state, attempts, total, done, error, hours_ago) in enumerate(plan):
            release = load_release(session, release_ids[n])
            d = enqueue(session, release_id=release.id, target_id=target.id, content_hash=content_hash(release))
            d = session.get(Delivery, d.id)
            d.state, d.attempts, d.bytes_total, d.bytes_done, d.last_error = state, attempts, total, done, error
            if hours_ago is not None:
                d.started_at = now - timedelta(hours=hours_ago, minutes=2)
                d.finished_at = now - timedelta(hours=hours_ago)
            session.add(d)
    log = JsonLineLog(settings.paths.delivery_log_file)
    at = FIXED_NOW
    lines = [("info", 1, None, "attempt 1/5 started by demo:1"), ("info", 1, "upload", "resources/A1.flac sent"),
             ("info", 1, None, "succeeded in 118.0s"), ("info", 3, None, "attempt 5/5 started by demo:1"),
             ("error", 3, "connect", "attempt 5 failed permanently: ConnectionRefusedError: [Errno 111] refused"),
             ("debug", 4, "upload", "resources/A2.flac 21,000,000 of 64,000,000 bytes"),
             ("warning", 4, None, "lease renewed late (2.1 s)")]
    for i, (level, delivery, step, message) in enumerate(lines):
        log.append(Event(message=message, level=level, delivery_id=delivery, target_id=1, step=step,
                         at=at + timedelta(seconds=7 * i)))


async def type_into(pilot, app, selector: str, text: str) -> None:
    """Focus an input, clear it and type ``text`` key by key."""
    from textual.widgets import Input

    widget = app.screen.query_one(selector, Input)
    widget.focus()
    widget.value = ""
    await pilot.pause()
    await pilot.press(*text)


def screen_text(app) -> str:
    """What the terminal shows right now (the top screen over the ones below, toasts included), as text."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, legacy_windows=False,
                      color_system=None)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


async def wait_until(pilot, predicate, timeout: float = 10.0, step: float = 0.05) -> bool:
    """Poll ``predicate()`` while the app runs; True once it holds, False after ``timeout`` seconds."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if predicate():
            return True
        await pilot.pause(step)
    return bool(predicate())


async def wait_saved(pilot, editor, timeout: float = 10.0) -> None:
    """Wait until an autosaving screen (the release wizard, the track editor) has written what was typed: nothing
    waits for the autosave delay and nothing is being written. Instead of sleeping past the delay: as soon as it
    is done on a fast machine, and still right on a slow one."""

    def saved() -> bool:
        return not editor.pending and not getattr(editor, "sending", None) and editor.writer.idle

    assert await wait_until(pilot, saved, timeout), f"not saved within {timeout}s: unsaved {sorted(editor.pending)}"
