"""Worker heartbeats: each running worker (daemon or in the TUI) keeps a fresh WorkerHeartbeat row.

The TUI asks :func:`is_daemon_alive` to decide whether to run deliveries in-process; a daemon keeps
deliveries going when the SSH session that started the TUI drops.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from stardust_tui.domain.delivery_models import WorkerHeartbeat
from stardust_tui.domain.models import utcnow
from stardust_tui.store.db import write_tx
from stardust_tui.store.sqltypes import col, table
from stardust_tui.worker.queue import dialect_insert

H = table(WorkerHeartbeat)
STALE_AFTER_S = 30.0


def new_worker_id(kind: str = "daemon") -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{kind}:{uuid.uuid4().hex[:6]}"


def beat(engine: Engine, worker_id: str, *, kind: str = "daemon", concurrency: int = 1) -> None:
    """Insert or refresh this worker's row."""
    now = utcnow()
    ins = dialect_insert(engine)(H).values(worker_id=worker_id, kind=kind, host=socket.gethostname(),
                                           pid=os.getpid(), concurrency=concurrency, started_at=now, seen_at=now)
    with write_tx(engine) as conn:
        conn.execute(ins.on_conflict_do_update(index_elements=["worker_id"],
                                               set_={"seen_at": now, "concurrency": concurrency}))


def stop(engine: Engine, worker_id: str) -> None:
    """Remove this worker's row on a clean exit; also prune rows of long-dead workers."""
    with write_tx(engine) as conn:
        conn.execute(delete(H).where(H.c.worker_id == worker_id))
        conn.execute(delete(H).where(H.c.seen_at < utcnow() - timedelta(days=1)))


def live_workers(session: Session, *, stale_after_s: float = STALE_AFTER_S) -> list[WorkerHeartbeat]:
    cut = utcnow() - timedelta(seconds=stale_after_s)
    stmt = select(WorkerHeartbeat).where(col(WorkerHeartbeat.seen_at) >= cut).order_by(col(WorkerHeartbeat.started_at))
    return list(session.execute(stmt).scalars())


def is_daemon_alive(session: Session, *, stale_after_s: float = STALE_AFTER_S) -> bool:
    """True when a ``stardust worker`` daemon has beaten within ``stale_after_s`` seconds."""
    return any(w.kind == "daemon" for w in live_workers(session, stale_after_s=stale_after_s))
