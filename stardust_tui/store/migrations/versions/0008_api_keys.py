"""HTTP API (issue 11): API keys, their daily usage, idempotent requests

Revision ID: 0008
Revises: 0007

* ``api_key``: a key's name, shown prefix, SHA-256 of the token, scope, labels, expiry and revocation.
* ``api_usage``: requests (and refused/rate-limited ones) per key per UTC day.
* ``idempotent_request``: what a POST with an ``Idempotency-Key`` answered, replayed when it is retried.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(n: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=n)


def _when() -> sa.types.TypeEngine[Any]:
    return sqlmodel.sql.sqltypes.UTCDateTime()


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", _text(100), nullable=False),
        sa.Column("prefix", _text(32), nullable=False),
        sa.Column("token_hash", _text(64), nullable=False),
        sa.Column("scope", _text(16), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=True),
        sa.Column("created_by", _text(200), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("expires_at", _when(), nullable=True),
        sa.Column("revoked_at", _when(), nullable=True),
        sa.Column("last_used_at", _when(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_key_name"), ["name"], unique=True)
        batch_op.create_index(batch_op.f("ix_api_key_token_hash"), ["token_hash"], unique=True)
    op.create_table(
        "api_usage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("limited", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["key_id"], ["api_key.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_id", "day", name="uq_api_usage_key_day"),
    )
    with op.batch_alter_table("api_usage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_usage_key_id"), ["key_id"], unique=False)
    op.create_table(
        "idempotent_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", _text(200), nullable=False),
        sa.Column("fingerprint", _text(64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.ForeignKeyConstraint(["key_id"], ["api_key.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_id", "idempotency_key", name="uq_idempotent_request"),
    )
    with op.batch_alter_table("idempotent_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idempotent_request_key_id"), ["key_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_idempotent_request_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_table("idempotent_request")
    op.drop_table("api_usage")
    op.drop_table("api_key")
