"""Following deliveries as they run: wait for some to end (running them here when no worker daemon is
alive), and a delivery's event log from the database followed live: over PostgreSQL LISTEN/NOTIFY (any
host's workers, issue 12) or, on SQLite, from the JSON-lines log file.

Used by :class:`~stardust_tui.services.deliveries.DeliveryService` (``wait``, ``follow``); events are
handed over as :class:`EventLine` values, whatever they were read from.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from stardust_tui.errors import StardustError
from stardust_tui.services.rows import stored_id
from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from stardust_tui.domain.delivery_models import DeliveryEvent
    from stardust_tui.services import Services

FINAL_STATES = ("succeeded", "failed", "cancelled")


@dataclass(frozen=True)
class EventLine:
    """One event of a delivery's log."""

    delivery_id: int
    at: datetime
    level: str
    step: str | None
    message: str


def shared_events(services: Services) -> bool:
    """True when stored delivery events of every host are announced over PostgreSQL LISTEN/NOTIFY (issue 12)."""
    from stardust_tui.worker.live_events import uses_notify

    return uses_notify(services.store_engine)


def all_events(services: Services, stop: Callable[[], bool]) -> Iterator[list[dict[str, Any]]]:
    """Batches of newly stored events of every delivery as PostgreSQL announces them, until ``stop()`` (the TUI's
    live log; the same unscoped engine the runners use)."""
    from stardust_tui.worker.live_events import follow_db

    yield from follow_db(services.store_engine, stop=stop)


def _poll(services: Services, ids: list[int], last: dict[int, int],
          on_event: Callable[[EventLine], None] | None) -> dict[int, str]:
    from stardust_tui.worker.events import read_events
    from stardust_tui.worker.queue import get_delivery

    states = {}
    with session_scope(services.engine) as session:
        for did in ids:
            states[did] = get_delivery(session, did).state  # first: the final events commit with it
            for e in read_events(session, did, after_id=last[did]):
                last[did] = stored_id(e)
                if on_event is not None:
                    on_event(EventLine(did, e.at, e.level, e.step, e.message))
    return states


def wait(services: Services, delivery_ids: list[int], on_event: Callable[[EventLine], None] | None = None,
         *, poll_s: float = 0.5) -> dict[int, str]:
    """Block until every delivery ended; returns their final states.

    With a worker daemon alive it only watches; otherwise it runs an in-process runner until they end.
    """
    from stardust_tui.worker.heartbeat import is_daemon_alive

    last = dict.fromkeys(delivery_ids, 0)

    def finished(states: dict[int, str]) -> bool:
        return all(st in FINAL_STATES for st in states.values())

    with session_scope(services.engine) as session:
        daemon = is_daemon_alive(session)
    if daemon:
        while not finished(states := _poll(services, delivery_ids, last, on_event)):
            time.sleep(poll_s)
        return states

    async def run_here() -> dict[int, str]:
        runner = services.deliveries.make_runner(poll_s=poll_s, ack_poll_s=0)
        task = asyncio.create_task(runner.run())
        try:
            while not finished(states := await asyncio.to_thread(_poll, services, delivery_ids, last, on_event)):
                if task.done():
                    task.result()  # the runner stopped: raise what stopped it
                    raise StardustError("the in-process worker stopped before the deliveries finished")
                await asyncio.sleep(0.3)
        finally:
            runner.request_stop()
            await task
        return states

    return asyncio.run(run_here())


def follow(services: Services, delivery_id: int, *, live: bool,
           stop: Callable[[], bool] | None = None) -> Iterator[EventLine]:
    """The stored events of a delivery; with ``live``, then new ones until it ends (or ``stop()`` says the
    reader went away: the HTTP API's event stream when its client disconnects). New events come from
    PostgreSQL LISTEN/NOTIFY when the store is PostgreSQL (a worker on any host), else from the log file."""
    from stardust_tui.worker.live_events import EventListener, uses_notify

    engine = services.engine
    if live and uses_notify(engine):
        with EventListener(engine) as listener:  # listening before reading: nothing falls in between
            state, stored = _stored(services, delivery_id)
            listener.skip([stored_id(e) for e in stored])
            yield from (_line(delivery_id, e) for e in stored)
            if state in FINAL_STATES:
                return
            ended = _ended(services, delivery_id, stop)
            for batch in listener.batches(delivery_id=delivery_id, stop=ended):
                yield from (_from_dict(delivery_id, data) for data in batch)
        return
    state, stored = _stored(services, delivery_id)
    yield from (_line(delivery_id, e) for e in stored)
    if not live or state in FINAL_STATES:
        return
    from stardust_tui.worker.events import follow_file

    for data in follow_file(services.settings.paths.delivery_log_file, delivery_id=delivery_id,
                            stop=_ended(services, delivery_id, stop)):
        yield _from_dict(delivery_id, data)


def _stored(services: Services, delivery_id: int) -> tuple[str, list[DeliveryEvent]]:
    from stardust_tui.worker.events import read_events
    from stardust_tui.worker.queue import get_delivery

    with session_scope(services.engine) as session:
        state = get_delivery(session, delivery_id).state
        return state, read_events(session, delivery_id, limit=100_000)


def _line(delivery_id: int, e: DeliveryEvent) -> EventLine:
    return EventLine(delivery_id, e.at, e.level, e.step, e.message)


def _from_dict(delivery_id: int, data: dict) -> EventLine:
    return EventLine(delivery_id, datetime.fromisoformat(data["at"]), data.get("level", "info"), data.get("step"),
                     data.get("message", ""))


def _ended(services: Services, delivery_id: int, stop: Callable[[], bool] | None) -> Callable[[], bool]:
    """True once the delivery reached a final state (looked up at most once a second) or ``stop()``."""
    from stardust_tui.worker.queue import get_delivery

    checked = [time.monotonic()]

    def ended() -> bool:
        if stop is not None and stop():
            return True
        if time.monotonic() - checked[0] < 1.0:
            return False
        checked[0] = time.monotonic()
        with session_scope(services.engine) as session:
            return get_delivery(session, delivery_id).state in FINAL_STATES

    return ended
