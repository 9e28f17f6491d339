"""Reading an ERN 4.2 / 4.3 NewReleaseMessage into a :class:`ParsedRelease` (PartyList, references)."""

from __future__ import annotations

from lxml import etree

from stardust_tui.ern.parse_common import (
    WARNINGS,
    DealRecord,
    FileRecord,
    ParsedRelease,
    PersonRecord,
    TrackRecord,
    duration_seconds,
    int_or_none,
    parse_day,
    parse_when,
    release_type,
    role_of,
    sample_rate_hz,
    text,
)
from stardust_tui.errors import ValidationError


def _default(el: etree._Element, tag: str) -> etree._Element | None:
    items = el.findall(tag)
    for item in items:
        if item.get("IsDefault") == "true":
            return item
    plain = [i for i in items if not i.get("LanguageAndScriptCode")]
    return (plain or items or [None])[0]


def _title(el: etree._Element) -> tuple[str | None, str | None]:
    dt = _default(el, "DisplayTitle")
    if dt is not None:
        return text(dt, "TitleText"), text(dt, "SubTitle")
    return text(_default(el, "DisplayTitleText")), None


def _people(el: etree._Element, parties: dict[str, tuple[str, str | None]]) -> list[PersonRecord]:
    out = []
    for da in el.findall("DisplayArtist"):
        ref = text(da, "ArtistPartyReference")
        if ref in parties:
            name, isni = parties[ref]
            out.append(PersonRecord(name, role_of(da.find("DisplayArtistRole")) or "MainArtist", isni))
    return out


def _file(holder: etree._Element | None) -> FileRecord | None:
    if holder is None:
        return None
    f = holder.find("File")
    if f is None or not text(f, "URI"):
        return None
    md5 = text(f, "HashSum/HashSumValue") if (text(f, "HashSum/Algorithm") or "").upper() == "MD5" else None
    codec = text(holder, "AudioCodecType") or text(holder, "ImageCodecType")
    return FileRecord(
        name=text(f, "URI") or "", md5=md5, size=int_or_none(text(f, "FileSize")), codec=codec,
        sample_rate=sample_rate_hz(holder.find("SamplingRate")),
        bit_depth=int_or_none(text(holder, "BitsPerSample") or text(holder, "BitDepth")),
        channels=int_or_none(text(holder, "NumberOfChannels")),
        width=int_or_none(text(holder, "ImageWidth")), height=int_or_none(text(holder, "ImageHeight")),
    )


def _recording(sr: etree._Element, parties: dict[str, tuple[str, str | None]]) -> TrackRecord:
    edition = sr.find("SoundRecordingEdition")
    holder = edition if edition is not None else sr
    title, subtitle = _title(sr)
    track = TrackRecord(ref=text(sr, "ResourceReference") or "", disc=1, number=1, title=title or "Untitled",
                        subtitle=subtitle, isrc=text(holder, "ResourceId/ISRC"))
    track.display_artist = text(_default(sr, "DisplayArtistName")) or ""
    track.artists = _people(sr, parties)
    for co in sr.findall("Contributor"):
        ref = text(co, "ContributorPartyReference")
        if ref in parties:
            for role in co.findall("Role") or [None]:
                track.contributors.append(PersonRecord(parties[ref][0], role_of(role) or "Contributor",
                                                       parties[ref][1]))
    track.duration = duration_seconds(text(sr, "Duration"))
    track.explicit = text(sr, "ParentalWarningType") == "Explicit"
    pl = holder.find("PLine")
    if pl is not None:
        track.p_line_year, track.p_line = int_or_none(text(pl, "Year")), text(pl, "PLineText")
    track.language = text(sr, "LanguageOfPerformance")
    td = holder.find("TechnicalDetails")
    if td is not None:
        delivery = td.find("DeliveryFile")
        track.file = _file(delivery if delivery is not None else td)
        start = text(td, "ClipDetails/Timing/StartPoint") or text(td, "PreviewDetails/StartPoint")
        track.preview_start = float(start) if start else None
    return track


def _order(group: etree._Element | None, tracks: dict[str, TrackRecord]) -> list[TrackRecord]:
    """Assign disc/track numbers from the resource group tree (sub-groups are discs)."""
    ordered: list[TrackRecord] = []
    if group is None:
        return ordered
    subgroups = group.findall("ResourceGroup")
    discs = subgroups if subgroups else [group]
    for disc_no, disc in enumerate(discs, start=1):
        number = 0
        for item in disc.iter("ResourceGroupContentItem"):
            ref = text(item, "ReleaseResourceReference")
            if ref in tracks and tracks[ref] not in ordered:
                number += 1
                tracks[ref].disc, tracks[ref].number = disc_no, number
                ordered.append(tracks[ref])
    return ordered


def _deals(root: etree._Element, main_ref: str, track_refs: set[str], out: ParsedRelease) -> None:
    merged: dict[tuple, DealRecord] = {}
    for rd in root.findall("DealList/ReleaseDeal"):
        refs = {text(r) for r in rd.findall("DealReleaseReference")}
        for deal in rd.findall("Deal"):
            terms = deal.find("DealTerms")
            if terms is None:
                out.skipped.append(f"line {deal.sourceline}: deal without terms (communicated out of band)")
                continue
            periods = terms.findall("ValidityPeriod")
            if len(periods) > 1:
                out.skipped.append(f"line {terms.sourceline}: only the first of {len(periods)} validity periods kept")
            period = periods[0] if periods else None
            start = parse_when(text(period, "StartDateTime") or text(period, "StartDate")) if period is not None \
                else None
            if start is None:
                out.skipped.append(f"line {terms.sourceline}: deal without a start date skipped")
                continue
            record = DealRecord(
                territories=[text(t) or "" for t in terms.findall("TerritoryCode")],
                excluded=[text(t) or "" for t in terms.findall("ExcludedTerritoryCode")],
                commercial_models=[role_of(t) or "" for t in terms.findall("CommercialModelType")],
                use_types=[role_of(t) or "" for t in terms.findall("UseType")],
                start=start,
                end=parse_when(text(period, "EndDateTime") or text(period, "EndDate"), end=True),
                price_tier=text(terms, "PriceInformation/PriceCode"),
            )
            if not record.territories:
                record.territories = ["Worldwide"]
            key = (tuple(record.territories), tuple(record.excluded), tuple(record.commercial_models),
                   tuple(record.use_types), record.start, record.end, record.price_tier)
            record = merged.setdefault(key, record)
            record.on_release |= main_ref in refs
            record.on_tracks |= bool(refs & track_refs)
    out.deals = list(merged.values())
    if any(d.on_tracks and not d.on_release for d in out.deals):
        out.skipped.append("deals stated only for track releases are kept as release-and-track deals")


def parse_4x(root: etree._Element, version: str) -> ParsedRelease:
    parties: dict[str, tuple[str, str | None]] = {}
    for p in root.findall("PartyList/Party"):
        name = text(_default(p, "PartyName"), "FullName") or text(p, "PartyId/ProprietaryId") or "Unknown"
        parties[text(p, "PartyReference") or ""] = (name, text(p, "PartyId/ISNI"))
    release = root.find("ReleaseList/Release")
    if release is None:
        raise ValidationError(f"line {root.sourceline}: the message has no main Release")
    title, subtitle = _title(release)
    out = ParsedRelease(version=version, message_id=text(root, "MessageHeader/MessageId"),
                        title=title or "Untitled", subtitle=subtitle)
    out.upc = text(release, "ReleaseId/ICPN")
    out.catalog_number = text(release, "ReleaseId/CatalogNumber")
    out.grid = text(release, "ReleaseId/GRid")
    out.release_type = release_type(text(release, "ReleaseType"), out.skipped)
    out.display_artist = text(_default(release, "DisplayArtistName")) or ""
    out.artists = _people(release, parties)
    label_ref = text(release, "ReleaseLabelReference")
    out.label = parties.get(label_ref or "", (None, None))[0]
    genre = release.find("Genre")
    out.genre, out.subgenre = text(genre, "GenreText"), text(genre, "SubGenre")
    for tag in ("PLine", "CLine"):
        line = release.find(tag)
        if line is not None:
            setattr(out, tag[0].lower() + "_line_year", int_or_none(text(line, "Year")))
            setattr(out, tag[0].lower() + "_line", text(line, f"{tag}Text"))
    out.release_date = parse_day(text(release, "ReleaseDate"))
    out.original_release_date = parse_day(text(release, "OriginalReleaseDate"))
    out.parental_advisory = WARNINGS.get(text(release, "ParentalWarningType") or "", "unknown")
    if release.findtext("IsMultiArtistCompilation") == "true":
        out.release_type = "compilation"
    tracks: dict[str, TrackRecord] = {}
    for sr in root.findall("ResourceList/SoundRecording"):
        track = _recording(sr, parties)
        tracks[track.ref] = track
    genre_text = out.genre
    for tr in root.findall("ReleaseList/TrackRelease"):
        ref = text(tr, "ReleaseResourceReference")
        if ref in tracks:
            tracks[ref].genre = text(tr, "Genre/GenreText") or genre_text
    ordered = _order(release.find("ResourceGroup"), tracks)
    if not ordered and tracks:  # no usable resource group: the track releases' order, else the resource list's
        refs = [text(tr, "ReleaseResourceReference") for tr in root.findall("ReleaseList/TrackRelease")]
        refs = [r for r in dict.fromkeys(refs) if r in tracks] or list(tracks)
        ordered = [tracks[r] for r in refs]
        for number, track in enumerate(ordered, start=1):
            track.disc, track.number = 1, number
        out.skipped.append("the main release has no resource group; tracks numbered in message order")
    for extra in tracks.values():
        if extra not in ordered:
            out.skipped.append(f"sound recording {extra.ref} is not in the main release; not imported")
    out.tracks = ordered
    for image in root.findall("ResourceList/Image"):
        if text(image, "Type") == "FrontCoverImage" and out.cover is None:
            out.cover = _file(image.find("TechnicalDetails")) or None
            if out.cover is None:
                out.skipped.append(f"line {image.sourceline}: front cover image has no file; not imported")
        else:
            out.skipped.append(f"line {image.sourceline}: image {text(image, 'Type')} not imported")
    for tag in ("Video", "Text", "SheetMusic", "Software"):
        for res in root.findall(f"ResourceList/{tag}"):
            out.skipped.append(f"line {res.sourceline}: {tag} resource {text(res, 'ResourceReference')} "
                               "cannot be represented in the catalog")
    track_refs = {text(tr, "ReleaseReference") or "" for tr in root.findall("ReleaseList/TrackRelease")}
    _deals(root, text(release, "ReleaseReference") or "", track_refs, out)
    return out
