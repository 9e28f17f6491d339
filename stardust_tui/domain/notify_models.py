"""SQLModel tables of notifications (issue 10): channels, the transactional outbox, sends, readers.

* :class:`NotifyEvent` is the **outbox**: one row per event, written in the same transaction as the state
  change that caused it (a delivery's outcome, an ACK, a circuit change, an import run, a backup, a
  release marked ready). ``payload`` is the event's JSON exactly as it is sent (schema
  ``stardust.event/1``, docs/notifications.md): it is never re-serialised, so an event id always carries
  the same bytes. ``routed_at`` is NULL until a sender has fanned the event out to its channels.
* :class:`NotifySend` is one event × channel: pending → sending (claimed with a lease) → sent, or
  failed (a permanent refusal; kept, ``stardust notify retry`` queues it again). ``delivery_id`` is the
  idempotency id a receiver sees, the same on every retry.
* :class:`NotifyChannel` is where notifications go (email, webhook, or a plugin's kind) with its
  settings (no secret in them) and its encrypted secret (SMTP password, webhook signing secret).
* :class:`NotifyReader` remembers up to which event a user has read the TUI's notifications panel.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from stardust_tui.domain.models import utcnow
from stardust_tui.domain.notify_vocab import DIGESTS as DIGESTS  # re-exported
from stardust_tui.domain.notify_vocab import NOTIFY
from stardust_tui.domain.notify_vocab import SEND_STATES as SEND_STATES


class NotifyChannel(SQLModel, table=True):
    """A place notifications go: kind (email, webhook, a plugin's), settings, encrypted secret, health."""

    __tablename__ = "notify_channel"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=NOTIFY["name"])
    kind: str = Field(max_length=NOTIFY["kind"])
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    secret: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # Fernet token
    digest: str = Field(default="immediate", max_length=NOTIFY["digest"])  # DIGESTS
    enabled: bool = True
    consecutive_failures: int = 0
    last_error: str | None = Field(default=None, max_length=NOTIFY["error"])
    last_failure_at: datetime | None = None
    last_success_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class NotifyEvent(SQLModel, table=True):
    """One event in the outbox (its payload is the exact JSON that is sent)."""

    __tablename__ = "notify_event"
    __table_args__ = (Index("ix_notify_event_unrouted", "routed_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(unique=True, index=True, max_length=NOTIFY["event_id"])
    type: str = Field(index=True, max_length=NOTIFY["type"])
    occurred_at: datetime = Field(default_factory=utcnow, index=True)
    release_id: int | None = Field(default=None, index=True)  # no foreign key: events outlive what they name
    target_id: int | None = None
    label: str | None = Field(default=None, max_length=NOTIFY["label"])
    severity: str = Field(default="info", max_length=16)  # info | warning | error (the TUI's colour)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    dedupe_key: str | None = Field(default=None, unique=True, max_length=NOTIFY["dedupe_key"])
    routed_at: datetime | None = None


class NotifySend(SQLModel, table=True):
    """One event to one channel, with its retry and lease state."""

    __tablename__ = "notify_send"
    __table_args__ = (UniqueConstraint("event_pk", "channel_id", name="uq_notify_send_event_channel"),
                      Index("ix_notify_send_claim", "status", "next_attempt_at"))

    id: int | None = Field(default=None, primary_key=True)
    event_pk: int = Field(foreign_key="notify_event.id", index=True, ondelete="CASCADE")
    channel_id: int = Field(foreign_key="notify_channel.id", index=True, ondelete="CASCADE")
    delivery_id: str = Field(max_length=NOTIFY["event_id"])
    status: str = Field(default="pending", max_length=NOTIFY["status"])  # SEND_STATES
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    lease_owner: str | None = Field(default=None, max_length=NOTIFY["owner"])
    lease_token: str | None = Field(default=None, max_length=NOTIFY["token"])
    lease_expires_at: datetime | None = None
    last_error: str | None = Field(default=None, max_length=NOTIFY["error"])
    sent_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class NotifyReader(SQLModel, table=True):
    """The newest event a user has seen in the TUI's notifications panel (for the unread count)."""

    __tablename__ = "notify_reader"

    actor: str = Field(primary_key=True, max_length=NOTIFY["actor"])
    seen_event_pk: int = 0
    updated_at: datetime = Field(default_factory=utcnow)
