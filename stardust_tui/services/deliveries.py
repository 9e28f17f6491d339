"""Deliveries for the TUI: queue and history rows, enqueue/retry/cancel/deliver again, per-target metrics,
and the in-process runner started by the app when no ``stardust worker`` daemon is alive.

Delegates to ``stardust_tui.worker`` (queue, runner, metrics, heartbeat) and the release store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from stardust_tui.domain.delivery_models import Delivery, Target
from stardust_tui.domain.models import Release, utcnow
from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from stardust_tui.services import Services

FINAL_STATES = ("succeeded", "failed", "cancelled")


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


class DeliveryService:
    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def engine(self):
        return self.services.engine

    def list(self, *, state: str | None = None, limit: int = 200) -> list[DeliveryRow]:
        """The newest deliveries (queue and history), bounded by ``limit``."""
        stmt = (select(Delivery, Release.title, Target.name)
                .join(Release, Release.id == Delivery.release_id).join(Target, Target.id == Delivery.target_id)
                .order_by(Delivery.id.desc()).limit(limit))
        if state:
            stmt = stmt.where(Delivery.state == state)
        with session_scope(self.engine) as session:
            return [DeliveryRow(int(d.id), d.release_id, title, name, d.message_type, d.state, d.attempts,
                                d.max_attempts, d.bytes_done, d.bytes_total, d.started_at, d.finished_at,
                                d.last_error) for d, title, name in session.execute(stmt).all()]

    def state_of(self, delivery_id: int) -> str | None:
        with session_scope(self.engine) as session:
            return session.execute(select(Delivery.state).where(Delivery.id == delivery_id)).scalar()

    def enqueue(self, release_id: int, target_id: int, message_type: str = "new") -> int:
        from stardust_tui.store.releases import content_hash, load_release
        from stardust_tui.worker.queue import enqueue

        with session_scope(self.engine) as session:
            digest = content_hash(load_release(session, release_id))
            delivery = enqueue(session, release_id=release_id, target_id=target_id, message_type=message_type,
                               content_hash=digest)
            return int(delivery.id)

    def retry(self, delivery_id: int) -> None:
        from stardust_tui.worker.queue import retry

        retry(self.engine, delivery_id)

    def cancel(self, delivery_id: int) -> None:
        from stardust_tui.worker.queue import cancel

        cancel(self.engine, delivery_id)

    def deliver_again(self, delivery_id: int) -> int:
        """Retry a failed/cancelled delivery; after a success, send the release again as an update."""
        with session_scope(self.engine) as session:
            d = session.get(Delivery, delivery_id)
            state, release_id, target_id = (d.state, d.release_id, d.target_id) if d else (None, 0, 0)
        if state in ("failed", "cancelled"):
            self.retry(delivery_id)
            return delivery_id
        return self.enqueue(release_id, target_id, "update")

    def metrics(self, *, days: float = 7.0) -> list[Any]:
        from stardust_tui.worker.metrics import target_metrics

        with session_scope(self.engine) as session:
            return target_metrics(session, days=days)

    def activity(self, *, hours: int = 24) -> dict[str, list[float]]:
        """Succeeded deliveries per hour over the last ``hours`` hours, per target name (for sparklines)."""
        now = utcnow()
        since = now - timedelta(hours=hours)
        stmt = (select(Target.name, Delivery.finished_at).join(Target, Target.id == Delivery.target_id)
                .where(Delivery.state == "succeeded", Delivery.finished_at >= since)
                .order_by(Delivery.finished_at.desc()).limit(5000))
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

        with session_scope(self.engine) as session:
            return is_daemon_alive(session)

    def make_runner(self, listener: Callable[[Any], None] | None = None):
        """An in-process runner (not started) sized by ``settings.worker_concurrency``."""
        from stardust_tui.worker.runner import Runner, RunnerConfig

        settings = self.services.settings
        config = RunnerConfig(concurrency=settings.worker_concurrency, kind="in-process")
        return Runner(settings, self.engine, config=config, listener=listener)
