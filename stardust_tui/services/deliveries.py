"""Deliveries: queue releases to a target (after the readiness check), list and show them, follow and
wait for them, retry/cancel, per-target metrics, pruning old events, and the runners (the TUI's
in-process one, ``stardust worker``'s daemon, ``deliver --wait``'s).

The one implementation behind ``stardust deliver``, ``stardust deliveries …``, ``stardust worker`` and the
TUI's deliveries screen. Delegates to ``stardust_tui.worker`` (queue, runner, metrics, heartbeat, events)
and the release store; following and waiting live in :mod:`stardust_tui.services.delivery_follow`.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from stardust_tui.domain.delivery_models import Delivery, Target
from stardust_tui.domain.models import Release, utcnow
from stardust_tui.errors import ValidationError
from stardust_tui.services.delivery_follow import FINAL_STATES, EventLine
from stardust_tui.services.rows import stored_id
from stardust_tui.store.db import session_scope
from stardust_tui.store.sqltypes import col

if TYPE_CHECKING:
    from stardust_tui.services import Services

__all__ = ["FINAL_STATES", "DeliveryRecord", "DeliveryRow", "DeliveryService", "EventLine", "QueuedDelivery"]


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    release_id: int
    release_title: str
    target: str
    message_type: str
    state: str
    attempts: int
    max_attempts: int
    bytes_done: int
    bytes_total: int
    started_at: datetime | None
    finished_at: datetime | None
    last_error: str | None

    @property
    def progress(self) -> str:
        if self.bytes_total:
            return f"{100 * self.bytes_done / self.bytes_total:.0f}% of {self.bytes_total / 1e6:.1f} MB"
        return ""


@dataclass(frozen=True)
class QueuedDelivery:
    """One release queued by :meth:`DeliveryService.queue`; ``fresh`` False when the identical delivery
    existed (same content, target and type) and was not queued again."""

    delivery_id: int
    release_id: int
    title: str
    fresh: bool
    state: str


@dataclass(frozen=True)
class DeliveryRecord:
    """A delivery row and its target's name (``deliveries --json`` and the API serve :meth:`as_dict`)."""

    delivery: Delivery
    target: str | None

    def as_dict(self) -> dict[str, Any]:
        d = self.delivery
        data = d.model_dump(exclude={"lease_owner"} if d.state != "running" else set())
        data["target"] = self.target
        return data

    @property
    def display_state(self) -> str:
        """``running 45%`` while bytes move, ``scheduled`` for a future start, else the state."""
        d = self.delivery
        if d.state == "running" and d.bytes_total:
            return f"running {min(100, 100 * d.bytes_done // d.bytes_total)}%"
        if d.state == "queued" and d.scheduled_at > utcnow():
            return "scheduled"
        return d.state


class DeliveryService:
    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def engine(self):
        return self.services.engine

    # -- queueing --------------------------------------------------------------------------------------------
    def queue(self, refs: Sequence[int | str], target: int | str, *, message_type: str = "new",
              at: datetime | None = None, priority: int = 0, resend: bool = False,
              skip_xsd: bool = False) -> list[QueuedDelivery]:
        """Check every release (the delivery's own pre-flight: ``stardust check --target``), then queue them all
        in one transaction; nothing is queued unless all pass. Queueing the same content to the same target
        with the same type twice gives one delivery unless ``resend``. ``skip_xsd`` (``deliver --skip-xsd``)
        lets a live message go out unvalidated when no DDEX schemas are installed (recorded on the delivery)."""
        from stardust_tui.delivery.preflight import refusal
        from stardust_tui.delivery.targets import get_target
        from stardust_tui.services.readiness import target_preflight
        from stardust_tui.store.releases import content_hash, get_release, load_release
        from stardust_tui.worker.queue import enqueue

        self.services.authorize("delivery.queue")
        queued = []
        with session_scope(self.engine) as session:
            t = get_target(session, target)
            if not t.enabled:
                raise ValidationError(f"target {t.name!r} is disabled (stardust target enable {t.name})")
            profile = self.services.profiles.get(t.profile)
            checked = []
            for ref in dict.fromkeys(refs):
                loaded = load_release(session, stored_id(get_release(session, ref)))
                checked_one = target_preflight(self.services, session, loaded, profile, message_type,
                                               skip_xsd=skip_xsd)
                if not checked_one.report.ok:  # what the executor would refuse (delivery/preflight.py)
                    raise refusal(checked_one.report, profile, str(ref))
                checked.append((loaded, content_hash(loaded)))
            for release, digest in checked:
                before = utcnow()
                d = enqueue(session, release_id=stored_id(release), target_id=stored_id(t),
                            message_type=message_type, priority=priority, at=at, content_hash=digest,
                            max_attempts=profile.max_attempts, resend=resend, requested_by=self.services.actor.name,
                            skip_xsd=skip_xsd)
                fresh = d.created_at >= before
                if fresh:
                    self._audit(session, "queue-delivery", d, f"queued {message_type} of release {release.id} "
                                f"to {t.name}")
                queued.append(QueuedDelivery(stored_id(d), stored_id(release), release.title,
                                             fresh, d.state))
        return queued

    # -- reading ---------------------------------------------------------------------------------------------
    def find(self, *, state: str | None = None, target: int | str | None = None, release: int | str | None = None,
             limit: int = 50) -> list[DeliveryRecord]:
        """Deliveries newest first, narrowed to a state, a target (name or id) and a release (id or UPC)."""
        from stardust_tui.delivery.targets import get_target, list_targets
        from stardust_tui.store.releases import get_release
        from stardust_tui.worker.queue import list_deliveries

        self.services.authorize("delivery.read")
        with session_scope(self.engine) as session:
            target_id = get_target(session, target).id if target is not None else None
            release_id = get_release(session, release).id if release is not None else None
            names = {t.id: t.name for t in list_targets(session)}
            rows = list_deliveries(session, state=state, target_id=target_id, release_id=release_id, limit=limit)
        return [DeliveryRecord(d, names.get(d.target_id)) for d in rows]

    def follow(self, delivery_id: int, *, live: bool = False,
               stop: Callable[[], bool] | None = None) -> Iterator[EventLine]:
        """A delivery's stored events; with ``live`` then its new ones (from the log file) until it ends or
        ``stop()`` is true."""
        from stardust_tui.services.delivery_follow import follow

        self.services.authorize("delivery.read")
        return follow(self.services, delivery_id, live=live, stop=stop)

    def wait(self, delivery_ids: list[int], on_event: Callable[[EventLine], None] | None = None) -> dict[int, str]:
        """Block until the deliveries end (running them in this process when no daemon is alive); their
        final states. Blocking: call it from a thread, never from an event loop."""
        from stardust_tui.services.delivery_follow import wait

        self.services.authorize("delivery.run")
        return wait(self.services, delivery_ids, on_event)

    def list(self, *, state: str | None = None, limit: int = 200) -> list[DeliveryRow]:
        """The newest deliveries (queue and history), bounded by ``limit``."""
        stmt = (select(Delivery, col(Release.title), col(Target.name))
                .join(Release, col(Release.id) == col(Delivery.release_id))
                .join(Target, col(Target.id) == col(Delivery.target_id))
                .order_by(col(Delivery.id).desc()).limit(limit))
        if state:
            stmt = stmt.where(col(Delivery.state) == state)
        with session_scope(self.engine) as session:
            return [DeliveryRow(int(d.id), d.release_id, title, name, d.message_type, d.state, d.attempts,
                                d.max_attempts, d.bytes_done, d.bytes_total, d.started_at, d.finished_at,
                                d.last_error) for d, title, name in session.execute(stmt).all()]

    def state_of(self, delivery_id: int) -> str | None:
        self.services.authorize("delivery.read")
        with session_scope(self.engine) as session:
            return session.execute(select(col(Delivery.state)).where(col(Delivery.id) == delivery_id)).scalar()

    def enqueue(self, release_id: int, target_id: int, message_type: str = "new") -> int:
        """Queue one release without the readiness check (the TUI checked it); idempotent."""
        from stardust_tui.store.releases import content_hash, load_release
        from stardust_tui.worker.queue import enqueue

        self.services.authorize("delivery.queue")
        with session_scope(self.engine) as session:
            digest = content_hash(load_release(session, release_id))
            before = utcnow()
            delivery = enqueue(session, release_id=release_id, target_id=target_id, message_type=message_type,
                               content_hash=digest, requested_by=self.services.actor.name)
            if delivery.created_at >= before:
                self._audit(session, "queue-delivery", delivery, f"queued {message_type} of release {release_id}")
            return stored_id(delivery)

    def retry(self, delivery_id: int) -> None:
        """Queue a failed or cancelled delivery again (completed steps are not redone)."""
        from stardust_tui.worker.queue import retry

        self.services.authorize("delivery.queue")
        self._visible(delivery_id)
        retry(self.engine, delivery_id)
        self._audit_change("retry-delivery", delivery_id, "queued again")

    def cancel(self, delivery_id: int) -> str:
        """Cancel a queued, waiting or running delivery; returns the state it had (a running one stops at
        its next step)."""
        from stardust_tui.worker.queue import cancel

        self.services.authorize("delivery.queue")
        self._visible(delivery_id)
        previous = cancel(self.engine, delivery_id)
        self._audit_change("cancel-delivery", delivery_id, f"cancelled (was {previous})")
        return previous

    # -- issue 15: who queued, retried or cancelled a delivery; label scope for the Core writes -------------
    def _visible(self, delivery_id: int) -> None:
        """Refuse a delivery this actor cannot see (the queue's Core updates are not label-scoped)."""
        from stardust_tui.errors import NotFoundError

        with session_scope(self.engine) as session:
            if session.get(Delivery, delivery_id) is None:
                raise NotFoundError(f"delivery {delivery_id} does not exist")

    def _audit(self, session: Any, action: str, d: Delivery, note: str) -> None:
        from stardust_tui.store.revisions import write_audit

        write_audit(session, actor=self.services.actor.name, action=action, entity="delivery", entity_id=d.id,
                    after={"release_id": d.release_id, "target_id": d.target_id, "message_type": d.message_type,
                           "state": d.state}, note=note)

    def _audit_change(self, action: str, delivery_id: int, note: str) -> None:
        with session_scope(self.engine) as session:
            d = session.get(Delivery, delivery_id)
            if d is not None:
                self._audit(session, action, d, f"delivery {delivery_id} {note}")

    def deliver_again(self, delivery_id: int) -> int:
        """Retry a failed/cancelled delivery; after a success, send the release again as an update."""
        with session_scope(self.engine) as session:
            d = session.get(Delivery, delivery_id)
            state, release_id, target_id = (d.state, d.release_id, d.target_id) if d else (None, 0, 0)
        if state in ("failed", "cancelled"):
            self.retry(delivery_id)
            return delivery_id
        return self.enqueue(release_id, target_id, "update")

    def metrics(self, *, days: float = 7.0) -> builtins.list[Any]:
        """Per target: success rate, median duration, throughput, queue depth and circuit (``TargetMetrics``)."""
        from stardust_tui.worker.metrics import target_metrics

        self.services.authorize("delivery.read")
        with session_scope(self.engine) as session:
            return target_metrics(session, days=days)

    def activity(self, *, hours: int = 24) -> dict[str, builtins.list[float]]:
        """Succeeded deliveries per hour over the last ``hours`` hours, per target name (for sparklines)."""
        self.services.authorize("delivery.read")
        now = utcnow()
        since = now - timedelta(hours=hours)
        stmt = (select(col(Target.name), col(Delivery.finished_at))
                .join(Target, col(Target.id) == col(Delivery.target_id))
                .where(col(Delivery.state) == "succeeded", col(Delivery.finished_at) >= since)
                .order_by(col(Delivery.finished_at).desc()).limit(5000))
        out: dict[str, list[float]] = {}
        with session_scope(self.engine) as session:
            for name, finished in session.execute(stmt).all():
                if finished.tzinfo is None:
                    finished = finished.replace(tzinfo=now.tzinfo)
                bucket = min(hours - 1, int((finished - since).total_seconds() // 3600))
                out.setdefault(name, [0.0] * hours)[bucket] += 1
        return out

    def daemon_alive(self) -> bool:
        from stardust_tui.worker.heartbeat import is_daemon_alive

        self.services.authorize("delivery.read")
        with session_scope(self.engine) as session:
            return is_daemon_alive(session)

    def prune_events(self, *, older_than_days: float) -> int:
        """Delete stored log events older than that of finished deliveries; how many went."""
        from stardust_tui.worker.events import prune

        self.services.authorize("store.admin")
        return prune(self.engine, older_than_days=older_than_days)

    def make_runner(self, listener: Callable[[Any], None] | None = None, *, kind: str = "in-process",
                    worker_id: str | None = None, concurrency: int | None = None, **config: Any):
        """A runner (not started): ``kind`` "in-process" (the TUI, ``deliver --wait``) or "daemon"; ``config``
        are further ``RunnerConfig`` fields (once, lease_s, grace_s, global_limit, ack_poll_s, poll_s). Status
        changes its deliveries make are recorded under this services' actor (``worker@host`` for the daemon)."""
        from stardust_tui.worker.runner import Runner, RunnerConfig

        self.services.authorize("delivery.run")
        settings = self.services.settings
        cfg = RunnerConfig(concurrency=concurrency or settings.worker_concurrency, kind=kind,
                           actor=self.services.actor.name, **config)
        # The runner serves every label (it runs what was queued), so it gets the unscoped engine (issue 15).
        return Runner(settings, self.services.store_engine, worker_id=worker_id, config=cfg, listener=listener)
