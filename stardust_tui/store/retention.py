"""Retention: what ``[retention]`` in config.toml lets go, counted (dry run) or deleted (issue 15).

One function per kind, each returning how many items it found (``dry_run``) or removed:

* ``delivery_events_days``: stored log events of finished deliveries older than N days (deliveries, their
  steps and the release's state at each target stay);
* ``audit_days``: audit entries older than N days, cut only from the start of the hash chain (the cut is
  recorded, so ``stardust audit verify`` still checks the rest);
* ``revisions_keep``: per release, revisions beyond the newest N, except those a DSP received (their content
  hash is a succeeded delivery's);
* ``logs_days``: rotated delivery log files (``deliveries-*.jsonl``) in the logs folder older than N days;
* ``import_reports_days``: hot-folder reports (``*.report.txt``/``.json`` in ``done/`` and ``failed/``);
* ``ack_days``: ACK records older than N days, except the newest per release and target (it explains the
  status shown there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import and_, delete, func, select
from sqlalchemy.engine import Connection

from stardust_tui.domain.delivery_models import Acknowledgement, Delivery, DeliveryEvent
from stardust_tui.domain.models import ReleaseRevision

KEYS = ("delivery_events_days", "audit_days", "revisions_keep", "logs_days", "import_reports_days", "ack_days")
ACTIVE = ("queued", "running", "retry-wait")
_E, _D, _R, _K = (DeliveryEvent.__table__, Delivery.__table__, ReleaseRevision.__table__,  # type: ignore[attr-defined]
                  Acknowledgement.__table__)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Sweep:
    """One kind of data the policy covers: how many items go (or went), and the rule."""

    key: str
    what: str
    rule: str
    count: int
    files: tuple[str, ...] = ()


def delivery_events(conn: Connection, cut: datetime, *, dry_run: bool) -> int:
    active = select(_D.c.id).where(_D.c.state.in_(ACTIVE))
    where = and_(_E.c.at < cut, _E.c.delivery_id.not_in(active) | _E.c.delivery_id.is_(None))
    if dry_run:
        return int(conn.execute(select(func.count()).select_from(_E).where(where)).scalar_one())
    return int(conn.execute(delete(_E).where(where)).rowcount or 0)


def revisions(conn: Connection, keep: int, *, dry_run: bool, batch: int = 5000) -> int:
    """Revisions beyond the newest ``keep`` of each release, delivered ones kept; counted/deleted in batches."""
    newest = select(_R.c.release_id, func.max(_R.c.number).label("top")).group_by(_R.c.release_id).subquery()
    doomed = (select(_R.c.id).join(newest, newest.c.release_id == _R.c.release_id)
              .where(_R.c.number <= newest.c.top - keep)
              .where(~select(1).where(_D.c.release_id == _R.c.release_id, _D.c.content_hash == _R.c.content_hash,
                                      _D.c.state == "succeeded").exists()))
    if dry_run:
        return int(conn.execute(select(func.count()).select_from(doomed.subquery())).scalar_one())
    total = 0
    while True:
        ids = [r[0] for r in conn.execute(doomed.limit(batch)).all()]
        if not ids:
            return total
        total += int(conn.execute(delete(_R).where(_R.c.id.in_(ids))).rowcount or 0)


def acks(conn: Connection, cut: datetime, *, dry_run: bool) -> int:
    latest = (select(func.max(_K.c.id)).where(_K.c.release_id.is_not(None))
              .group_by(_K.c.release_id, _K.c.target_id))
    where = and_(_K.c.received_at < cut, _K.c.id.not_in(latest))
    if dry_run:
        return int(conn.execute(select(func.count()).select_from(_K).where(where)).scalar_one())
    return int(conn.execute(delete(_K).where(where)).rowcount or 0)


def old_files(folder: Path, patterns: tuple[str, ...], cut: datetime) -> list[Path]:
    """Files in ``folder`` matching ``patterns`` last changed before ``cut`` (symlinks are not followed)."""
    if not folder.is_dir():
        return []
    out = []
    stamp = cut.timestamp()
    for pattern in patterns:
        for path in folder.glob(pattern):
            try:
                if path.is_file() and not path.is_symlink() and path.stat().st_mtime < stamp:
                    out.append(path)
            except OSError:
                continue
    return sorted(set(out))


def remove_files(paths: list[Path]) -> int:
    gone = 0
    for path in paths:
        try:
            path.unlink()
            gone += 1
        except FileNotFoundError:
            continue
    return gone


def cutoff(now: datetime, days: Any) -> datetime:
    return now - timedelta(days=float(days))
