"""Names and sizes of notifications (issue 10), without SQLModel: the CLI's option types load this, not the tables."""

from __future__ import annotations

NOTIFY: dict[str, int] = {"name": 100, "kind": 32, "digest": 16, "status": 16, "type": 40, "event_id": 40,
                          "dedupe_key": 200, "label": 500, "error": 1000, "owner": 200, "token": 40, "actor": 200}
SEND_STATES = ("pending", "sending", "sent", "failed")
DIGESTS = ("immediate", "hourly", "daily")
