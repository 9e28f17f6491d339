"""The events of each state change, written by the code that makes the change, in its transaction.

Each function is called with the caller's open connection/session right next to the change (one line at
each place, see the "notify (issue 10)" comments): ``worker/queue.py`` (a delivery's outcome),
``worker/circuit.py`` (a circuit opening or closing), ``delivery/acks.py`` (an ACK applied to a release),
``importexport/ledger.py`` (an import run recorded), ``store/releases.py`` (a release marked ready) and the
backup paths (:func:`backup_done`, its own short transaction: a backup changes no row). Error texts are
redacted; summary lines carry names, never links.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.engine import Engine

from stardust_tui.domain.delivery_models import Delivery
from stardust_tui.notify.events import iso
from stardust_tui.notify.outbox import Bind, record
from stardust_tui.notify.redact import redact
from stardust_tui.store.sqltypes import table

D = table(Delivery)


def _delivery(bind: Bind, delivery_id: int) -> Any:
    return bind.execute(select(D.c.release_id, D.c.target_id, D.c.message_type, D.c.attempts, D.c.max_attempts,
                               D.c.started_at, D.c.finished_at, D.c.bytes_total, D.c.message_id,
                               D.c.requested_by).where(D.c.id == delivery_id)).first()


def delivery_outcome(conn: Connection, delivery_id: int, state: str, *, error: str | None = None,
                     next_attempt_at: datetime | None = None) -> None:
    """``state`` succeeded / failed (final) / retry-wait, just written by ``worker.queue``."""
    row = _delivery(conn, delivery_id)
    if row is None:
        return
    data: dict[str, Any] = {"delivery_id": delivery_id, "message_type": row.message_type, "attempt": row.attempts,
                            "max_attempts": row.max_attempts, "message_id": row.message_id,
                            "requested_by": row.requested_by}
    takedown = row.message_type in ("takedown", "purge")
    if state == "succeeded":
        seconds = (row.finished_at - row.started_at).total_seconds() if row.finished_at and row.started_at else None
        data.update(duration_seconds=round(seconds, 3) if seconds is not None else None, bytes=row.bytes_total)
        kind = "takedown.completed" if takedown else "delivery.succeeded"
        what = f"{row.message_type} of {{release}}" if takedown else "{release}"
        took = "" if seconds is None else f" in {seconds:.1f} s" if seconds < 10 else f" in {seconds:.0f} s"
        summary = f"{what} delivered to {{target}}{took}"
    elif state == "failed":
        data["error"] = redact(error)
        kind, summary = "delivery.failed", f"{row.message_type} delivery of {{release}} to {{target}} failed " \
                                           f"after {row.attempts} attempt(s)"
    else:
        data.update(error=redact(error), next_attempt_at=iso(next_attempt_at) if next_attempt_at else None)
        kind, summary = "delivery.retrying", f"attempt {row.attempts} of {{release}} to {{target}} failed; " \
                                             "it will be retried"
    record(conn, kind, summary=summary, release_id=row.release_id, target_id=row.target_id, data=data)


def circuit_changed(conn: Connection, target_id: int, *, opened: bool, failures: int = 0,
                    reason: str | None = None) -> None:
    if opened:
        summary = f"{{target}} failed {failures} time(s) in a row: deliveries to it are paused"
    else:
        summary = "{target} works again: deliveries to it resume"
    record(conn, "circuit.opened" if opened else "circuit.closed", summary=summary, target_id=target_id,
           data={"consecutive_failures": failures, "reason": reason})


def ack_applied(bind: Bind, *, target_id: int, release_id: int, outcome: str, status: str,
                error_text: str | None, proposed_action: str | None, file_name: str, message_id: str | None) -> None:
    """An ACK entry set a release's status at a target (ack-ok / ack-error; pending ones say nothing)."""
    if outcome not in ("ack-ok", "ack-error"):
        return
    data = {"status": status, "error_text": redact(error_text, limit=4000), "proposed_action": proposed_action,
            "ack_file": file_name, "message_id": message_id}
    if outcome == "ack-ok":
        record(bind, "ack.accepted", summary="{target} accepted {release}" + f" ({status})",
               release_id=release_id, target_id=target_id, data=data)
    else:
        action = f"; proposed action: {proposed_action}" if proposed_action else ""
        record(bind, "ack.rejected", summary="{target} rejected {release}" + f" ({status}{action})",
               release_id=release_id, target_id=target_id, data=data)


def import_recorded(bind: Bind, run: Any) -> None:
    """An ``import_run`` row was added (``importexport.ledger.record_run``)."""
    ok = run.status in ("ok", "partial")
    counts = dict(run.counts or {})
    shown = ", ".join(f"{v} {k}" for k, v in counts.items() if isinstance(v, int) and v)
    summary = f"import of {run.file_name} " + ("finished" if ok else "failed and was rolled back") + \
        (f": {shown}" if shown else "")
    record(bind, "import.finished" if ok else "import.failed", summary=summary,
           data={"file_name": run.file_name, "kind": run.kind, "format": run.format, "origin": run.origin,
                 "status": run.status, "actor": run.actor, "counts": counts})


def release_ready(bind: Bind, release: Any, *, actor: str, revision: int | None = None) -> None:
    record(bind, "release.ready", summary="{release} is ready for delivery", release_id=release.id,
           data={"actor": actor, "revision": revision})


def backup_done(engine: Engine | None, *, ok: bool, path: str | None = None, error: str | None = None,
                summary: str | None = None, scheduled: bool = False) -> bool:
    """A backup finished or failed (its own short transaction: a backup changes no row).

    A store that cannot be written (the reason a backup may have failed) records nothing: False."""
    if engine is None:
        return False
    from stardust_tui.errors import StoreError
    from stardust_tui.store.db import write_tx

    data = {"path": path, "scheduled": scheduled, "error": redact(error), "detail": summary}
    line = f"backup written to {path}" if ok else f"backup failed: {redact(error, limit=200)}"
    try:
        with write_tx(engine) as conn:
            record(conn, "backup.finished" if ok else "backup.failed", summary=line, data=data)
    except StoreError:
        return False
    return True
