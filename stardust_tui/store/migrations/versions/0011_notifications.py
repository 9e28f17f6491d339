"""notifications (issue 10): channels, the transactional outbox, sends per channel, readers

Revision ID: 0011
Revises: 0010

* ``notify_channel``: where notifications go (email, webhook, a plugin's kind), settings without secrets,
  the secret encrypted, the digest (immediate/hourly/daily) and the channel's health.
* ``notify_event``: the outbox, written in the transaction of the state change (payload = the exact JSON).
* ``notify_send``: one event × channel with its retry and lease state (claimed like delivery jobs).
* ``notify_reader``: the newest event each user has seen in the TUI's notifications panel.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(n: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=n)


def _when() -> sa.types.TypeEngine[Any]:
    return sqlmodel.sql.sqltypes.UTCDateTime()


def upgrade() -> None:
    op.create_table(
        "notify_channel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", _text(100), nullable=False),
        sa.Column("kind", _text(32), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=True),
        sa.Column("digest", _text(16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("last_error", _text(1000), nullable=True),
        sa.Column("last_failure_at", _when(), nullable=True),
        sa.Column("last_success_at", _when(), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("updated_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("notify_channel", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notify_channel_name"), ["name"], unique=True)
    op.create_table(
        "notify_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", _text(40), nullable=False),
        sa.Column("type", _text(40), nullable=False),
        sa.Column("occurred_at", _when(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=True),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("label", _text(500), nullable=True),
        sa.Column("severity", _text(16), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("dedupe_key", _text(200), nullable=True),
        sa.Column("routed_at", _when(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
    )
    with op.batch_alter_table("notify_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notify_event_event_id"), ["event_id"], unique=True)
        batch_op.create_index(batch_op.f("ix_notify_event_type"), ["type"], unique=False)
        batch_op.create_index(batch_op.f("ix_notify_event_occurred_at"), ["occurred_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notify_event_release_id"), ["release_id"], unique=False)
        batch_op.create_index("ix_notify_event_unrouted", ["routed_at", "id"], unique=False)
    op.create_table(
        "notify_send",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_pk", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", _text(40), nullable=False),
        sa.Column("status", _text(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _when(), nullable=False),
        sa.Column("lease_owner", _text(200), nullable=True),
        sa.Column("lease_token", _text(40), nullable=True),
        sa.Column("lease_expires_at", _when(), nullable=True),
        sa.Column("last_error", _text(1000), nullable=True),
        sa.Column("sent_at", _when(), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.ForeignKeyConstraint(["event_pk"], ["notify_event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["channel_id"], ["notify_channel.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_pk", "channel_id", name="uq_notify_send_event_channel"),
    )
    with op.batch_alter_table("notify_send", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notify_send_event_pk"), ["event_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_notify_send_channel_id"), ["channel_id"], unique=False)
        batch_op.create_index("ix_notify_send_claim", ["status", "next_attempt_at"], unique=False)
    op.create_table(
        "notify_reader",
        sa.Column("actor", _text(200), nullable=False),
        sa.Column("seen_event_pk", sa.Integer(), nullable=False),
        sa.Column("updated_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("actor"),
    )


def downgrade() -> None:
    op.drop_table("notify_reader")
    op.drop_table("notify_send")
    op.drop_table("notify_event")
    op.drop_table("notify_channel")
