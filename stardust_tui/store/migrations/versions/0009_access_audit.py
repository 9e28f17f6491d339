"""Roles and audit (issue 15): users with roles and labels, a hash-chained audit log, who queued a delivery

Revision ID: 0009
Revises: 0008

Reserved by the ``roles`` helper; filled in with the tables of issue 15.
"""

from collections.abc import Sequence

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
