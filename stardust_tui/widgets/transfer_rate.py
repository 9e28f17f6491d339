"""Transfer rate and time left of running deliveries, from how their stored byte counts really moved.

Workers store progress in steps (every few MB), not every second: dividing the last step by the
screen's one-second refresh gave rates several times too high, then nothing. :class:`RateMeter` keeps
the points where a delivery's byte count changed over a sliding window and divides the bytes moved by
the time since the window's first point (so a stalled transfer slows down instead of keeping its rate).
"""

from __future__ import annotations

from collections import deque

WINDOW_S = 20.0


class RateMeter:
    """Bytes per second per delivery id, from (time, bytes done) observations."""

    def __init__(self, window_s: float = WINDOW_S) -> None:
        self.window_s = window_s
        self._last: dict[int, int] = {}
        self._changes: dict[int, deque[tuple[float, int]]] = {}

    def observe(self, key: int, bytes_done: int, now: float) -> float | None:
        """Record what the store says now; the rate in bytes/s once the count has moved twice, else None.

        Only the moments the count changed are points (the first observation is not: when it was
        reached is unknown). Between points the rate holds; once nothing moved for twice the usual
        step, the time since the first point counts, so a stalled transfer slows down.
        """
        last = self._last.get(key)
        self._last[key] = bytes_done
        changes = self._changes.setdefault(key, deque())
        if last is not None and bytes_done < last:
            changes.clear()  # restarted from a lower offset (a retry without resume)
        elif last is not None and bytes_done != last:
            changes.append((now, bytes_done))
        while len(changes) > 2 and now - changes[1][0] > self.window_s:
            changes.popleft()
        if len(changes) < 2:
            return None
        (t0, b0), (t1, b1) = changes[0], changes[-1]
        step = (t1 - t0) / (len(changes) - 1)
        elapsed = t1 - t0 if now - t1 <= 2 * step else now - t0
        return (b1 - b0) / elapsed if elapsed > 0 else None

    def keep_only(self, keys: set[int]) -> None:
        """Forget deliveries that are no longer running."""
        for key in list(self._changes):
            if key not in keys:
                del self._changes[key]
                self._last.pop(key, None)


def size_text(n: float) -> str:
    """Bytes in SI units: ``512 B``, ``48.0 MB``."""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def progress_text(done: int, total: int) -> str:
    """``33% 21.0/64.0 MB`` (the unit of the total, written once)."""
    if not total:
        return ""
    pct = int(100 * done / total)
    unit_total = size_text(total)
    number, _, unit = unit_total.partition(" ")
    scale = {"B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12}[unit]
    done_text = f"{done / scale:.0f}" if unit == "B" else f"{done / scale:.1f}"
    return f"{pct}% {done_text}/{number} {unit}"


def eta_text(seconds: float) -> str:
    """``45 s``, ``12 min``, ``2 h 05``."""
    seconds = max(0, round(seconds))
    if seconds < 100:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 100:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d}"
