"""Reading an ERN 3.8.2 NewReleaseMessage into a :class:`ReleaseView` (details by territory, inline parties).

3.8.2 names parties inline: each distinct (name, ISNI) becomes a party of the view. A resource's or
release's facts come from its Worldwide ``...DetailsByTerritory`` (else the first one); titles keep their
types (FormalTitle, DisplayTitle, TranslatedTitle...). The main release is the one marked
``IsMainRelease`` (else the first that is not a track release); every other release is a track release of
its first resource. A group's trailing images are its linked resources (3.8.2 has no linked references at
group level, so the cover is listed as the group's last item). What is not read is listed by element path.
"""

from __future__ import annotations

import re

from lxml import etree

from stardust_tui.domain.release_types import RESOURCE_KINDS, canonical_release_type
from stardust_tui.ern.parse_common import (
    ParsedRelease,
    duration_seconds,
    file_view,
    float_or_none,
    int_or_none,
    parse_day,
    preview_terms,
    release_type_of,
    role_of,
)
from stardust_tui.ern.parse_deals import deal_views
from stardust_tui.ern.parse_groups import number_tracks
from stardust_tui.ern.parse_seen import Seen, unrepresented
from stardust_tui.ern.view_model import (
    ArtistCredit,
    ContributorCredit,
    ExtraFile,
    FileView,
    GroupItemView,
    GroupView,
    Ident,
    LineView,
    LinkView,
    MainReleaseView,
    PartyView,
    RelatedView,
    ReleaseView,
    ResourceView,
    TitleView,
    TrackReleaseView,
)
from stardust_tui.errors import ValidationError

_TYPE_TAG = {"SoundRecording": "SoundRecordingType", "MIDI": "MidiType", "UserDefinedResource":
             "UserDefinedResourceType"}
_ID_TAG = {"SoundRecording": "SoundRecordingId", "MIDI": "MidiId", "UserDefinedResource": "UserDefinedResourceId"}
_DETAILS = {"MIDI": "MidiDetailsByTerritory"}
_TECH = {"SoundRecording": "TechnicalSoundRecordingDetails", "MIDI": "TechnicalMidiDetails",
         "Video": "TechnicalVideoDetails", "Image": "TechnicalImageDetails", "Text": "TechnicalTextDetails",
         "SheetMusic": "TechnicalSheetMusicDetails", "Software": "TechnicalSoftwareDetails",
         "UserDefinedResource": "TechnicalUserDefinedResourceDetails"}
_PROFILE_TYPES = {"audiosingle": "Single", "audioalbum": "Album", "ringtone": "RingtoneRelease",
                  "videosingle": "VideoSingle", "videoalbum": "VideoAlbum", "mixedmediabundle": "Bundle",
                  "singleresourcerelease": "SingleResourceRelease", "longformmusicalworkvideo":
                  "LongFormMusicalWorkVideoRelease", "classicalalbum": "ClassicalAlbum"}
_ID_KINDS = ("GRid", "ISRC", "ICPN", "ISMN", "ISAN", "VISAN", "ISBN", "ISSN", "SICI", "EIDR", "ISWC", "OpusNumber",
             "ComposerCatalogNumber", "CatalogNumber", "ProprietaryId")


class Reader382:
    """One 3.8.2 message being read; ``seen`` records what was read."""

    def __init__(self, root: etree._Element) -> None:
        self.root, self.seen = root, Seen()
        self.notes: list[str] = []
        self.parties: dict[tuple[str, str | None, str], PartyView] = {}

    def details(self, el: etree._Element, tag: str) -> etree._Element:
        blocks = el.findall(tag)
        pick = next((b for b in blocks if "Worldwide" in [t.text for t in b.findall("TerritoryCode")]), None)
        pick = pick if pick is not None else (blocks[0] if blocks else None)
        if pick is None:
            return etree.Element(tag)
        self.seen.mark(pick)
        for t in pick.findall("TerritoryCode") + pick.findall("ExcludedTerritoryCode"):
            self.seen.mark(t)
        return pick

    def party(self, el: etree._Element, kind: str = "artist") -> str:
        name = self.seen.text(el, "PartyName/FullName") or "Unknown"
        isni = None
        for pid in self.seen.findall(el, "PartyId"):
            if pid.get("IsISNI") == "true":
                isni = self.seen.text(pid)
        key = (name, isni, kind)
        if key not in self.parties:
            self.parties[key] = PartyView(f"P{len(self.parties) + 1}", name, kind, isni)
        return self.parties[key].ref

    def label(self, name: str) -> str:
        key = (name, None, "label")
        if key not in self.parties:
            self.parties[key] = PartyView(f"P{len(self.parties) + 1}", name, "label")
        return self.parties[key].ref

    def ids(self, blocks: list[etree._Element]) -> tuple[str | None, tuple[Ident, ...]]:
        isrc = None
        out: list[Ident] = []
        for block in blocks:
            self.seen.mark(block)
            for child in block:
                if not isinstance(child.tag, str):
                    continue
                kind, value = etree.QName(child).localname, self.seen.text(child)
                if not value or kind not in _ID_KINDS:
                    continue
                if kind == "ISRC" and isrc is None:
                    isrc = value
                    continue
                out.append(Ident(kind, value, child.get("Namespace")))
        return isrc, tuple(out)

    def titles(self, *holders: etree._Element) -> tuple[TitleView, ...]:
        out = []
        for holder in holders:
            for t in self.seen.findall(holder, "Title"):
                subs = " ".join(self.seen.text(s) or "" for s in self.seen.findall(t, "SubTitle")) or None
                out.append(TitleView(self.seen.text(t, "TitleText") or "", subs, t.get("TitleType"),
                                     t.get("LanguageAndScriptCode")))
        return tuple(out)

    @staticmethod
    def with_reference(title: str | None, subtitle: str | None, titles: tuple[TitleView, ...]) -> tuple[TitleView, ...]:
        """The typed titles, led by the ReferenceTitle (so 3.8.2 writes back exactly the titles it read)."""
        return ((TitleView(title, subtitle, "ReferenceTitle"),) if title is not None else ()) + titles

    def reference_title(self, el: etree._Element) -> tuple[str | None, str | None]:
        rt = self.seen.find(el, "ReferenceTitle")
        return (self.seen.text(rt, "TitleText"), self.seen.text(rt, "SubTitle")) if rt is not None else (None, None)

    def artists(self, d: etree._Element) -> tuple[ArtistCredit, ...]:
        return tuple(ArtistCredit(self.party(a), role_of(self.seen.find(a, "ArtistRole")) or "MainArtist",
                                  int_or_none(a.get("SequenceNumber")) or 0)  # 0: none stated
                     for a in self.seen.findall(d, "DisplayArtist"))

    def contributors(self, d: etree._Element) -> tuple[ContributorCredit, ...]:
        out: list[ContributorCredit] = []
        for tag, role_tag in (("ResourceContributor", "ResourceContributorRole"),
                              ("IndirectResourceContributor", "IndirectResourceContributorRole")):
            for c in self.seen.findall(d, tag):
                roles = [r for r in (role_of(self.seen.mark(x)) for x in c.findall(role_tag)) if r] or [""]
                instruments = [self.seen.text(x) for x in self.seen.findall(c, "InstrumentType")]
                out.append(ContributorCredit(self.party(c, "contributor"), roles[0],
                                             int_or_none(c.get("SequenceNumber")) or len(out) + 1,
                                             next((x for x in instruments if x), None), tuple(roles[1:])))
        return tuple(out)

    def line(self, holders: list[etree._Element], tag: str) -> LineView | None:
        lines = self.lines(holders, tag)
        return lines[0] if lines else None

    def lines(self, holders: list[etree._Element], tag: str) -> list[LineView]:
        out = []
        for holder in holders:
            for el in self.seen.findall(holder, tag):
                if el.findtext(f"{tag}Text"):
                    self.seen.text(el, f"{tag}Company")
                    out.append(LineView(int_or_none(self.seen.text(el, "Year")), self.seen.text(el, f"{tag}Text") or "",
                                        True))
        return out

    def extra_lines(self, holders: list[etree._Element]) -> tuple[tuple[str, LineView], ...]:
        return tuple((tag, line) for tag in ("PLine", "CLine") for line in self.lines(holders, tag)[1:])

    # --- resources ------------------------------------------------------------------------------------
    def resource(self, res: etree._Element, kind: str) -> ResourceView:
        s = self.seen
        d = self.details(res, _DETAILS.get(kind, f"{kind}DetailsByTerritory"))
        isrc, ids = self.ids(s.findall(res, _ID_TAG.get(kind, f"{kind}Id")))
        title, subtitle = self.reference_title(res)
        titles = self.with_reference(title, subtitle, self.titles(res, d))
        techs = s.findall(d, _TECH.get(kind, "TechnicalDetails"))
        files = [self.technical(tech, kind) for tech in techs]
        tech_ref, file, preview = files[0] if files else (f"T{s.text(res, 'ResourceReference')}", None, None)
        extra_files = tuple(ExtraFile(ref, f, p, **preview_terms(s, t))
                            for (ref, f, p), t in zip(files[1:], techs[1:], strict=True) if f is not None)
        related = tuple(
            RelatedView("HasContentFrom", s.text(c, "ResourceContainedResourceReference") or "",
                        float_or_none(s.text(c, "StartPoint")), duration_seconds(s.text(c, "DurationUsed")))
            for c in s.findall(res, "ResourceContainedResourceReferenceList/ResourceContainedResourceReference"))
        s.text(d, "LabelName")
        genre = s.find(d, "Genre")
        return ResourceView(
            ref=s.text(res, "ResourceReference") or "", tech_ref=tech_ref, kind=kind,
            type=role_of(s.find(res, _TYPE_TAG.get(kind, f"{kind}Type"))) or "", isrc=isrc, ids=ids,
            title=title if title is not None else next((t.text for t in titles if t.title_type == "DisplayTitle"),
                                                       None),
            subtitle=subtitle, additional_titles=titles, display_artist=s.text(d, "DisplayArtistName"),
            artists=self.artists(d), contributors=self.contributors(d),
            duration_seconds=duration_seconds(s.text(res, "Duration")),
            parental_warning=role_of(s.find(d, "ParentalWarningType")), p_line=self.line([d], "PLine"),
            c_line=self.line([d], "CLine"), genre=s.text(genre, "GenreText") if genre is not None else None,
            language=s.text(res, "LanguageOfPerformance"), preview_start=preview, file=file, related=related,
            **preview_terms(s, techs[0] if techs else None),
            titles_stated=True, extra_lines=self.extra_lines([d]), extra_files=extra_files,
            works=tuple(self.ids([w])[1] for w in s.findall(res, f"Indirect{_ID_TAG.get(kind, kind + 'Id')}")))

    def technical(self, tech: etree._Element, kind: str) -> tuple[str, FileView | None, float | None]:
        s = self.seen
        file = file_view(s, tech, kind)
        s.text(tech, "IsPreview")
        return (s.text(tech, "TechnicalResourceDetailsReference") or "", file,
                float_or_none(s.text(tech, "PreviewDetails/StartPoint")))

    # --- releases -------------------------------------------------------------------------------------
    def group(self, g: etree._Element, kinds: dict[str, str]) -> GroupView:
        s = self.seen
        items = []
        for item in s.findall(g, "ResourceGroupContentItem"):
            s.findall(item, "ResourceType")
            items.append(GroupItemView(s.text(item, "ReleaseResourceReference") or "",
                                       int_or_none(s.text(item, "SequenceNumber")),
                                       tuple(LinkView(s.text(x) or "", x.get("LinkDescription"))
                                             for x in s.findall(item, "LinkedReleaseResourceReference"))))
        for ref in s.findall(g, "ResourceGroupResourceReferenceList/ResourceGroupResourceReference"):
            items.append(GroupItemView(s.text(ref) or ""))
        groups = tuple(self.group(sub, kinds) for sub in s.findall(g, "ResourceGroup"))
        linked: list[LinkView] = []
        if not groups:  # the cover (images) listed last is the group's linked resource
            while items and kinds.get(items[-1].ref) == "Image" and not items[-1].linked:
                linked.insert(0, LinkView(items.pop().ref))
            if items and linked and any(i.sequence is None for i in items):
                items, linked = items + [GroupItemView(link.ref) for link in linked], []
        _, ids = self.ids(s.findall(g, "ReleaseId"))
        return GroupView(sequence=int_or_none(s.text(g, "SequenceNumber")), titles=self.titles(g), ids=ids,
                         groups=groups, items=tuple(items), linked=tuple(linked))

    def release_type(self, rel: etree._Element, d: etree._Element) -> tuple[str, bool, tuple[str, ...]]:
        types = [release_type_of(self.seen.mark(t)) for t in rel.findall("ReleaseType") + d.findall("ReleaseType")]
        named = [t for t in types if t]
        if named:
            return named[0], True, tuple(named[1:])
        profile = re.sub(r"[^a-z]", "", (self.root.get("ReleaseProfileVersionId") or "").split("/")[-1].lower())
        guess = next((v for k, v in _PROFILE_TYPES.items() if profile.startswith(k)), "Album")
        self.notes.append(f"line {rel.sourceline}: the release states no ReleaseType; taken as {guess} "
                          f"(ReleaseProfileVersionId {self.root.get('ReleaseProfileVersionId') or 'absent'})")
        return canonical_release_type(guess), False, ()

    def main(self, rel: etree._Element, kinds: dict[str, str]) -> MainReleaseView:
        s = self.seen
        d = self.details(rel, "ReleaseDetailsByTerritory")
        isrc, ids = self.ids(s.findall(rel, "ReleaseId"))
        ids = ((Ident("ISRC", isrc),) if isrc else ()) + ids
        by_kind = {i.kind: i for i in ids}
        title, subtitle = self.reference_title(rel)
        kind, stated, extra = self.release_type(rel, d)
        label = s.text(d, "LabelName") or ""
        genre = s.find(d, "Genre")
        compilation = s.find(d, "IsMultiArtistCompilation")
        group = s.find(d, "ResourceGroup")
        duration = s.text(rel, "Duration")
        for ref in s.findall(rel, "ReleaseResourceReferenceList/ReleaseResourceReference"):
            s.mark(ref)
        return MainReleaseView(
            ref=s.text(rel, "ReleaseReference") or "R0", upc=by_kind["ICPN"].value if "ICPN" in by_kind else None,
            catalog_number=by_kind["CatalogNumber"].value if "CatalogNumber" in by_kind else None,
            title=title or "Untitled", subtitle=subtitle, display_artist=s.text(d, "DisplayArtistName") or "",
            artists=self.artists(d), label_ref=self.label(label) if label else "", label_name=label,
            release_type=kind, is_compilation=s.text(compilation) == "true",
            genre=s.text(genre, "GenreText") or "" if genre is not None else "",
            subgenre=s.text(genre, "SubGenre") if genre is not None else None,
            parental_warning=role_of(s.find(d, "ParentalWarningType")) or "NoAdviceAvailable",
            p_line=self.line([rel, d], "PLine"), c_line=self.line([rel, d], "CLine"),
            release_date=parse_day(s.text(d, "ReleaseDate") or s.text(rel, "GlobalReleaseDate")),
            original_release_date=parse_day(s.text(d, "OriginalReleaseDate") or
                                            s.text(rel, "GlobalOriginalReleaseDate")),
            duration_seconds=duration_seconds(duration) if duration else None,
            grid=by_kind["GRid"].value if "GRid" in by_kind else None,
            catalog_namespace=by_kind["CatalogNumber"].namespace if "CatalogNumber" in by_kind else None,
            ids=tuple(i for i in ids if i.kind not in ("GRid", "ICPN", "CatalogNumber")),
            additional_titles=self.with_reference(title, subtitle, self.titles(d)),
            group=self.group(group, kinds) if group is not None else None, compilation_stated=compilation is not None,
            titles_stated=True, type_stated=stated, extra_types=extra, extra_lines=self.extra_lines([rel, d]))

    def track_release(self, rel: etree._Element) -> TrackReleaseView | None:
        s = self.seen
        d = self.details(rel, "ReleaseDetailsByTerritory")
        refs = [s.text(r) or "" for r in s.findall(rel, "ReleaseResourceReferenceList/ReleaseResourceReference")]
        if not refs:
            self.notes.append(f"line {rel.sourceline}: release without resources is not kept")
            return None
        isrc, ids = self.ids(s.findall(rel, "ReleaseId"))
        title, subtitle = self.reference_title(rel)
        types = [release_type_of(s.mark(t)) for t in rel.findall("ReleaseType") + d.findall("ReleaseType")]
        genre = s.find(d, "Genre")
        s.text(d, "LabelName")
        if d.find("ResourceGroup") is not None:
            s.whole(d.find("ResourceGroup"))  # its one resource, which the release already names
        duration = s.text(rel, "Duration")
        return TrackReleaseView(
            ref=s.text(rel, "ReleaseReference") or "", resource_ref=refs[0],
            release_type=next((t for t in types if t), "TrackRelease"),
            ids=((Ident("ISRC", isrc),) if isrc else ()) + ids, title=title, subtitle=subtitle,
            additional_titles=self.with_reference(title, subtitle, self.titles(d)),
            display_artist=s.text(d, "DisplayArtistName"),
            artists=self.artists(d), parental_warning=role_of(s.find(d, "ParentalWarningType")),
            genre=s.text(genre, "GenreText") if genre is not None else None,
            linked=tuple(LinkView(r) for r in refs[1:]), p_line=self.line([rel, d], "PLine"),
            c_line=self.line([rel, d], "CLine"), duration_seconds=duration_seconds(duration) if duration else None,
            stated=True)


def _main_release(releases: list[etree._Element]) -> etree._Element:
    main = next((r for r in releases if r.get("IsMainRelease") == "true"), None)
    if main is None:
        main = next((r for r in releases if r.findtext("ReleaseType") not in ("TrackRelease", "VideoTrackRelease")),
                    releases[0])
    return main


def parse_382(root: etree._Element) -> ParsedRelease:
    """The release a 3.8.2 NewReleaseMessage states, as a view with notes."""
    reader = Reader382(root)
    s = reader.seen
    s.whole(root.find("MessageHeader"))
    s.text(root, "UpdateIndicator")
    releases = s.findall(root, "ReleaseList/Release")
    if not releases:
        raise ValidationError(f"line {root.sourceline}: the message has no Release")
    main_el = _main_release(releases)
    resources: dict[str, ResourceView] = {}
    for kind in RESOURCE_KINDS:
        for res in s.findall(root, f"ResourceList/{kind}"):
            resource = reader.resource(res, kind)
            resources[resource.ref] = resource
    main = reader.main(main_el, {ref: r.kind for ref, r in resources.items()})
    track_releases = [t for t in (reader.track_release(r) for r in releases if r is not main_el) if t is not None]
    listed = [r.text or "" for r in main_el.findall("ReleaseResourceReferenceList/ReleaseResourceReference")]
    ordered = number_tracks(main.group, resources, reader.notes, listed)
    deals = deal_views(s, root, main.ref, {t.ref: t.resource_ref for t in track_releases}, reader.notes,
                       use_path="Usage/UseType", price_path="PriceInformation/PriceType")
    parties = tuple(reader.parties.values())
    view = ReleaseView(parties=parties, resources=tuple(ordered), release=main, track_releases=tuple(track_releases),
                       deals=deals, language=root.get("LanguageAndScriptCode") or "en")
    message_id = " ".join((root.findtext("MessageHeader/MessageId") or "").split()) or None
    return ParsedRelease(version="3.8.2", message_id=message_id, view=view,
                         skipped=reader.notes + unrepresented(root, s))
