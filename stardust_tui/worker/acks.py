"""The daemon's periodic ACK poll: hands over to delivery-choreography's ``poll_acks`` when installed.

Errors are logged as events and never stop the worker: an unreachable ACK folder is retried at the
next poll.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Engine

from stardust_tui.config import Settings
from stardust_tui.worker.events import DeliveryEvents, Event, JsonLineLog


async def poll_all(settings: Settings, engine: Engine, *, log: JsonLineLog,
                   listener: Callable[[Event], None] | None = None) -> int:
    """Poll every target's ACK folder once; returns the number of ACK files processed (0 if none)."""
    try:
        from stardust_tui.delivery.acks import poll_acks
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("stardust_tui.delivery"):
            return 0
        raise
    sink = DeliveryEvents(delivery_id=None, target_id=None, log=log, listener=listener)
    try:
        result = await poll_acks(settings, engine)
    except Exception as exc:  # noqa: BLE001 - a failed poll is logged and retried next time
        sink.warning(f"ACK poll failed: {type(exc).__name__}: {exc}", step="ack-poll")
        return 0
    count = len(result) if isinstance(result, list) else int(result or 0)
    if count:
        sink.info(f"processed {count} ACK file(s)", step="ack-poll")
    return count
