"""readiness (issue 20): signal QC results per asset, pre-order / instant-gratification deals, search facets

Revision ID: 0007
Revises: 0006

Reserved by the `ready` helper; filled in by the commit that changes these tables.
"""

from collections.abc import Sequence

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
