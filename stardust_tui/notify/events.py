"""The event catalogue and the versioned payload (``stardust.event/1``) every channel sends.

A payload is built once, when the event is written to the outbox, and serialised canonically (sorted keys,
no spaces, UTF-8): the stored text is what a webhook receives byte for byte on every retry, so an event id
never arrives with different content. See ``docs/notifications.md`` for the fields.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

SCHEMA = "stardust.event/1"
DIGEST_SCHEMA = "stardust.digest/1"


@dataclass(frozen=True)
class EventType:
    name: str
    severity: str  # info | warning | error
    help: str
    default_on: bool = True


EVENT_TYPES: dict[str, EventType] = {e.name: e for e in (
    EventType("delivery.succeeded", "info", "a delivery finished"),
    EventType("delivery.failed", "error", "a delivery failed for good (after its retries)"),
    EventType("delivery.retrying", "warning", "a delivery attempt failed and will be retried", default_on=False),
    EventType("takedown.completed", "info", "a takedown or purge reached the DSP"),
    EventType("ack.accepted", "info", "a DSP acknowledged a release"),
    EventType("ack.rejected", "error", "a DSP rejected a release (its text and proposed action)"),
    EventType("circuit.opened", "error", "a target kept failing: deliveries to it are paused"),
    EventType("circuit.closed", "info", "a target works again (or its circuit was reset)"),
    EventType("import.finished", "info", "a catalog import run finished"),
    EventType("import.failed", "error", "a catalog import run failed and was rolled back"),
    EventType("backup.finished", "info", "a backup was written"),
    EventType("backup.failed", "error", "a backup could not be written"),
    EventType("release.ready", "info", "a release was marked ready"),
    EventType("report.weekly", "info", "the weekly summary"),
    EventType("notify.test", "info", "a test sent by `stardust notify test`"),
)}


def new_event_id() -> str:
    return "evt_" + uuid.uuid4().hex


def new_delivery_id() -> str:
    return "dlv_" + uuid.uuid4().hex


def iso(when: datetime) -> str:
    """UTC, second precision, ``Z``: the one time format of payloads."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def build_payload(*, event_id: str, type: str, occurred_at: datetime, summary: str,
                  release: dict[str, Any] | None, target: dict[str, Any] | None,
                  data: dict[str, Any]) -> str:
    """The event as the canonical JSON text stored in the outbox and sent as is."""
    if type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type!r}")
    return canonical({"schema": SCHEMA, "id": event_id, "type": type, "time": iso(occurred_at),
                      "severity": EVENT_TYPES[type].severity, "summary": summary, "release": release,
                      "target": target, "data": data})


def digest_body(delivery_id: str, payloads: list[str]) -> str:
    """Several stored payloads in one JSON document (the events' bytes kept as stored)."""
    head = canonical({"schema": DIGEST_SCHEMA, "delivery_id": delivery_id, "count": len(payloads)})
    return head[:-1] + ',"events":[' + ",".join(payloads) + "]}"
