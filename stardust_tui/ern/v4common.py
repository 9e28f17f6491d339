"""The ERN 4.x builder shared by 4.2 and 4.3: a pure function from a :class:`ReleaseView` to lxml elements.

The two versions differ in a few places only, switched on ``minor`` (2 or 3): 4.3 wraps a recording's
identifiers, P-line and technical details in a ``SoundRecordingEdition`` and describes files in a
``DeliveryFile``; 4.2 keeps them flat on the ``SoundRecording``; 4.3 carries ``AvsVersionId``.
Element order follows the XSD sequences exactly. Children are unqualified, so no namespace work is
done per element (that keeps building a 12-track album well under the cost of parsing one).
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
from stardust_tui.ern.deals import effective_deals
from stardust_tui.ern.release_view import (
    ArtistCredit,
    ContributorCredit,
    DealView,
    FileView,
    ReleaseView,
    SoundRecordingView,
)
from stardust_tui.ern.vocab import COMMERCIAL_MODELS_4, CONTRIBUTOR_ROLES_4, DISPLAY_ARTIST_ROLES_4, USE_TYPES_4

ROLE_ALIASES_4 = {"Producer": "StudioProducer", "Publisher": "MusicPublisher", "Guitarist": "Musician",
                  "Bassist": "Musician", "Drummer": "Musician", "Keyboardist": "Musician"}
AUDIO_CODECS = {"PCM": "PCM", "FLAC": "FLAC", "MP3": "MP3", "AAC": "AAC", "ALAC": "UserDefined"}


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


def _display_artist(parent: etree._Element, credit: ArtistCredit) -> None:
    da = sub(parent, "DisplayArtist", SequenceNumber=str(credit.sequence))
    sub(da, "ArtistPartyReference", credit.party_ref)
    if credit.role in DISPLAY_ARTIST_ROLES_4:
        sub(da, "DisplayArtistRole", credit.role)
    else:
        sub(da, "DisplayArtistRole", "UserDefined", UserDefinedValue=credit.role)


def _contributor(parent: etree._Element, credit: ContributorCredit) -> None:
    co = sub(parent, "Contributor", SequenceNumber=str(credit.sequence))
    sub(co, "ContributorPartyReference", credit.party_ref)
    role = credit.role if credit.role in CONTRIBUTOR_ROLES_4 else ROLE_ALIASES_4.get(credit.role)
    if role:
        sub(co, "Role", role)
    else:
        sub(co, "Role", "UserDefined", UserDefinedValue=credit.role)


def _titles(parent: etree._Element, title: str, subtitle: str | None) -> None:
    sub(parent, "DisplayTitleText", f"{title} ({subtitle})" if subtitle else title)
    dt = sub(parent, "DisplayTitle", ApplicableTerritoryCode="Worldwide", IsDefault="true")
    sub(dt, "TitleText", title)
    if subtitle:
        sub(dt, "SubTitle", subtitle, SubTitleType="Version")


def _file(parent: etree._Element, file: FileView) -> None:
    f = sub(parent, "File")
    sub(f, "URI", file.name)
    if file.md5:
        hs = sub(f, "HashSum")
        sub(hs, "Algorithm", "MD5")
        sub(hs, "HashSumValue", file.md5)
    if file.size is not None:
        sub(f, "FileSize", str(file.size))


def _audio_details(parent: etree._Element, file: FileView, wrap: bool) -> None:
    """Codec, channels, sampling rate, bits per sample, duration and file (4.3 inside a DeliveryFile)."""
    target = sub(parent, "DeliveryFile") if wrap else parent
    if wrap:
        sub(target, "Type", "AudioFile")
    codec = (file.codec or "").upper()
    if codec:
        value = AUDIO_CODECS.get(codec, "UserDefined")
        if value == "UserDefined":
            sub(target, "AudioCodecType", value, UserDefinedValue=file.codec or "")
        else:
            sub(target, "AudioCodecType", value)
    if file.channels:
        sub(target, "NumberOfChannels", str(file.channels))
    if file.sample_rate:
        sub(target, "SamplingRate", str(file.sample_rate), UnitOfMeasure="Hz")
    if file.bit_depth:
        sub(target, "BitsPerSample", str(file.bit_depth))
    if file.duration_seconds:
        sub(target, "Duration", iso_duration(file.duration_seconds))
    _file(target, file)


def _sound_recording(parent: etree._Element, rec: SoundRecordingView, minor: int, namespace: str) -> None:
    sr = sub(parent, "SoundRecording")
    sub(sr, "ResourceReference", rec.ref)
    sub(sr, "Type", "MusicalWorkSoundRecording")
    holder = sub(sr, "SoundRecordingEdition") if minor >= 3 else sr
    rid = sub(holder, "ResourceId")
    if rec.isrc:
        sub(rid, "ISRC", rec.isrc)
    else:
        sub(rid, "ProprietaryId", f"{rec.disc:02d}_{rec.track:03d}", Namespace=namespace)

    def pline(target: etree._Element) -> None:
        if rec.p_line:
            pl = sub(target, "PLine")
            if rec.p_line_year:
                sub(pl, "Year", str(rec.p_line_year))
            sub(pl, "PLineText", p_line_text(rec.p_line_year, rec.p_line))

    def technical(target: etree._Element) -> None:
        if rec.file is None:
            return
        td = sub(target, "TechnicalDetails")
        sub(td, "TechnicalResourceDetailsReference", rec.tech_ref)
        if minor >= 3:
            _audio_details(td, rec.file, wrap=True)
            if rec.preview_start is not None:
                clip = sub(td, "ClipDetails")
                sub(clip, "TechnicalResourceDetailsReference", rec.tech_ref + "C")
                sub(clip, "ClipType", "Preview")
                sub(sub(clip, "Timing"), "StartPoint", _decimal(rec.preview_start))
                sub(clip, "ExpressionType", "Instructive")
        else:
            _audio_details42(td, rec)

    if minor >= 3:
        pline(holder)
        technical(holder)
    _titles(sr, rec.title, rec.subtitle)
    sub(sr, "DisplayArtistName", rec.display_artist, ApplicableTerritoryCode="Worldwide", IsDefault="true")
    for credit in rec.artists:
        _display_artist(sr, credit)
    for contributor in rec.contributors:
        _contributor(sr, contributor)
    if minor < 3:
        pline(sr)
    sub(sr, "Duration", iso_duration(rec.duration_seconds))
    sub(sr, "ParentalWarningType", rec.parental_warning)
    if rec.language:
        sub(sr, "LanguageOfPerformance", rec.language)
    if minor < 3:
        technical(sr)


def _audio_details42(td: etree._Element, rec: SoundRecordingView) -> None:
    file = rec.file
    assert file is not None
    codec = (file.codec or "").upper()
    if codec:
        value = AUDIO_CODECS.get(codec, "UserDefined")
        if value == "UserDefined":
            sub(td, "AudioCodecType", value, UserDefinedValue=file.codec or "")
        else:
            sub(td, "AudioCodecType", value)
    if file.channels:
        sub(td, "NumberOfChannels", str(file.channels))
    if file.sample_rate:
        sub(td, "SamplingRate", str(file.sample_rate), UnitOfMeasure="Hz")
    if file.bit_depth:
        sub(td, "BitsPerSample", str(file.bit_depth))
    if file.duration_seconds:
        sub(td, "Duration", iso_duration(file.duration_seconds))
    if rec.preview_start is not None:
        sub(td, "IsPreview", "false")
        pd = sub(td, "PreviewDetails")
        sub(pd, "StartPoint", _decimal(rec.preview_start))
        sub(pd, "ExpressionType", "Instructive")
    _file(td, file)


def _decimal(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"


def _image(parent: etree._Element, view: ReleaseView, namespace: str) -> None:
    image = view.image
    assert image is not None
    im = sub(parent, "Image")
    sub(im, "ResourceReference", image.ref)
    sub(im, "Type", "FrontCoverImage")
    sub(sub(im, "ResourceId"), "ProprietaryId", image.proprietary_id, Namespace=namespace)
    if image.file is not None:
        td = sub(im, "TechnicalDetails")
        sub(td, "TechnicalResourceDetailsReference", image.tech_ref)
        image_codec_and_size(td, image.file)
        _file(td, image.file)


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


def _main_release(parent: etree._Element, view: ReleaseView, namespace: str) -> None:
    rel = view.release
    r = sub(parent, "Release")
    sub(r, "ReleaseReference", rel.ref)
    sub(r, "ReleaseType", rel.release_type)
    rid = sub(r, "ReleaseId")
    if rel.upc:
        sub(rid, "ICPN", rel.upc)
    if rel.catalog_number:
        sub(rid, "CatalogNumber", rel.catalog_number, Namespace=namespace)
    if not rel.upc and not rel.catalog_number:
        sub(rid, "ProprietaryId", rel.title, Namespace=namespace)
    _titles(r, rel.title, rel.subtitle)
    sub(r, "DisplayArtistName", rel.display_artist, ApplicableTerritoryCode="Worldwide", IsDefault="true")
    for credit in rel.artists:
        _display_artist(r, credit)
    sub(r, "ReleaseLabelReference", rel.label_ref, ApplicableTerritoryCode="Worldwide")
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
    sub(r, "Duration", iso_duration(rel.duration_seconds))
    genre = sub(r, "Genre", ApplicableTerritoryCode="Worldwide")
    sub(genre, "GenreText", rel.genre)
    if rel.subgenre:
        sub(genre, "SubGenre", rel.subgenre)
    if rel.release_date:
        sub(r, "ReleaseDate", rel.release_date.isoformat())
    if rel.original_release_date:
        sub(r, "OriginalReleaseDate", rel.original_release_date.isoformat())
    sub(r, "ParentalWarningType", rel.parental_warning)
    if rel.is_compilation:
        sub(r, "IsMultiArtistCompilation", "true")
    _resource_group(r, view)


def _resource_group(parent: etree._Element, view: ReleaseView) -> None:
    group = sub(parent, "ResourceGroup")
    discs = sorted({rec.disc for rec in view.recordings})
    if len(discs) <= 1:
        sub(group, "SequenceNumber", "1")
        for seq, rec in enumerate(view.recordings, start=1):
            item = sub(group, "ResourceGroupContentItem")
            sub(item, "SequenceNumber", str(seq))
            sub(item, "ReleaseResourceReference", rec.ref)
    else:
        for disc in discs:
            sg = sub(group, "ResourceGroup", ResourceGroupType="Component")
            sub(sg, "SequenceNumber", str(disc))
            for seq, rec in enumerate((r for r in view.recordings if r.disc == disc), start=1):
                item = sub(sg, "ResourceGroupContentItem")
                sub(item, "SequenceNumber", str(seq))
                sub(item, "ReleaseResourceReference", rec.ref)
    if view.image is not None:
        sub(group, "LinkedReleaseResourceReference", view.image.ref)


def _track_releases(parent: etree._Element, view: ReleaseView, namespace: str) -> None:
    """One TrackRelease per recording. All share one layout, so the first is built and the rest are C-level
    copies with their four varying texts replaced (about twice as fast as building each one)."""
    label_ref = view.release.label_ref
    proto: etree._Element | None = None
    for tr in view.track_releases:
        if proto is not None:
            t = deepcopy(proto)
            parent.append(t)
            t[0].text, t[1][0].text, t[2].text, t[-1][0].text = tr.ref, tr.proprietary_id, tr.resource_ref, tr.genre
            continue
        proto = t = sub(parent, "TrackRelease")
        sub(t, "ReleaseReference", tr.ref)
        sub(sub(t, "ReleaseId"), "ProprietaryId", tr.proprietary_id, Namespace=namespace)
        sub(t, "ReleaseResourceReference", tr.resource_ref)
        if view.image is not None:
            sub(t, "LinkedReleaseResourceReference", view.image.ref)
        sub(t, "ReleaseLabelReference", label_ref, ApplicableTerritoryCode="Worldwide")
        sub(sub(t, "Genre", ApplicableTerritoryCode="Worldwide"), "GenreText", tr.genre)


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
    if deal.price_tier:
        sub(sub(terms, "PriceInformation"), "PriceCode", deal.price_tier, Namespace=namespace)


def _deal_list(root: etree._Element, view: ReleaseView, deals: tuple[DealView, ...], track_releases: bool,
               namespace: str) -> None:
    if not deals:
        return
    dl = sub(root, "DealList")
    rd = sub(dl, "ReleaseDeal")
    sub(rd, "DealReleaseReference", view.release.ref)
    built = {}
    for deal in deals:
        _deal(rd, deal, namespace)
        built[id(deal)] = rd[-1]
    track_deals = [d for d in deals if d.applies_to_tracks]
    if track_releases and track_deals and view.track_releases:
        rd = sub(dl, "ReleaseDeal")
        for tr in view.track_releases:
            sub(rd, "DealReleaseReference", tr.ref)
        for deal in track_deals:  # the same terms as on the main release: copy the built elements
            rd.append(deepcopy(built[id(deal)]))


def build_new_release(view: ReleaseView, header: Header, options: BuildOptions, minor: int,
                      now: datetime | None = None) -> etree._Element:
    """A NewReleaseMessage (new, update, or takedown by removed/ended deals) for ERN 4.``minor``."""
    namespace = header.sender.dpid
    root = _root("NewReleaseMessage", minor, view.language, options, profile=True)
    _header(root, header)
    _party_list(root, view)
    rl = sub(root, "ResourceList")
    for rec in view.recordings:
        _sound_recording(rl, rec, minor, namespace)
    if view.image is not None:
        _image(rl, view, namespace)
    rel = sub(root, "ReleaseList")
    _main_release(rel, view, namespace)
    if options.track_releases:
        _track_releases(rel, view, namespace)
    deals, removed = effective_deals(view.deals, options, now or header.created)
    if removed:  # 4.x has no TakeDown flag: the release is re-stated without its deals
        deals = ()
    _deal_list(root, view, deals, options.track_releases, namespace)
    return root


def build_purge(view: ReleaseView, header: Header, options: BuildOptions, minor: int) -> etree._Element:
    """A PurgeReleaseMessage naming the release by its ICPN (or catalog number)."""
    root = _root("PurgeReleaseMessage", minor, view.language, options, profile=False)
    _header(root, header)
    pr = sub(root, "PurgedRelease")
    rid = sub(pr, "ReleaseId")
    if view.release.upc:
        sub(rid, "ICPN", view.release.upc)
    else:
        sub(rid, "ProprietaryId", view.release.catalog_number or view.release.title, Namespace=header.sender.dpid)
    return root
