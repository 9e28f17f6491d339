"""The import ledger: file content hashes and the outcome of every import run (table ``import_run``)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from stardust_tui.domain.import_models import ImportRun
from stardust_tui.domain.models import utcnow
from stardust_tui.notify import emit as notify_emit
from stardust_tui.store.db import current_actor, session_scope

CHUNK = 1 << 20


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def already_imported(engine: Engine, sha256: str) -> ImportRun | None:
    """The successful run of a file with this content, if any."""
    with session_scope(engine) as session:
        return session.exec(
            select(ImportRun).where(ImportRun.sha256 == sha256, col(ImportRun.status).in_(("ok", "partial")))
            .order_by(col(ImportRun.id).desc()).limit(1)
        ).first()


def record_run(engine: Engine, path: str | Path, *, sha256: str, kind: str, status: str, counts: dict[str, Any],
               origin: str = "cli", fmt: str | None = None, started_at: datetime | None = None,
               actor: str | None = None) -> ImportRun:
    p = Path(path)
    run = ImportRun(sha256=sha256, file_name=p.name, size=p.stat().st_size if p.exists() else 0, kind=kind,
                    format=fmt, origin=origin, status=status, actor=actor or current_actor(), counts=counts,
                    started_at=started_at or utcnow(), finished_at=utcnow())
    with session_scope(engine) as session:
        session.add(run)
        notify_emit.import_recorded(session, run)  # notify (issue 10): import.finished/failed, same transaction
    return run


def recent_runs(engine: Engine, limit: int = 20) -> list[ImportRun]:
    with session_scope(engine) as session:
        return list(session.exec(select(ImportRun).order_by(col(ImportRun.id).desc()).limit(limit)).all())
