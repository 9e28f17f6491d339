"""Structured delivery events: one dataclass, a JSON-lines log file, and the database rows.

Every event (time, delivery, target, step, level, message, bytes, duration) is appended at once as one
JSON line to ``settings.paths.delivery_log_file`` (``O_APPEND``, one ``write`` per line, so several
processes can share the file and ``tail -f`` follows it) and buffered for the database; the runner
flushes the buffer into :class:`DeliveryEvent` rows at step boundaries and on its lease heartbeat.
Messages are scrubbed of URL passwords and ``key=secret`` pairs before they go anywhere.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from stardust_tui.domain.delivery_models import DeliveryEvent
from stardust_tui.domain.models import utcnow

LEVELS = ("debug", "info", "warning", "error")
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:/@\s]*):[^@/\s]+@", re.I)
_SECRET_PAIR = re.compile(r"(?P<key>password|passwd|secret|token|api[_-]?key|authorization)"
                          r"(?P<sep>\s*[=:]\s*)(?P<val>\S+)", re.I)


def scrub(text: str) -> str:
    """Remove passwords and tokens from a message before it is logged or stored."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)
    return _SECRET_PAIR.sub(lambda m: f"{m['key']}{m['sep']}***", text)


@dataclass(frozen=True)
class Event:
    """One delivery log line."""

    message: str
    level: str = "info"
    delivery_id: int | None = None
    target_id: int | None = None
    step: str | None = None
    bytes: int | None = None
    duration_ms: float | None = None
    at: datetime = field(default_factory=utcnow)
    worker_id: str | None = None

    def to_json(self) -> str:
        data = asdict(self)
        data["at"] = self.at.isoformat()
        return json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False)

    def to_row(self) -> DeliveryEvent:
        return DeliveryEvent(at=self.at, delivery_id=self.delivery_id, target_id=self.target_id,
                             step=self.step, level=self.level, message=self.message, bytes=self.bytes,
                             duration_ms=self.duration_ms)


class JsonLineLog:
    """Appends events to the shared JSON-lines log; each line is a single ``os.write`` with O_APPEND.

    The file stays open between writes (cheap appends from the event loop); every second it checks
    whether another process rotated the file and reopens it. Past ``max_bytes`` the file is renamed to
    ``deliveries-<time>-<pid>.jsonl`` (a unique name, so two processes rotating at once never clobber
    each other) and only the ``keep`` newest of those stay. The database keeps every event; the file
    is for following live.
    """

    CHECK_EVERY_S = 1.0

    def __init__(self, path: Path, *, max_bytes: int = 64 * 1024 * 1024, keep: int = 5) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.keep = keep
        self._fd: int | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def _open(self) -> int:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            self._checked = time.monotonic()
        elif time.monotonic() - self._checked > self.CHECK_EVERY_S:
            self._checked = time.monotonic()
            try:
                moved = os.stat(self.path).st_ino != os.fstat(self._fd).st_ino
            except FileNotFoundError:
                moved = True
            if moved:  # rotated by another process: write to the new file
                self.close()
                return self._open()
        return self._fd

    def append(self, event: Event) -> None:
        line = (event.to_json() + "\n").encode("utf-8")
        with self._lock:
            fd = self._open()
            os.write(fd, line)
            if os.fstat(fd).st_size > self.max_bytes:
                self._rotate()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        try:
            self.close()
        except OSError:
            pass

    def rotated(self) -> list[Path]:
        return sorted(self.path.parent.glob(f"{self.path.stem}-*{self.path.suffix}"))

    def _rotate(self) -> None:
        self.close()
        try:
            if self.path.stat().st_size <= self.max_bytes:  # another process rotated it already
                return
            stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
            os.rename(self.path, self.path.with_name(f"{self.path.stem}-{stamp}-{os.getpid()}{self.path.suffix}"))
            for old in self.rotated()[:-self.keep]:
                old.unlink(missing_ok=True)
        except FileNotFoundError:
            pass


Listener = Callable[[Event], None]


class DeliveryEvents:
    """The :class:`~stardust_tui.worker.protocols.EventSink` of one running delivery (thread-safe)."""

    PROGRESS_EVERY_S = 1.0

    def __init__(self, *, delivery_id: int | None, target_id: int | None, log: JsonLineLog | None,
                 worker_id: str | None = None, listener: Listener | None = None) -> None:
        self.delivery_id = delivery_id
        self.target_id = target_id
        self.worker_id = worker_id
        self._log = log
        self._listener = listener
        self._lock = threading.Lock()
        self._pending: list[Event] = []
        self._bytes: dict[str, int] = {}
        self._last_progress = 0.0

    def emit(self, level: str, message: str, *, step: str | None = None, bytes: int | None = None,
             duration_ms: float | None = None, persist: bool = True, deferred: bool = False) -> Event:
        """Log an event. ``deferred``: only buffer it for the database; :meth:`publish` it after the
        transaction that stores it commits (so the file never claims what the database does not)."""
        event = Event(message=scrub(message), level=level if level in LEVELS else "info",
                      delivery_id=self.delivery_id, target_id=self.target_id, step=step, bytes=bytes,
                      duration_ms=None if duration_ms is None else round(duration_ms, 1),
                      worker_id=self.worker_id)
        if persist:
            with self._lock:
                self._pending.append(event)
        if not deferred:
            self.publish(event)
        return event

    def publish(self, event: Event) -> None:
        """Append to the JSON-lines file and tell the listener."""
        if self._log is not None:
            self._log.append(event)
        if self._listener is not None:
            self._listener(event)

    def debug(self, message: str, **kw: object) -> None:
        self.emit("debug", message, **kw)  # type: ignore[arg-type]

    def info(self, message: str, *, step: str | None = None, bytes: int | None = None,
             duration_ms: float | None = None) -> None:
        self.emit("info", message, step=step, bytes=bytes, duration_ms=duration_ms)

    def warning(self, message: str, *, step: str | None = None, bytes: int | None = None,
                duration_ms: float | None = None) -> None:
        self.emit("warning", message, step=step, bytes=bytes, duration_ms=duration_ms)

    def error(self, message: str, *, step: str | None = None, bytes: int | None = None,
              duration_ms: float | None = None) -> None:
        self.emit("error", message, step=step, bytes=bytes, duration_ms=duration_ms)

    def progress(self, step: str, done: int, total: int | None = None) -> None:
        with self._lock:
            self._bytes[step] = done
        now = time.monotonic()
        if now - self._last_progress >= self.PROGRESS_EVERY_S or (total is not None and done >= total):
            self._last_progress = now
            of = f"/{total}" if total is not None else ""
            self.emit("debug", f"{step}: {done}{of} bytes", step=step, bytes=done, persist=False)

    def reset_progress(self, step: str) -> None:
        with self._lock:
            self._bytes.pop(step, None)

    @property
    def bytes_in_flight(self) -> int:
        with self._lock:
            return sum(self._bytes.values())

    def drain(self) -> list[Event]:
        """Take the events not yet written to the database."""
        with self._lock:
            events, self._pending = self._pending, []
        return events


def persist(session: Session, events: list[Event]) -> None:
    """Write buffered events as DeliveryEvent rows (in the caller's transaction)."""
    for event in events:
        session.add(event.to_row())


def read_events(session: Session, delivery_id: int, *, after_id: int = 0,
                limit: int = 1000) -> list[DeliveryEvent]:
    """Stored events of a delivery, oldest first, after ``after_id`` (for paging and following)."""
    stmt = (select(DeliveryEvent).where(DeliveryEvent.delivery_id == delivery_id, col(DeliveryEvent.id) > after_id)
            .order_by(col(DeliveryEvent.id)).limit(limit))
    return list(session.exec(stmt))


def prune(engine: object, *, older_than_days: float) -> int:
    """Delete stored events older than ``older_than_days`` of deliveries that are no longer active.

    Deliveries, their steps (which say what a target already has) and statuses are kept."""
    from datetime import timedelta

    from sqlalchemy import delete

    from stardust_tui.domain.delivery_models import Delivery
    from stardust_tui.store.db import write_tx

    cut = utcnow() - timedelta(days=older_than_days)
    active = select(Delivery.id).where(col(Delivery.state).in_(("queued", "running", "retry-wait")))
    stmt = delete(DeliveryEvent).where(col(DeliveryEvent.at) < cut,
                                       col(DeliveryEvent.delivery_id).not_in(active) |
                                       col(DeliveryEvent.delivery_id).is_(None))
    with write_tx(engine) as conn:  # type: ignore[arg-type]
        return int(conn.execute(stmt).rowcount or 0)


def follow_file(path: Path, *, delivery_id: int | None = None, stop: Callable[[], bool] = lambda: False,
                poll_s: float = 0.25, from_start: bool = False) -> Iterator[dict[str, Any]]:
    """Yield JSON events appended to the log file (like ``tail -f``), optionally for one delivery."""
    while not path.exists():
        if stop():
            return
        time.sleep(poll_s)
    fh = path.open("r", encoding="utf-8")
    try:
        if not from_start:
            fh.seek(0, os.SEEK_END)
        buf = ""
        while True:
            chunk = fh.readline()
            if not chunk:
                if _rotated_away(path, fh):  # the log was rotated: continue in the new file
                    fh.close()
                    fh = path.open("r", encoding="utf-8")
                    continue
                if stop():
                    return
                time.sleep(poll_s)
                continue
            buf += chunk
            if not buf.endswith("\n"):
                continue
            line, buf = buf, ""
            try:
                data = json.loads(line)
            except json.JSONDecodeError:
                continue
            if delivery_id is None or data.get("delivery_id") == delivery_id:
                yield data
    finally:
        fh.close()


def _rotated_away(path: Path, fh: object) -> bool:
    try:
        return os.stat(path).st_ino != os.fstat(fh.fileno()).st_ino  # type: ignore[attr-defined]
    except FileNotFoundError:
        return False
