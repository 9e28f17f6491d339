"""The asset store as the application sees it: add files (and attach them to tracks or as a cover),
show one with its facts, uses and QC verdict, list, and verify stored files.

The one implementation behind ``stardust asset …`` (and the HTTP API's uploads later). Files are stored
once by content (``assets.store.AssetStore``); attaching saves a release revision naming the actor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stardust_tui.errors import NotFoundError, StardustError, ValidationError
from stardust_tui.services.rows import stored_id
from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from stardust_tui.domain.models import Asset
    from stardust_tui.services import Services

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class AddedAsset:
    """One stored file: the row, whether those bytes were already stored, what it was attached to, its QC."""

    source: Path
    asset: Asset
    already_stored: bool
    attached: str | None = None
    findings: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class AssetDetail:
    asset: Asset
    path: Path
    used_by: list[str]
    findings: list[Any]
    wav_trailing_bytes: int | None = None
    file_problem: str | None = None
    """Why the stored file could not be read (missing, unreadable); the QC verdict then fails."""

    @property
    def passed(self) -> bool:
        return self.file_problem is None and not any(f.severity == "error" for f in self.findings)


@dataclass(frozen=True)
class AssetPage:
    total: int
    assets: list[Asset]


@dataclass(frozen=True)
class VerifyReport:
    """How many stored files were re-hashed, and those missing or changed (with where they should be)."""

    checked: int
    bad: list[tuple[Asset, Path]]


class AssetService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def _store(self) -> Any:
        from stardust_tui.assets.store import AssetStore

        return AssetStore(self.services.settings, self.services.store_engine)  # a folder or a bucket (issue 12)

    def add(self, paths: Sequence[Path], *, release: int | str | None = None, track: int | None = None,
            disc: int = 1, cover: int | str | None = None, resource: str | None = None,
            progress: Callable[[Path], Progress | None] | None = None,
            on_added: Callable[[AddedAsset], None] | None = None) -> list[AddedAsset]:
        """Store files (one transaction each); with ``release``+``track`` attach audio to that track and the
        next ones, with ``cover`` make the one image that release's cover. ``progress(path)`` may return a
        callback for that file's bytes; ``on_added`` hears of each file as soon as it is stored (a later
        file's error does not undo earlier ones). With ``release`` and ``resource`` ("KIND[:TYPE]", e.g.
        "Video", "Image:VideoScreenCapture", "Text:NonInteractiveBooklet") each file becomes a resource of the
        release (issue 18: videos, images of every type, booklets, MIDI...)."""
        from stardust_tui.domain.models import utcnow
        from stardust_tui.domain.qc import check_asset

        self.services.authorize("asset.write")
        if cover is not None and (release is not None or track is not None):
            raise ValidationError("use either --cover or --release/--track, not both", where="asset add")
        if resource is not None and (release is None or track is not None or cover is not None):
            raise ValidationError("--resource goes with --release (not with --track or --cover)", where="asset add")
        if resource is None and (release is None) != (track is None):
            raise ValidationError("--release and --track go together", where="asset add")
        if cover is not None and len(paths) != 1:
            raise ValidationError("--cover takes exactly one image", where="asset add")
        if release is not None or cover is not None:
            self.services.authorize("release.write")
        store = self._store()
        self.services.settings.paths.ensure()
        self._check_attach_target(release, track, disc, len(paths), cover)
        out = []
        for i, path in enumerate(paths):
            with session_scope(self.services.engine) as s:
                started = utcnow()
                a = store.add(s, path, progress=progress(path) if progress else None)
                known = a.created_at < started
                attached = None
                if resource is not None and release is not None:  # a resource without a release was refused
                    attached = self._attach_resource(s, a, release, resource)
                elif release is not None and track is not None:  # as was a release without a track
                    attached = self._attach_audio(s, a, release, disc, track + i)
                elif cover is not None:
                    attached = self._attach_cover(s, a, cover)
                findings = check_asset(a)
            out.append(AddedAsset(Path(path), a, known, attached, list(findings)))
            if on_added is not None:
                on_added(out[-1])
        return out

    def _check_attach_target(self, release: int | str | None, track: int | None, disc: int, count: int,
                             cover: int | str | None) -> None:
        """Refuse a missing release or track before any byte is stored (no orphan file in the store)."""
        from stardust_tui.store.releases import get_release

        ref = release if release is not None else cover
        if ref is None:
            return
        with session_scope(self.services.engine) as s:
            rel = get_release(s, ref)
            if track is None:
                return
            have = {(t.disc_number, t.track_number) for t in rel.tracks}
            missing = next((n for n in range(track, track + count) if (disc, n) not in have), None)
            if missing is not None:
                raise NotFoundError(f"release {rel.id} has no track {disc}-{missing}", where="asset add")

    def _attach_audio(self, s: Any, a: Asset, ref: int | str, disc: int, number: int) -> str:
        from stardust_tui.store.releases import get_release, save_release

        if a.kind != "audio":
            raise ValidationError(f"{a.original_name} is {a.kind}, not audio: cannot attach to a track",
                                  where="asset add")
        rel = get_release(s, ref)
        track = next((t for t in rel.tracks if t.disc_number == disc and t.track_number == number), None)
        if track is None:
            raise NotFoundError(f"release {rel.id} has no track {disc}-{number}", where="asset add")
        track.audio_asset_id = a.id
        track.audio = a
        if a.duration_seconds:
            track.duration_seconds = a.duration_seconds
        save_release(s, rel, actor=self.services.actor.name, action="attach-audio")
        return f"release {rel.id} track {disc}-{number} ({track.title})"

    def _attach_resource(self, s: Any, a: Asset, ref: int | str, resource: str) -> str:
        from stardust_tui.store.releases import get_release, load_release, save_release
        from stardust_tui.store.resources import add_resource

        kind, _, kind_type = resource.partition(":")
        rel = load_release(s, stored_id(get_release(s, ref)))
        row = add_resource(s, rel, kind=kind, asset=a, resource_type=kind_type or None,
                           duration_seconds=a.duration_seconds if a.kind in ("video", "audio", "midi") else None)
        save_release(s, rel, actor=self.services.actor.name, action="attach-resource")
        return f"release {rel.id} resource {row.key} ({row.kind} {row.resource_type})"

    def _attach_cover(self, s: Any, a: Asset, ref: int | str) -> str:
        from stardust_tui.store.releases import get_release, save_release

        if a.kind != "image":
            raise ValidationError(f"{a.original_name} is {a.kind}, not an image: cannot be a cover", where="asset add")
        rel = get_release(s, ref)
        rel.cover_asset_id = a.id
        rel.cover = a
        save_release(s, rel, actor=self.services.actor.name, action="attach-cover")
        return f"cover of release {rel.id} ({rel.title})"

    def show(self, ref: int | str, *, strict: bool = False) -> AssetDetail:
        """One asset (id, SHA-256 or a prefix of at least 6): facts, stored path, where it is used, QC verdict."""
        from sqlmodel import select

        from stardust_tui.assets.qc import ensure_analyses
        from stardust_tui.domain.models import Release, Track
        from stardust_tui.domain.qc import check_asset

        self.services.authorize("asset.read")
        store = self._store()
        with session_scope(self.services.engine) as s:
            a = store.get(s, ref)
            used = [f"release {t.release_id} track {t.disc_number}-{t.track_number}"
                    for t in s.exec(select(Track).where(Track.audio_asset_id == a.id)).all()]
            used += [f"release {r.id} cover" for r in s.exec(select(Release).where(Release.cover_asset_id == a.id))]
            analysis = ensure_analyses(s, [a], store.path_for).get(a.id or -1)  # decodes the file once
        try:
            extra, problem = store.facts(a), None
        except StardustError as exc:
            extra, problem = {}, str(exc)
        findings = check_asset(a, strict=strict, facts=extra, analysis=analysis)
        return AssetDetail(a, store.path_for(a), used, list(findings), extra.get("wav_trailing_bytes"), problem)

    def locate(self, ref: int | str) -> tuple[Asset, Path]:
        """An asset's row and its stored file (for a download; nothing is decoded or hashed)."""
        self.services.authorize("asset.read")
        store = self._store()
        with session_scope(self.services.engine) as s:
            a = store.get(s, ref)
        path = store.path_for(a)
        if not path.is_file():
            raise StardustError(f"the stored file of asset {a.id} is missing (stardust asset verify)", where=str(path))
        return a, path

    def list(self, *, kind: str | None = None, limit: int = 50, offset: int = 0) -> AssetPage:
        """Stored assets, newest first."""
        from sqlalchemy import func
        from sqlmodel import col, select

        from stardust_tui.domain.models import Asset

        self.services.authorize("asset.read")
        stmt = select(Asset).order_by(col(Asset.id).desc())
        count = select(func.count()).select_from(Asset)
        if kind:
            stmt, count = stmt.where(Asset.kind == kind), count.where(Asset.kind == kind)
        with session_scope(self.services.engine) as s:
            return AssetPage(total=s.exec(count).one(), assets=list(s.exec(stmt.offset(offset).limit(limit)).all()))

    def verify(self, refs: Sequence[int | str] = ()) -> VerifyReport:
        """Re-hash stored files (all, or ``refs``): the ones missing or changed on disk."""
        from sqlmodel import select

        from stardust_tui.domain.models import Asset

        self.services.authorize("asset.read")
        store = self._store()
        with session_scope(self.services.engine) as s:
            ids = [store.get(s, r).id for r in refs] if refs else list(s.exec(select(Asset.id)).all())
        bad, checked = [], 0
        for asset_id in ids:
            with session_scope(self.services.engine) as s:
                a = s.get(Asset, asset_id)
            checked += 1
            if a is not None and not store.verify(a):
                bad.append((a, store.path_for(a)))
        return VerifyReport(checked, bad)
