"""ERN 3.8.2 builder: NewReleaseMessage (with UpdateIndicator / TakeDown) and PurgeReleaseMessage.

3.8.2 has no PartyList: artists and contributors are named inline in ``...DetailsByTerritory``
(:mod:`.v382_resources`). The main release is followed by one release per track release of the view
(``TrackRelease`` / ``VideoTrackRelease``); deals for tracks reference them. ``UpdateIndicator`` says
OriginalMessage or UpdateMessage, and a takedown by removed deals sends each deal's territories with
``TakeDown`` set, as 3.8.2 allows.
"""

from __future__ import annotations

from copy import deepcopy
from datetime import datetime

from lxml import etree

from stardust_tui.domain.release_types import RELEASE_TYPES_BY_VERSION
from stardust_tui.ern.common import XSI, BuildOptions, Header, iso_datetime, iso_duration, sub, sub_avs
from stardust_tui.ern.deals import deal_groups, effective_deals, instant_gratification, is_purge
from stardust_tui.ern.v382_parts import artist_382, channels_382, ids_382, line_382, titles_382
from stardust_tui.ern.v382_resources import WARNINGS, ResourceWriter382
from stardust_tui.ern.view_json import group_refs
from stardust_tui.ern.view_model import ArtistCredit, DealView, GroupView, ReleaseView, TitleView
from stardust_tui.ern.vocab import COMMERCIAL_MODELS_382, USE_TYPES_382

VERSION = "3.8.2"
NAMESPACE = "http://ddex.net/xml/ern/382"
KIND_ORDER = ("SoundRecording", "MIDI", "Video", "Image", "Text", "SheetMusic", "Software", "UserDefinedResource")
_RELEASE_IDS = ("GRid", "ISRC", "ICPN", "CatalogNumber", "ProprietaryId")
_PRIMARY = frozenset({"SoundRecording", "Video", "MIDI"})


def _el(tag: str, text: str) -> etree._Element:
    el = etree.Element(tag)
    el.text = text
    return el


def _root(tag: str, view: ReleaseView, profile: str | None) -> etree._Element:
    root = etree.Element(f"{{{NAMESPACE}}}{tag}", nsmap={"ern": NAMESPACE, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{NAMESPACE} {NAMESPACE}/release-notification.xsd")
    root.set("MessageSchemaVersionId", "ern/382")
    if profile:
        root.set("BusinessProfileVersionId", "CommonReleaseTypes/14")
        root.set("ReleaseProfileVersionId", profile)
    root.set("LanguageAndScriptCode", view.language)
    return root


def _header(root: etree._Element, header: Header) -> None:
    mh = sub(root, "MessageHeader")
    if header.thread_id:
        sub(mh, "MessageThreadId", header.thread_id)
    sub(mh, "MessageId", header.message_id)
    for tag, party in [("MessageSender", header.sender)] + [("MessageRecipient", r) for r in header.recipients]:
        el = sub(mh, tag)
        sub(el, "PartyId", party.dpid)
        sub(sub(el, "PartyName"), "FullName", party.name)
    sub(mh, "MessageCreatedDateTime", iso_datetime(header.created))
    sub(mh, "MessageControlType", "TestMessage" if header.test else "LiveMessage")


def _reference_title(parent: etree._Element, title: str | None, subtitle: str | None,
                     extra: tuple[TitleView, ...]) -> None:
    stored = next((t for t in extra if t.title_type == "ReferenceTitle"), None)
    if stored is not None:
        title, subtitle = stored.text, stored.subtitle
    rt = sub(parent, "ReferenceTitle")
    sub(rt, "TitleText", title or "Untitled")
    if subtitle:
        sub(rt, "SubTitle", subtitle)


def _content_item(parent: etree._Element, view: ReleaseView, seq: int | None, ref: str) -> None:
    item = sub(parent, "ResourceGroupContentItem")
    if seq is not None:
        sub(item, "SequenceNumber", str(seq))
    sub(item, "ResourceType", view.resource(ref).kind)
    sub(item, "ReleaseResourceReference", ref)


def _group(parent: etree._Element, view: ReleaseView, group: GroupView, namespace: str) -> None:
    """A 3.8.2 ResourceGroup. 3.8.2 has no group-level linked resources: a group without sub-groups lists
    them (the cover) as its last content items."""
    el = sub(parent, "ResourceGroup")
    for t in group.titles:
        title = sub(el, "Title", TitleType=t.title_type) if t.title_type else sub(el, "Title")
        sub(title, "TitleText", t.text)
        if t.subtitle:
            sub(title, "SubTitle", t.subtitle)
    if group.sequence is not None:
        sub(el, "SequenceNumber", str(group.sequence))
    for subgroup in group.groups:
        _group(el, view, subgroup, namespace)
    items = list(group.items)
    for item in items:
        ci = sub(el, "ResourceGroupContentItem")
        if item.sequence is not None:
            sub(ci, "SequenceNumber", str(item.sequence))
        sub(ci, "ResourceType", view.resource(item.ref).kind)
        sub(ci, "ReleaseResourceReference", item.ref)
        for link in item.linked:
            sub(ci, "LinkedReleaseResourceReference", link.ref, **(
                {"LinkDescription": link.description} if link.description else {}))
    if not group.groups:
        linked = list(group.linked)
        last = max((i.sequence or 0 for i in items), default=0)
        for n, link in enumerate(linked, start=1):
            _content_item(el, view, last + n if items and all(i.sequence for i in items) else None, link.ref)
    if group.ids:
        ids_382(el, "ReleaseId", _RELEASE_IDS, {}, group.ids, namespace)


def _release_refs(view: ReleaseView) -> list[str]:
    """The resources the main release lists: its group's (items, then linked ones), then every other one."""
    group = view.release.group
    out = list(dict.fromkeys([*group_refs(group), *_links(group)])) if group is not None else []
    out += [r.ref for r in view.resources if r.ref not in out]
    return out


def _links(group: GroupView) -> list[str]:
    out = [ref for sub_group in group.groups for ref in _links(sub_group)]
    out += [link.ref for item in group.items for link in item.linked]
    return out + [link.ref for link in group.linked]


def _details(parent: etree._Element, view: ReleaseView, *, title: str | None, subtitle: str | None,
             titles: tuple[TitleView, ...], stated: bool, display: str | None, artists: tuple[ArtistCredit, ...],
             warning: str | None, genre: str | None, subgenre: str | None, main: bool,
             refs: list[str], namespace: str) -> None:
    rel = view.release
    d = sub(parent, "ReleaseDetailsByTerritory")
    sub(d, "TerritoryCode", "Worldwide")
    if display:
        sub(d, "DisplayArtistName", display)
    sub(d, "LabelName", rel.label_name)
    titles_382(d, title, subtitle, titles, stated=stated)
    for credit in artists:
        artist_382(d, view, credit)
    if main and (rel.is_compilation or rel.compilation_stated):
        sub(d, "IsMultiArtistCompilation", "true" if rel.is_compilation else "false")
    if warning:
        sub_avs(d, "ParentalWarningType", warning, WARNINGS)
    if main and rel.group is not None:
        _group(d, view, rel.group, namespace)
    elif not main:  # a track release's group: its one resource
        group = sub(d, "ResourceGroup")
        sub(group, "SequenceNumber", "1")
        for seq, ref in enumerate(refs, start=1):
            _content_item(group, view, seq, ref)
    if genre:
        g = sub(d, "Genre")
        sub(g, "GenreText", genre)
        if subgenre:
            sub(g, "SubGenre", subgenre)
    if main:
        if rel.release_date:
            sub(d, "ReleaseDate", rel.release_date.isoformat())
        if rel.original_release_date:
            sub(d, "OriginalReleaseDate", rel.original_release_date.isoformat())


def _main(rl: etree._Element, view: ReleaseView, namespace: str) -> None:
    rel = view.release
    r = sub(rl, "Release", IsMainRelease="true")
    rid = sub(r, "ReleaseId")
    if rel.grid:
        sub(rid, "GRid", rel.grid)
    if rel.upc:
        sub(rid, "ICPN", rel.upc, IsEan="true" if len(rel.upc) == 13 else "false")
    if rel.catalog_number:
        sub(rid, "CatalogNumber", rel.catalog_number, Namespace=rel.catalog_namespace or namespace)
    for kind in ("ProprietaryId",):
        for ident in rel.ids:
            if ident.kind == kind:
                sub(rid, kind, ident.value, Namespace=ident.namespace or namespace)
    isrc = next((i.value for i in rel.ids if i.kind == "ISRC"), None)
    if isrc:  # 3.8.2 ReleaseId order: GRid, ISRC, ICPN...
        rid.insert(1 if rel.grid else 0, _el("ISRC", isrc))
    if not len(rid):
        sub(rid, "ProprietaryId", rel.title, Namespace=namespace)
    sub(r, "ReleaseReference", rel.ref)
    _reference_title(r, rel.title, rel.subtitle, rel.additional_titles)
    refs = _release_refs(view)
    rrl = sub(r, "ReleaseResourceReferenceList")
    for ref in refs:
        kind = view.resource(ref).kind
        sub(rrl, "ReleaseResourceReference", ref,
            ReleaseResourceType="PrimaryResource" if kind in _PRIMARY else "SecondaryResource")
    for kind in ((rel.release_type,) if rel.type_stated else ()) + rel.extra_types:
        sub_avs(r, "ReleaseType", kind, RELEASE_TYPES_BY_VERSION[VERSION])
    _details(r, view, title=rel.title, subtitle=rel.subtitle, titles=rel.additional_titles,
             stated=rel.titles_stated, display=rel.display_artist, artists=rel.artists,
             warning=rel.parental_warning, genre=rel.genre or "Unspecified", subgenre=rel.subgenre, main=True,
             refs=refs, namespace=namespace)
    if rel.duration_seconds is not None:
        sub(r, "Duration", iso_duration(rel.duration_seconds))
    for tag, first in (("PLine", rel.p_line), ("CLine", rel.c_line)):
        line_382(r, tag, first)
        for kind, line in rel.extra_lines:
            if kind == tag:
                line_382(r, tag, line)
    if rel.release_date:
        sub(r, "GlobalReleaseDate", rel.release_date.isoformat())
    if rel.original_release_date:
        sub(r, "GlobalOriginalReleaseDate", rel.original_release_date.isoformat())


def _track_releases(rl: etree._Element, view: ReleaseView, namespace: str) -> None:
    for tr in view.track_releases:
        res = view.resource(tr.resource_ref)
        t = sub(rl, "Release", IsMainRelease="false")
        if tr.stated:
            isrc = next((i.value for i in tr.ids if i.kind == "ISRC"), None)
            block = ids_382(t, "ReleaseId", _RELEASE_IDS, {"ISRC": isrc}, tr.ids, namespace)
            if block is None:
                sub(sub(t, "ReleaseId"), "ProprietaryId", tr.ref, Namespace=namespace)
        elif res.isrc:
            sub(sub(t, "ReleaseId"), "ISRC", res.isrc)
        else:
            sub(sub(t, "ReleaseId"), "ProprietaryId", tr.ids[0].value if tr.ids else tr.ref, Namespace=namespace)
        sub(t, "ReleaseReference", tr.ref)
        _reference_title(t, tr.title or res.title, tr.subtitle if tr.title else res.subtitle, tr.additional_titles)
        refs = [tr.resource_ref] + [link.ref for link in tr.linked if tr.stated]
        rrl = sub(t, "ReleaseResourceReferenceList")
        for ref in refs:
            sub(rrl, "ReleaseResourceReference", ref, ReleaseResourceType="PrimaryResource"
                if ref == tr.resource_ref else "SecondaryResource")
        sub_avs(t, "ReleaseType", tr.release_type, RELEASE_TYPES_BY_VERSION[VERSION])
        _details(t, view, title=tr.title, subtitle=tr.subtitle, titles=tr.additional_titles, stated=tr.stated,
                 display=tr.display_artist, artists=tr.artists, warning=tr.parental_warning, genre=tr.genre,
                 subgenre=None, main=False, refs=[tr.resource_ref], namespace=namespace)
        if tr.duration_seconds is not None:
            sub(t, "Duration", iso_duration(tr.duration_seconds))
        line_382(t, "PLine", tr.p_line)
        line_382(t, "CLine", tr.c_line)


def _deal(parent: etree._Element, deal: DealView, takedown: bool, now: datetime, namespace: str) -> None:
    terms = sub(sub(parent, "Deal"), "DealTerms")
    if deal.is_preorder and not takedown:
        sub(terms, "IsPreOrderDeal", "true")
    if takedown:
        sub(terms, "TakeDown", "true")
    else:
        for model in deal.commercial_models:
            sub_avs(terms, "CommercialModelType", model, COMMERCIAL_MODELS_382)
        usage = sub(terms, "Usage")
        for use in deal.use_types:
            sub_avs(usage, "UseType", use, USE_TYPES_382)
    if deal.territories == ("Worldwide",) and deal.excluded_territories:
        for code in deal.excluded_territories:
            sub(terms, "ExcludedTerritoryCode", code)
    else:
        for code in deal.territories:
            if code not in deal.excluded_territories:
                sub(terms, "TerritoryCode", code)
    if deal.channels and not takedown:
        channels_382(terms, deal)
    if deal.price_tier and not takedown:
        pi = sub(terms, "PriceInformation")
        sub(pi, "PriceType", deal.price_tier, Namespace=namespace)
    vp = sub(terms, "ValidityPeriod")
    if takedown:
        sub(vp, "StartDateTime", iso_datetime(now))
        return
    sub(vp, "StartDateTime", iso_datetime(deal.start))
    if deal.end is not None:
        sub(vp, "EndDateTime", iso_datetime(deal.end))
    if deal.is_preorder:
        if deal.preorder_release_date is not None:
            sub(terms, "PreOrderReleaseDate", deal.preorder_release_date.isoformat())
        if deal.preorder_preview_date is not None:
            sub(terms, "PreOrderPreviewDate", deal.preorder_preview_date.isoformat())
        instant_gratification(terms, deal)


def _profile(view: ReleaseView) -> str:
    return ("CommonReleaseTypes/14/AudioSingle" if view.release.release_type == "Single"
            else "CommonReleaseTypes/14/AudioAlbumMusicOnly")


def build(view: ReleaseView, header: Header, options: BuildOptions) -> etree._Element:
    """The ERN 3.8.2 message for ``options.message_type`` as an lxml element."""
    namespace = header.sender.dpid
    if is_purge(options):
        root = _root("PurgeReleaseMessage", view, None)
        _header(root, header)
        rid = sub(sub(root, "PurgedRelease"), "ReleaseId")
        rel = view.release
        if rel.grid:
            sub(rid, "GRid", rel.grid)
        if rel.upc:
            sub(rid, "ICPN", rel.upc, IsEan="true" if len(rel.upc) == 13 else "false")
        if not rel.grid and not rel.upc:
            sub(rid, "ProprietaryId", rel.catalog_number or rel.title, Namespace=namespace)
        return root
    root = _root("NewReleaseMessage", view, _profile(view))
    _header(root, header)
    sub(root, "UpdateIndicator", "OriginalMessage" if options.message_type == "new" else "UpdateMessage")
    rl = sub(root, "ResourceList")
    writer = ResourceWriter382(view, namespace)
    for kind in KIND_ORDER:
        for res in view.resources:
            if res.kind == kind:
                writer.write(rl, res)
    releases = sub(root, "ReleaseList")
    _main(releases, view, namespace)
    if options.track_releases:
        _track_releases(releases, view, namespace)
    deals, takedown = effective_deals(view.deals, options, header.created)
    if deals:
        dl = sub(root, "DealList")
        built: dict[int, etree._Element] = {}
        for refs, group in deal_groups(view, deals, options.track_releases):
            rd = sub(dl, "ReleaseDeal")
            for ref in refs:
                sub(rd, "DealReleaseReference", ref)
            for deal in group:
                if id(deal) in built:  # the same terms as for another release: copy the built element
                    rd.append(deepcopy(built[id(deal)]))
                else:
                    _deal(rd, deal, takedown, header.created, namespace)
                    built[id(deal)] = rd[-1]
    return root
