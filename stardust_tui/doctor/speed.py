"""Speed checks: ERN build + XSD validation and catalog search, measured on this store and compared with the
README's figures (:mod:`.figures`): within :data:`~.figures.SLOW` times a figure passes, up to
:data:`~.figures.TOO_SLOW` times warns, beyond fails."""

from __future__ import annotations

import statistics
import time
from typing import TYPE_CHECKING

from stardust_tui.doctor import figures as F
from stardust_tui.doctor.model import Check, failed, passed, skipped, warned

if TYPE_CHECKING:
    from stardust_tui.services import Services

BUILDS = 15
SEARCH_ROUNDS = 12
"""Each search query is timed this many times (enough samples for a p95 that is not just the slowest)."""
CANDIDATES = 50
"""The ERN check builds the release with the most tracks among this many newest ones (the figure is an album's)."""


def _judge(name: str, measured: float, figure: float, text: str) -> Check:
    ratio = measured / figure if figure else 0.0
    what = f"{text}: {measured:.1f} ms ({ratio:.1f}x the README's {figure:g} ms)"
    if ratio <= F.SLOW:
        return passed("speed", name, what)
    fix = "see what else runs on this machine (top); on PostgreSQL check autovacuum; stardust release reindex"
    return (warned if ratio <= F.TOO_SLOW else failed)("speed", name, what, fix)


def ern(services: Services) -> list[Check]:
    """Build and validate the ERN 4.3 message of the largest of the newest releases ``BUILDS`` times (after one
    warm-up that compiles the XSD); median thread CPU time. A release with more tracks than the figure's album is
    scaled down to it; a smaller one is compared as it is (it should be no slower than the album)."""
    from sqlmodel import col, func, select

    from stardust_tui.domain.models import Release, Track
    from stardust_tui.ern.common import Party
    from stardust_tui.ern.registry import build_message
    from stardust_tui.ern.validate import validate_bytes
    from stardust_tui.schemas.resolve import schema_folder
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.releases import load_release

    folder = schema_folder(services.settings)
    with session_scope(services.engine) as s:
        newest = select(Release.id).order_by(col(Release.id).desc()).limit(CANDIDATES).subquery()
        rid = s.exec(select(Track.release_id, func.count()).where(col(Track.release_id).in_(select(newest.c.id)))
                     .group_by(col(Track.release_id)).order_by(func.count().desc(), col(Track.release_id).desc())
                     .limit(1)).first()
        if rid is None:
            return [skipped("speed", "ern", "no release with tracks: nothing to build")]
        assert rid[0] is not None  # track.release_id is NOT NULL
        release = load_release(s, rid[0])
    party = Party(services.settings.sender_dpid, services.settings.sender_name)
    samples = []
    for i in range(BUILDS + 1):
        t0 = time.thread_time()
        data = build_message(release, "4.3", "new", message_id=f"doctor-{i}", timestamp=services.now(),
                             sender=party, recipients=[party])
        validate_bytes(data, schema_dir=folder)
        if i:
            samples.append((time.thread_time() - t0) * 1000)
    tracks = max(1, len(release.tracks))
    per_reference = statistics.median(samples) * F.ERN_REFERENCE_TRACKS / max(tracks, F.ERN_REFERENCE_TRACKS)
    xsd = "build + XSD validation" if folder is not None else "build + rules (no schemas: XSD not timed)"
    scaled = f", scaled to {F.ERN_REFERENCE_TRACKS}" if tracks > F.ERN_REFERENCE_TRACKS else ""
    return [_judge("ern", per_reference, F.ERN_BUILD_VALIDATE_MS,
                   f"ERN 4.3 {xsd} of release {release.id} ({tracks} track(s){scaled}), median CPU")]


def _queries(services: Services) -> list[str]:
    """Searches a user types: a word of the newest release's title, its first three letters, its UPC, the
    first track's ISRC, and a word no release has."""
    from sqlmodel import col, select

    from stardust_tui.domain.models import Release
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.releases import load_release

    with session_scope(services.engine) as s:
        rid = s.exec(select(Release.id).order_by(col(Release.id).desc()).limit(1)).first()
        if rid is None:
            return []
        release = load_release(s, rid)
    words = [w for w in (release.title or "").split() if len(w) >= 3] or ["the"]
    out = [words[0], words[0][:3], "zzqxv"]
    out += [release.upc] if release.upc else []
    out += [release.tracks[0].isrc] if release.tracks and release.tracks[0].isrc else []
    return out


def search(services: Services) -> list[Check]:
    """Searches as a user types them (:func:`_queries`), each a few times; p95 wall time of the page query."""
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.releases import list_releases

    queries = _queries(services)
    if not queries:
        return [skipped("speed", "search", "the catalog is empty: nothing to search")]
    samples = []
    with session_scope(services.engine) as s:
        for q in queries:  # warm the cache and the plans
            list_releases(s, search=q, limit=50)
        for _ in range(SEARCH_ROUNDS):
            for q in queries:
                t0 = time.perf_counter()
                list_releases(s, search=q, limit=50)
                samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    return [_judge("search", p95, F.SEARCH_P95_MS, f"catalog search ({len(samples)} queries: words, a prefix, a UPC, "
                   f"an ISRC), median {statistics.median(samples):.1f} ms, p95")]
