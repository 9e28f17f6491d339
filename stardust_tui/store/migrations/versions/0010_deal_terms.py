"""deal terms kept whole (issue 18): the distribution channels a deal is for

Revision ID: 0010
Revises: 0009

``deal.details`` (JSON, ``{}`` for existing deals) holds the deal terms with no column of their own, first of all
the DistributionChannel / ExcludedDistributionChannel a message states (without them, two deals that differ only
by channel would be written back as overlapping deals, which DSPs reject as ConflictingAvailabilityPeriods).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("deal", sa.Column("details", sa.JSON(), nullable=False, server_default="{}"))  # in place


def downgrade() -> None:
    op.drop_column("deal", "details")
