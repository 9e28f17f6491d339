"""ERN messages: build a release's message, validate files (XSD + business rules), summarize, save.

The one implementation behind ``stardust ern build|validate|show`` and the TUI's ERN preview. Building
delegates to ``ern.registry.build_message``: without a profile or recipients the message is addressed to
the configured sender (a preview); a delivery profile supplies the version, recipients, takedown
strategy, file naming, release profile and genre mapping (explicit arguments still win). Importing messages into the
catalog is :meth:`ImportService.ddex` (it writes the catalog).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stardust_tui.errors import StardustError, ValidationError
from stardust_tui.services.rows import stored_id

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
    report: Any = None  # ern.validate.FileReport when validated
    notes: list[str] = field(default_factory=list)
    """Things the user should know (placeholder recipients, a preview addressed to the sender)."""

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")


class ErnService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def build(self, ref: int | str, version: str | None = None, message_type: str = "new", *,
              profile: str | None = None, recipients: Sequence[str] = (), takedown_strategy: str | None = None,
              test: bool = False, message_id: str | None = None, timestamp: datetime | None = None,
              track_releases: bool = True, validate: bool = True) -> BuiltMessage:
        """Build the ERN message of release ``ref`` (id or UPC); ``recipients`` are ``DPID:NAME`` texts.

        ``version`` defaults to the profile's, else 4.3; ``timestamp`` to the services' clock (whole
        seconds). With ``validate`` the message is checked (XSD when schemas are configured, and rules).
        """
        from stardust_tui.ern.common import Party, parse_recipient
        from stardust_tui.ern.registry import build_message
        from stardust_tui.store.db import session_scope
        from stardust_tui.store.releases import get_release, load_release

        self.services.authorize("release.read")
        settings = self.services.settings
        sender = Party(settings.sender_dpid, settings.sender_name)
        parties = [parse_recipient(r) for r in recipients]
        notes: list[str] = []
        patterns = None
        prof: Any = None
        if profile:
            from stardust_tui.delivery.profiles import load_profile
            from stardust_tui.ern.naming import NamingPatterns

            prof = load_profile(profile, settings.paths.profiles_dir)
            version = version or prof.ern_version
            takedown_strategy = takedown_strategy or prof.takedown
            purging = message_type == "purge" or (message_type == "takedown" and takedown_strategy == "purge")
            if prof.refuses(message_type) or (purging and prof.refuses("purge")):
                raise ValidationError(f"{prof.name} refuses {'purge' if purging else message_type} messages; "
                                      f"it takes releases down by {prof.takedown}", where="--type")
            test = test or prof.test_message
            patterns = NamingPatterns.from_mapping(prof.naming)
            track_releases = track_releases and prof.release_profile != "single"
            if prof.sender is not None:
                sender = Party(prof.sender.dpid, prof.sender.name)
            if not parties:
                parties = [Party(r.dpid, r.name) for r in prof.recipients]
                notes += [f"recipient {r.name} has a placeholder DPID ({r.dpid}); fine for a preview, set it in a "
                          "user profile before delivering" for r in prof.placeholder_recipients()]
        if not parties:
            parties = [sender]
            notes.append("no --recipient given; the message is addressed to the sender (preview)")
        version = version or "4.3"
        when = (timestamp or self.services.now()).replace(microsecond=0)
        with session_scope(self.services.engine) as session:
            release = load_release(session, stored_id(get_release(session, ref)))
        mid = message_id or f"{release.upc or release.id}-{when.strftime('%Y%m%d%H%M%S')}"
        source: Any = release
        if prof is not None:  # the genres as this DSP takes them, as a delivery sends them (issue 16)
            from stardust_tui.delivery.package import RESOURCE_DIR, map_view_genres
            from stardust_tui.ern.release_view import view_from_release

            source = map_view_genres(view_from_release(release, patterns=patterns, resource_dir=RESOURCE_DIR),
                                     prof.genre_rules, who=prof.name)
        data = build_message(source, version, message_type, message_id=mid, timestamp=when, sender=sender,
                             recipients=parties, takedown_strategy=takedown_strategy or "remove-deals", test=test,
                             track_releases=track_releases, patterns=patterns)
        name = f"{release.upc or release.id}_ERN{version.replace('.', '')}_{message_type}.xml"
        report = None
        if validate:
            from stardust_tui.ern.validate import validate_bytes
            from stardust_tui.schemas.resolve import schema_folder

            report = validate_bytes(data, path=name, schema_dir=schema_folder(settings))
        return BuiltMessage(stored_id(release), version, message_type, name, data, report, notes)

    def save(self, message: BuiltMessage, path: str | Path) -> Path:
        """Write the message atomically (temporary name, then rename); a folder gets the message's file name."""
        from stardust_tui.atomic import write_atomic

        self.services.authorize("release.read")
        target = Path(path).expanduser()
        if target.is_dir():
            target = target / message.file_name
        return write_atomic(target, message.data)

    def schema_dir(self, override: Path | None = None) -> Path | None:
        """The DDEX XSD folder: ``override``, else ``STARDUST_DDEX_SCHEMAS``/config, else the installed one
        (``stardust schemas fetch``); None when there is none."""
        from stardust_tui.schemas.resolve import schema_folder

        return schema_folder(self.services.settings, override)

    def validate(self, sources: Sequence[Path | tuple[str, bytes]], *, schemas: Path | None = None,
                 package: Path | None = None, rules: bool = True, update: bool = False) -> list[Any]:
        """Validate files (or ``(name, bytes)`` pairs): XSD when schemas are found, then business rules.
        ``update``: the package is an update (or takedown), which may leave out files the recipient has.

        Returns one ``ern.validate.FileReport`` per source. A missing package folder, an unreadable file or a
        broken schema folder raises :class:`StardustError` (nothing could be checked).
        """
        from stardust_tui.ern.validate import validate_bytes, validate_file

        self.services.authorize("release.read")
        base = self.schema_dir(schemas)
        if package is not None and not package.is_dir():
            raise StardustError(f"package folder does not exist: {package}")
        options: dict[str, Any] = dict(schema_dir=base, package=package, business_rules=rules,
                                       update=True if update else None)
        return [validate_bytes(s[1], path=s[0], **options) if isinstance(s, tuple) else validate_file(s, **options)
                for s in sources]

    def summarize(self, data: bytes, *, source: str) -> Any:
        """What a NewReleaseMessage holds (release, tracks, files, deals) without importing it."""
        from stardust_tui.ern.parse import parse_release
        from stardust_tui.ern.safe_xml import parse_bytes

        return parse_release(parse_bytes(data, source=source).getroot())
