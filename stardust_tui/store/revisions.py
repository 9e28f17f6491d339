"""Release revisions and the audit log: deterministic JSON snapshots, content hashes, field-level diffs.

Every ``save_release`` stores a :class:`ReleaseRevision` (the full snapshot) and an :class:`AuditEntry`
whose ``before``/``after`` hold only the fields that changed. The snapshot is canonical: ids of child
rows and timestamps are left out, lists are in display order, dates are ISO strings, so two saves of
the same content give the same :func:`content_hash` (used for delivery idempotency keys).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from stardust_tui.domain.models import AuditEntry, Release, ReleaseRevision, Track
from stardust_tui.errors import NotFoundError
from stardust_tui.store import audit_chain  # noqa: F401 - registers the hash chain's commit hook (issue 15)

# Fields left out of the content hash: they change without the delivered content changing.
HASH_EXCLUDED = ("status",)
_NUMBERED = ("tracks", "deals")  # summaries name these per item; other lists (artists, credits) as a whole
_NOTE_RE = re.compile(r"^revision (\d+) (\S+): (.*)$", re.S)


def _value(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return v.isoformat()
    return v


def _party(link: Any) -> dict[str, Any]:
    p = link.party
    return {"isni": p.isni, "name": p.name, "role": link.role} if p else \
        {"isni": None, "name": None, "role": link.role}


def _credit(c: Any) -> dict[str, Any]:
    p = c.party
    return {"instrument": c.instrument, "isni": p.isni if p else None, "name": p.name if p else None,
            "role": c.role}


_TRACK_PARTS = ("details", "key", "parental_advisory", "resource_type")


def _track(t: Track) -> dict[str, Any]:
    audio = t.audio
    snap = {
        "artists": [_party(a) for a in t.artists], "audio_sha256": audio.sha256 if audio else None,
        "credits": [_credit(c) for c in t.credits] if t.credits else [], "disc_number": t.disc_number,
        "display_artist": t.display_artist, "duration_seconds": t.duration_seconds, "explicit": t.explicit,
        "genre": t.genre, "isrc": t.isrc, "language": t.language, "p_line": t.p_line, "p_line_year": t.p_line_year,
        "preview_start_seconds": t.preview_start_seconds, "title": t.title, "track_number": t.track_number,
        "version": t.version,
    }
    # the parts are usually all unset: test them in place (a bulk import snapshots 100,000 tracks a run)
    for k in _TRACK_PARTS:
        v = getattr(t, k, None)
        if v is not None and v != {} and v != []:
            return _with_parts(snap, {k: getattr(t, k, None) for k in _TRACK_PARTS})
    return snap


def _with_parts(snap: dict[str, Any], parts: dict[str, Any]) -> dict[str, Any]:
    """Issue 18's parts (DDEX types, GRid, details...) only when set, so a release made in the catalog has
    the snapshot (and content hash) it always had; keys stay sorted."""
    parts = {k: v for k, v in parts.items() if v is not None and v != {} and v != []}
    return dict(sorted({**snap, **parts}.items())) if parts else snap


def _resource(r: Any) -> dict[str, Any]:
    keys = ("c_line", "c_line_year", "details", "display_artist", "duration_seconds", "genre", "isrc", "key", "kind",
            "language", "p_line", "p_line_year", "parental_advisory", "position", "resource_type", "title", "version")
    snap = {k: getattr(r, k) for k in keys}
    snap["asset_sha256"] = r.asset.sha256 if r.asset else None
    return dict(sorted(snap.items()))


def _deal(d: Any) -> dict[str, Any]:
    snap = {
        "applies_to_tracks": d.applies_to_tracks, "commercial_models": list(d.commercial_models or []),
        "end": _value(d.end), "excluded_territories": list(d.excluded_territories or []),
        "price_tier": d.price_tier, "start": _value(d.start), "territories": list(d.territories or []),
        "use_types": list(d.use_types or []),
    }
    scope = getattr(d, "track_scope", None)
    return _with_parts(snap, {"applies_to_release": None if getattr(d, "applies_to_release", True) else False,
                              "details": getattr(d, "details", None),
                              "track_scope": list(scope) if scope is not None else None,
                              # issue 20's pre-orders, also only when set
                              "is_preorder": True if d.is_preorder else None,
                              "instant_gratification": list(d.instant_gratification or []) or None})


def _track_position(t: Any) -> tuple[int, int]:
    return (t.disc_number, t.track_number)


def snapshot_release(release: Release) -> dict[str, Any]:
    """A canonical JSON-able dict of the release with its tracks, artists, credits, deals and asset hashes.

    Works on ORM releases and on objects shaped like them (the bulk import's light views). Every dict is
    built with its keys in sorted order, so ``snapshot_json_and_hash(snap, presorted=True)`` serialises it
    canonically without sorting (a test compares both): keep the order when adding a key.
    """
    snap = {
        "artists": [_party(a) for a in release.artists], "c_line": release.c_line,
        "c_line_year": release.c_line_year, "catalog_number": release.catalog_number,
        "cover_sha256": release.cover.sha256 if release.cover else None,
        "credits": [_credit(c) for c in release.credits if c.track_id is None],
        "deals": [_deal(d) for d in release.deals],
        "display_artist": release.display_artist, "genre": release.genre,
        "label": release.label.name if release.label else None, "language": release.language,
        "original_release_date": _value(release.original_release_date), "p_line": release.p_line,
        "p_line_year": release.p_line_year, "parental_advisory": release.parental_advisory,
        "release_date": _value(release.release_date), "release_type": release.release_type, "status": release.status,
        "subgenre": release.subgenre, "title": release.title,
        "tracks": [_track(t) for t in sorted(release.tracks, key=_track_position)],
        "upc": release.upc, "version": release.version,
    }
    resources = getattr(release, "resources", None) or []
    return _with_parts(snap, {
        "details": getattr(release, "details", None), "grid": getattr(release, "grid", None),
        "is_compilation": True if getattr(release, "is_compilation", False) else None,
        "resources": [_resource(r) for r in sorted(resources, key=lambda r: (r.position, r.key))]})


# Made once: json.dumps with arguments builds a new encoder on every call (a bulk import makes 30,000 calls
# per 10,000 releases). Encoders keep no state between calls, so sharing them between threads is safe.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode
_PRESORTED = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=str).encode


def canonical_json(data: Any) -> str:
    return _CANONICAL(data)


def _presorted_json(data: Any) -> str:
    return _PRESORTED(data)


def hash_snapshot(snap: dict[str, Any]) -> str:
    content = {k: v for k, v in snap.items() if k not in HASH_EXCLUDED}
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def snapshot_json_and_hash(snap: dict[str, Any], *, presorted: bool = False) -> tuple[str, str]:
    """``(canonical_json(snap), hash_snapshot(snap))`` with one serialisation instead of two (bulk imports):
    the keys are sorted, so the excluded keys' items are spliced between the JSON of the other keys.
    ``presorted=True``: the caller built every dict (nested ones too) with its keys in sorted order, so
    the JSON is canonical without sorting (faster; a wrongly ordered dict gives a different hash)."""
    dumps = _presorted_json if presorted else canonical_json
    pieces: list[tuple[bool, str]] = []  # (excluded?, "key":value items without braces)
    run: dict[str, Any] = {}
    for key in sorted(snap):
        if key in HASH_EXCLUDED:
            if run:
                pieces.append((False, dumps(run)[1:-1]))
                run = {}
            pieces.append((True, dumps({key: snap[key]})[1:-1]))
        else:
            run[key] = snap[key]
    if run:
        pieces.append((False, dumps(run)[1:-1]))
    full = "{" + ",".join(p for _, p in pieces) + "}"
    content = "{" + ",".join(p for excluded, p in pieces if not excluded) + "}"
    return full, hashlib.sha256(content.encode("utf-8")).hexdigest()


def content_hash(release: Release) -> str:
    """sha256 of the canonical snapshot (status excluded)."""
    return hash_snapshot(snapshot_release(release))


@dataclass(frozen=True)
class Change:
    """One changed leaf: ``path`` like ``title`` or ``tracks[2].isrc``."""

    path: str
    before: Any
    after: Any


def diff_snapshots(a: dict[str, Any] | None, b: dict[str, Any] | None, prefix: str = "") -> list[Change]:
    """Field-level changes from ``a`` to ``b`` (lists compared by position)."""
    out: list[Change] = []
    _diff(a, b, prefix, out)
    return out


def _diff(a: Any, b: Any, path: str, out: list[Change]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            _diff(a.get(key), b.get(key), f"{path}.{key}" if path else key, out)
    elif isinstance(a, list) and isinstance(b, list):
        for i in range(max(len(a), len(b))):
            _diff(a[i] if i < len(a) else None, b[i] if i < len(b) else None, f"{path}[{i + 1}]", out)
    elif a != b:
        out.append(Change(path, a, b))


def summarize(changes: list[Change], limit: int = 4) -> str:
    """A short human summary: the top-level fields that changed."""
    tops: list[str] = []
    for ch in changes:
        first = ch.path.split(".")[0]
        name = first.split("[")[0]
        top = first.split("]")[0] + "]" if "[" in first and name in _NUMBERED else name
        if top not in tops:
            tops.append(top)
    if not tops:
        return "no changes"
    more = f" (+{len(tops) - limit} more)" if len(tops) > limit else ""
    return "changed " + ", ".join(tops[:limit]) + more


def write_audit(session: Session, *, actor: str, action: str, entity: str, entity_id: Any,
                before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
                note: str | None = None) -> AuditEntry:
    """Append one audit entry (any entity: release, target, delivery...); it joins the hash chain when the
    session commits (:mod:`stardust_tui.store.audit_chain`)."""
    entry = AuditEntry(actor=actor, action=action, entity=entity,
                       entity_id=None if entity_id is None else str(entity_id),
                       before=before, after=after, note=note)
    session.add(entry)
    return entry


def latest_revision(session: Session, release_id: int) -> ReleaseRevision | None:
    return session.exec(
        select(ReleaseRevision).where(col(ReleaseRevision.release_id) == release_id)
        .order_by(col(ReleaseRevision.number).desc()).limit(1)
    ).first()


def record_revision(session: Session, release: Release, *, actor: str, action: str) -> ReleaseRevision:
    """Store a snapshot as the next revision and an audit entry with the changed fields."""
    assert release.id is not None
    snap = snapshot_release(release)
    prev = latest_revision(session, release.id)
    changes = diff_snapshots(prev.snapshot if prev else None, snap)
    number = (prev.number if prev else 0) + 1
    release.revision = number
    rev = ReleaseRevision(release_id=release.id, number=number, actor=actor, snapshot=snap,
                          content_hash=hash_snapshot(snap))
    session.add(rev)
    summary = "created" if prev is None else summarize(changes)
    write_audit(
        session, actor=actor, action=action, entity="release", entity_id=release.id,
        before=None if prev is None else {c.path: c.before for c in changes},
        after=snap if prev is None else {c.path: c.after for c in changes},
        note=f"revision {number} {action}: {summary}",
    )
    session.flush()
    return rev


@dataclass(frozen=True)
class HistoryEntry:
    number: int
    at: datetime
    actor: str
    action: str
    summary: str
    content_hash: str


def history(session: Session, release_id: int) -> list[HistoryEntry]:
    """Revisions of a release, oldest first, with the action and summary from the audit log."""
    revs = session.exec(
        select(ReleaseRevision).where(col(ReleaseRevision.release_id) == release_id)
        .order_by(col(ReleaseRevision.number))
    ).all()
    notes: dict[int, tuple[str, str]] = {}
    for entry in session.exec(
        select(AuditEntry).where(col(AuditEntry.entity) == "release", col(AuditEntry.entity_id) == str(release_id))
    ).all():
        m = _NOTE_RE.match(entry.note or "")
        if m:
            notes[int(m.group(1))] = (m.group(2), m.group(3))
    return [
        HistoryEntry(r.number, r.created_at, r.actor, *notes.get(r.number, ("save", "")), r.content_hash)
        for r in revs
    ]


def get_revision(session: Session, release_id: int, number: int) -> ReleaseRevision:
    rev = session.exec(
        select(ReleaseRevision)
        .where(col(ReleaseRevision.release_id) == release_id, col(ReleaseRevision.number) == number)
    ).first()
    if rev is None:
        raise NotFoundError(f"release {release_id} has no revision {number}")
    return rev


def diff_revisions(session: Session, release_id: int, a: int | None = None, b: int | None = None
                   ) -> tuple[int, int, list[Change]]:
    """Changes between revisions ``a`` and ``b`` (default: the last two)."""
    if a is None or b is None:
        latest = latest_revision(session, release_id)
        if latest is None:
            raise NotFoundError(f"release {release_id} has no revisions")
        b = latest.number if b is None else b
        a = max(1, b - 1) if a is None else a
    ra, rb = get_revision(session, release_id, a), get_revision(session, release_id, b)
    return a, b, diff_snapshots(ra.snapshot, rb.snapshot)
