"""Deterministic catalog releases for ERN tests, golden files and the benchmark.

``add_sample_release`` writes a complete release (label, artists, contributors, tracks with audio
assets, cover, deals) through the catalog store, with valid identifiers derived from ``seed``, so
golden files stay byte-identical run after run. Audio/image asset rows can point at real files
(``asset_files``) when a test needs a package folder whose MD5s match the message.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import Session

from stardust_tui.domain.identifiers import gtin_check_digit
from stardust_tui.domain.models import Asset, Credit, Release, TrackArtist
from stardust_tui.store.parties import get_or_create_party
from stardust_tui.store.releases import create_release, save_release


def sample_upc(seed: int) -> str:
    body = f"19{seed:010d}"[-11:]
    return body + str(gtin_check_digit(body))


def sample_isrc(seed: int, n: int) -> str:
    return f"GBXYZ{24:02d}{(seed * 100 + n) % 100000:05d}"


def _asset(session: Session, name: str, payload: bytes, **facts: object) -> Asset:
    sha = hashlib.sha256(payload).hexdigest()
    asset = Asset(sha256=sha, md5=hashlib.md5(payload).hexdigest(), size=len(payload), original_name=name,  # noqa: S324
                  **facts)  # type: ignore[arg-type]
    session.add(asset)
    return asset


def sample_payload(seed: int, kind: str, n: int = 0) -> bytes:
    """The bytes of a sample asset (small and distinct, so MD5s differ per file)."""
    return f"stardust sample {kind} {seed} {n}\n".encode() * 8


def add_sample_release(session: Session, *, seed: int = 1, tracks: int = 12, release_type: str = "album",
                       discs: int = 1, explicit_track: int | None = 2, actor: str = "test") -> Release:
    """Create and save a complete release; returns it (flushed, with ids)."""
    label = get_or_create_party(session, "Nebula Records", "label")
    artist = get_or_create_party(session, "The Stardust Ensemble", "artist", isni="0000000121032683")
    guest = get_or_create_party(session, "Luna Vega", "artist")
    composer = get_or_create_party(session, "Ada Composer", "contributor")
    producer = get_or_create_party(session, "Max Producer", "contributor")
    upc = sample_upc(seed)
    title = "Night Signals" if release_type != "single" else "First Light"
    track_rows = []
    per_disc = max(1, -(-tracks // discs))
    for n in range(1, tracks + 1):
        disc, number = (n - 1) // per_disc + 1, (n - 1) % per_disc + 1
        track_title = title if release_type == "single" and n == 1 else f"Signal {n}"
        audio = _asset(session, f"master_{n:02d}.flac", sample_payload(seed, "audio", n), kind="audio",
                       container="FLAC", codec="FLAC", sample_rate=44100, bit_depth=24, channels=2,
                       duration_seconds=180.0 + n * 7.25)
        track_rows.append(dict(
            disc_number=disc, track_number=number, isrc=sample_isrc(seed, n), title=track_title,
            version="Radio Edit" if n == 3 else None, display_artist="The Stardust Ensemble",
            duration_seconds=180.0 + n * 7.25, explicit=(n == explicit_track), p_line_year=2024,
            p_line="Nebula Records", language="en", genre="Electronic",
            preview_start_seconds=30.0 if n == 1 else None, audio=audio,
        ))
    cover = _asset(session, "cover.jpg", sample_payload(seed, "image"), kind="image", container="JPEG",
                   codec="JPEG", width=3000, height=3000, color_mode="RGB")
    release = create_release(
        session, actor=actor, title=title, upc=upc, catalog_number=f"NEB{seed:04d}", label=label,
        artists=["The Stardust Ensemble"], release_type=release_type, genre="Electronic", subgenre="Synthwave",
        p_line_year=2024, p_line="Nebula Records", c_line_year=2024, c_line="Nebula Records",
        release_date=date(2025, 3, 14), original_release_date=date(2025, 3, 14),
        parental_advisory="explicit" if explicit_track else "not-explicit", language="en",
        tracks=track_rows,
        deals=[
            dict(territories=["Worldwide"], commercial_models=["SubscriptionModel", "AdvertisementSupportedModel"],
                 use_types=["OnDemandStream", "NonInteractiveStream"], start=datetime(2025, 3, 14, tzinfo=UTC)),
            dict(territories=["US", "CA", "GB"], commercial_models=["PayAsYouGoModel"],
                 use_types=["PermanentDownload"], start=datetime(2025, 3, 14, tzinfo=UTC),
                 end=datetime(2030, 1, 1, tzinfo=UTC), price_tier="FRONT"),
        ],
    )
    release.cover = cover
    first = release.tracks[0]
    first.artists = [TrackArtist(party=artist, role="MainArtist", sequence=1),
                     TrackArtist(party=guest, role="FeaturedArtist", sequence=2)]
    for t in release.tracks:
        t.credits = [Credit(release_id=release.id, party_id=composer.id, party=composer, role="Composer", sequence=1),
                     Credit(release_id=release.id, party_id=producer.id, party=producer, role="Producer", sequence=2)]
    save_release(session, release, actor=actor)
    return release


def sample_files(release: Release, folder: Path, resource_dir: str = "resources/") -> None:
    """Write the delivered files of a sample release into ``folder`` (names as the message states them)."""
    from stardust_tui.ern.release_view import view_from_release

    view = view_from_release(release, resource_dir=resource_dir)
    seed_files = {rec.file.name: sample_payload(_seed_of(release), "audio", i)
                  for i, rec in enumerate(view.recordings, start=1) if rec.file}
    if view.image and view.image.file:
        seed_files[view.image.file.name] = sample_payload(_seed_of(release), "image")
    for name, payload in seed_files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(payload)


def _seed_of(release: Release) -> int:
    return int((release.catalog_number or "NEB0001")[3:])
