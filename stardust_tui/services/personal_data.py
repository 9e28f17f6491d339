"""Personal data (GDPR): export everything held about a person, and erase it without rewriting delivered history.

The one implementation behind ``stardust privacy export|erase``. Both need the admin role and are audited
(entity ``party``; the audit entry names the party by id and counts, never the person's name).

**Erase** pseudonymises (``Erased Artist 42``) where nothing a DSP received changes:

* a release that is not on sale anywhere (never delivered, or taken down everywhere): its current content
  (a new revision, action ``privacy-erase``) and every revision that was not delivered;
* a release on sale somewhere is left as it is, and the plan says what is needed there: a **takedown** when
  the person is one of its artists, an **update** when they are credited (or its label); ``queue=True``
  queues those (an update after pseudonymising the release's current content as a new revision);
* revisions whose content hash a succeeded delivery carries are kept (delivered history);
* audit entries are kept (the log is append-only and hash-chained): the plan counts those that mention the
  person; retention removes them in time.

The party row itself is renamed and its identifiers cleared once no release on sale still shows it;
until then the pseudonymised releases point at a new pseudonymous party.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from stardust_tui.services.rows import stored_id
from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from sqlmodel import Session

    from stardust_tui.domain.models import Credit, Party, ReleaseArtist, TrackArtist
    from stardust_tui.services import Services


@dataclass
class ReleasePlan:
    """What erasing does (or would do) to one release the person appears on."""

    release_id: int
    title: str
    status: str
    roles: list[str]
    live_at: list[str]
    action: str
    """``pseudonymise`` (not on sale), ``takedown`` or ``update`` (on sale at ``live_at``)."""
    revisions_rewritten: int = 0
    revisions_kept: int = 0
    queued: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class ErasePlan:
    party_ids: list[int]
    pseudonym: str
    dry_run: bool
    releases: list[ReleasePlan] = field(default_factory=list)
    party_renamed: bool = False
    audit_entries_kept: int = 0

    @property
    def needed(self) -> list[ReleasePlan]:
        """Releases on sale that still need a takedown or an update at a DSP."""
        return [r for r in self.releases if r.action in ("takedown", "update") and not r.queued]

    def counts(self) -> dict[str, int]:
        return {"releases": len(self.releases),
                "pseudonymised": sum(r.action == "pseudonymise" for r in self.releases),
                "takedowns": sum(r.action == "takedown" for r in self.releases),
                "updates": sum(r.action == "update" for r in self.releases),
                "queued": sum(len(r.queued) for r in self.releases),
                "revisions_rewritten": sum(r.revisions_rewritten for r in self.releases),
                "revisions_kept": sum(r.revisions_kept for r in self.releases),
                "audit_entries_kept": self.audit_entries_kept}


def _party_dict(p: Party) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "kind": p.kind, "sort_name": p.sort_name, "isni": p.isni, "ipi": p.ipi,
            "dpid": p.dpid, "created_at": p.created_at}


def _names(parties: list[Party]) -> list[str]:
    return list(dict.fromkeys(n for p in parties for n in (p.name, p.sort_name) if n))


class PersonalDataService:
    def __init__(self, services: Services) -> None:
        self.services = services

    # -- export ----------------------------------------------------------------------------------------------
    def export(self, ref: str) -> dict[str, Any]:
        """Everything held about the person ``ref`` names (party id, ISNI or name), as JSON-able data."""
        from sqlmodel import col, select

        from stardust_tui.domain.access_models import StardustUser
        from stardust_tui.domain.models import AuditEntry, Release, Track
        from stardust_tui.store import personal_data as pd

        self.services.authorize("privacy.admin")
        with session_scope(self.services.engine) as s:
            parties = pd.find_parties(s, ref)
            names = _names(parties)
            links = pd.party_links(s, parties)
            rids = links.release_ids
            releases = list(s.exec(select(Release).where(col(Release.id).in_(rids))
                                   .order_by(col(Release.id)))) if rids else []
            track_ids = sorted({tid for _, tid, *_ in links.links if tid})
            tracks = {t.id: t for t in s.exec(select(Track).where(col(Track.id).in_(track_ids)))} if track_ids else {}
            revisions = pd.revisions_mentioning(s, names)
            audit = pd.audit_mentioning(s, names, links.ids)
            user = s.exec(select(StardustUser).where(col(StardustUser.name).in_(names))).first()
            acted = len(s.exec(select(col(AuditEntry.id)).where(col(AuditEntry.actor).in_(names))).all())
            doc = {
                "exported_at": datetime.now(UTC), "query": ref, "parties": [_party_dict(p) for p in parties],
                "roles": [{"release_id": rid, "track_id": tid, "as": kind, "role": role, "instrument": instrument}
                          for rid, tid, kind, role, instrument in links.links],
                "releases": [{"id": r.id, "title": r.title, "display_artist": r.display_artist, "upc": r.upc,
                              "status": r.status, "release_date": r.release_date,
                              "label": r.label.name if r.label else None, "p_line": r.p_line, "c_line": r.c_line}
                             for r in releases],
                "tracks": [{"id": t.id, "release_id": t.release_id, "disc": t.disc_number, "number": t.track_number,
                            "title": t.title, "isrc": t.isrc, "display_artist": t.display_artist}
                           for t in tracks.values()],
                "deliveries": [{"id": d.id, "release_id": d.release_id, "target": name, "message_type": d.message_type,
                                "state": d.state, "message_id": d.message_id, "requested_by": d.requested_by,
                                "created_at": d.created_at, "finished_at": d.finished_at}
                               for d, name in pd.deliveries_of(s, rids)] if rids else [],
                "revisions": [{"release_id": r.release_id, "number": r.number, "created_at": r.created_at,
                               "actor": r.actor, "content_hash": r.content_hash} for r in revisions],
                "audit_entries": [{"id": e.id, "at": e.at, "actor": e.actor, "action": e.action, "entity": e.entity,
                                   "entity_id": e.entity_id, "note": e.note} for e in audit],
                "as_user": {"user": {"name": user.name, "role": user.role, "labels": user.labels} if user else None,
                            "audit_entries_made": acted},
            }
            self._audit(s, parties, "privacy-export", {k: len(v) for k, v in doc.items() if isinstance(v, list)},
                        f"exported personal data of party {', '.join(map(str, links.ids))}")
        return doc

    # -- erase -----------------------------------------------------------------------------------------------
    def erase(self, ref: str, *, dry_run: bool = False, queue: bool = False) -> ErasePlan:
        """Pseudonymise the person where no delivered history changes; say (or ``queue``) what DSPs need."""
        from stardust_tui.errors import PermissionDenied
        from stardust_tui.store import personal_data as pd

        self.services.authorize("privacy.admin")
        if queue:
            self.services.authorize("delivery.queue")
        if self.services.access.labels() is not None:  # the party is shared: its other labels' releases count
            raise PermissionDenied("erasing a person changes every label's releases; ask an admin who is not "
                                   "limited to labels")
        with session_scope(self.services.engine) as s:
            parties = pd.find_parties(s, ref)  # one person may be several parties (artist and contributor)
            plan = self._plan(s, parties)
            if not dry_run:
                self._apply(s, parties, plan, queue)
        if queue and not dry_run:
            self._queue(plan)
            if not plan.needed and not plan.party_renamed:
                self._rename_if_unused(plan)
        return plan

    def _plan(self, s: Session, parties: list[Party]) -> ErasePlan:
        from stardust_tui.domain.models import Release
        from stardust_tui.store import personal_data as pd

        names = _names(parties)
        links = pd.party_links(s, parties)
        first = parties[0]
        kind = first.kind if all(p.kind == first.kind for p in parties) else "person"
        pseudonym = f"Erased {kind.replace('-', ' ').title()} {first.id}"
        plan = ErasePlan(links.ids, pseudonym, dry_run=True)
        mentioned = {r.release_id for r in pd.revisions_mentioning(s, names)}
        rids = sorted(set(links.release_ids) | mentioned)
        live = pd.live_targets(s, rids)
        delivered = pd.delivered_hashes(s, rids)
        by_release: dict[int, list[str]] = {}
        for rid, tid, how, role, _instrument in links.links:
            by_release.setdefault(rid, []).append(f"{how} {role}" + (f" (track {tid})" if tid else ""))
        for rid in rids:
            rel = s.get(Release, rid)
            if rel is None:
                continue
            roles = by_release.get(rid, ["named in earlier revisions"])
            artist = any(r.startswith(("release artist", "track artist")) for r in roles)
            on_sale = live.get(rid, [])
            action = "pseudonymise" if not on_sale else ("takedown" if artist else "update")
            item = ReleasePlan(rid, rel.title, rel.status, roles, [name for _, name, _ in on_sale], action)
            for rev in pd.revisions_mentioning(s, names, [rid]):
                if (rid, rev.content_hash) in delivered or (on_sale and rev.number == rel.revision):
                    item.revisions_kept += 1
                else:
                    item.revisions_rewritten += 1
            plan.releases.append(item)
        plan.audit_entries_kept = len(pd.audit_mentioning(s, names, links.ids))
        return plan

    def _apply(self, s: Session, parties: list[Party], plan: ErasePlan, queue: bool) -> None:
        from stardust_tui.domain.models import Party as PartyRow
        from stardust_tui.store import personal_data as pd

        names = _names(parties)
        isnis = {p.isni for p in parties if p.isni}
        keep = any(r.action == "takedown" or (r.action == "update" and not queue) for r in plan.releases)
        targets: dict[int, Party] = {}
        for p in parties:  # releases on sale still show the person: pseudonymised ones get parties of their own
            if keep:
                targets[stored_id(p)] = PartyRow(name=plan.pseudonym, kind=p.kind)
                s.add(targets[stored_id(p)])
            else:
                self._clear_party(s, p, plan.pseudonym)
                targets[stored_id(p)] = p
        s.flush()
        for item in plan.releases:
            rewrite_head = item.action == "pseudonymise" or (item.action == "update" and queue)
            if rewrite_head:
                self._pseudonymise_release(s, item.release_id, targets, names, plan.pseudonym)
            delivered = pd.delivered_hashes(s, [item.release_id])
            head = _head(s, item.release_id)
            for rev in pd.revisions_mentioning(s, names, [item.release_id]):
                if (item.release_id, rev.content_hash) in delivered or (not rewrite_head and rev.number == head):
                    continue
                self._rewrite_revision(s, rev, names, isnis, plan.pseudonym)
        plan.party_renamed = not keep
        plan.dry_run = False
        for p in parties:
            self._audit(s, [p], "privacy-erase", plan.counts(),
                        f"erased personal data of party {p.id} (pseudonym {plan.pseudonym!r})")

    def _pseudonymise_release(self, s: Session, rid: int, targets: dict[int, Party], names: list[str],
                              pseudonym: str) -> None:
        from stardust_tui.store import personal_data as pd
        from stardust_tui.store.releases import load_release, save_release

        rel = load_release(s, rid)
        links: list[ReleaseArtist | TrackArtist | Credit] = [
            *rel.artists, *rel.credits, *(a for t in rel.tracks for a in t.artists),
            *(c for t in rel.tracks for c in t.credits)]
        for link in links:
            target = targets.get(link.party_id) if link.party_id is not None else None
            if target is not None and target.id != link.party_id:
                link.party = target
                link.party_id = target.id
        if rel.label_id in targets and targets[rel.label_id].id != rel.label_id:
            rel.label = targets[rel.label_id]
        for obj in [rel, *rel.tracks]:
            for attr in ("display_artist", "p_line", "c_line"):
                value = getattr(obj, attr, None)
                if isinstance(value, str):
                    setattr(obj, attr, pd.replace_name(value, names, pseudonym))
        save_release(s, rel, actor=self.services.actor.name, action="privacy-erase")
        self._redact_new_entries(s, names, pseudonym)

    def _rewrite_revision(self, s: Session, rev: Any, names: list[str], isnis: set[str], pseudonym: str) -> None:
        from sqlalchemy.orm.attributes import flag_modified

        from stardust_tui.store import personal_data as pd
        from stardust_tui.store.revisions import hash_snapshot

        rev.snapshot = pd.pseudonymise_snapshot(rev.snapshot, names, isnis, pseudonym)
        rev.content_hash = hash_snapshot(rev.snapshot)
        flag_modified(rev, "snapshot")
        s.add(rev)

    def _clear_party(self, s: Session, party: Party, pseudonym: str) -> None:
        party.name, party.sort_name, party.isni, party.ipi, party.dpid = pseudonym, None, None, None, None
        s.add(party)

    def _redact_new_entries(self, s: Session, names: list[str], pseudonym: str) -> None:
        """The revision just saved wrote an audit entry whose "before" holds the old name: not yet sealed (that
        happens at commit), so it is written without it."""
        from sqlalchemy.orm.attributes import flag_modified
        from sqlmodel import col, select

        from stardust_tui.domain.models import AuditEntry
        from stardust_tui.store import personal_data as pd

        s.flush()
        for obj in s.exec(select(AuditEntry).where(col(AuditEntry.seq).is_(None))):  # this transaction's own entries
            obj.before = pd.redact_changes(obj.before, names, pseudonym)
            obj.after = pd.redact_changes(obj.after, names, pseudonym)
            flag_modified(obj, "before")
            flag_modified(obj, "after")
        s.flush()

    def _queue(self, plan: ErasePlan) -> None:
        from stardust_tui.errors import StardustError

        for item in plan.releases:
            if item.action not in ("takedown", "update"):
                continue
            for target in item.live_at:
                try:
                    queued = self.services.deliveries.queue([item.release_id], target, message_type=item.action)
                    item.queued.extend(q.delivery_id for q in queued)
                except StardustError as exc:
                    item.problems.append(f"{target}: {exc}")

    def _rename_if_unused(self, plan: ErasePlan) -> None:
        """After every release on sale was updated, nothing shows the person any more: rename the parties."""
        from stardust_tui.domain.models import Party as PartyRow
        from stardust_tui.store import personal_data as pd

        with session_scope(self.services.engine) as s:
            parties = [p for p in (s.get(PartyRow, i) for i in plan.party_ids) if p is not None]
            if parties and not pd.party_links(s, parties).links:
                for p in parties:
                    self._clear_party(s, p, plan.pseudonym)
                plan.party_renamed = True

    def _audit(self, s: Session, parties: list[Party], action: str, counts: dict[str, int], note: str) -> None:
        from stardust_tui.store.revisions import write_audit

        for p in parties:
            write_audit(s, actor=self.services.actor.name, action=action, entity="party", entity_id=p.id,
                        after=counts, note=note)


def _head(s: Session, release_id: int) -> int:
    from stardust_tui.domain.models import Release

    rel = s.get(Release, release_id)
    return rel.revision if rel is not None else -1
