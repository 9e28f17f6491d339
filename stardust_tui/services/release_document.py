"""A release as one plain document (``stardust release show --json``, ``GET /releases/{id}``): its snapshot
plus id, revision, content hash, and the cover's and each track's audio asset facts.

Read in one read transaction through :func:`stardust_tui.store.release_view.load_release_view` (six Core
statements, no ORM objects: ~0.3 ms where the ORM's eager load took ~4 ms, issue 11), so the revision (the
ETag) and the content always come from the same snapshot of the store. Nothing is cached: every call reads
the store, so a renamed party, a replaced asset or a new deal shows at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stardust_tui.domain.limits import ID

if TYPE_CHECKING:
    from stardust_tui.services import Services

ASSET_KEYS = ("id", "sha256", "size", "kind", "original_name", "container", "codec", "sample_rate", "bit_depth",
              "channels", "duration_seconds", "width", "height", "color_mode")


def asset_data(a: Any) -> dict[str, Any] | None:
    """The facts of an asset a document shows (None for none)."""
    return None if a is None else {k: getattr(a, k) for k in ASSET_KEYS}


def release_document(services: Services, ref: int | str) -> dict[str, Any]:
    """Everything about the release ``ref`` (an id, a UPC/EAN or a GRid) as plain data."""
    from stardust_tui.errors import NotFoundError
    from stardust_tui.store.db import read_tx
    from stardust_tui.store.release_view import load_release_view
    from stardust_tui.store.releases import plain_release_id
    from stardust_tui.store.revisions import hash_snapshot, snapshot_release

    services.authorize("release.read")
    engine = services.engine
    release_id = plain_release_id(ref)
    if release_id is None:  # a UPC or GRid: the ORM lookup (label scope applies to it too)
        from stardust_tui.store.db import session_scope
        from stardust_tui.store.releases import get_release

        with session_scope(engine) as s:
            release_id = int(get_release(s, ref).id)  # type: ignore[arg-type]
    elif not ID.lo <= release_id <= ID.hi:
        raise NotFoundError(f"no release with id {release_id}")
    with read_tx(engine) as conn:
        rel = load_release_view(conn, release_id)
    snap = snapshot_release(rel)  # type: ignore[arg-type]
    data = {"id": rel.id, "revision": rel.revision, "content_hash": hash_snapshot(snap), **snap}
    data["cover"] = asset_data(rel.cover)
    for t, out in zip(rel.tracks, data["tracks"], strict=True):  # both in disc/track order
        out["id"] = t.id
        out["audio"] = asset_data(t.audio)
    return data
