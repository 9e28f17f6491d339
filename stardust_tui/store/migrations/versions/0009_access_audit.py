"""Roles and audit (issue 15): users with roles and labels, a hash-chained audit log, who queued a delivery

Revision ID: 0009
Revises: 0008

* ``stardust_user``: name (an OS login), role (viewer|editor|releaser|admin), labels (NULL: every label).
* ``audit_chain``: one row, the head of the audit hash chain and where retention last cut it.
* ``audit_log``: ``seq`` (unique), ``prev_hash`` and ``hash``; existing entries are chained in id order
  (so ``stardust audit verify`` covers them from now on), and an index on ``actor`` for the viewer's filter.
* ``delivery.requested_by``: who queued it (NULL for deliveries queued before this revision).
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64


def _text(n: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=n)


def _when() -> sa.types.TypeEngine[Any]:
    return sqlmodel.sql.sqltypes.UTCDateTime()


def upgrade() -> None:
    op.create_table(
        "stardust_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", _text(200), nullable=False),
        sa.Column("role", _text(16), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=True),
        sa.Column("created_by", _text(200), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("updated_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stardust_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stardust_user_name"), ["name"], unique=True)
    head = op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", _text(64), nullable=False),
        sa.Column("pruned_seq", sa.BigInteger(), nullable=False),
        sa.Column("pruned_hash", _text(64), nullable=False),
        sa.Column("updated_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", _text(64), nullable=True))
        batch_op.add_column(sa.Column("hash", _text(64), nullable=True))
        batch_op.create_index("ix_audit_log_seq", ["seq"], unique=True)
        batch_op.create_index("ix_audit_log_actor", ["actor"], unique=False)
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requested_by", _text(200), nullable=True))
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": GENESIS, "pruned_seq": 0, "pruned_hash": GENESIS,
                           "updated_at": datetime.now(UTC)}])
    _chain_existing(op.get_bind())


def _chain_existing(conn: sa.engine.Connection) -> None:
    """Seal the entries written before this revision, oldest first (the same hashing as new ones)."""
    from stardust_tui.store.audit_chain import seal

    seal(conn)


def downgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_column("requested_by")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_actor")
        batch_op.drop_index("ix_audit_log_seq")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
    op.drop_table("audit_chain")
    with op.batch_alter_table("stardust_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stardust_user_name"))
    op.drop_table("stardust_user")
