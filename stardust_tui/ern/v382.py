"""ERN 3.8.2 builder: NewReleaseMessage (with UpdateIndicator / TakeDown) and PurgeReleaseMessage.

3.8.2 has no PartyList: artists and contributors are named inline in ``...DetailsByTerritory``.
The main release is followed by one ``TrackRelease`` per recording (the 3.x equivalent of 4.x track
releases); deals for tracks reference them. ``UpdateIndicator`` says OriginalMessage or UpdateMessage,
and a takedown by removed deals sends each deal's territories with ``TakeDown`` set, as 3.8.2 allows.
"""

from __future__ import annotations

from copy import deepcopy
from datetime import datetime

from lxml import etree

from stardust_tui.ern.common import (
    XSI,
    BuildOptions,
    Header,
    c_line_text,
    image_codec_and_size,
    iso_datetime,
    iso_duration,
    p_line_text,
    sub,
    sub_avs,
)
from stardust_tui.ern.deals import effective_deals, is_purge
from stardust_tui.ern.release_view import ArtistCredit, DealView, FileView, ReleaseView, SoundRecordingView
from stardust_tui.ern.vocab import (
    ARTIST_ROLES_382,
    COMMERCIAL_MODELS_382,
    RESOURCE_CONTRIBUTOR_ROLES_382,
    USE_TYPES_382,
    WORK_CONTRIBUTOR_ROLES_382,
)

VERSION = "3.8.2"
NAMESPACE = "http://ddex.net/xml/ern/382"
AUDIO_CODECS = {"PCM": "PCM", "FLAC": "FLAC", "MP3": "MP3", "AAC": "AAC"}
ROLE_ALIASES = {"Publisher": "MusicPublisher", "Guitarist": "Musician", "Bassist": "Musician",
                "Drummer": "Musician", "Keyboardist": "Musician"}


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


def _party_name(parent: etree._Element, view: ReleaseView, ref: str) -> None:
    party = view.party(ref)
    sub(sub(parent, "PartyName"), "FullName", party.name)
    if party.isni:
        sub(parent, "PartyId", party.isni, IsISNI="true")


def _display_artist(parent: etree._Element, view: ReleaseView, credit: ArtistCredit) -> None:
    da = sub(parent, "DisplayArtist", SequenceNumber=str(credit.sequence))
    _party_name(da, view, credit.party_ref)
    if credit.role in ARTIST_ROLES_382:
        sub(da, "ArtistRole", credit.role)
    else:
        sub(da, "ArtistRole", "UserDefined", UserDefinedValue=credit.role)


def _titles(parent: etree._Element, title: str, subtitle: str | None) -> None:
    for kind in ("FormalTitle", "DisplayTitle"):
        t = sub(parent, "Title", TitleType=kind)
        sub(t, "TitleText", title)
        if subtitle:
            sub(t, "SubTitle", subtitle)


def _reference_title(parent: etree._Element, title: str, subtitle: str | None) -> None:
    rt = sub(parent, "ReferenceTitle")
    sub(rt, "TitleText", title)
    if subtitle:
        sub(rt, "SubTitle", subtitle)


def _file(parent: etree._Element, file: FileView) -> None:
    f = sub(parent, "File")
    folder, _, name = file.name.rpartition("/")
    sub(f, "FileName", name)
    if folder:
        sub(f, "FilePath", folder + "/")
    if file.md5:
        hs = sub(f, "HashSum")
        sub(hs, "HashSum", file.md5)
        sub(hs, "HashSumAlgorithmType", "MD5")


def _language(code: str | None) -> str | None:
    if not code:
        return None
    primary = code.split("-")[0].lower()
    return primary if len(primary) == 2 else None


def _sound_recording(parent: etree._Element, view: ReleaseView, rec: SoundRecordingView, namespace: str) -> None:
    sr = sub(parent, "SoundRecording")
    sub(sr, "SoundRecordingType", "MusicalWorkSoundRecording")
    rid = sub(sr, "SoundRecordingId")
    if rec.isrc:
        sub(rid, "ISRC", rec.isrc)
    else:
        sub(rid, "ProprietaryId", f"{rec.disc:02d}_{rec.track:03d}", Namespace=namespace)
    sub(sr, "ResourceReference", rec.ref)
    _reference_title(sr, rec.title, rec.subtitle)
    language = _language(rec.language)
    if language:
        sub(sr, "LanguageOfPerformance", language)
    sub(sr, "Duration", iso_duration(rec.duration_seconds))
    d = sub(sr, "SoundRecordingDetailsByTerritory")
    sub(d, "TerritoryCode", "Worldwide")
    _titles(d, rec.title, rec.subtitle)
    for credit in rec.artists:
        _display_artist(d, view, credit)
    work_roles = []
    seq = 0
    for c in rec.contributors:
        role = c.role if c.role in RESOURCE_CONTRIBUTOR_ROLES_382 else None
        if role is None and (c.role in WORK_CONTRIBUTOR_ROLES_382 or ROLE_ALIASES.get(c.role)
                             in WORK_CONTRIBUTOR_ROLES_382):
            work_roles.append(c)
            continue
        seq += 1
        rc = sub(d, "ResourceContributor", SequenceNumber=str(seq))
        _party_name(rc, view, c.party_ref)
        role = role or ROLE_ALIASES.get(c.role)
        if role in RESOURCE_CONTRIBUTOR_ROLES_382:
            sub(rc, "ResourceContributorRole", role)
        else:
            sub(rc, "ResourceContributorRole", "UserDefined", UserDefinedValue=c.role)
    for seq, c in enumerate(work_roles, start=1):
        ic = sub(d, "IndirectResourceContributor", SequenceNumber=str(seq))
        _party_name(ic, view, c.party_ref)
        role = c.role if c.role in WORK_CONTRIBUTOR_ROLES_382 else ROLE_ALIASES[c.role]
        sub(ic, "IndirectResourceContributorRole", role)
    sub(d, "DisplayArtistName", rec.display_artist)
    sub(d, "LabelName", view.release.label_name)
    if rec.p_line:
        pl = sub(d, "PLine")
        if rec.p_line_year:
            sub(pl, "Year", str(rec.p_line_year))
        sub(pl, "PLineText", p_line_text(rec.p_line_year, rec.p_line))
    sub(sub(d, "Genre"), "GenreText", rec.genre or view.release.genre)
    sub(d, "ParentalWarningType", rec.parental_warning)
    if rec.file is not None:
        td = sub(d, "TechnicalSoundRecordingDetails")
        sub(td, "TechnicalResourceDetailsReference", rec.tech_ref)
        file = rec.file
        codec = (file.codec or "").upper()
        if codec:
            value = AUDIO_CODECS.get(codec)
            if value:
                sub(td, "AudioCodecType", value)
            else:
                sub(td, "AudioCodecType", "UserDefined", UserDefinedValue=file.codec or "")
        if file.channels:
            sub(td, "NumberOfChannels", str(file.channels))
        if file.sample_rate:
            sub(td, "SamplingRate", str(file.sample_rate), UnitOfMeasure="Hz")
        if file.bit_depth:
            sub(td, "BitsPerSample", str(file.bit_depth))
        if file.duration_seconds:
            sub(td, "Duration", iso_duration(file.duration_seconds))
        sub(td, "IsPreview", "false")
        if rec.preview_start is not None:
            pd = sub(td, "PreviewDetails")
            sub(pd, "StartPoint", f"{rec.preview_start:.3f}".rstrip("0").rstrip("."))
            sub(pd, "ExpressionType", "Instructive")
        _file(td, file)


def _image(parent: etree._Element, view: ReleaseView, namespace: str) -> None:
    image = view.image
    assert image is not None
    im = sub(parent, "Image")
    sub(im, "ImageType", "FrontCoverImage")
    sub(sub(im, "ImageId"), "ProprietaryId", image.proprietary_id, Namespace=namespace)
    sub(im, "ResourceReference", image.ref)
    d = sub(im, "ImageDetailsByTerritory")
    sub(d, "TerritoryCode", "Worldwide")
    if image.file is not None:
        td = sub(d, "TechnicalImageDetails")
        sub(td, "TechnicalResourceDetailsReference", image.tech_ref)
        image_codec_and_size(td, image.file)
        _file(td, image.file)


def _details(parent: etree._Element, view: ReleaseView, *, title: str, subtitle: str | None, display: str,
             artists: tuple[ArtistCredit, ...], warning: str, genre: str, subgenre: str | None,
             refs: list[str], with_lines: bool) -> None:
    rel = view.release
    d = sub(parent, "ReleaseDetailsByTerritory")
    sub(d, "TerritoryCode", "Worldwide")
    sub(d, "DisplayArtistName", display)
    sub(d, "LabelName", rel.label_name)
    _titles(d, title, subtitle)
    for credit in artists:
        _display_artist(d, view, credit)
    if with_lines and rel.is_compilation:
        sub(d, "IsMultiArtistCompilation", "true")
    sub(d, "ParentalWarningType", warning)
    _resource_group(d, view, refs)
    g = sub(d, "Genre")
    sub(g, "GenreText", genre)
    if subgenre:
        sub(g, "SubGenre", subgenre)
    if with_lines:
        if rel.release_date:
            sub(d, "ReleaseDate", rel.release_date.isoformat())
        if rel.original_release_date:
            sub(d, "OriginalReleaseDate", rel.original_release_date.isoformat())


def _resource_group(parent: etree._Element, view: ReleaseView, refs: list[str]) -> None:
    group = sub(parent, "ResourceGroup")
    recs = [r for r in view.recordings if r.ref in refs]
    discs = sorted({r.disc for r in recs})
    if len(discs) > 1:
        for disc in discs:
            sg = sub(group, "ResourceGroup")
            sub(sg, "SequenceNumber", str(disc))
            for seq, rec in enumerate((r for r in recs if r.disc == disc), start=1):
                _content_item(sg, seq, "SoundRecording", rec.ref)
    else:
        sub(group, "SequenceNumber", "1")
        for seq, rec in enumerate(recs, start=1):
            _content_item(group, seq, "SoundRecording", rec.ref)
    if view.image is not None and view.image.ref in refs and len(discs) <= 1:
        _content_item(group, len(recs) + 1, "Image", view.image.ref)


def _content_item(parent: etree._Element, seq: int, kind: str, ref: str) -> None:
    item = sub(parent, "ResourceGroupContentItem")
    sub(item, "SequenceNumber", str(seq))
    sub(item, "ResourceType", kind)
    sub(item, "ReleaseResourceReference", ref)


def _releases(root: etree._Element, view: ReleaseView, options: BuildOptions, namespace: str) -> None:
    rl = sub(root, "ReleaseList")
    rel = view.release
    r = sub(rl, "Release", IsMainRelease="true")
    rid = sub(r, "ReleaseId")
    if rel.upc:
        sub(rid, "ICPN", rel.upc, IsEan="true" if len(rel.upc) == 13 else "false")
    if rel.catalog_number:
        sub(rid, "CatalogNumber", rel.catalog_number, Namespace=namespace)
    if not rel.upc and not rel.catalog_number:
        sub(rid, "ProprietaryId", rel.title, Namespace=namespace)
    sub(r, "ReleaseReference", rel.ref)
    _reference_title(r, rel.title, rel.subtitle)
    rrl = sub(r, "ReleaseResourceReferenceList")
    refs = [rec.ref for rec in view.recordings]
    for ref in refs:
        sub(rrl, "ReleaseResourceReference", ref, ReleaseResourceType="PrimaryResource")
    if view.image is not None:
        sub(rrl, "ReleaseResourceReference", view.image.ref, ReleaseResourceType="SecondaryResource")
        refs.append(view.image.ref)
    sub(r, "ReleaseType", rel.release_type)
    _details(r, view, title=rel.title, subtitle=rel.subtitle, display=rel.display_artist, artists=rel.artists,
             warning=rel.parental_warning, genre=rel.genre, subgenre=rel.subgenre, refs=refs, with_lines=True)
    sub(r, "Duration", iso_duration(rel.duration_seconds))
    if rel.p_line:
        pl = sub(r, "PLine")
        if rel.p_line_year:
            sub(pl, "Year", str(rel.p_line_year))
        sub(pl, "PLineText", p_line_text(rel.p_line_year, rel.p_line))
    if rel.c_line:
        cl = sub(r, "CLine")
        if rel.c_line_year:
            sub(cl, "Year", str(rel.c_line_year))
        sub(cl, "CLineText", c_line_text(rel.c_line_year, rel.c_line))
    if rel.release_date:
        sub(r, "GlobalReleaseDate", rel.release_date.isoformat())
    if rel.original_release_date:
        sub(r, "GlobalOriginalReleaseDate", rel.original_release_date.isoformat())
    if not options.track_releases:
        return
    for tr, rec in zip(view.track_releases, view.recordings, strict=True):
        t = sub(rl, "Release", IsMainRelease="false")
        tid = sub(t, "ReleaseId")
        if rec.isrc:
            sub(tid, "ISRC", rec.isrc)
        else:
            sub(tid, "ProprietaryId", tr.proprietary_id, Namespace=namespace)
        sub(t, "ReleaseReference", tr.ref)
        _reference_title(t, rec.title, rec.subtitle)
        sub(sub(t, "ReleaseResourceReferenceList"), "ReleaseResourceReference", rec.ref,
            ReleaseResourceType="PrimaryResource")
        sub(t, "ReleaseType", "TrackRelease")
        _details(t, view, title=rec.title, subtitle=rec.subtitle, display=rec.display_artist, artists=rec.artists,
                 warning=rec.parental_warning, genre=tr.genre, subgenre=None, refs=[rec.ref], with_lines=False)
        sub(t, "Duration", iso_duration(rec.duration_seconds))


def _deal(parent: etree._Element, deal: DealView, takedown: bool, now: datetime, namespace: str) -> None:
    terms = sub(sub(parent, "Deal"), "DealTerms")
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


def build(view: ReleaseView, header: Header, options: BuildOptions) -> etree._Element:
    """The ERN 3.8.2 message for ``options.message_type`` as an lxml element."""
    namespace = header.sender.dpid
    if is_purge(options):
        root = _root("PurgeReleaseMessage", view, None)
        _header(root, header)
        rid = sub(sub(root, "PurgedRelease"), "ReleaseId")
        if view.release.upc:
            sub(rid, "ICPN", view.release.upc, IsEan="true" if len(view.release.upc) == 13 else "false")
        else:
            sub(rid, "ProprietaryId", view.release.catalog_number or view.release.title, Namespace=namespace)
        return root
    profile = ("CommonReleaseTypes/14/AudioSingle" if view.release.release_type == "Single"
               else "CommonReleaseTypes/14/AudioAlbumMusicOnly")
    root = _root("NewReleaseMessage", view, profile)
    _header(root, header)
    sub(root, "UpdateIndicator", "OriginalMessage" if options.message_type == "new" else "UpdateMessage")
    rl = sub(root, "ResourceList")
    for rec in view.recordings:
        _sound_recording(rl, view, rec, namespace)
    if view.image is not None:
        _image(rl, view, namespace)
    _releases(root, view, options, namespace)
    deals, takedown = effective_deals(view.deals, options, header.created)
    if deals:
        dl = sub(root, "DealList")
        rd = sub(dl, "ReleaseDeal")
        sub(rd, "DealReleaseReference", view.release.ref)
        built = {}
        for deal in deals:
            _deal(rd, deal, takedown, header.created, namespace)
            built[id(deal)] = rd[-1]
        track_deals = [d for d in deals if d.applies_to_tracks]
        if options.track_releases and track_deals and view.track_releases:
            rd = sub(dl, "ReleaseDeal")
            for tr in view.track_releases:
                sub(rd, "DealReleaseReference", tr.ref)
            for deal in track_deals:  # the same terms as on the main release: copy the built elements
                rd.append(deepcopy(built[id(deal)]))
    return root
