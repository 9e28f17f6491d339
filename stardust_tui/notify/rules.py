"""``[[notify.rules]]``: which events go to which channels, filtered by target and label.

```toml
[[notify.rules]]
events = ["delivery.failed", "ack.rejected", "circuit.*"]   # names or "prefix.*" or "*"
channels = ["ops-mail", "pager-hook"]
targets = ["spotify", "deezer"]       # optional: only events about these targets
labels = ["Star Records"]             # optional: only events about releases of these labels
```

Without any rule every channel gets every event except the ones off by default (``delivery.retrying``),
which a rule must name exactly (``"*"`` and ``"delivery.*"`` do not include them). Names are compared
without regard to case. :func:`parse_rules` is also the config check (``config_schema.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stardust_tui.notify.events import EVENT_TYPES

RULE_KEYS = ("events", "channels", "targets", "labels")


@dataclass(frozen=True)
class Rule:
    events: tuple[str, ...]
    channels: tuple[str, ...]
    targets: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()

    def matches(self, event_type: str, target: str | None, label: str | None) -> bool:
        if not any(pattern_matches(p, event_type) for p in self.events):
            return False
        if self.targets and (target is None or target.casefold() not in {t.casefold() for t in self.targets}):
            return False
        return not self.labels or (label is not None and label.casefold() in {x.casefold() for x in self.labels})


def pattern_matches(pattern: str, event_type: str) -> bool:
    if pattern == event_type:
        return True
    if not EVENT_TYPES[event_type].default_on:
        return False  # off-by-default events are only sent when named
    if pattern == "*":
        return True
    return pattern.endswith(".*") and event_type.startswith(pattern[:-1])


def _names(rule: dict[str, Any], key: str, n: int, *, required: bool) -> tuple[str, ...]:
    value = rule.get(key)
    if value is None:
        if required:
            raise ValueError(f"rule {n}: '{key}' is missing")
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"rule {n}: '{key}' must be a list of non-empty strings")
    if required and not value:
        raise ValueError(f"rule {n}: '{key}' is empty")
    return tuple(v.strip() for v in value)


def parse_rules(value: Any) -> list[Rule]:
    """Check ``notify.rules`` (a list of tables); a problem is a ValueError naming the rule (1-based)."""
    if not isinstance(value, list):
        raise ValueError("expected a list of tables ([[notify.rules]])")
    rules = []
    for n, item in enumerate(value, 1):
        if not isinstance(item, dict):
            raise ValueError(f"rule {n}: expected a table")
        unknown = sorted(set(item) - set(RULE_KEYS))
        if unknown:
            raise ValueError(f"rule {n}: unknown key {unknown[0]!r} (expected {', '.join(RULE_KEYS)})")
        events = _names(item, "events", n, required=True)
        for pattern in events:
            if not any(pattern == name or (pattern == "*") or (pattern.endswith(".*") and
                                                                name.startswith(pattern[:-1]))
                       for name in EVENT_TYPES):
                raise ValueError(f"rule {n}: {pattern!r} names no event (known: {', '.join(EVENT_TYPES)})")
        rules.append(Rule(events=events, channels=_names(item, "channels", n, required=True),
                          targets=_names(item, "targets", n, required=False),
                          labels=_names(item, "labels", n, required=False)))
    return rules


def channels_for(rules: list[Rule], channels: list[str], event_type: str, *, target: str | None,
                 label: str | None) -> list[str]:
    """The names of ``channels`` (the enabled ones) an event goes to."""
    if event_type == "notify.test":
        return []
    if not rules:
        return list(channels) if EVENT_TYPES[event_type].default_on else []
    wanted = {c.casefold() for r in rules if r.matches(event_type, target, label) for c in r.channels}
    return [c for c in channels if c.casefold() in wanted]
