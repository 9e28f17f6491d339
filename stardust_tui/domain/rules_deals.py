"""Readiness rules for a release's deals: territories, models, dates, overlaps, pre-orders.

A pre-order deal (``Deal.is_preorder``, DDEX ``IsPreOrderDeal``) sells the release before its release
date in its territories: it is a purchase (PayAsYouGo / PermanentDownload), it starts before and ends
at the release's start in those territories, and a regular download deal takes over from there. Its
instant-gratification tracks (ISRCs) are downloadable as soon as the pre-order is bought; they must be
tracks of the release and cannot be all of them. Pure functions over a loaded release.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from stardust_tui.domain.findings import CheckReport, Finding
from stardust_tui.domain.identifiers import is_territory

PURCHASE_MODELS = frozenset({"PayAsYouGoModel"})
DOWNLOAD_USES = frozenset({"PermanentDownload", "Download", "ConditionalDownload", "TetheredDownload"})


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def covers(deal: Any, code: str) -> bool:
    """Whether a deal's territories include ``code`` (Worldwide minus its exclusions)."""
    terr = set(deal.territories or [])
    return (code in terr or "Worldwide" in terr) and code not in set(deal.excluded_territories or [])


def share_territory(a: Any, b: Any) -> bool:
    ta, tb = set(a.territories or []), set(b.territories or [])
    if "Worldwide" in ta and "Worldwide" in tb:
        return True  # two worldwide deals always overlap somewhere, whatever they exclude
    named = (ta | tb) - {"Worldwide"}
    return any(covers(a, c) and covers(b, c) for c in named)


def check_deals(rel: Any, r: CheckReport) -> None:
    """Every deal rule on a loaded release."""
    if not rel.deals:
        r.add(Finding("no-deals", "deals", "at least one deal (territories, models, use types) is required"))
    for i, d in enumerate(rel.deals, start=1):
        where = f"deals[{i}]"
        if not d.territories:
            r.add(Finding("no-territories", f"{where}.territories", "deal names no territory"))
        for code in list(d.territories or []) + list(d.excluded_territories or []):
            if not is_territory(code):
                r.add(Finding("bad-territory", f"{where}.territories", f"{code!r} is not an ISO 3166-1 territory"))
        if not d.commercial_models:
            r.add(Finding("no-models", f"{where}.commercial_models", "deal has no commercial model"))
        if not d.use_types:
            r.add(Finding("no-use-types", f"{where}.use_types", "deal has no use type"))
        if d.end is not None and d.start is not None and d.end <= d.start:
            r.add(Finding("deal-dates", f"{where}.end", f"deal ends ({d.end:%Y-%m-%d}) before it starts"))
    _overlaps(rel, r)
    _preorders(rel, r)


def _overlaps(rel: Any, r: CheckReport) -> None:
    """Two deals with a common commercial model and use type, overlapping in time and territory:
    DSPs reject such messages (ambiguous terms), so it blocks readiness. A pre-order deal and a regular
    deal are different terms (DDEX compares IsPreOrderDeal too)."""
    deals = list(rel.deals or [])
    for i, a in enumerate(deals, start=1):
        for j, b in enumerate(deals[i:], start=i + 1):
            if bool(getattr(a, "is_preorder", False)) != bool(getattr(b, "is_preorder", False)):
                continue
            common = {(m, u) for m in a.commercial_models or [] for u in a.use_types or []} & \
                     {(m, u) for m in b.commercial_models or [] for u in b.use_types or []}
            if not common or a.start is None or b.start is None:
                continue
            a_start, a_end, b_start, b_end = _aware(a.start), _aware(a.end), _aware(b.start), _aware(b.end)
            in_time = (a_end is None or b_start < a_end) and (b_end is None or a_start < b_end)  # type: ignore[operator]
            if in_time and share_territory(a, b):
                model, use = sorted(common)[0]
                r.add(Finding("deal-overlap", f"deals[{j}]",
                              f"overlaps deals[{i}] ({model}/{use}) in time and territory"))


def _release_start(rel: Any, preorder: Any) -> datetime | None:
    """When the release goes on sale in the pre-order's territories: the earliest regular download
    deal sharing a territory, else the release date (midnight UTC)."""
    starts = [_aware(d.start) for d in rel.deals if not d.is_preorder and d.start is not None
              and set(d.use_types or []) & DOWNLOAD_USES and share_territory(d, preorder)]
    if starts:
        return min(s for s in starts if s is not None)
    rd: date | None = rel.release_date
    return datetime(rd.year, rd.month, rd.day, tzinfo=UTC) if rd else None


def _preorders(rel: Any, r: CheckReport) -> None:
    isrcs = {t.isrc for t in rel.tracks if t.isrc}
    for i, d in enumerate(rel.deals, start=1):
        where = f"deals[{i}]"
        instant = list(d.instant_gratification or [])
        if not d.is_preorder:
            if instant:
                r.add(Finding("instant-grat-not-preorder", f"{where}.instant_gratification",
                              "instant-gratification tracks belong on a pre-order deal: mark the deal "
                              "as a pre-order or remove them"))
            continue
        if not set(d.commercial_models or []) <= PURCHASE_MODELS or not set(d.use_types or []) & DOWNLOAD_USES:
            r.add(Finding("preorder-not-purchase", where,
                          "a pre-order is a purchase: use commercial model PayAsYouGoModel and use type "
                          "PermanentDownload"))
        opens = _release_start(rel, d)
        start, end = _aware(d.start), _aware(d.end)
        has_regular = any(not o.is_preorder and set(o.use_types or []) & DOWNLOAD_USES and share_territory(o, d)
                          for o in rel.deals)
        if not has_regular:
            r.add(Finding("preorder-without-release", where,
                          "no regular download deal takes over from this pre-order in its territories: "
                          "add one starting on the release date"))
        if opens is not None and start is not None and start >= opens:
            r.add(Finding("preorder-after-release", f"{where}.start",
                          f"the pre-order starts {start:%Y-%m-%d}, not before the release goes on sale "
                          f"({opens:%Y-%m-%d})"))
        if opens is not None and end is not None and end > opens:
            r.add(Finding("preorder-past-release", f"{where}.end",
                          f"the pre-order ends {end:%Y-%m-%d}, after the release goes on sale ({opens:%Y-%m-%d}): "
                          "end it on the release date"))
        elif end is None and opens is not None:
            r.add(Finding("preorder-open-end", f"{where}.end",
                          f"the pre-order has no end: it should end when the release goes on sale "
                          f"({opens:%Y-%m-%d})", "warning"))
        unknown = [x for x in instant if x not in isrcs]
        if unknown:
            r.add(Finding("instant-grat-unknown", f"{where}.instant_gratification",
                          f"{', '.join(unknown)} is not the ISRC of a track of this release"))
        if instant and isrcs and set(instant) >= isrcs:
            r.add(Finding("instant-grat-all", f"{where}.instant_gratification",
                          "every track is instant gratification: leave at least one for the release date"))
