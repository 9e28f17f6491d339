"""Duplicate detection, each check an indexed lookup (never a catalog scan).

- A UPC belongs to one release: :func:`check_upc` raises :class:`ConflictError`.
- An ISRC belongs to one recording. The same recording on another release (a compilation, a deluxe
  edition) is allowed and reported as reuse; it is the same recording when the audio bytes are the same
  (sha256), or, when either side has no audio, the same title + artist + duration (±2 s). A different
  recording with that ISRC, or the same ISRC twice on one release, is an error.
- The same audio bytes on two tracks with different ISRCs is flagged (warning).
- Another release with the same normalized title + artist (``Release.norm_key``) is a near-duplicate
  (warning).
"""

from __future__ import annotations

import re
import unicodedata

from sqlmodel import Session, col, select

from stardust_tui.domain.models import Release, Track
from stardust_tui.domain.rules import Finding
from stardust_tui.errors import ConflictError

DURATION_TOLERANCE_S = 2.0
_FEAT_RE = re.compile(r"\s*[\(\[]?\b(feat\.?|ft\.?|featuring)\b.*$", re.I)


def normalize_text(value: str | None) -> str:
    """Lower case, no diacritics, no punctuation, single spaces."""
    if not value:
        return ""
    folded = "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c)).lower()
    folded = folded.replace("&", " and ")
    return " ".join(re.sub(r"[^\w\s]", " ", folded).split())


NORM_PART = 250
"""Characters of the normalized title and of the artist the key keeps. Normalizing can grow a text (NFKD turns
'ﷺ' into 18 characters, '&' becomes ' and '), and a PostgreSQL b-tree entry holds at most 2704 bytes: two
parts of 250 characters (at most 4 bytes each) always fit the column and its index."""


def norm_key(title: str | None, artist: str | None) -> str:
    """Normalized ``title|artist`` (featured artists dropped) used to spot near-duplicate releases."""
    title_key = normalize_text(_FEAT_RE.sub("", title or ""))[:NORM_PART].rstrip()
    artist_key = normalize_text(_FEAT_RE.sub("", artist or ""))[:NORM_PART].rstrip()
    return f"{title_key}|{artist_key}"


def upc_candidates(upc: str) -> list[str]:
    """The stored forms one GTIN may have: UPC-A ``012345678905`` is EAN-13 ``0012345678905``."""
    forms = {upc, upc.zfill(13)}
    if len(upc) == 13 and upc.startswith("0"):
        forms.add(upc[1:])
    return sorted(forms)


def check_upc(session: Session, upc: str | None, release_id: int | None) -> None:
    """Raise ConflictError when another release already has this UPC (in either GTIN form)."""
    if not upc:
        return
    with session.no_autoflush:
        others = session.exec(
            select(Release.id, Release.title).where(col(Release.upc).in_(upc_candidates(upc))).limit(2)
        ).all()
    for other_id, other_title in others:
        if other_id != release_id:
            raise ConflictError(f"UPC {upc} already belongs to release {other_id} ({other_title!r})")


def _same_recording(a: Track, b: Track) -> bool:
    if a.audio is not None and b.audio is not None:
        return a.audio.sha256 == b.audio.sha256
    same_text = (normalize_text(a.title) == normalize_text(b.title)
                 and normalize_text(a.display_artist) == normalize_text(b.display_artist))
    if not same_text:
        return False
    if a.duration_seconds is None or b.duration_seconds is None:
        return True
    return abs(a.duration_seconds - b.duration_seconds) <= DURATION_TOLERANCE_S


def check_isrcs(session: Session, release: Release) -> list[Finding]:
    """Raise ConflictError for an ISRC used by a different recording; return reuse findings."""
    findings: list[Finding] = []
    seen: dict[str, Track] = {}
    for t in release.tracks:
        if not t.isrc:
            continue
        where = f"track {t.disc_number}-{t.track_number}"
        if t.isrc in seen:
            first = seen[t.isrc]
            raise ConflictError(
                f"ISRC {t.isrc} is on two tracks of this release "
                f"({first.disc_number}-{first.track_number} and {t.disc_number}-{t.track_number})",
                where=f"release {release.id}")
        seen[t.isrc] = t
        with session.no_autoflush:
            others = session.exec(
                select(Track).where(Track.isrc == t.isrc, Track.release_id != release.id).limit(20)
            ).all()
        for other in others:
            if not _same_recording(t, other):
                raise ConflictError(
                    f"ISRC {t.isrc} already identifies a different recording "
                    f"({other.title!r} by {other.display_artist!r} on release {other.release_id})",
                    where=where)
            findings.append(Finding("isrc-reused", f"tracks[{t.disc_number}-{t.track_number}].isrc",
                                    f"ISRC {t.isrc} is the same recording as on release {other.release_id}",
                                    "info"))
    return findings


def find_duplicates(session: Session, release: Release) -> list[Finding]:
    """Warnings and reuse notes for a stored release (same audio, near-duplicate title, ISRC reuse)."""
    findings: list[Finding] = []
    try:
        findings.extend(check_isrcs(session, release))
    except ConflictError as exc:
        findings.append(Finding("isrc-conflict", "tracks.isrc", str(exc), "error"))
    by_audio: dict[int, Track] = {}
    for t in release.tracks:
        if t.audio_asset_id is None:
            continue
        where = f"tracks[{t.disc_number}-{t.track_number}].audio"
        if t.audio_asset_id in by_audio and by_audio[t.audio_asset_id].isrc != t.isrc:
            first = by_audio[t.audio_asset_id]
            findings.append(Finding("same-audio", where,
                                    f"same audio as track {first.disc_number}-{first.track_number} "
                                    "but a different ISRC", "warning"))
        by_audio.setdefault(t.audio_asset_id, t)
        with session.no_autoflush:
            others = session.exec(
                select(Track.release_id, Track.isrc, Track.title).where(
                    Track.audio_asset_id == t.audio_asset_id, Track.release_id != release.id).limit(5)
            ).all()
        for rid, isrc, title in others:
            if isrc != t.isrc:
                findings.append(Finding("same-audio", where,
                                        f"same audio bytes as {title!r} on release {rid} (ISRC {isrc}) "
                                        f"but a different ISRC ({t.isrc})", "warning"))
    if release.norm_key and release.norm_key != "|":
        with session.no_autoflush:
            near = session.exec(
                select(Release.id, Release.title, Release.upc).where(
                    Release.norm_key == release.norm_key, Release.id != release.id).limit(5)
            ).all()
        for near_id, near_title, upc in near:
            findings.append(Finding("near-duplicate", "title",
                                    f"release {near_id} ({near_title!r}, UPC {upc or 'none'}) has the same title and "
                                    "artist",
                                    "warning"))
    return findings
