"""delivery choreography: index deliveries by message id

Revision ID: 0005
Revises: 0004

Acknowledgements name the message they answer; ``poll_acks`` looks the delivery up by
``delivery.message_id`` for every ACK file, so that column gets an index.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_message_id"), ["message_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_message_id"))
