"""The glue between the delivery runner and the notification sender (one call each from ``worker/runner.py``).

:func:`run_for_worker` is the runner's background task: the sender's loop, logging to the delivery log
(``deliveries.jsonl``, step ``notify``) and, for ``stardust worker``, writing the weekly summary. With
``--once`` the runner calls :func:`flush_for_worker` before it exits, so a cron-driven ``worker --once`` sends
what its deliveries caused (bounded: what cannot be sent in time stays pending for the next run).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Engine

from stardust_tui.config import Settings

FLUSH_TIMEOUT_S = 30.0


def _sender(settings: Settings, engine: Engine, *, worker_id: str, kind: str, log: Any,
            listener: Callable[[Any], None] | None) -> Any:
    from stardust_tui.notify.sender import NotifySender, SenderConfig
    from stardust_tui.worker.events import DeliveryEvents

    sink = DeliveryEvents(delivery_id=None, target_id=None, log=log, worker_id=worker_id, listener=listener)
    notify = getattr(settings, "notify", {}) or {}
    config = SenderConfig.from_settings(notify, weekly=kind == "daemon")
    return NotifySender(settings, engine, owner=worker_id, config=config,
                        log=lambda level, message: sink.emit(level, message, step="notify", persist=False))


async def run_for_worker(settings: Settings, engine: Engine, *, worker_id: str, kind: str, log: Any,
                         listener: Callable[[Any], None] | None = None) -> None:
    """Send notifications until cancelled (a sender that cannot even start is logged once and stops)."""
    try:
        sender = _sender(settings, engine, worker_id=worker_id, kind=kind, log=log, listener=listener)
    except Exception as exc:  # noqa: BLE001 - a broken [notify] must never stop deliveries
        from stardust_tui.worker.events import DeliveryEvents

        DeliveryEvents(delivery_id=None, target_id=None, log=log, listener=listener).emit(
            "error", f"notifications are off: {type(exc).__name__}: {exc}", step="notify", persist=False)
        return
    await sender.run()


async def flush_for_worker(settings: Settings, engine: Engine, *, worker_id: str, log: Any,
                           listener: Callable[[Any], None] | None = None,
                           timeout_s: float = FLUSH_TIMEOUT_S) -> None:
    """One pass of the sender (route + send what is due), at most ``timeout_s`` seconds."""
    with contextlib.suppress(Exception):
        sender = _sender(settings, engine, worker_id=worker_id, kind="once", log=log, listener=listener)
        await asyncio.wait_for(sender.pass_once(), timeout=timeout_s)
