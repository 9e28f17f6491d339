"""A release's deals for the release wizard: list, add, edit and remove several deals (territories and
exclusions, commercial models, use types, start and end dates, price tier, pre-order and its
instant-gratification tracks).

Each change is one unit of work saved through ``store.releases.save_release`` (a revision, the DDEX
vocabulary checks, the search index). Terms the wizard does not edit (track scope, channels) are kept as
they are. A pre-order ends on the release date unless it says otherwise; its instant-gratification tracks
must be tracks of the release. The readiness check reports overlapping deals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from stardust_tui.errors import NotFoundError, ValidationError
from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from stardust_tui.services import Services


@dataclass(frozen=True)
class DealRow:
    """One deal as the wizard lists and edits it."""

    id: int | None
    territories: list[str] = field(default_factory=lambda: ["Worldwide"])
    excluded_territories: list[str] = field(default_factory=list)
    commercial_models: list[str] = field(default_factory=list)
    use_types: list[str] = field(default_factory=list)
    start: date | None = None
    end: date | None = None
    price_tier: str | None = None
    is_preorder: bool = False
    instant_gratification: list[str] = field(default_factory=list)


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def row_of(deal: Any) -> DealRow:
    return DealRow(int(deal.id) if deal.id is not None else None, list(deal.territories or ["Worldwide"]),
                   list(deal.excluded_territories or []), list(deal.commercial_models or []),
                   list(deal.use_types or []), _day(deal.start), _day(deal.end), deal.price_tier,
                   bool(getattr(deal, "is_preorder", False)), list(getattr(deal, "instant_gratification", None) or []))


def rows_of(release: Any) -> list[DealRow]:
    """The deals of a loaded release, oldest first."""
    return [row_of(d) for d in sorted(release.deals, key=lambda d: d.id or 0)]


def check_deal(values: DealRow) -> date:
    """What a deal needs before it is stored (the store checks the vocabularies and lengths); returns its start."""
    if not values.territories:
        raise ValidationError("a deal needs territories (Worldwide or ISO 3166-1 codes)", where="territories")
    if not values.commercial_models:
        raise ValidationError("pick at least one commercial model", where="commercial_models")
    if not values.use_types:
        raise ValidationError("pick at least one use type", where="use_types")
    if values.start is None:
        raise ValidationError("a deal needs a start date", where="start")
    if values.end is not None and values.end <= values.start:
        raise ValidationError(f"the end ({values.end}) must come after the start ({values.start})", where="end")
    if values.instant_gratification and not values.is_preorder:
        raise ValidationError("instant-gratification tracks belong on a pre-order deal (tick Pre-order)",
                              where="instant_gratification")
    return values.start


def _change(services: Services, release_id: int, change: Any) -> list[DealRow]:
    from stardust_tui.store.releases import load_release, save_release

    services.authorize("release.write")
    with session_scope(services.engine) as session:
        release = load_release(session, release_id)
        change(release)
        save_release(session, release, actor=services.actor.name)
        session.flush()
        return rows_of(release)


def list_deals(services: Services, release_id: int) -> list[DealRow]:
    from stardust_tui.store.releases import load_release

    services.authorize("release.read")
    with session_scope(services.engine) as session:
        return rows_of(load_release(session, release_id))


def save_deal(services: Services, release_id: int, values: DealRow) -> list[DealRow]:
    """Add (``values.id`` None) or change one deal; returns the release's deals afterwards."""
    from stardust_tui.domain.identifiers import normalize_isrc
    from stardust_tui.domain.models import Deal

    start = check_deal(values)
    instant = [normalize_isrc(x, field="instant-gratification track") for x in values.instant_gratification]

    def change(release: Any) -> None:
        end = values.end
        if values.is_preorder and end is None:
            if release.release_date is None:
                raise ValidationError("a pre-order ends when the release comes out: give an end date or set the "
                                      "release date first", where="end")
            end = release.release_date
        isrcs = {t.isrc for t in release.tracks if t.isrc}
        unknown = [x for x in instant if x not in isrcs]
        if unknown:
            raise ValidationError(f"{', '.join(unknown)} is not the ISRC of a track of this release",
                                  where="instant_gratification")
        if values.id is None:
            deal = Deal(start=_midnight(start))
            release.deals.append(deal)
        else:
            found = next((d for d in release.deals if d.id == values.id), None)
            if found is None:
                raise NotFoundError(f"no deal {values.id} on release {release.id}")
            deal = found
        deal.territories = list(values.territories)
        deal.excluded_territories = list(values.excluded_territories)
        deal.commercial_models = list(values.commercial_models)
        deal.use_types = list(values.use_types)
        deal.start = _midnight(start)
        deal.end = _midnight(end) if end is not None else None
        deal.price_tier = values.price_tier or None
        deal.is_preorder = values.is_preorder
        deal.instant_gratification = instant
    return _change(services, release_id, change)


def remove_deal(services: Services, release_id: int, deal_id: int) -> list[DealRow]:
    """Remove one deal; returns the release's deals afterwards."""
    def change(release: Any) -> None:
        deal = next((d for d in release.deals if d.id == deal_id), None)
        if deal is None:
            raise NotFoundError(f"no deal {deal_id} on release {release.id}")
        release.deals.remove(deal)
    return _change(services, release_id, change)
