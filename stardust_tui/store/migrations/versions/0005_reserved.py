"""reserved revision (delivery choreography / ACK extensions)

Revision ID: 0005
Revises: 0004

Reserved in the revision chain so parts of the project can land independently; the part that owns
this revision replaces the no-op body below with its schema changes.
"""

from collections.abc import Sequence

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """No schema change yet."""


def downgrade() -> None:
    """No schema change yet."""
