"""The sender: routes new outbox events, claims due sends, sends them, records the outcome. Plain asyncio.

It runs as one more background task of the delivery runner (``stardust worker`` and the TUI's in-process
worker), so notifications go out wherever deliveries run; every database call and every channel's I/O is in
a thread, never on the event loop. Several senders (processes, hosts) share the work through the claims
(:mod:`stardust_tui.notify.claims`). The daemon also writes the weekly summary when its slot comes and
prunes old sent events (``[notify] keep_days``, default 90; pending and failed ones are never pruned).

Settings (``[notify]``): ``retry_base_seconds`` (10), ``retry_max_seconds`` (3600), ``lease_seconds`` (120),
``poll_seconds`` (2), ``concurrency`` (4), plus the rules and the schedule.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, select
from sqlalchemy.engine import Engine

from stardust_tui.config import Settings
from stardust_tui.domain.models import utcnow
from stardust_tui.domain.notify_models import NotifyChannel, NotifyEvent, NotifySend
from stardust_tui.errors import StardustError
from stardust_tui.notify import claims, routing
from stardust_tui.notify.channel import OutEvent, Outgoing, SendFailed
from stardust_tui.notify.render import Renderer, user_template_dir
from stardust_tui.notify.rules import parse_rules
from stardust_tui.notify.schedule import Schedule

Log = Callable[[str, str], object]  # (level, message); what it returns is ignored
HOUSEKEEPING_S = 3600.0
WEEKLY_CHECK_S = 60.0


@dataclass
class SenderConfig:
    retry_base_s: float = 10.0
    retry_max_s: float = 3600.0
    lease_s: float = 120.0
    poll_s: float = 2.0
    concurrency: int = 4
    keep_days: float = 90.0
    weekly: bool = False  # only the daemon writes the weekly summary

    @classmethod
    def from_settings(cls, notify: dict[str, Any], *, weekly: bool) -> SenderConfig:
        return cls(retry_base_s=float(notify.get("retry_base_seconds", cls.retry_base_s)),
                   retry_max_s=float(notify.get("retry_max_seconds", cls.retry_max_s)),
                   lease_s=float(notify.get("lease_seconds", cls.lease_s)),
                   poll_s=float(notify.get("poll_seconds", cls.poll_s)),
                   concurrency=int(notify.get("concurrency", cls.concurrency)),
                   keep_days=float(notify.get("keep_days", cls.keep_days)),
                   weekly=weekly and bool(notify.get("weekly", True)))


@dataclass
class SenderStats:
    routed: int = 0
    sent: int = 0
    failed: int = 0
    outcomes: list[str] = field(default_factory=list)


class NotifySender:
    def __init__(self, settings: Settings, engine: Engine, *, owner: str, log: Log | None = None,
                 config: SenderConfig | None = None, clock: Callable[[], datetime] = utcnow) -> None:
        notify = getattr(settings, "notify", {}) or {}
        self.settings, self.engine, self.owner, self.clock = settings, engine, owner, clock
        self.config = config or SenderConfig.from_settings(notify, weekly=False)
        self.rules = parse_rules(notify.get("rules", []))
        self.schedule = Schedule.from_settings(notify)
        self.renderer = Renderer(user_template_dir(settings.paths), self.schedule.tz)
        self.log: Log = log or (lambda _level, _message: None)
        self.stats = SenderStats()
        self._built: dict[int, tuple[datetime, Any]] = {}
        self._names: dict[int, str] = {}
        self._results: dict[int, str] = {}
        self._last_weekly = self._last_prune = -1e9

    # -- the loop ------------------------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Work until cancelled (or ``stop`` is set); a busy or unreachable store only delays the next pass."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                await self.pass_once()
            except StardustError as exc:
                self.log("warning", f"notifications: {exc}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=await self._sleep_s())

    async def _sleep_s(self) -> float:
        try:
            due = await asyncio.to_thread(claims.next_due, self.engine)
        except StardustError:
            return self.config.poll_s
        if due is None:
            return self.config.poll_s
        if due.tzinfo is None:
            due = due.replace(tzinfo=self.clock().tzinfo)
        return min(self.config.poll_s, max(0.05, (due - self.clock()).total_seconds()))

    async def pass_once(self) -> int:
        """Route what is new, write the weekly summary when due, send everything due; returns claims sent."""
        now = self.clock()
        mono = time.monotonic()
        weekly_due = self.config.weekly and mono - self._last_weekly >= WEEKLY_CHECK_S
        housekeeping_due = self.config.weekly and mono - self._last_prune >= HOUSEKEEPING_S
        if not weekly_due and not housekeeping_due and not await asyncio.to_thread(claims.has_work, self.engine,
                                                                                   now=now):
            return 0  # idle: a read, no write lock taken
        while True:  # a burst larger than one routing batch is routed whole, not one batch per poll
            routed = await asyncio.to_thread(routing.route_new, self.engine, self.rules, self.schedule, now=now)
            self.stats.routed += routed
            if routed < routing.BATCH:
                break
        if weekly_due:
            self._last_weekly = mono
            from stardust_tui.notify.weekly import enqueue_weekly

            if await asyncio.to_thread(enqueue_weekly, self.engine, self.schedule, now=now):
                self.stats.routed += await asyncio.to_thread(routing.route_new, self.engine, self.rules,
                                                             self.schedule, now=self.clock())
        if housekeeping_due:
            self._last_prune = mono
            await asyncio.to_thread(prune_sent, self.engine, older_than=now - timedelta(days=self.config.keep_days))
        done = 0
        batch = max(1, self.config.concurrency) * 4
        gate = asyncio.Semaphore(max(1, self.config.concurrency))
        while True:
            claimed = await asyncio.to_thread(claims.claim_batch, self.engine, self.owner, now=self.clock(),
                                              lease_s=self.config.lease_s, limit=batch)
            if not claimed:
                return done
            outcomes = await asyncio.gather(*(self._send(c, gate) for c in claimed))
            await asyncio.to_thread(claims.record_outcomes, self.engine, list(outcomes), now=self.clock(),
                                    base_s=self.config.retry_base_s, max_s=self.config.retry_max_s)
            for outcome in outcomes:
                self._log(outcome)
            done += len(claimed)

    # -- one claim -----------------------------------------------------------------------------------------
    async def _send(self, claim: claims.Claim, gate: asyncio.Semaphore) -> claims.Outcome:
        async with gate:
            return await self.send_claim(claim)

    async def send_claim(self, claim: claims.Claim) -> claims.Outcome:
        """Send one claim through its channel; how it went (recorded by the caller)."""
        try:
            channel = await asyncio.to_thread(self._channel, claim.channel_id, claim.channel_version)
            self._names[claim.channel_id] = channel.name
            message = Outgoing(claim.sends[0].delivery_id if claim.digest == "immediate" else _digest_id(claim),
                               tuple(OutEvent(s.event_id, s.event_type, s.payload) for s in claim.sends),
                               digest=claim.digest, renderer=self.renderer)
            self._results[claim.sends[0].send_id] = await channel.send(message)
        except SendFailed as exc:
            return claims.Outcome(claim, str(exc), exc.permanent, exc.retry_after)
        except StardustError as exc:  # the channel cannot be built (a key that does not decrypt ...)
            return claims.Outcome(claim, str(exc))
        except Exception as exc:  # noqa: BLE001 - a channel's bug must not stop the sender; retried later
            return claims.Outcome(claim, f"{type(exc).__name__}: {exc}")
        return claims.Outcome(claim)

    def _log(self, outcome: claims.Outcome) -> None:
        from stardust_tui.notify.redact import redact

        claim = outcome.claim
        name = self._names.get(claim.channel_id, f"channel {claim.channel_id}")
        ids = ", ".join(s.delivery_id for s in claim.sends[:3]) + (" …" if len(claim.sends) > 3 else "")
        if outcome.error is None:
            self.stats.sent += len(claim.sends)
            result = self._results.pop(claim.sends[0].send_id, "sent")
            self.log("info", f"notification {ids} sent to {name}: {result}")
            return
        self.stats.failed += len(claim.sends)
        attempt = max(s.attempts for s in claim.sends)
        what = "refused for good (notify retry queues it again)" if outcome.permanent else f"attempt {attempt} failed"
        self.log("warning", f"notification {ids} to {name} {what}: {redact(outcome.error)}")

    def _channel(self, channel_id: int, version: datetime | None = None) -> Any:
        """The channel object, built once per version of its row (``updated_at``, read with the claim)."""
        from sqlmodel import Session

        from stardust_tui.notify.channels import build

        cached = self._built.get(channel_id)
        if cached is not None and version is not None and cached[0] == version:
            return cached[1]
        with Session(self.engine) as session:
            row = session.get(NotifyChannel, channel_id)
            if row is None:
                raise SendFailed("the channel was removed")
            if cached is not None and cached[0] == row.updated_at:
                return cached[1]
            if cached is not None:
                cached[1].close()
            channel = build(row, self.settings.paths)
            self._built[channel_id] = (row.updated_at, channel)
            return channel


def _digest_id(claim: claims.Claim) -> str:
    """A digest's delivery id: the same for the same set of sends (a retried digest keeps it)."""
    import hashlib

    joined = ",".join(s.delivery_id for s in sorted(claim.sends, key=lambda s: s.send_id))
    return "dig_" + hashlib.sha256(joined.encode()).hexdigest()[:32]


def prune_sent(engine: Engine, *, older_than: datetime) -> int:
    """Delete routed events older than ``older_than`` none of whose sends is still pending or failed."""
    from stardust_tui.store.db import write_tx
    from stardust_tui.store.sqltypes import table

    E, S = table(NotifyEvent), table(NotifySend)
    open_send = exists().where(and_(S.c.event_pk == E.c.id, S.c.status.in_(("pending", "sending", "failed"))))
    old = select(E.c.id).where(E.c.occurred_at < older_than, E.c.routed_at.is_not(None), ~open_send).limit(5000)
    with write_tx(engine) as conn:
        ids = list(conn.execute(old).scalars())
        if ids:
            conn.execute(delete(S).where(S.c.event_pk.in_(ids)))
            conn.execute(delete(E).where(E.c.id.in_(ids)))
        return len(ids)
