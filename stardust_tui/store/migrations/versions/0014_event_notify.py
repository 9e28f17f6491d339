"""delivery events announced with LISTEN/NOTIFY on PostgreSQL (issue 12)

Revision ID: 0014
Revises: 0013

On PostgreSQL an AFTER INSERT trigger on ``delivery_event`` runs ``pg_notify('stardust_delivery_events',
<event id>)`` for every stored event. Notifications are sent when the inserting transaction commits (never
for one rolled back), so a TUI or ``deliveries log --follow`` on any host that LISTENs reads exactly the
rows that exist (:func:`stardust_tui.worker.live_events.follow_db`). SQLite keeps the JSON-lines file.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "stardust_delivery_events"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"""
        CREATE OR REPLACE FUNCTION stardust_notify_delivery_event() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', NEW.id::text);
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql""")
    op.execute("DROP TRIGGER IF EXISTS delivery_event_notify ON delivery_event")
    op.execute("CREATE TRIGGER delivery_event_notify AFTER INSERT ON delivery_event "
               "FOR EACH ROW EXECUTE FUNCTION stardust_notify_delivery_event()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS delivery_event_notify ON delivery_event")
    op.execute("DROP FUNCTION IF EXISTS stardust_notify_delivery_event()")
