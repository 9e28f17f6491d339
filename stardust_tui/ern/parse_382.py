"""Reading an ERN 3.8.2 NewReleaseMessage into a :class:`ParsedRelease` (details by territory, inline parties)."""

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


def _details(el: etree._Element, tag: str) -> etree._Element:
    """The Worldwide details block (or the first one)."""
    blocks = el.findall(tag)
    for block in blocks:
        if "Worldwide" in [text(t) for t in block.findall("TerritoryCode")]:
            return block
    if not blocks:
        return etree.Element(tag)
    return blocks[0]


def _title(el: etree._Element, details: etree._Element) -> tuple[str | None, str | None]:
    for t in details.findall("Title"):
        if t.get("TitleType") == "DisplayTitle":
            return text(t, "TitleText"), text(t, "SubTitle")
    return text(el, "ReferenceTitle/TitleText"), text(el, "ReferenceTitle/SubTitle")


def _person(el: etree._Element, role_tag: str) -> PersonRecord:
    isni = None
    for pid in el.findall("PartyId"):
        if pid.get("IsISNI") == "true":
            isni = text(pid)
    return PersonRecord(text(el, "PartyName/FullName") or "Unknown", role_of(el.find(role_tag)) or "Contributor",
                        isni)


def _file(td: etree._Element | None) -> FileRecord | None:
    if td is None:
        return None
    f = td.find("File")
    if f is None or not (text(f, "FileName") or text(f, "URL")):
        return None
    path = (text(f, "FilePath") or "").rstrip("/")
    name = text(f, "FileName") or text(f, "URL") or ""
    algorithm = (text(f, "HashSum/HashSumAlgorithmType") or "").upper()
    return FileRecord(
        name=f"{path}/{name}" if path else name, md5=text(f, "HashSum/HashSum") if algorithm == "MD5" else None,
        codec=text(td, "AudioCodecType") or text(td, "ImageCodecType"),
        sample_rate=sample_rate_hz(td.find("SamplingRate")), bit_depth=int_or_none(text(td, "BitsPerSample")),
        channels=int_or_none(text(td, "NumberOfChannels")), width=int_or_none(text(td, "ImageWidth")),
        height=int_or_none(text(td, "ImageHeight")),
    )


def _recording(sr: etree._Element) -> TrackRecord:
    d = _details(sr, "SoundRecordingDetailsByTerritory")
    title, subtitle = _title(sr, d)
    track = TrackRecord(ref=text(sr, "ResourceReference") or "", disc=1, number=1, title=title or "Untitled",
                        subtitle=subtitle, isrc=text(sr, "SoundRecordingId/ISRC"))
    track.display_artist = text(d, "DisplayArtistName") or ""
    track.artists = [_person(a, "ArtistRole") for a in d.findall("DisplayArtist")]
    track.contributors = [_person(c, "ResourceContributorRole") for c in d.findall("ResourceContributor")]
    track.contributors += [_person(c, "IndirectResourceContributorRole")
                           for c in d.findall("IndirectResourceContributor")]
    track.duration = duration_seconds(text(sr, "Duration"))
    track.explicit = text(d, "ParentalWarningType") == "Explicit"
    pl = d.find("PLine")
    if pl is not None:
        track.p_line_year, track.p_line = int_or_none(text(pl, "Year")), text(pl, "PLineText")
    track.language = text(sr, "LanguageOfPerformance")
    track.genre = text(d, "Genre/GenreText")
    td = d.find("TechnicalSoundRecordingDetails")
    track.file = _file(td)
    start = text(td, "PreviewDetails/StartPoint") if td is not None else None
    track.preview_start = float(start) if start else None
    return track


def _order(details: etree._Element, refs: list[str], tracks: dict[str, TrackRecord]) -> list[TrackRecord]:
    ordered: list[TrackRecord] = []
    top = details.find("ResourceGroup")
    if top is not None:
        subgroups = [g for g in top.findall("ResourceGroup") if g.find(".//ResourceGroupContentItem") is not None]
        for disc_no, disc in enumerate(subgroups or [top], start=1):
            number = 0
            for item in disc.iter("ResourceGroupContentItem"):
                ref = text(item, "ReleaseResourceReference")
                if ref in tracks and tracks[ref] not in ordered:
                    number += 1
                    tracks[ref].disc, tracks[ref].number = disc_no, number
                    ordered.append(tracks[ref])
    for ref in refs:  # resources listed on the release but not in a group keep list order
        if ref in tracks and tracks[ref] not in ordered:
            tracks[ref].number = len(ordered) + 1
            ordered.append(tracks[ref])
    return ordered


def _deals(root: etree._Element, main_ref: str, out: ParsedRelease) -> None:
    merged: dict[tuple, DealRecord] = {}
    for rd in root.findall("DealList/ReleaseDeal"):
        refs = {text(r) for r in rd.findall("DealReleaseReference")}
        for terms in rd.findall("Deal/DealTerms"):
            if text(terms, "TakeDown") == "true":
                out.skipped.append(f"line {terms.sourceline}: TakeDown deal not imported (no active deal)")
                continue
            period = terms.find("ValidityPeriod")
            start = parse_when(text(period, "StartDateTime") or text(period, "StartDate")) if period is not None \
                else None
            if start is None:
                out.skipped.append(f"line {terms.sourceline}: deal without a start date skipped")
                continue
            record = DealRecord(
                territories=[text(t) or "" for t in terms.findall("TerritoryCode")] or ["Worldwide"],
                excluded=[text(t) or "" for t in terms.findall("ExcludedTerritoryCode")],
                commercial_models=[role_of(t) or "" for t in terms.findall("CommercialModelType")],
                use_types=[role_of(t) or "" for t in terms.findall("Usage/UseType")],
                start=start, end=parse_when(text(period, "EndDateTime") or text(period, "EndDate"), end=True),
                price_tier=text(terms, "PriceInformation/PriceType"),
            )
            key = (tuple(record.territories), tuple(record.excluded), tuple(record.commercial_models),
                   tuple(record.use_types), record.start, record.end, record.price_tier)
            record = merged.setdefault(key, record)
            record.on_release |= main_ref in refs
            record.on_tracks |= bool(refs - {main_ref})
    out.deals = list(merged.values())


def parse_382(root: etree._Element) -> ParsedRelease:
    releases = root.findall("ReleaseList/Release")
    if not releases:
        raise ValidationError(f"line {root.sourceline}: the message has no Release")
    main = next((r for r in releases if r.get("IsMainRelease") == "true"), None)
    if main is None:
        main = next((r for r in releases if text(r, "ReleaseType") != "TrackRelease"), releases[0])
    d = _details(main, "ReleaseDetailsByTerritory")
    title, subtitle = _title(main, d)
    out = ParsedRelease(version="3.8.2", message_id=text(root, "MessageHeader/MessageId"),
                        title=title or "Untitled", subtitle=subtitle)
    out.upc = text(main, "ReleaseId/ICPN")
    out.catalog_number = text(main, "ReleaseId/CatalogNumber")
    out.grid = text(main, "ReleaseId/GRid")
    out.release_type = release_type(text(main, "ReleaseType") or text(d, "ReleaseType"), out.skipped)
    out.display_artist = text(d, "DisplayArtistName") or ""
    out.artists = [_person(a, "ArtistRole") for a in d.findall("DisplayArtist")]
    out.label = text(d, "LabelName")
    out.genre, out.subgenre = text(d, "Genre/GenreText"), text(d, "Genre/SubGenre")
    for tag in ("PLine", "CLine"):
        line = main.find(tag) if main.find(tag) is not None else d.find(tag)
        if line is not None:
            setattr(out, tag[0].lower() + "_line_year", int_or_none(text(line, "Year")))
            setattr(out, tag[0].lower() + "_line", text(line, f"{tag}Text"))
    out.release_date = parse_day(text(d, "ReleaseDate") or text(main, "GlobalReleaseDate"))
    out.original_release_date = parse_day(text(d, "OriginalReleaseDate") or text(main, "GlobalOriginalReleaseDate"))
    out.parental_advisory = WARNINGS.get(text(d, "ParentalWarningType") or "", "unknown")
    if text(d, "IsMultiArtistCompilation") == "true":
        out.release_type = "compilation"
    tracks = {t.ref: t for t in (_recording(sr) for sr in root.findall("ResourceList/SoundRecording"))}
    refs = [text(r) or "" for r in main.findall("ReleaseResourceReferenceList/ReleaseResourceReference")]
    out.tracks = _order(d, refs, tracks)
    for ref, track in tracks.items():
        if track not in out.tracks:
            out.skipped.append(f"sound recording {ref} is not in the main release; not imported")
    for image in root.findall("ResourceList/Image"):
        if text(image, "ImageType") == "FrontCoverImage" and out.cover is None:
            out.cover = _file(_details(image, "ImageDetailsByTerritory").find("TechnicalImageDetails"))
            if out.cover is None:
                out.skipped.append(f"line {image.sourceline}: front cover image has no file; not imported")
        else:
            out.skipped.append(f"line {image.sourceline}: image {text(image, 'ImageType')} not imported")
    for tag in ("Video", "Text", "SheetMusic", "Software", "MIDI", "UserDefinedResource"):
        for res in root.findall(f"ResourceList/{tag}"):
            out.skipped.append(f"line {res.sourceline}: {tag} resource {text(res, 'ResourceReference')} "
                               "cannot be represented in the catalog")
    _deals(root, text(main, "ReleaseReference") or "", out)
    return out
