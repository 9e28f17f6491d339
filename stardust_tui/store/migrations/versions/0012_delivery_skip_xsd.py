"""a delivery may be sent without XSD validation only when asked for (issue 13)

Revision ID: 0012
Revises: 0011

``delivery.skip_xsd`` (false for existing rows) records that the user queued this delivery with
``stardust deliver --skip-xsd``: a live message then goes out even though no DDEX schemas are installed,
and the delivery's log says it was sent unvalidated. Without it a live delivery refuses an unvalidated
message (delivery/preflight.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("delivery", sa.Column("skip_xsd", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("delivery") as batch:
        batch.drop_column("skip_xsd")
