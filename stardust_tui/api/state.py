"""Per-process state of the API: the engine, per-key token buckets, and daily usage counts.

One :class:`ApiState` lives on ``app.state.api``. Verified API keys are kept a second (:class:`KeyCache`).
Requests build their own
:class:`~stardust_tui.services.Services` acting as their key (cheap: sub-services are created lazily);
the engine (connection pool) is shared. Usage counts are kept in memory and written by a flusher thread
every few seconds (one transaction per flush instead of one write per request).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from stardust_tui.config import Settings
    from stardust_tui.services import Services
    from stardust_tui.services.apikeys import KeyIdentity

DEFAULT_RATE = 50.0
"""Requests per second per key once its burst is spent (``[api] rate``)."""
DEFAULT_BURST = 100
"""Requests a key may make at once (``[api] burst``)."""
DEFAULT_MAX_UPLOAD_MB = 2048.0
"""Largest asset/import upload (``[api] max_upload_mb``)."""


class TokenBuckets:
    """A token bucket per API key: ``burst`` tokens, refilled at ``rate`` per second; one per request."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key_id: int, now: float | None = None) -> float:
        """Take a token; 0.0 when granted, else the seconds until one is available (for ``Retry-After``)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key_id, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key_id] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key_id] = (tokens, now)
            return (1.0 - tokens) / self.rate


KEY_RECHECK_S = 1.0
"""How long a verified API key is trusted without reading the store again (``KeyCache``)."""


class KeyCache:
    """Verified API keys by token hash, so most requests authenticate without a database read (issue 11).

    Bounds: a key revoked by another process (``stardust apikey revoke``) stops working within
    :data:`KEY_RECHECK_S` seconds, one revoked through this process at once (``revocation_count``); an
    expiry is checked on every use. Only successes are kept; a bad token is looked up every time."""

    def __init__(self, recheck_s: float = KEY_RECHECK_S) -> None:
        self.recheck_s = recheck_s
        self._keys: dict[str, tuple[KeyIdentity, float]] = {}
        self._revocations = 0
        self._lock = threading.Lock()

    def get(self, digest: str) -> KeyIdentity | None:
        from stardust_tui.services.apikeys import revocation_count

        now = time.monotonic()
        with self._lock:
            if self._revocations != revocation_count():
                self._keys.clear()
                self._revocations = revocation_count()
            found = self._keys.get(digest)
            if found is None:
                return None
            identity, checked = found
            if now - checked > self.recheck_s or (
                    identity.expires_at is not None and identity.expires_at <= datetime.now(UTC)):
                del self._keys[digest]
                return None
            return identity

    def put(self, digest: str, identity: KeyIdentity, revocations: int) -> None:
        """Keep ``identity``, verified while this process had made ``revocations`` revocations."""
        with self._lock:
            if revocations == self._revocations:  # else a revocation may have raced the lookup
                if len(self._keys) > 10_000:
                    self._keys.clear()
                self._keys[digest] = (identity, time.monotonic())


class UsageCounter:
    """Requests, refused (4xx) and rate-limited (429) responses per (key id, UTC day), flushed to the store."""

    def __init__(self) -> None:
        self._counts: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0, 0])
        self._last: dict[int, datetime] = {}
        self._lock = threading.Lock()

    def count(self, key_id: int, status: int) -> None:
        now = datetime.now(UTC)
        with self._lock:
            row = self._counts[(key_id, now.date())]
            row[0] += 1
            row[1] += 400 <= status < 500
            row[2] += status == 429
            self._last[key_id] = now

    def drain(self) -> tuple[dict[tuple[int, date], tuple[int, int, int]], dict[int, datetime]]:
        with self._lock:
            counts = {k: (v[0], v[1], v[2]) for k, v in self._counts.items()}
            last = dict(self._last)
            self._counts.clear()
            self._last.clear()
        return counts, last

    def restore(self, counts: dict[tuple[int, date], tuple[int, int, int]]) -> None:
        """Put back counts a failed flush could not write (the next flush tries again)."""
        with self._lock:
            for k, (a, b, c) in counts.items():
                row = self._counts[k]
                row[0] += a
                row[1] += b
                row[2] += c


@dataclass
class ApiState:
    settings: Settings
    engine: Engine
    system: Services
    """Services acting as the server itself (authentication, health, metrics, usage)."""
    buckets: TokenBuckets
    usage: UsageCounter = field(default_factory=UsageCounter)
    keys: KeyCache = field(default_factory=KeyCache)
    max_upload: int = int(DEFAULT_MAX_UPLOAD_MB * 1e6)
    extra: dict[str, Any] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def services_for(self, actor: Any) -> Services:
        from stardust_tui.services import Services

        return Services(settings=self.settings, engine_source=self.engine, actor=actor)

    def flush_usage(self) -> None:
        counts, last = self.usage.drain()
        if not counts:
            return
        try:
            self.system.apikeys.record_usage(counts, last)
        except Exception:  # noqa: BLE001 - the database is busy or down: keep the counts for the next flush
            self.usage.restore(counts)

    def start_flusher(self, every_s: float = 2.0) -> None:
        def loop() -> None:
            while not self._stop.wait(every_s):
                self.flush_usage()

        self._thread = threading.Thread(target=loop, name="stardust-api-usage", daemon=True)
        self._thread.start()

    def stop_flusher(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.flush_usage()
