"""The ERN 4.x builder shared by 4.2 and 4.3: a pure function from a :class:`ReleaseView` to lxml elements.

The two versions differ in a few places only, switched on ``minor`` (2 or 3): 4.3 wraps a recording's or
video's identifiers, P/C lines and technical details in an ``...Edition`` and describes files in a
``DeliveryFile`` (:mod:`.v4_resources`); 4.3 carries ``AvsVersionId``. Element order follows the XSD
sequences exactly. Children are unqualified, so no namespace work is done per element, and track releases
made in the catalog are C-level copies of the first one (that keeps building a 12-track album well under
the cost of parsing one).
"""

from __future__ import annotations

from copy import deepcopy
from datetime import datetime

from lxml import etree

from stardust_tui.domain.release_types import RELEASE_TYPES_BY_VERSION
from stardust_tui.ern.common import XSI, BuildOptions, Header, iso_datetime, iso_duration, sub, sub_avs
from stardust_tui.ern.deals import deal_groups, effective_deals, instant_gratification
from stardust_tui.ern.v4_parts import channels_4, display_artist, line_el, localized, titles_4, write_ids
from stardust_tui.ern.v4_resources import WARNINGS, ResourceWriter
from stardust_tui.ern.view_model import (
    DealView,
    GroupItemView,
    GroupView,
    LinkView,
    ReleaseView,
    TitleView,
    TrackReleaseView,
)
from stardust_tui.ern.vocab import COMMERCIAL_MODELS_4, USE_TYPES_4

KIND_ORDER = ("SoundRecording", "Video", "Image", "Text", "SheetMusic", "Software")
_RELEASE_IDS = ("GRid", "ICPN", "CatalogNumber", "ProprietaryId")
_ADDITIONAL_TITLE_TYPES = frozenset({"AlternativeTitle", "FormalTitle", "GroupingTitle", "OriginalTitle"})
_LINKS = frozenset({"CoverArt", "VideoScreenCapture"})
_GROUP_TYPES = frozenset({"Component", "ComponentRelease", "MultiWorkPart", "ReleaseComponent", "Side"})


def _header(root: etree._Element, header: Header) -> None:
    mh = sub(root, "MessageHeader")
    if header.thread_id:
        sub(mh, "MessageThreadId", header.thread_id)
    sub(mh, "MessageId", header.message_id)
    sender = sub(mh, "MessageSender")
    sub(sender, "PartyId", header.sender.dpid)
    sub(sub(sender, "PartyName"), "FullName", header.sender.name)
    for recipient in header.recipients:
        rec = sub(mh, "MessageRecipient")
        sub(rec, "PartyId", recipient.dpid)
        sub(sub(rec, "PartyName"), "FullName", recipient.name)
    sub(mh, "MessageCreatedDateTime", iso_datetime(header.created))
    sub(mh, "MessageControlType", "TestMessage" if header.test else "LiveMessage")


def _root(tag: str, minor: int, view_language: str, options: BuildOptions, profile: bool) -> etree._Element:
    ns = f"http://ddex.net/xml/ern/4{minor}"
    root = etree.Element(f"{{{ns}}}{tag}", nsmap={"ern": ns, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{ns} {ns}/release-notification.xsd")
    if profile:
        root.set("ReleaseProfileVersionId", "Audio")
    root.set("LanguageAndScriptCode", view_language)
    if minor >= 3:
        root.set("AvsVersionId", options.avs_version)
    return root


def _party_list(root: etree._Element, view: ReleaseView) -> None:
    pl = sub(root, "PartyList")
    for party in view.parties:
        p = sub(pl, "Party")
        sub(p, "PartyReference", party.ref)
        sub(sub(p, "PartyName"), "FullName", party.name)
        if party.isni or party.dpid:
            pid = sub(p, "PartyId")
            if party.isni:
                sub(pid, "ISNI", party.isni)
            if party.dpid:
                sub(pid, "DPID", party.dpid)


def _additional_titles(parent: etree._Element, titles: tuple[TitleView, ...]) -> None:
    """A group's titles: a DisplayTitle for one typed so (3.8.2 groups), AdditionalTitles for the rest."""
    for t in titles:
        if t.title_type == "DisplayTitle":
            dt = sub(parent, "DisplayTitle")
        elif t.title_type in _ADDITIONAL_TITLE_TYPES or not t.title_type:
            dt = sub(parent, "AdditionalTitle", TitleType=t.title_type) if t.title_type else \
                sub(parent, "AdditionalTitle")
        else:
            dt = sub(parent, "AdditionalTitle", TitleType="UserDefined", UserDefinedValue=t.title_type)
        sub(dt, "TitleText", t.text)
        if t.subtitle is not None:
            sub(dt, "SubTitle", t.subtitle)


def _links(parent: etree._Element, links: tuple[LinkView, ...]) -> None:
    for link in links:
        if not link.description:
            sub(parent, "LinkedReleaseResourceReference", link.ref)
        elif link.description in _LINKS:
            sub(parent, "LinkedReleaseResourceReference", link.ref, LinkDescription=link.description)
        else:
            sub(parent, "LinkedReleaseResourceReference", link.ref, LinkDescription="UserDefined",
                UserDefinedValue=link.description)


def _group(parent: etree._Element, group: GroupView, namespace: str, top: bool) -> None:
    if top:
        el = sub(parent, "ResourceGroup")
    else:
        kind = group.group_type or "Component"
        el = sub(parent, "ResourceGroup", ResourceGroupType=kind) if kind in _GROUP_TYPES else \
            sub(parent, "ResourceGroup", ResourceGroupType="Component")
    _additional_titles(el, group.titles)
    if group.sequence is not None:
        sub(el, "SequenceNumber", str(group.sequence))
    if group.ids:
        write_ids(sub(el, "ReleaseId"), _RELEASE_IDS, {}, group.ids, namespace)
    for subgroup in group.groups:
        _group(el, subgroup, namespace, top=False)
    for item in group.items:
        ci = sub(el, "ResourceGroupContentItem")
        if item.sequence is not None:
            sub(ci, "SequenceNumber", str(item.sequence))
        sub(ci, "ReleaseResourceReference", item.ref)
        _links(ci, item.linked)
    _links(el, group.linked)


def _main_release(parent: etree._Element, view: ReleaseView, namespace: str, version: str) -> None:
    rel = view.release
    r = sub(parent, "Release")
    sub(r, "ReleaseReference", rel.ref)
    for kind in (rel.release_type, *rel.extra_types):
        sub_avs(r, "ReleaseType", kind, RELEASE_TYPES_BY_VERSION[version])
    rid = sub(r, "ReleaseId")
    if rel.upc or rel.catalog_number or rel.grid or rel.ids:
        if rel.grid:
            sub(rid, "GRid", rel.grid)
        if rel.upc:
            sub(rid, "ICPN", rel.upc)
        if rel.catalog_number:
            sub(rid, "CatalogNumber", rel.catalog_number, Namespace=rel.catalog_namespace or namespace)
        write_ids(rid, ("ProprietaryId",), {}, rel.ids, namespace)
    else:
        sub(rid, "ProprietaryId", rel.title, Namespace=namespace)
    titles_4(r, rel.title, rel.subtitle, rel.display_title_text, rel.additional_titles, required=True)
    sub(r, "DisplayArtistName", rel.display_artist, ApplicableTerritoryCode="Worldwide", IsDefault="true")
    localized(r, "DisplayArtistName", rel.additional_titles)
    for credit in rel.artists:
        display_artist(r, credit)
    sub(r, "ReleaseLabelReference", rel.label_ref, ApplicableTerritoryCode="Worldwide")
    for tag, first in (("PLine", rel.p_line), ("CLine", rel.c_line)):
        line_el(r, tag, first)
        for kind, line in rel.extra_lines:
            if kind == tag:
                line_el(r, tag, line)
    if rel.duration_seconds is not None:
        sub(r, "Duration", iso_duration(rel.duration_seconds))
    genre = sub(r, "Genre", ApplicableTerritoryCode="Worldwide")
    sub(genre, "GenreText", rel.genre or "Unspecified")
    if rel.subgenre:
        sub(genre, "SubGenre", rel.subgenre)
    if rel.release_date:
        sub(r, "ReleaseDate", rel.release_date.isoformat())
    if rel.original_release_date:
        sub(r, "OriginalReleaseDate", rel.original_release_date.isoformat())
    sub_avs(r, "ParentalWarningType", rel.parental_warning,
            WARNINGS)
    if rel.is_compilation or rel.compilation_stated:
        sub(r, "IsMultiArtistCompilation", "true" if rel.is_compilation else "false")
    _group(r, rel.group or _fallback_group(view), namespace, top=True)  # 4.x requires one


def _fallback_group(view: ReleaseView) -> GroupView:
    """The group 4.x requires when a (3.8.2) message stated none: the tracks in order, the cover linked."""
    cover = view.image
    return GroupView(sequence=1, items=tuple(GroupItemView(r.ref, i) for i, r in enumerate(view.recordings, 1)),
                     linked=(LinkView(cover.ref),) if cover is not None else ())


def _stated_track_release(parent: etree._Element, view: ReleaseView, tr: TrackReleaseView, namespace: str) -> None:
    t = sub(parent, "TrackRelease")
    sub(t, "ReleaseReference", tr.ref)
    rid = sub(t, "ReleaseId")
    write_ids(rid, _RELEASE_IDS, {}, tr.ids, namespace)
    if not len(rid):
        sub(rid, "ProprietaryId", tr.ref, Namespace=namespace)
    titles_4(t, tr.title, tr.subtitle, tr.display_title_text, tr.additional_titles, required=False)
    sub(t, "ReleaseResourceReference", tr.resource_ref)
    _links(t, tr.linked)
    sub(t, "ReleaseLabelReference", tr.label_ref or view.release.label_ref, ApplicableTerritoryCode="Worldwide")
    sub(sub(t, "Genre", ApplicableTerritoryCode="Worldwide"), "GenreText",
        tr.genre or view.release.genre or "Unspecified")


def _plain(tr: TrackReleaseView) -> bool:
    """A catalog track release: one proprietary id, at most the cover linked, nothing else stated."""
    return (not tr.stated and len(tr.ids) == 1 and tr.ids[0].kind == "ProprietaryId" and tr.ids[0].namespace is None
            and len(tr.linked) <= 1 and not any(link.description for link in tr.linked))


def _track_releases(parent: etree._Element, view: ReleaseView, namespace: str) -> None:
    """One TrackRelease per track release of the view. Those made in the catalog share one layout, so the
    first is built and the rest are C-level copies with their four varying texts replaced."""
    label_ref = view.release.label_ref
    proto: etree._Element | None = None
    for tr in view.track_releases:
        if not _plain(tr):
            _stated_track_release(parent, view, tr, namespace)
            continue
        genre = tr.genre or view.release.genre or "Unspecified"
        if proto is not None and (len(proto) == 6) == bool(tr.linked):
            t = deepcopy(proto)
            parent.append(t)
            t[0].text, t[1][0].text, t[2].text, t[-1][0].text = tr.ref, tr.ids[0].value, tr.resource_ref, genre
            if tr.linked:
                t[3].text = tr.linked[0].ref
            continue
        proto = t = sub(parent, "TrackRelease")
        sub(t, "ReleaseReference", tr.ref)
        sub(sub(t, "ReleaseId"), "ProprietaryId", tr.ids[0].value, Namespace=namespace)
        sub(t, "ReleaseResourceReference", tr.resource_ref)
        _links(t, tr.linked)
        sub(t, "ReleaseLabelReference", label_ref, ApplicableTerritoryCode="Worldwide")
        sub(sub(t, "Genre", ApplicableTerritoryCode="Worldwide"), "GenreText", genre)


def _deal(parent: etree._Element, deal: DealView, namespace: str) -> None:
    terms = sub(sub(parent, "Deal"), "DealTerms")
    if deal.territories == ("Worldwide",) and deal.excluded_territories:
        for code in deal.excluded_territories:
            sub(terms, "ExcludedTerritoryCode", code)
    else:
        for code in deal.territories:
            if code not in deal.excluded_territories:
                sub(terms, "TerritoryCode", code)
    vp = sub(terms, "ValidityPeriod")
    sub(vp, "StartDateTime", iso_datetime(deal.start))
    if deal.end is not None:
        sub(vp, "EndDateTime", iso_datetime(deal.end))
    for model in deal.commercial_models:
        sub_avs(terms, "CommercialModelType", model, COMMERCIAL_MODELS_4)
    for use in deal.use_types:
        sub_avs(terms, "UseType", use, USE_TYPES_4)
    if deal.channels:
        channels_4(terms, deal)
    if deal.price_tier:
        sub(sub(terms, "PriceInformation"), "PriceCode", deal.price_tier, Namespace=namespace)
    if deal.is_preorder:
        sub(terms, "IsPreOrderDeal", "true")
        instant_gratification(terms, deal)


def _deal_list(root: etree._Element, view: ReleaseView, deals: tuple[DealView, ...], track_releases: bool,
               namespace: str) -> None:
    if not deals:
        return
    dl = sub(root, "DealList")
    built: dict[int, etree._Element] = {}
    for refs, group in deal_groups(view, deals, track_releases):
        rd = sub(dl, "ReleaseDeal")
        for ref in refs:
            sub(rd, "DealReleaseReference", ref)
        for deal in group:
            if id(deal) in built:  # the same terms already built for another release: a C-level copy
                rd.append(deepcopy(built[id(deal)]))
            else:
                _deal(rd, deal, namespace)
                built[id(deal)] = rd[-1]


def build_new_release(view: ReleaseView, header: Header, options: BuildOptions, minor: int,
                      now: datetime | None = None) -> etree._Element:
    """A NewReleaseMessage (new, update, or takedown by removed/ended deals) for ERN 4.``minor``."""
    namespace = header.sender.dpid
    root = _root("NewReleaseMessage", minor, view.language, options, profile=True)
    _header(root, header)
    _party_list(root, view)
    rl = sub(root, "ResourceList")
    writer = ResourceWriter(view, minor, namespace)
    for kind in KIND_ORDER:
        for res in view.resources:
            if res.kind == kind:
                writer.write(rl, res)
    rel = sub(root, "ReleaseList")
    _main_release(rel, view, namespace, f"4.{minor}")
    if options.track_releases:
        _track_releases(rel, view, namespace)
    deals, removed = effective_deals(view.deals, options, now or header.created)
    if removed:  # 4.x has no TakeDown flag: the release is re-stated without its deals
        deals = ()
    _deal_list(root, view, deals, options.track_releases, namespace)
    return root


def build_purge(view: ReleaseView, header: Header, options: BuildOptions, minor: int) -> etree._Element:
    """A PurgeReleaseMessage naming the release by its GRid and/or ICPN (else a proprietary id)."""
    root = _root("PurgeReleaseMessage", minor, view.language, options, profile=False)
    _header(root, header)
    rid = sub(sub(root, "PurgedRelease"), "ReleaseId")
    rel = view.release
    if rel.grid:
        sub(rid, "GRid", rel.grid)
    if rel.upc:
        sub(rid, "ICPN", rel.upc)
    if not rel.grid and not rel.upc:
        sub(rid, "ProprietaryId", rel.catalog_number or rel.title, Namespace=header.sender.dpid)
    return root
