"""The demo catalog: four releases with real audio and artwork, built through the catalog store services.

:func:`build_demo` is idempotent: a release whose UPC already exists is left alone, media files are
generated only for releases being created, and everything happens in one transaction (all or nothing).
Releases go through ``create_release``/``save_release``/``set_status``, so revisions, audit entries and the
search index are filled exactly as for a user's own releases.
"""

from __future__ import annotations

import tempfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from stardust_tui.assets.store import AssetStore
from stardust_tui.demo.catalog import ARTISTS, LABELS, RELEASES
from stardust_tui.demo.media import write_cover, write_tone
from stardust_tui.domain.models import Asset, Credit, Deal, Party, Release, Track, TrackArtist
from stardust_tui.paths import Paths
from stardust_tui.store.db import session_scope
from stardust_tui.store.parties import get_or_create_party
from stardust_tui.store.releases import create_release, save_release, set_status


@dataclass
class DemoSummary:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def build_demo(engine: Engine, paths: Paths, *, actor: str = "demo") -> DemoSummary:
    """Create whatever part of the demo catalog is missing; return what was created and the totals."""
    store = AssetStore(paths.ensure())
    summary = DemoSummary()
    with session_scope(engine) as s, tempfile.TemporaryDirectory(prefix="stardust-demo-") as tmp:
        for spec in RELEASES:
            if s.exec(select(Release.id).where(Release.upc == spec["upc"])).first() is not None:
                summary.kept.append(spec["title"])
                continue
            _create(s, store, Path(tmp), spec, actor)
            summary.created.append(spec["title"])
        summary.counts = _counts(s)
    return summary


def _create(s: Session, store: AssetStore, tmp: Path, spec: dict[str, Any], actor: str) -> Release:
    for name, ids in LABELS.items():
        get_or_create_party(s, name, "label", **ids)
    for name, ids in ARTISTS.items():
        get_or_create_party(s, name, "artist", **ids)
    fields = {k: v for k, v in spec.items() if k in Release.model_fields and k not in ("status",)}
    release = create_release(
        s, actor=actor, label=spec["label"], artists=spec["artists"],
        display_artist=" & ".join(spec["artists"]) + (f" feat. {spec['featured']}" if spec.get("featured") else ""),
        tracks=[dict(t) for t in spec["tracks"]], **fields,
    )
    audio = spec["audio"]
    for t in release.tracks:
        ext = "flac" if audio["fmt"] == "FLAC" else "wav"
        seed = zlib.crc32(f"{t.isrc}".encode())  # distinct audio bytes per recording
        src = write_tone(tmp / f"{t.isrc}.{ext}", seed=seed, seconds=2.0 + (seed % 3) * 0.5, rate=audio["rate"],
                         bit_depth=audio["bit_depth"], fmt=audio["fmt"])
        asset = store.add(s, src)
        t.audio_asset_id, t.audio, t.duration_seconds = asset.id, asset, asset.duration_seconds
        if spec.get("featured"):
            t.artists.append(TrackArtist(party=get_or_create_party(s, spec["featured"]), role="FeaturedArtist",
                                         sequence=2))
        for seq, (name, role) in enumerate(spec["track_credits"], start=1):
            t.credits.append(Credit(release_id=release.id, party=get_or_create_party(s, name, "contributor"),
                                    role=role, sequence=seq))
    for seq, (name, role) in enumerate(spec["credits"], start=1):
        release.credits.append(Credit(party=get_or_create_party(s, name, "contributor"), role=role, sequence=seq))
    start = datetime.combine(spec["release_date"], datetime.min.time(), tzinfo=UTC)
    for d in spec["deals"]:
        release.deals.append(Deal(start=start, **d))
    cover_src = write_cover(tmp / f"{spec['upc']}.jpg", title=spec["title"], artist=" & ".join(spec["artists"]),
                            hue=spec["hue"])
    cover = store.add(s, cover_src)
    release.cover_asset_id, release.cover = cover.id, cover
    save_release(s, release, actor=actor, action="demo-media")
    if spec["status"] != "draft":
        set_status(s, release, spec["status"], actor=actor)
    return release


def _counts(s: Session) -> dict[str, int]:
    def n(model: Any) -> int:
        return int(s.exec(select(func.count()).select_from(model)).one())

    return {"releases": n(Release), "tracks": n(Track), "parties": n(Party), "deals": n(Deal),
            "assets": n(Asset), "credits": n(Credit)}
