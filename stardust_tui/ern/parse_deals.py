"""Deals of a read message (3.8.2 and 4.x alike) as :class:`DealView`: terms x validity, and the releases each
one is stated for (the main release, all track releases or some of them).

A deal stated with the same terms for several releases (one ReleaseDeal each, as the official samples
do) is one catalog deal covering them all. Each validity period is its own deal. A deal with no start is
skipped with a note; a 3.8.2 ``TakeDown`` deal states that the release is withdrawn, not a deal to keep. A
pre-order deal keeps its instant-gratification resources and (3.8.2) its release and preview dates.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from lxml import etree

from stardust_tui.ern.parse_common import parse_day, parse_when, role_of
from stardust_tui.ern.parse_seen import Seen
from stardust_tui.ern.view_model import ChannelView, DealView, Ident


def deal_views(seen: Seen, root: etree._Element, main_ref: str, track_releases: dict[str, str], notes: list[str],
               *, use_path: str, price_path: str = "PriceInformation/PriceCode") -> tuple[DealView, ...]:
    """Every deal of the message; ``track_releases`` maps each track release reference to its resource."""
    merged: dict[tuple[Any, ...], list[set[str]]] = {}
    order: list[tuple[Any, ...]] = []
    for rd in seen.findall(root, "DealList/ReleaseDeal"):
        refs = {seen.text(r) or "" for r in seen.findall(rd, "DealReleaseReference")}
        for deal in seen.findall(rd, "Deal"):
            terms = seen.find(deal, "DealTerms")
            if terms is None:
                notes.append(f"line {deal.sourceline}: Deal without DealTerms (terms agreed out of band): not kept")
                continue
            if seen.text(terms, "TakeDown") == "true":
                notes.append(f"line {terms.sourceline}: TakeDown deal not imported (no active deal)")
                continue
            deal_channels, channels_excluded = _channels(seen, terms)
            base = (tuple(seen.text(t) or "" for t in seen.findall(terms, "TerritoryCode")) or ("Worldwide",),
                    tuple(seen.text(t) or "" for t in seen.findall(terms, "ExcludedTerritoryCode")),
                    tuple(role_of(seen.mark(t)) or "" for t in terms.findall("CommercialModelType")),
                    tuple(role_of(seen.mark(t)) or "" for t in terms.findall(use_path)),
                    seen.text(terms, price_path) or seen.text(terms, "PriceInformation/PriceType"),
                    deal_channels, channels_excluded, seen.text(terms, "IsPreOrderDeal") == "true",
                    *_preorder(seen, terms))
            periods = seen.findall(terms, "ValidityPeriod")
            if not periods:
                notes.append(f"line {terms.sourceline}: deal without a validity period skipped")
            for period in periods:
                start = parse_when(seen.text(period, "StartDateTime") or seen.text(period, "StartDate"))
                if start is None:
                    notes.append(f"line {period.sourceline}: deal without a start date skipped")
                    continue
                end = parse_when(seen.text(period, "EndDateTime") or seen.text(period, "EndDate"), end=True)
                key = (*base, start, end)
                if key not in merged:
                    merged[key] = [set()]
                    order.append(key)
                merged[key][0] |= refs
    all_tracks = list(track_releases)
    out = []
    for key in order:
        territories, excluded, models, uses, price, channels, channels_out, preorder, instant, out_on, preview, \
            start, end = key
        refs = merged[key][0]
        covered = [ref for ref in all_tracks if ref in refs]
        out.append(DealView(
            territories=territories, excluded_territories=excluded, commercial_models=models, use_types=uses,
            start=start, end=end, price_tier=price, applies_to_tracks=bool(covered),
            applies_to_release=main_ref in refs,
            track_refs=None if not covered or len(covered) == len(all_tracks) else
            tuple(track_releases[r] for r in covered), channels=channels, channels_excluded=channels_out,
            is_preorder=preorder, instant_gratification=instant if preorder else (),
            preorder_release_date=out_on if preorder else None, preorder_preview_date=preview if preorder else None))
    return tuple(out)


def _preorder(seen: Seen, terms: etree._Element) -> tuple[tuple[str, ...], date | None, date | None]:
    """A pre-order's instant-gratification resources (refs), release date and preview date (3.8.2; 4.x states
    the resources only). A date-time is kept as its day."""
    instant = tuple(seen.text(r) or "" for r in seen.findall(terms, "InstantGratificationResourceList/"
                                                                    "DealResourceReference"))
    out_on = parse_day(seen.text(terms, "PreOrderReleaseDate"))
    preview = parse_day(seen.text(terms, "PreOrderPreviewDate") or seen.text(terms, "PreOrderPreviewDateTime"))
    return tuple(dict.fromkeys(r for r in instant if r)), out_on, preview


_PARTY_IDS = ("ISNI", "DPID", "IpiNameNumber", "IPN", "CisacSocietyId", "ProprietaryId")


def _channels(seen: Seen, terms: etree._Element) -> tuple[tuple[ChannelView, ...], bool]:
    """The deal's DistributionChannels (or ExcludedDistributionChannels): 4.x parties with typed ids,
    3.8.2 parties whose PartyId says what it is by attribute (IsDPID, IsISNI, Namespace)."""
    found = seen.findall(terms, "DistributionChannel")
    excluded = not found
    found = found or seen.findall(terms, "ExcludedDistributionChannel")
    out = []
    for dsp in found:
        ids: list[Ident] = []
        for pid in seen.findall(dsp, "PartyId"):
            if len(pid):  # 4.x DetailedPartyId
                for child in pid:
                    if isinstance(child.tag, str) and etree.QName(child).localname in _PARTY_IDS and child.text:
                        ids.append(Ident(etree.QName(child).localname, seen.text(child) or "", child.get("Namespace")))
            elif pid.text and pid.text.strip():  # 3.8.2: the kind is an attribute
                kind = "DPID" if pid.get("IsDPID") == "true" else "ISNI" if pid.get("IsISNI") == "true" else \
                    "ProprietaryId"
                ids.append(Ident(kind, pid.text.strip(), pid.get("Namespace")))
        out.append(ChannelView(name=seen.text(dsp, "PartyName/FullName"), trading_name=seen.text(dsp, "TradingName"),
                               ids=tuple(ids), urls=tuple(seen.text(u) or "" for u in seen.findall(dsp, "URL"))))
    return tuple(out), excluded and bool(out)
