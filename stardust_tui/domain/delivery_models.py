"""SQLModel tables of the delivery engine: targets, the durable delivery queue, steps, events, ACKs.

A :class:`Delivery` is one job (a release × target × message type) with its lease and retry state;
its :class:`DeliveryStep` rows record what is already done so a resumed job continues where it
stopped. :class:`DeliveryEvent` is the structured log. :class:`ReleaseTargetStatus` is the latest
known state of a release at a target (delivered, acknowledged OK, error...), changed by ACKs.
"""

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from stardust_tui.domain.enums import DELIVERY_STATES as DELIVERY_STATES  # re-exported (defined there)
from stardust_tui.domain.enums import MESSAGE_TYPES as MESSAGE_TYPES
from stardust_tui.domain.limits import MESSAGE_ID, TARGET, WORKER_ID
from stardust_tui.domain.models import utcnow


class Target(SQLModel, table=True):
    """A place releases are delivered to, written as one URL, with encrypted credentials."""

    __tablename__ = "target"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=TARGET["name"])
    url: str = Field(max_length=TARGET["url"])  # never contains a password (it goes to `credentials`)
    profile: str = Field(default="generic-43", max_length=TARGET["profile"])
    enabled: bool = True
    credentials: str | None = Field(default=None, sa_column=Column(Text))  # Fernet token of a JSON dict
    key_file: str | None = Field(default=None, max_length=TARGET["key_file"])
    known_hosts_file: str | None = Field(default=None, max_length=TARGET["known_hosts_file"])
    host_key: str | None = Field(default=None, max_length=TARGET["host_key"])  # pinned "SHA256:..." fingerprint
    trust_unknown_host: bool = False
    max_concurrency: int = 2
    circuit_state: str = Field(default="closed", max_length=TARGET["circuit_state"])  # closed | open | half-open
    consecutive_failures: int = 0
    circuit_opened_at: datetime | None = None
    last_ack_poll_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Delivery(SQLModel, table=True):
    """One durable delivery job with lease, retry and progress state."""

    __tablename__ = "delivery"
    __table_args__ = (
        Index("ix_delivery_claim", "state", "next_attempt_at", "priority"),
        Index("ix_delivery_release_target", "release_id", "target_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    release_id: int = Field(foreign_key="release.id", index=True)
    target_id: int = Field(foreign_key="target.id", index=True)
    message_type: str = Field(default="new", max_length=16)  # MESSAGE_TYPES
    state: str = Field(default="queued", index=True, max_length=16)  # DELIVERY_STATES
    priority: int = 0  # higher first
    scheduled_at: datetime = Field(default_factory=utcnow)
    next_attempt_at: datetime = Field(default_factory=utcnow)
    attempts: int = 0
    max_attempts: int = 5
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    lease_owner: str | None = Field(default=None, max_length=WORKER_ID)
    lease_expires_at: datetime | None = None
    idempotency_key: str = Field(unique=True, index=True, max_length=200)
    content_hash: str = Field(default="", max_length=64)
    ern_version: str | None = Field(default=None, max_length=8)
    message_id: str | None = Field(default=None, index=True, max_length=MESSAGE_ID)  # ACKs are matched by it
    batch_id: str | None = Field(default=None, max_length=100)
    remote_path: str | None = Field(default=None, max_length=2000)
    bytes_total: int = 0
    bytes_done: int = 0
    requested_by: str | None = Field(default=None, max_length=200)  # who queued it (issue 15: the actor's name)
    skip_xsd: bool = False  # issue 13: queued with `deliver --skip-xsd` (a live message may go out unvalidated)
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class DeliveryStep(SQLModel, table=True):
    """A recorded step of a delivery (package, upload file N, upload XML, manifest, verify)."""

    __tablename__ = "delivery_step"
    __table_args__ = (UniqueConstraint("delivery_id", "name", name="uq_delivery_step"),)

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="delivery.id", index=True, ondelete="CASCADE")
    seq: int = 0
    name: str = Field(max_length=500)
    state: str = Field(default="pending", max_length=16)  # pending | done | skipped
    remote_path: str | None = Field(default=None, max_length=2000)
    size: int | None = None
    md5: str | None = Field(default=None, max_length=32)
    attempt: int = 0
    completed_at: datetime | None = None


class DeliveryEvent(SQLModel, table=True):
    """A structured delivery log line; also appended as JSON to the log file in the home."""

    __tablename__ = "delivery_event"
    __table_args__ = (Index("ix_delivery_event_delivery", "delivery_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    delivery_id: int | None = Field(default=None, foreign_key="delivery.id", ondelete="CASCADE")
    target_id: int | None = Field(default=None, foreign_key="target.id", index=True, ondelete="SET NULL")
    step: str | None = Field(default=None, max_length=500)
    level: str = Field(default="info", max_length=8)  # debug | info | warning | error
    message: str = Field(sa_column=Column(Text, nullable=False))
    bytes: int | None = None
    duration_ms: float | None = None


class ReleaseTargetStatus(SQLModel, table=True):
    """Latest known state of a release at a target: delivered, ack-ok, ack-error, taken-down."""

    __tablename__ = "release_target_status"
    __table_args__ = (UniqueConstraint("release_id", "target_id", name="uq_release_target"),)

    id: int | None = Field(default=None, primary_key=True)
    release_id: int = Field(foreign_key="release.id", index=True, ondelete="CASCADE")
    target_id: int = Field(foreign_key="target.id", index=True, ondelete="CASCADE")
    status: str = Field(default="delivered", max_length=32)
    delivery_id: int | None = Field(default=None, foreign_key="delivery.id", ondelete="SET NULL")
    message_id: str | None = Field(default=None, max_length=100)
    detail: str | None = Field(default=None, sa_column=Column(Text))
    proposed_action: str | None = Field(default=None, max_length=64)
    updated_at: datetime = Field(default_factory=utcnow)


class Acknowledgement(SQLModel, table=True):
    """An ACK file read from a target's ACK folder (kept so a file is processed once)."""

    __tablename__ = "acknowledgement"
    __table_args__ = (UniqueConstraint("target_id", "file_name", name="uq_ack_file"),)

    id: int | None = Field(default=None, primary_key=True)
    target_id: int = Field(foreign_key="target.id", index=True, ondelete="CASCADE")
    file_name: str = Field(max_length=1000)
    message_id: str | None = Field(default=None, index=True, max_length=100)
    release_id: int | None = Field(default=None, foreign_key="release.id", ondelete="SET NULL")
    file_status: str | None = Field(default=None, max_length=100)
    error_text: str | None = Field(default=None, sa_column=Column(Text))
    proposed_action: str | None = Field(default=None, max_length=64)
    received_at: datetime = Field(default_factory=utcnow)


class WorkerHeartbeat(SQLModel, table=True):
    """A live worker process (daemon or in-process in the TUI), refreshed while it runs."""

    __tablename__ = "worker_heartbeat"

    worker_id: str = Field(primary_key=True, max_length=200)
    kind: str = Field(default="daemon", max_length=16)  # daemon | in-process
    host: str = Field(max_length=200)
    pid: int
    concurrency: int = 1
    started_at: datetime = Field(default_factory=utcnow)
    seen_at: datetime = Field(default_factory=utcnow, index=True)
