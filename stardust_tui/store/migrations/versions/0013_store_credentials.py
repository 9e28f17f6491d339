"""credentials of the shared asset store, encrypted like target secrets (issue 12)

Revision ID: 0013
Revises: 0012

``store_credential`` holds the S3 credentials of an object-store asset store (``[assets] url =
"s3://…"``), one row per store (its endpoint and bucket), Fernet-encrypted with the secret key like
``target.credentials``. They live in the database so every host of a team reads the same ones (the hosts
share the database and the secret key); the plaintext is never stored or logged.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "store_credential",
        sa.Column("store", sa.String(length=500), primary_key=True),
        sa.Column("credentials", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("store_credential")
