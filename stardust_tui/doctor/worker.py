"""Worker checks: a ``stardust worker`` daemon's heartbeat, the queue, leases past their expiry, and deliveries
that say ``running`` but have not moved for long."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from stardust_tui.doctor.model import Check, failed, passed, warned

if TYPE_CHECKING:
    from stardust_tui.services import Services

QUEUE_WARN = 1000
STUCK_AFTER = timedelta(hours=1)


def worker(services: Services) -> list[Check]:
    from sqlalchemy import func, select
    from sqlmodel import col

    from stardust_tui.domain.delivery_models import Delivery
    from stardust_tui.domain.models import utcnow
    from stardust_tui.store.db import session_scope
    from stardust_tui.worker.heartbeat import STALE_AFTER_S, live_workers

    now = utcnow()
    with session_scope(services.store_engine) as s:
        workers = live_workers(s)
        due = s.execute(select(func.count(), func.min(col(Delivery.next_attempt_at))).where(
            col(Delivery.state).in_(("queued", "retry-wait")), col(Delivery.next_attempt_at) <= now)).one()
        expired = s.execute(select(func.count()).where(col(Delivery.state) == "running",
                                                       col(Delivery.lease_expires_at) < now)).scalar() or 0
        stuck = s.execute(select(func.count()).where(col(Delivery.state) == "running",
                                                     col(Delivery.updated_at) < now - STUCK_AFTER,
                                                     col(Delivery.lease_expires_at) >= now)).scalar() or 0
    out: list[Check] = []
    daemons = [w for w in workers if w.kind == "daemon"]
    if daemons:
        out.append(passed("worker", "daemon", f"{len(daemons)} daemon(s) alive: "
                          + ", ".join(w.worker_id for w in daemons[:3])))
    else:
        others = f" ({len(workers)} TUI session(s) run deliveries while open)" if workers else ""
        out.append(warned("worker", "daemon", f"no `stardust worker` heartbeat in the last {STALE_AFTER_S:g} s"
                          f"{others}: queued deliveries wait", "run stardust worker under systemd, tmux or nohup"))
    count, oldest = due
    if count:
        age = now - (oldest if oldest.tzinfo else oldest.replace(tzinfo=now.tzinfo))
        what = f"{count} deliver(ies) due, the oldest waiting {_age(age)}"
        if count > QUEUE_WARN or (not daemons and age > timedelta(minutes=10)):
            out.append(warned("worker", "queue", what, "start a worker (stardust worker) or check its log"))
        else:
            out.append(passed("worker", "queue", what))
    else:
        out.append(passed("worker", "queue", "nothing due"))
    if expired:
        out.append(warned("worker", "leases", f"{expired} running deliver(ies) hold a lease past its expiry (their "
                          "worker stopped or died)", "a running worker takes them over; start stardust worker"))
    else:
        out.append(passed("worker", "leases", "no expired lease"))
    if stuck:
        out.append(failed("worker", "stuck", f"{stuck} deliver(ies) running for over {_age(STUCK_AFTER)} without "
                          "progress while their worker renews the lease", "stardust deliveries --status running; "
                          "stardust deliveries log ID; cancel and retry the stuck ones"))
    else:
        out.append(passed("worker", "stuck", "no delivery stuck in running"))
    return out


def _age(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"
