"""release parts kept whole (issue 18): DDEX release types, identifiers, resources of every kind

Revision ID: 0006
Revises: 0005

Reserved by the `ern` helper; filled in by the commit that changes the catalog tables.
"""

from collections.abc import Sequence

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
