"""Release drafts for the wizard: read a release into form values, save changed fields, check readiness.

Every save goes through ``store.releases.save_release`` (revision, audit, search index), so the
wizard can save after each field and a dropped session loses at most the field being typed.
A lock serializes saves from the wizard's background threads.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from stardust_tui.domain.models import Deal, Release
from stardust_tui.services.rows import stored_id
from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from stardust_tui.services import Services

RELEASE_COLUMNS = {"title", "version", "upc", "catalog_number", "release_type", "genre", "subgenre", "language",
                   "p_line_year", "p_line", "c_line_year", "c_line", "release_date", "original_release_date",
                   "parental_advisory"}
DEAL_FIELDS = {"territories", "excluded_territories", "commercial_models", "use_types", "deal_start", "deal_end"}


def _midnight(value: date) -> datetime:
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _as_datetime(value: date | None) -> datetime | None:
    return None if value is None else _midnight(value)


def form_values(release: Release) -> dict[str, Any]:
    """The wizard's field values for a loaded release."""
    values: dict[str, Any] = {name: getattr(release, name) for name in RELEASE_COLUMNS}
    values["artists"] = [a.party.name for a in release.artists if a.party is not None] or (
        [release.display_artist] if release.display_artist else [])
    values["label"] = release.label.name if release.label is not None else None
    deal = release.deals[0] if release.deals else None
    values["territories"] = list(deal.territories) if deal else ["Worldwide"]
    values["excluded_territories"] = list(deal.excluded_territories) if deal else []
    values["commercial_models"] = list(deal.commercial_models) if deal else []
    values["use_types"] = list(deal.use_types) if deal else []
    values["deal_start"] = deal.start.date() if deal else None
    values["deal_end"] = deal.end.date() if deal and deal.end else None
    return values


class DraftService:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._lock = threading.Lock()
        self._seen: dict[int, int] = {}
        """The revision each release had when this editor loaded or last saved it (optimistic concurrency:
        a save is refused when someone else, e.g. an API client, saved the release since)."""

    def load(self, release_id: int) -> Release:
        from stardust_tui.store.releases import load_release

        self.services.authorize("release.read")
        with session_scope(self.services.engine) as session:
            release = load_release(session, release_id)
        self._seen[release_id] = release.revision
        return release

    def save(self, release_id: int | None, changes: dict[str, Any]) -> int:
        """Apply changed fields and save a revision; creates the release when ``release_id`` is None."""
        from stardust_tui.store.releases import check_revision, create_release, get_release, save_release

        self.services.authorize("release.write")
        actor = self.services.actor.name
        with self._lock, session_scope(self.services.engine) as session:
            columns = {k: v for k, v in changes.items() if k in RELEASE_COLUMNS}
            if release_id is None:
                release = create_release(session, actor=actor, **columns)
                session.flush()
                release_id = stored_id(release)
                if set(changes) - RELEASE_COLUMNS:
                    self._apply_children(session, release, changes)
                    save_release(session, release, actor=actor)
                self._seen[release_id] = release.revision
                return release_id
            release = get_release(session, release_id)
            check_revision(session, release_id, self._seen.get(release_id))  # StaleRevisionError: nothing saved
            for key, value in columns.items():
                setattr(release, key, value)
            self._apply_children(session, release, changes)
            save_release(session, release, actor=actor)
            self._seen[release_id] = release.revision
            return release_id

    def _apply_children(self, session: Any, release: Release, changes: dict[str, Any]) -> None:
        from stardust_tui.domain.enums import ArtistRole, PartyKind
        from stardust_tui.domain.models import ReleaseArtist
        from stardust_tui.store.parties import get_or_create_party

        if "label" in changes:
            name = changes["label"]
            release.label = get_or_create_party(session, name, PartyKind.LABEL) if name else None
        if changes.get("artists"):
            names = list(changes["artists"])
            release.artists = [ReleaseArtist(party=get_or_create_party(session, n), role=ArtistRole.MAIN, sequence=i)
                               for i, n in enumerate(names, start=1)]
            release.display_artist = " & ".join(names)
        deal_changes = {k: v for k, v in changes.items() if k in DEAL_FIELDS}
        if deal_changes:
            if not release.deals:
                start = _as_datetime(deal_changes.get("deal_start") or release.release_date)
                release.deals.append(Deal(start=start or datetime.now(UTC)))
            deal = release.deals[0]
            for key in ("territories", "excluded_territories", "commercial_models", "use_types"):
                if key in deal_changes:
                    setattr(deal, key, list(deal_changes[key] or []))
            if deal_changes.get("deal_start"):
                deal.start = _midnight(deal_changes["deal_start"])
            if "deal_end" in deal_changes:
                deal.end = _as_datetime(deal_changes["deal_end"])

    def check(self, release_id: int):
        """Readiness report of the saved release (errors block delivery, warnings do not): ``stardust check``'s."""
        return self.services.releases.check(release_id).report

    def attach_cover(self, release_id: int, path: str) -> tuple[dict[str, Any], list[Any]]:
        """Store an artwork file, set it as the cover, and return its facts and QC findings."""
        from pathlib import Path

        from stardust_tui.assets.facts import read_facts
        from stardust_tui.assets.store import AssetStore
        from stardust_tui.domain.qc import check_artwork
        from stardust_tui.store.releases import get_release, save_release

        self.services.authorize("release.write")
        source = Path(path).expanduser()
        with self._lock, session_scope(self.services.engine) as session:
            asset = AssetStore(self.services.settings.paths).add(session, source)
            release = get_release(session, release_id)
            release.cover_asset_id = asset.id
            save_release(session, release, actor=self.services.actor.name)
            return read_facts(source), list(check_artwork(asset))
