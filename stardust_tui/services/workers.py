"""Which delivery workers are running: daemons and TUI sessions on every host, from their heartbeats.

Each worker refreshes a ``WorkerHeartbeat`` row every few seconds (:mod:`stardust_tui.worker.heartbeat`);
one not seen for ``STALE_AFTER_S`` seconds is shown as stale (stopped or unreachable) until its row is
pruned after a day. For each worker the deliveries it holds a lease on now are counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from stardust_tui.services import Services

KEEP_STALE = timedelta(days=1)


@dataclass(frozen=True)
class WorkerRow:
    worker_id: str
    kind: str  # daemon | in-process (a TUI session)
    host: str
    pid: int
    concurrency: int
    started_at: datetime
    seen_at: datetime
    seen_ago_s: float
    running: int  # deliveries this worker holds a lease on
    alive: bool
    this_process: bool

    @property
    def label(self) -> str:
        return "daemon" if self.kind == "daemon" else "TUI session"


class WorkersService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def list(self) -> list[WorkerRow]:
        """Live workers first (daemons, then TUI sessions), then stale ones; newest start first within."""
        import os

        from sqlalchemy import func, select

        from stardust_tui.domain.delivery_models import Delivery, WorkerHeartbeat
        from stardust_tui.store.sqltypes import col
        from stardust_tui.worker.heartbeat import STALE_AFTER_S

        self.services.authorize("delivery.read")
        now = self.services.now()
        with session_scope(self.services.engine) as session:
            beats = list(session.execute(select(WorkerHeartbeat).where(
                col(WorkerHeartbeat.seen_at) >= now - KEEP_STALE)).scalars())
            leases = dict(session.execute(select(col(Delivery.lease_owner), func.count()).where(
                col(Delivery.state) == "running").group_by(col(Delivery.lease_owner))).all())
        rows = []
        for w in beats:
            seen = w.seen_at if w.seen_at.tzinfo else w.seen_at.replace(tzinfo=now.tzinfo)
            ago = max(0.0, (now - seen).total_seconds())
            rows.append(WorkerRow(w.worker_id, w.kind, w.host, w.pid, w.concurrency, w.started_at, w.seen_at, ago,
                                  int(leases.get(w.worker_id, 0)), ago <= STALE_AFTER_S,
                                  w.pid == os.getpid() and w.host == _host()))
        rows.sort(key=lambda r: (not r.alive, r.kind != "daemon", -r.started_at.timestamp()))
        return rows


def _host() -> str:
    import socket

    return socket.gethostname()
