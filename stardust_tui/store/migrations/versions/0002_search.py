"""full-text search index (SQLite FTS5 / PostgreSQL tsvector)

Revision ID: 0002
Revises: 0001

Reserved in the revision chain so parts of the project can land independently; the part that owns
this revision replaces the no-op body below with its schema changes.
"""

from collections.abc import Sequence

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """No schema change yet."""


def downgrade() -> None:
    """No schema change yet."""
