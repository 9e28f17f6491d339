"""What ``config.toml`` may contain: every key, its type and bounds, checked before anything uses it.

``SCHEMA`` maps each dotted key (``worker.concurrency``) to a :class:`Key`; tables (``[worker]``) are
implied by their keys, and ``keymap`` is a free table of binding id → keys. A value of the wrong type or
out of bounds is a :class:`ConfigError` naming the file, the key and what was expected (``config.toml:
worker.concurrency: expected an integer, got 'four'``). An unknown key is not an error (a newer Stardust
may have written it) but a warning naming the nearest known key. Later features add their keys here.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from stardust_tui.errors import ConfigError

Check = Callable[[Any], Any]


class Invalid(Exception):
    """A value that does not fit its key; the message says what was expected."""


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def text(*, nonempty: bool = True, limit: int = 4096) -> Check:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise Invalid(f"expected a string, got {_shown(value)}")
        if nonempty and not value.strip():
            raise Invalid("expected a non-empty string")
        if len(value) > limit or any(ord(c) < 32 for c in value):
            raise Invalid(f"expected at most {limit} printable characters, got {_shown(value)}")
        return value
    return check


def integer(lo: int, hi: int) -> Check:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(f"expected an integer, got {_shown(value)}")
        if not lo <= value <= hi:
            raise Invalid(f"expected an integer from {lo} to {hi}, got {value}")
        return value
    return check


def number(lo: float, hi: float) -> Check:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise Invalid(f"expected a number, got {_shown(value)}")
        if not lo <= value <= hi:
            raise Invalid(f"expected a number from {lo:g} to {hi:g}, got {value:g}")
        return float(value)
    return check


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"expected true or false, got {_shown(value)}")
    return value


def text_list(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise Invalid(f"expected a list of strings, got {_shown(value)}")
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise Invalid(f"expected a list of non-empty strings, got {_shown(item)} in it")
    return list(value)


def dpid(value: Any) -> str:
    """A DDEX party ID with a correct check character (a placeholder is allowed: previews only)."""
    from stardust_tui.domain.identifiers import is_placeholder_dpid, normalize_dpid
    from stardust_tui.errors import ValidationError

    value = text()(value)
    if is_placeholder_dpid(value):
        return value
    try:
        return normalize_dpid(value)
    except ValidationError as exc:
        raise Invalid(exc.message) from None


def notify_rules(value: Any) -> list[dict[str, Any]]:
    """``[[notify.rules]]``: checked by the notifications package (event names, key names, lists)."""
    from stardust_tui.notify.rules import parse_rules

    try:
        parse_rules(value)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    return list(value)


def asset_store_url(value: Any) -> str:
    """``[assets] url`` (issue 12): the home's folder, another folder, or an S3-compatible bucket."""
    from stardust_tui.assets.store_config import check_url

    try:
        return check_url(value)
    except ValueError as exc:
        raise Invalid(str(exc)) from None


def time_zone(value: Any) -> str:
    from stardust_tui.notify.schedule import zone

    value = text(limit=100)(value)
    try:
        zone(value)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    return value


def weekday(value: Any) -> str:
    from stardust_tui.notify.schedule import WEEKDAYS

    value = text(limit=20)(value)
    if value.lower() not in WEEKDAYS:
        raise Invalid(f"expected a day of the week (monday ... sunday), got {_shown(value)}")
    return value.lower()


def plugin_names(value: Any) -> list[str]:
    """``[plugins] disabled``: installed plugins' project names (``stardust plugin list`` shows them)."""
    import re

    names = text_list(value)
    for name in names:
        if not re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9._-]{0,98}[A-Za-z0-9])?", name.strip()):
            raise Invalid(f"expected plugin names (letters, digits, '.', '_', '-'), got {_shown(name)}")
    return [n.strip() for n in names]


@dataclass(frozen=True)
class Key:
    check: Check
    help: str


SCHEMA: dict[str, Key] = {
    "database_url": Key(text(), "an SQLite path or a postgresql+psycopg:// URL"),
    "ddex_schemas": Key(text(), "folder of the official DDEX ERN XSDs"),
    "theme": Key(text(limit=100), "stardust-dark, stardust-light or a user theme"),
    "sender_dpid": Key(dpid, "your DDEX party ID, the MessageSender"),
    "sender_name": Key(text(limit=500), "your name as MessageSender"),
    "worker.concurrency": Key(integer(1, 256), "deliveries at once per worker process"),
    "watch.dirs": Key(text_list, "hot folders the worker daemon imports from"),
    "backup.enabled": Key(boolean, "take scheduled backups in the worker daemon"),
    "backup.dir": Key(text(), "where scheduled backups go"),
    "backup.interval_hours": Key(number(0.01, 24 * 366), "hours between scheduled backups"),
    "backup.keep": Key(integer(1, 10_000), "snapshots to keep"),
    "assets.url": Key(asset_store_url, "asset store: local (default), file:///dir or s3://bucket/prefix?endpoint=..."),
    "api.rate": Key(number(0.01, 100_000), "HTTP API: requests per second per API key (token bucket refill)"),
    "api.burst": Key(integer(1, 100_000), "HTTP API: requests an API key may make at once (bucket size)"),
    "api.max_upload_mb": Key(number(0.001, 1_000_000), "HTTP API: largest asset or import upload, in MB"),
    # issue 15: what the worker's housekeeping (and `stardust retention`) lets go
    "retention.delivery_events_days": Key(number(1, 36_500), "keep delivery log events this many days"),
    "retention.audit_days": Key(number(1, 36_500), "keep audit entries this many days (cut from the chain's start)"),
    "retention.revisions_keep": Key(integer(1, 1_000_000), "revisions kept per release (delivered ones always)"),
    "retention.logs_days": Key(number(1, 36_500), "keep rotated delivery log files this many days"),
    "retention.import_reports_days": Key(number(1, 36_500), "keep hot-folder import reports this many days"),
    "retention.ack_days": Key(number(1, 36_500), "keep ACK records this many days (the newest per release kept)"),
    "retention.interval_hours": Key(number(0.1, 24 * 366), "hours between the worker's retention runs"),
    # issue 10: notifications ([notify] and [[notify.rules]]; channels are added with `stardust notify add`)
    "notify.rules": Key(notify_rules, "which events go to which channels: [[notify.rules]] events, channels, targets"),
    "notify.timezone": Key(time_zone, "IANA time zone for digests and the weekly summary (default UTC)"),
    "notify.daily_hour": Key(integer(0, 23), "hour daily digests are sent (default 8)"),
    "notify.weekly": Key(boolean, "send the weekly summary from the worker daemon (default true)"),
    "notify.weekly_day": Key(weekday, "day of the weekly summary (default monday)"),
    "notify.weekly_hour": Key(integer(0, 23), "hour of the weekly summary (default 8)"),
    "notify.retry_base_seconds": Key(number(0.01, 3600), "first retry delay of a failed notification (default 10)"),
    "notify.retry_max_seconds": Key(number(0.1, 86_400), "longest retry delay (default 3600)"),
    "notify.lease_seconds": Key(number(1, 3600), "a sender's claim on a notification, taken over after (default 120)"),
    "notify.poll_seconds": Key(number(0.05, 300), "how often senders look for new events (default 2)"),
    "notify.concurrency": Key(integer(1, 64), "notifications sent at once per worker process (default 4)"),
    "notify.keep_days": Key(number(1, 36_500), "keep sent events this many days (default 90)"),
    "notify.failing_after": Key(integer(1, 1000), "consecutive failures before a channel shows as failing (default 3)"),
    # issue 16: plugins (stardust plugin list); `stardust --no-plugins` turns them all off for one command
    "plugins.disabled": Key(plugin_names, "plugins not to load, by name (as `stardust plugin list` shows them)"),
}
FREE_TABLES = {"keymap": text(limit=200)}
"""Tables whose keys are the user's (binding ids); only their values are checked."""


def top_level_names() -> set[str]:
    """The keys and tables allowed at the top of the file."""
    return {k.split(".")[0] for k in SCHEMA} | set(FREE_TABLES)


def _known_names(prefix: str) -> list[str]:
    names = {k[len(prefix):].split(".")[0] for k in SCHEMA if k.startswith(prefix)}
    if not prefix:
        names |= set(FREE_TABLES)
    return sorted(names)


def nearest_key(path: str) -> str | None:
    """The known key most like ``path``: a close spelling at its level, else one with the same last part."""
    prefix, _, name = path.rpartition(".")
    prefix = prefix + "." if prefix else ""
    close = difflib.get_close_matches(name, _known_names(prefix), n=1, cutoff=0.6)
    if close:
        return prefix + close[0]
    same_leaf = [k for k in SCHEMA if k.rpartition(".")[2] == name]
    return same_leaf[0] if same_leaf else None


def _unknown(path: str, where: str) -> str:
    near = nearest_key(path)
    hint = f" (did you mean {near!r}?)" if near else ""
    return f"{where}: unknown key {path!r}{hint}; it is ignored"


def validate(data: dict[str, Any], where: str) -> tuple[dict[str, Any], list[str]]:
    """The checked values by dotted key (free tables as dicts), and warnings about unknown keys."""
    values: dict[str, Any] = {}
    warnings: list[str] = []

    def walk(table: dict[str, Any], prefix: str) -> None:
        for name, value in table.items():
            path = prefix + name
            if path in SCHEMA:
                if isinstance(value, dict):
                    raise ConfigError(f"{path}: expected a value, got a table", where=where)
                try:
                    values[path] = SCHEMA[path].check(value)
                except Invalid as exc:
                    raise ConfigError(f"{path}: {exc}", where=where) from None
            elif not prefix and name in FREE_TABLES:
                values[name] = _free_table(name, value, where)
            elif any(k.startswith(path + ".") for k in SCHEMA):
                if not isinstance(value, dict):
                    raise ConfigError(f"{path}: expected a table ([{path}]), got {_shown(value)}", where=where)
                walk(value, path + ".")
            else:
                warnings.append(_unknown(path, where))

    walk(data, "")
    return values, warnings


def _free_table(name: str, value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{name}: expected a table ([{name}]), got {_shown(value)}", where=where)
    check = FREE_TABLES[name]
    out = {}
    for key, item in value.items():
        try:
            out[key] = check(item)
        except Invalid as exc:
            raise ConfigError(f"{name}.{key}: {exc}", where=where) from None
    return out
