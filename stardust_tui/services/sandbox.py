"""The sandbox DSP: rehearse a DSP onboarding offline (``stardust sandbox target|serve``).

``target(NAME, profile=P)`` writes the ``sandbox-P`` profile (P's rules, the sandbox's DPIDs, an ACK folder)
and adds a local target on the sandbox's inbox folder; ``serve(P)`` runs the DSP on that inbox (or any inbox
URL, polled with the project's own transports) until stopped, or once. Deliver to the target, let the
sandbox answer, read the ACKs with ``stardust target acks NAME``: the release × DSP status shows what the
DSP would have said. ``serve`` blocks (network, files, asyncio): call it from a thread or the CLI.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stardust_tui.errors import ConfigError, ConflictError, ValidationError

if TYPE_CHECKING:
    from stardust_tui.delivery.profile_model import Profile
    from stardust_tui.sandbox.serve import BatchResult
    from stardust_tui.services import Services


@dataclass(frozen=True)
class SandboxTarget:
    """What ``sandbox target`` set up."""

    name: str
    url: str
    profile: str  # sandbox-<P>
    base_profile: str
    inbox: Path
    ack_folder: str
    profile_file: Path
    created: bool
    sandbox_sender: bool  # the profile sends as the sandbox's sender (sender_dpid is a placeholder)


class SandboxService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def _base(self, name: str) -> Profile:
        from stardust_tui.sandbox.identity import base_name

        return self.services.profiles.get(base_name(name))

    def target(self, name: str, *, profile: str, folder: Path | None = None) -> SandboxTarget:
        """Write the ``sandbox-<profile>`` profile and add (or keep) a local target on the sandbox's inbox."""
        from stardust_tui.atomic import write_text_atomic
        from stardust_tui.domain.identifiers import is_placeholder_dpid, is_valid_dpid
        from stardust_tui.privacy import make_private_dir
        from stardust_tui.sandbox.identity import PREFIX, SANDBOX_SENDER, ack_folder, inbox_dir, profile_toml

        self.services.authorize("target.admin")
        settings = self.services.settings
        base = self._base(profile)
        inbox = (folder or inbox_dir(settings.paths, base.name)).expanduser().resolve()
        make_private_dir(inbox)
        placeholder = base.sender is None and (is_placeholder_dpid(settings.sender_dpid)
                                               or not is_valid_dpid(settings.sender_dpid))
        make_private_dir(settings.paths.profiles_dir)
        profile_file = settings.paths.profiles_dir / f"{PREFIX}{base.name}.toml"
        write_text_atomic(profile_file, profile_toml(base, sender=SANDBOX_SENDER if placeholder else None))
        url = inbox.as_uri()
        created = True
        try:
            self.services.targets.add(name=name, url=url, profile=f"{PREFIX}{base.name}")
        except ConflictError:
            existing = self.services.targets.get(name)
            if existing.url != url or existing.profile != f"{PREFIX}{base.name}":
                raise ConflictError(f"a target named {name!r} exists with another URL or profile ({existing.url}, "
                                    f"{existing.profile}); choose another name") from None
            created = False
        return SandboxTarget(name, url, f"{PREFIX}{base.name}", base.name, inbox, ack_folder(base), profile_file,
                             created, placeholder)

    def inbox_url(self, profile: str, inbox: str | None = None) -> str:
        """The inbox to serve: ``inbox`` (a URL or folder) or the profile's local sandbox folder."""
        from stardust_tui.privacy import make_private_dir
        from stardust_tui.sandbox.identity import inbox_dir

        if inbox and "://" in inbox:
            return inbox
        if inbox:
            shown = inbox if len(inbox) <= 80 else f"{inbox[:60]}… ({len(inbox)} characters)"
            try:
                folder = Path(inbox).expanduser().resolve()
                if not folder.is_dir():
                    raise ValidationError("no such folder (an inbox is a folder or a URL)", where=shown)
            except OSError as exc:
                raise ValidationError(f"cannot use: {exc.strerror or exc}", where=shown) from None
            return folder.as_uri()
        folder = inbox_dir(self.services.settings.paths, profile)
        make_private_dir(folder)
        return folder.as_uri()

    def serve(self, profile: str, *, inbox: str | None = None, once: bool = False, interval: float = 5.0,
              key_file: str | None = None, known_hosts: str | None = None, host_key: str | None = None,
              trust_unknown_host: bool = False, secrets: dict[str, str] | None = None,
              on_result: Callable[[BatchResult], None] | None = None,
              stop: Callable[[], bool] | None = None) -> list[BatchResult]:
        """Act as the DSP of ``profile`` on the inbox until ``stop()`` (or one poll with ``once``); blocking."""
        from stardust_tui.delivery.registry import open_transport
        from stardust_tui.delivery.urls import parse_target_url
        from stardust_tui.sandbox.serve import SandboxDsp
        from stardust_tui.schemas.resolve import NO_SCHEMAS_HINT, schema_folder
        from stardust_tui.secrets import Secret

        self.services.authorize("target.test")
        prof = self.services.profiles.get(profile)
        schemas = schema_folder(self.services.settings)
        if schemas is None:
            raise ConfigError(f"the sandbox validates messages as a DSP does: {NO_SCHEMAS_HINT}")
        url = self.inbox_url(prof.name, inbox)
        spec = parse_target_url(url, key_file=key_file, known_hosts=known_hosts, host_key=host_key,
                                trust_unknown_host=trust_unknown_host or None)
        if spec.scheme in ("http", "https"):
            raise ValidationError("an inbox is a folder, SFTP, FTP(S), S3 or Azure URL", where="--inbox")
        key = hashlib.sha256(f"{url}|{prof.name}".encode()).hexdigest()[:16]
        state = self.services.settings.paths.data_dir / "sandbox" / "state" / f"{key}.json"
        transport = open_transport(spec, {k: Secret(v) for k, v in (secrets or {}).items()})
        results: list[BatchResult] = []

        def collect(result: BatchResult) -> None:
            results.append(result)
            if on_result is not None:
                on_result(result)

        async def main() -> None:
            async with transport:
                dsp = SandboxDsp(prof, transport, state_path=state, schema_dir=schemas, clock=self._clock())
                if once:
                    for result in await dsp.poll(settle=False):
                        collect(result)
                else:
                    await dsp.run(interval, stop or (lambda: False), collect)

        asyncio.run(main())
        return results

    def _clock(self) -> Any:
        from datetime import UTC

        return lambda: self.services.now().astimezone(UTC)
