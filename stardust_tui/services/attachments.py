"""Attaching a file to a track (audio) or a release (cover) from the editors, checked before it replaces
anything.

A file of the wrong kind (a WAV typed as the cover, a JPEG as audio) is refused before it is stored. A
file that fails QC does not replace an attachment that passes it: it is stored (content-addressed, so
nothing is lost) but the good file stays attached and the result says why. With nothing attached yet, a
failing file is attached and its QC verdict shown (readiness then blocks the delivery).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stardust_tui.errors import NotFoundError, ValidationError
from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from stardust_tui.services import Services


@dataclass(frozen=True)
class Attached:
    """What attaching did: ``attached`` False means the current file (``kept``) stayed, for ``reason``."""

    attached: bool
    name: str
    asset: Any = None
    findings: list[Any] = field(default_factory=list)
    reason: str = ""
    kept: str = ""


def _errors(findings: list[Any]) -> list[Any]:
    return [f for f in findings if getattr(f, "severity", "error") == "error"]


def _kind_of(path: Path) -> str:
    from stardust_tui.assets.facts import read_facts

    return str(read_facts(path).get("kind") or "other")


def _source(path: str) -> Path:
    source = Path(path).expanduser()
    if not source.is_file():
        raise NotFoundError("no such file", where=str(source))
    return source


def attach_audio(services: Services, release_id: int, track_id: int, path: str) -> Attached:
    """Attach an audio file to one track (see the module docstring for when it is refused)."""
    from stardust_tui.domain.qc import check_audio

    def current_of(release: Any) -> Any:
        return _track(release, track_id).audio

    def link(release: Any, asset: Any) -> None:
        track = _track(release, track_id)
        track.audio_asset_id = asset.id
        if asset.duration_seconds:
            track.duration_seconds = asset.duration_seconds

    return _attach(services, release_id, path, "audio", "an audio file", check_audio, current_of, link)


def attach_cover(services: Services, release_id: int, path: str) -> Attached:
    """Set a release's cover image (see the module docstring for when it is refused)."""
    from stardust_tui.domain.qc import check_artwork

    def link(release: Any, asset: Any) -> None:
        release.cover_asset_id = asset.id

    return _attach(services, release_id, path, "image", "an image", check_artwork, lambda r: r.cover, link)


def _attach(services: Services, release_id: int, path: str, kind: str, kind_text: str, check: Any,
            current_of: Any, link: Any) -> Attached:
    from stardust_tui.assets.store import AssetStore
    from stardust_tui.store.releases import load_release, save_release

    services.authorize("release.write")
    source = _source(path)
    found = _kind_of(source)
    if found != kind:
        raise ValidationError(f"{source.name} is not {kind_text} ({found})", where=str(source))
    with session_scope(services.engine) as session:
        release = load_release(session, release_id)
        current = current_of(release)
        asset = AssetStore(services.settings.paths).add(session, source)
        findings = list(check(asset))
        if current is not None and current.id == asset.id:
            return Attached(True, source.name, asset, findings)
        if _errors(findings) and current is not None and not _errors(list(check(current))):
            why = "; ".join(f.message for f in _errors(findings))
            return Attached(False, source.name, asset, findings, reason=f"{source.name} fails QC: {why}",
                            kept=current.original_name)
        link(release, asset)
        save_release(session, release, actor=services.actor.name)
        return Attached(True, source.name, asset, findings)


def _track(release: Any, track_id: int) -> Any:
    for track in release.tracks:
        if track.id == track_id:
            return track
    raise NotFoundError(f"no track {track_id} on release {release.id}")
