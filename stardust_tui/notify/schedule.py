"""When things are sent: digest windows (hourly, daily) and the weekly summary's slot, in the user's zone.

``[notify]`` settings: ``timezone`` (IANA name, default UTC), ``daily_hour`` (0-23, default 8: daily digests
go out then), ``weekly_day`` (monday..sunday, default monday) and ``weekly_hour`` (default 8). All times
stored and compared are UTC; the zone only decides where the hour boundaries fall.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def zone(name: str | None) -> tzinfo:
    if not name or name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (an IANA name such as Europe/Berlin)") from None


@dataclass(frozen=True)
class Schedule:
    tz: tzinfo = UTC
    daily_hour: int = 8
    weekly_day: int = 0  # Monday
    weekly_hour: int = 8
    weekly_enabled: bool = True

    @classmethod
    def from_settings(cls, notify: dict[str, Any]) -> Schedule:
        day = str(notify.get("weekly_day", "monday")).lower()
        return cls(tz=zone(notify.get("timezone")), daily_hour=int(notify.get("daily_hour", 8)),
                   weekly_day=WEEKDAYS.index(day), weekly_hour=int(notify.get("weekly_hour", 8)),
                   weekly_enabled=bool(notify.get("weekly", True)))

    def due_at(self, digest: str, now: datetime) -> datetime:
        """When a send made ``now`` for a channel with this digest goes out (UTC)."""
        if digest == "hourly":
            local = now.astimezone(self.tz).replace(minute=0, second=0, microsecond=0)
            return _utc(local + timedelta(hours=1))
        if digest == "daily":
            local = now.astimezone(self.tz)
            at = local.replace(hour=self.daily_hour, minute=0, second=0, microsecond=0)
            if at <= local:
                at = _next_day_at(at, self.daily_hour)
            return _utc(at)
        return now

    def weekly_slot(self, now: datetime) -> datetime:
        """The latest weekly-summary time at or before ``now`` (UTC)."""
        local = now.astimezone(self.tz)
        back = (local.weekday() - self.weekly_day) % 7
        day = (local - timedelta(days=back)).date()
        slot = datetime(day.year, day.month, day.day, self.weekly_hour, tzinfo=self.tz)
        if slot > local:
            day = day - timedelta(days=7)
            slot = datetime(day.year, day.month, day.day, self.weekly_hour, tzinfo=self.tz)
        return _utc(slot)


def _next_day_at(at: datetime, hour: int) -> datetime:
    day = (at + timedelta(days=1)).date()
    return datetime(day.year, day.month, day.day, hour, tzinfo=at.tzinfo)


def _utc(when: datetime) -> datetime:
    return when.astimezone(UTC)
