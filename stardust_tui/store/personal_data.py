"""Everything the store holds about a person (a party), and pseudonymising it where that rewrites no delivered
history (issue 15, GDPR). Orchestrated by :mod:`stardust_tui.services.personal_data`.

A person is one or more parties: by id, by ISNI, or by name (any case). What is held: the party rows
(names, identifiers), their links (release and track artist roles, credits), the releases and tracks
they appear on, the deliveries of those releases, revisions and audit entries that mention their name.

Which revisions are *delivered*: those whose content hash equals the content hash of a delivery of that
release that succeeded (what a DSP received). Those are kept as they are; every other revision is
rewritten with the pseudonym (:func:`pseudonymise_snapshot`) and its content hash recomputed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, cast, func, or_, select
from sqlmodel import Session

from stardust_tui.domain.delivery_models import Delivery, ReleaseTargetStatus, Target
from stardust_tui.domain.models import (
    AuditEntry,
    Credit,
    Party,
    Release,
    ReleaseArtist,
    ReleaseRevision,
    Track,
    TrackArtist,
)
from stardust_tui.errors import NotFoundError, ValidationError
from stardust_tui.store.sqltypes import col

LIVE = ("delivered", "ack-ok", "ack-error")
"""A release at a target in one of these states is (or may be) on sale there."""


@dataclass
class PartyLinks:
    """Where a person's parties are used: (release id, track id or None, kind, role, instrument)."""

    parties: list[Party]
    links: list[tuple[int, int | None, str, str, str | None]] = field(default_factory=list)

    @property
    def release_ids(self) -> list[int]:
        return sorted({rid for rid, *_ in self.links})

    @property
    def ids(self) -> list[int]:
        return [int(p.id) for p in self.parties]  # type: ignore[arg-type]


def find_parties(session: Session, ref: str) -> list[Party]:
    """The parties ``ref`` names: an id, an ISNI (16 characters, spaces allowed) or a name (any case)."""
    text = " ".join(ref.split())
    if not text:
        raise ValidationError("name a party: its id, ISNI or name", where="PARTY")
    if text.isascii() and text.isdigit() and len(text) <= 10:
        party = session.get(Party, int(text))
        if party is None:
            raise NotFoundError(f"no party with id {text}")
        return [party]
    compact = text.replace(" ", "").upper()
    if len(compact) == 16 and compact[:15].isdigit():
        found = list(session.execute(select(Party).where(col(Party.isni) == compact)).scalars())
        if found:
            return found
    found = list(session.execute(select(Party).where(func.lower(col(Party.name)) == text.lower())
                                 .order_by(col(Party.id))).scalars())
    if not found:
        raise NotFoundError(f"no party named {text!r} (stardust privacy export takes a party's name, id or ISNI)")
    return found


def party_links(session: Session, parties: list[Party]) -> PartyLinks:
    """Every artist role and credit of ``parties`` (releases of other labels are left out for a scoped user)."""
    ids = [p.id for p in parties]
    out = PartyLinks(parties)
    for a in session.execute(select(ReleaseArtist).where(col(ReleaseArtist.party_id).in_(ids))).scalars():
        out.links.append((a.release_id, None, "release artist", a.role, None))
    for a, rid in session.execute(select(TrackArtist, col(Track.release_id))
                                  .join(Track, col(Track.id) == col(TrackArtist.track_id))
                                  .where(col(TrackArtist.party_id).in_(ids))).all():
        out.links.append((rid, a.track_id, "track artist", a.role, None))
    for c in session.execute(select(Credit).where(col(Credit.party_id).in_(ids))).scalars():
        out.links.append((c.release_id, c.track_id, "credit", c.role, c.instrument))
    labelled = session.execute(select(col(Release.id)).where(col(Release.label_id).in_(ids))).scalars()
    out.links.extend((rid, None, "label", "Label", None) for rid in labelled)
    return out


def name_patterns(names: Iterable[str]) -> list[str]:
    """How a name can appear inside stored JSON text (as written, and with non-ASCII escaped)."""
    out: list[str] = []
    for name in names:
        for form in (json.dumps(name, ensure_ascii=False), json.dumps(name)):
            if form not in out:
                out.append(form)
    return out


def _mentions(column: Any, names: list[str]) -> Any:
    text = cast(column, String)
    return or_(*[text.contains(p, autoescape=True) for p in name_patterns(names)])


def revisions_mentioning(session: Session, names: list[str], release_ids: Iterable[int] | None = None) -> list[Any]:
    """Revisions whose snapshot mentions one of ``names`` (of ``release_ids`` only, when given)."""
    stmt = select(ReleaseRevision).where(_mentions(col(ReleaseRevision.snapshot), names))
    if release_ids is not None:
        stmt = stmt.where(col(ReleaseRevision.release_id).in_(list(release_ids)))
    return list(session.execute(stmt.order_by(col(ReleaseRevision.release_id), col(ReleaseRevision.number))).scalars())


def audit_mentioning(session: Session, names: list[str], party_ids: list[int]) -> list[AuditEntry]:
    """Audit entries about the parties, or whose before/after/note mention one of ``names``."""
    note = or_(*[col(AuditEntry.note).contains(n, autoescape=True) for n in names]) if names else None
    clauses = [_mentions(col(AuditEntry.before), names), _mentions(col(AuditEntry.after), names),
               (col(AuditEntry.entity) == "party") & col(AuditEntry.entity_id).in_([str(i) for i in party_ids])]
    if note is not None:
        clauses.append(note)
    return list(session.execute(select(AuditEntry).where(or_(*clauses)).order_by(col(AuditEntry.id))).scalars())


def deliveries_of(session: Session, release_ids: list[int]) -> list[tuple[Delivery, str]]:
    stmt = (select(Delivery, col(Target.name)).join(Target, col(Target.id) == col(Delivery.target_id))
            .where(col(Delivery.release_id).in_(release_ids)).order_by(col(Delivery.id)))
    return [(d, name) for d, name in session.execute(stmt).all()]


def live_targets(session: Session, release_ids: list[int]) -> dict[int, list[tuple[int, str, str]]]:
    """Per release: (target id, target name, state) where it is (or may be) on sale."""
    stmt = (select(col(ReleaseTargetStatus.release_id), col(Target.id), col(Target.name),
                   col(ReleaseTargetStatus.status))
            .join(Target, col(Target.id) == col(ReleaseTargetStatus.target_id))
            .where(col(ReleaseTargetStatus.release_id).in_(release_ids), col(ReleaseTargetStatus.status).in_(LIVE)))
    out: dict[int, list[tuple[int, str, str]]] = {}
    for rid, tid, name, status in session.execute(stmt).all():
        out.setdefault(rid, []).append((tid, name, status))
    return out


def delivered_hashes(session: Session, release_ids: list[int]) -> set[tuple[int, str]]:
    """(release id, content hash) of every delivery that succeeded: the content DSPs received."""
    stmt = select(col(Delivery.release_id), col(Delivery.content_hash)).where(col(Delivery.release_id).in_(release_ids),
                                                                    col(Delivery.state) == "succeeded")
    return {(rid, h) for rid, h in session.execute(stmt).all()}


NAME_TEXTS = ("display_artist", "p_line", "c_line", "sort_name")
"""Texts that may carry a person's name beside the party entries (display artists, P/C line owners)."""


def pseudonymise_snapshot(value: Any, names: list[str], isnis: set[str], pseudonym: str) -> Any:
    """``value`` with every party entry named ``names`` renamed (its ISNI dropped), those names replaced in
    display artists and P/C lines, and ``isnis`` removed; titles and everything else unchanged."""
    folded = {n.casefold() for n in names}
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if k in NAME_TEXTS and isinstance(v, str):
                out[k] = replace_name(v, names, pseudonym)
            else:
                out[k] = pseudonymise_snapshot(v, names, isnis, pseudonym)
        if isinstance(value.get("name"), str) and value["name"].casefold() in folded:
            out["name"] = pseudonym
            if "isni" in out:
                out["isni"] = None
        elif isnis and value.get("isni") in isnis:
            out["isni"] = None
        return out
    if isinstance(value, list):
        return [pseudonymise_snapshot(v, names, isnis, pseudonym) for v in value]
    return value


def replace_name(text: str, names: list[str], pseudonym: str) -> str:
    """``text`` with each of ``names`` (any case) replaced by ``pseudonym``."""
    import re

    for name in sorted(names, key=len, reverse=True):
        if name and name.casefold() in text.casefold():
            text = re.sub(re.escape(name), pseudonym, text, flags=re.IGNORECASE)
    return text


def redact_changes(value: Any, names: list[str], pseudonym: str) -> Any:
    """An audit entry's before/after (field paths like ``artists[1].name`` -> value, or a whole snapshot) with
    the names replaced: values equal to a name, and names inside display artists and P/C lines."""
    folded = {n.casefold() for n in names}
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            last = str(k).rsplit(".", 1)[-1]
            if isinstance(v, str) and (last in NAME_TEXTS or v.casefold() in folded):
                out[k] = pseudonym if v.casefold() in folded else replace_name(v, names, pseudonym)
            else:
                out[k] = redact_changes(v, names, pseudonym)
        return out
    if isinstance(value, list):
        return [redact_changes(v, names, pseudonym) for v in value]
    if isinstance(value, str) and value.casefold() in folded:
        return pseudonym
    return value
