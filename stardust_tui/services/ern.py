"""ERN messages for the TUI preview: build a release's message and validate it (XSD + business rules).

Delegates to ``stardust_tui.ern.registry.build_message`` and ``ern.validate.validate_bytes``; the
message is addressed to the configured sender (a preview), stamped with the services' clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from stardust_tui.services import Services

VERSIONS = ("4.3", "4.2", "3.8.2")
MESSAGE_TYPES = ("new", "update", "takedown")


@dataclass
class BuiltMessage:
    release_id: int
    version: str
    message_type: str
    file_name: str
    data: bytes
    report: Any  # ern.validate.FileReport

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")


class ErnService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def build(self, release_id: int, version: str = "4.3", message_type: str = "new") -> BuiltMessage:
        from stardust_tui.ern.common import Party
        from stardust_tui.ern.registry import build_message
        from stardust_tui.ern.schemas import schema_dir
        from stardust_tui.ern.validate import validate_bytes
        from stardust_tui.store.releases import load_release

        settings = self.services.settings
        with session_scope(self.services.engine) as session:
            release = load_release(session, release_id)
        when = self.services.now()
        sender = Party(settings.sender_dpid, settings.sender_name)
        message_id = f"{release.upc or release.id}-{when.strftime('%Y%m%d%H%M%S')}"
        data = build_message(release, version, message_type, message_id=message_id, timestamp=when, sender=sender,
                             recipients=[sender])
        name = f"{release.upc or release.id}_ERN{version.replace('.', '')}_{message_type}.xml"
        report = validate_bytes(data, path=name, schema_dir=schema_dir(None, settings.ddex_schemas))
        return BuiltMessage(release_id, version, message_type, name, data, report)

    def save(self, message: BuiltMessage, path: str) -> Path:
        """Write the message atomically (temporary name, then rename); returns the final path."""
        from stardust_tui.cli.ern import write_atomic

        target = Path(path).expanduser()
        if target.is_dir():
            target = target / message.file_name
        write_atomic(target, message.data)
        return target
