"""HTTP API (issue 11): API keys, their daily usage, idempotency keys of queued deliveries

Revision ID: 0008
Revises: 0007

Reserved by the `api` helper; filled in by the commit that adds these tables.
"""

from collections.abc import Sequence

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
