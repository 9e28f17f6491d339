"""ACKs that DSPs post to the HTTP API (``POST /acks/{target}``), as an alternative to the worker polling
their ACK folder. The caller proves it is that target's DSP with the target's ``ack_token`` secret
(``stardust target edit NAME --secret ack_token=…``; compared in constant time); the file is then parsed
and recorded exactly as a polled one (``delivery.acks.parse_ack`` / ``record_ack``: once per file name,
ReleaseTargetStatus updated), so ``target acks`` and the TUI show it the same way.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stardust_tui.errors import AuthenticationError
from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from stardust_tui.services import Services


@dataclass(frozen=True)
class ReceivedAck:
    target: str
    file_name: str
    recorded: bool
    """False when this file (same target and name) was recorded before: nothing changed."""
    version: str | None
    releases: list[dict[str, Any]]


class AckInbox:
    def __init__(self, services: Services) -> None:
        self.services = services

    def authenticate(self, target: str | int, token: str | None) -> Any:
        """The target whose ``ack_token`` ``token`` is (AuthenticationError otherwise): checked before a body
        is read."""
        from stardust_tui.delivery.targets import get_target, target_secrets

        self.services.authorize("ack.receive")
        with session_scope(self.services.engine) as s:
            t = get_target(s, target)
        expected = target_secrets(self.services.settings.paths, t).get("ack_token")
        if expected is None or not expected.reveal():
            raise AuthenticationError(f"target {t.name!r} takes no ACKs over HTTP (set its ack_token secret)")
        if not token or not hmac.compare_digest(token.encode("utf-8"), expected.reveal().encode("utf-8")):
            raise AuthenticationError(f"wrong ACK token for target {t.name!r}")
        return t

    def receive(self, target: str | int, token: str | None, data: bytes, file_name: str | None = None) -> ReceivedAck:
        """Authenticate the DSP by the target's ``ack_token``, then parse and record one ACK file."""
        from stardust_tui.delivery.acks import parse_ack, record_ack

        t = self.authenticate(target, token)
        name = file_name or f"http-{hashlib.sha256(data).hexdigest()[:32]}.xml"
        result = parse_ack(data, name)  # ValidationError: not an ACK, too large, unsafe XML
        recorded = record_ack(self.services.engine, int(t.id), name, result)
        return ReceivedAck(t.name, name, recorded, result.version,
                           [{"release_ids": list(r.release_ids), "status": r.status, "outcome": r.outcome,
                             "error_text": r.error_text, "proposed_action": r.proposed_action}
                            for r in result.releases])
