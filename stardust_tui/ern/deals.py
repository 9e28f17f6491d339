"""Which deals a message states, by message type and takedown strategy (shared by every ERN version).

- ``new`` / ``update``: every catalog deal, re-stated (ERN 4 is a statement of truth).
- ``takedown`` with ``remove-deals``: no deals (4.x sends the release without its deals; 3.8.2 sends
  each territory with ``TakeDown``, which the returned flag asks the 3.8.2 builder to do).
- ``takedown`` with ``end-validity``: every deal re-stated with its validity ended at the message time;
  deals that would only have started later are dropped, deals already ended are kept as they are.
- ``purge`` (either as message type or takedown strategy) builds a PurgeReleaseMessage instead.

:func:`deal_groups` says which releases each deal is stated for: the main release (every deal, unless a
message stated it for track releases only) and the track releases it covers (all, or the ones it names).
:func:`instant_gratification` writes a pre-order's InstantGratificationResourceList (the same element in
3.8.2 and 4.x).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from lxml import etree

from stardust_tui.ern.common import BuildOptions, sub
from stardust_tui.ern.view_model import DealView, ReleaseView


def is_purge(options: BuildOptions) -> bool:
    """True when the message to build is a PurgeReleaseMessage."""
    return options.message_type == "purge" or (
        options.message_type == "takedown" and options.takedown_strategy == "purge")


def effective_deals(deals: tuple[DealView, ...], options: BuildOptions,
                    now: datetime) -> tuple[tuple[DealView, ...], bool]:
    """The deals to state and whether they are to be flagged as taken down (3.8.2 ``TakeDown``)."""
    if options.message_type != "takedown":
        return deals, False
    if options.takedown_strategy == "remove-deals":
        return deals, True
    ended: list[DealView] = []
    for deal in deals:
        if deal.start >= now:
            continue
        if deal.end is not None and deal.end <= now:
            ended.append(deal)
        else:
            ended.append(replace(deal, end=now))
    return tuple(ended), False


def deal_groups(view: ReleaseView, deals: tuple[DealView, ...],
                track_releases: bool) -> list[tuple[tuple[str, ...], list[DealView]]]:
    """``(release references, deals)`` per ReleaseDeal: the main release's deals first, then one group per
    distinct set of track releases, in the order deals name them. Without track releases (a profile that
    sends the main release only) every deal is the main release's."""
    main = view.release.ref
    by_resource = {tr.resource_ref: tr.ref for tr in view.track_releases}
    all_tracks = tuple(tr.ref for tr in view.track_releases)
    groups: dict[tuple[str, ...], list[DealView]] = {}
    for deal in deals:
        covered: tuple[str, ...] = ()
        if track_releases and all_tracks and deal.applies_to_tracks:
            covered = all_tracks if deal.track_refs is None else tuple(
                by_resource[r] for r in deal.track_refs if r in by_resource)
        if deal.applies_to_release or not covered:
            groups.setdefault((main,), []).append(deal)
        if covered:
            groups.setdefault(covered, []).append(deal)
    ordered = sorted(groups.items(), key=lambda item: item[0] != (main,))
    return ordered


def instant_gratification(terms: etree._Element, deal: DealView) -> None:
    """A pre-order deal's instant-gratification resources (DealResourceReference per resource), if any."""
    if deal.is_preorder and deal.instant_gratification:
        listed = sub(terms, "InstantGratificationResourceList")
        for ref in deal.instant_gratification:
            sub(listed, "DealResourceReference", ref)
