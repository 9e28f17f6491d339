"""Reading an ERN 4.2 / 4.3 NewReleaseMessage into a :class:`ReleaseView` (PartyList, references, editions).

Resources of every kind keep their references, identifiers, titles, artists, contributors, lines,
warnings, technical details and related resources; the main release keeps its types, identifiers and
resource-group tree; track releases and deals keep which releases they are for. Sound recordings the
main release's group lists are the catalog's tracks, numbered per disc (a top-level sub-group that is
not a work's part group is a disc). What is not read is listed by element path in the notes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from lxml import etree

from stardust_tui.domain.release_types import RESOURCE_KINDS
from stardust_tui.ern.parse_common import (
    ParsedRelease,
    duration_seconds,
    file_view,
    float_or_none,
    int_or_none,
    kbps,
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

_ID_KINDS = ("GRid", "ICPN", "ISRC", "ISMN", "ISAN", "VISAN", "ISBN", "ISSN", "SICI", "EIDR", "ISWC", "OpusNumber",
             "ComposerCatalogNumber", "CatalogNumber", "ProprietaryId")


class Reader4:
    """One 4.x message being read; ``seen`` records what was read."""

    def __init__(self, root: etree._Element, version: str) -> None:
        self.root, self.version, self.seen = root, version, Seen()
        self.notes: list[str] = []

    # --- small pieces ---------------------------------------------------------------------------------
    def default(self, el: etree._Element, tag: str) -> etree._Element | None:
        items = el.findall(tag)
        pick = next((i for i in items if i.get("IsDefault") == "true"), None)
        if pick is None:
            plain = [i for i in items if not i.get("LanguageAndScriptCode") and not i.get("ApplicableTerritoryCode")]
            pick = (plain or [i for i in items if i.get("ApplicableTerritoryCode") == "Worldwide"] or items or
                    [None])[0]
        return self.seen.mark(pick)

    def ids(self, blocks: list[etree._Element]) -> tuple[str | None, tuple[Ident, ...]]:
        """(ISRC, other identifiers) of ResourceId / ReleaseId blocks."""
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

    def titles(self, el: etree._Element) -> tuple[str | None, str | None, str | None, tuple[TitleView, ...]]:
        """(title, subtitle, DisplayTitleText when it is not derived from them, additional titles)."""
        dt = self.default(el, "DisplayTitle")
        title = self.seen.text(dt, "TitleText") if dt is not None else None
        subs = [self.seen.text(s) for s in self.seen.findall(dt, "SubTitle")] if dt is not None else []
        subtitle = " ".join(s for s in subs if s) or None
        text_el = self.default(el, "DisplayTitleText")
        text = (self.seen.text(text_el) or "") if text_el is not None else ""  # "": absent or empty
        derived = f"{title} ({subtitle})" if subtitle else title
        extra = tuple(
            TitleView(self.seen.text(a, "TitleText") or "", " ".join(self.seen.text(s) or ""
                                                                     for s in self.seen.findall(a, "SubTitle")) or None,
                      a.get("UserDefinedValue") if a.get("TitleType") == "UserDefined" else a.get("TitleType"),
                      a.get("LanguageAndScriptCode"))
            for a in self.seen.findall(el, "AdditionalTitle") if a.findtext("TitleText"))
        extra += self.variants(el, "DisplayTitleText", text_el) + self.variants(el, "DisplayTitle", dt)
        return title, subtitle, (text if text != derived else None), extra

    def variants(self, el: etree._Element, tag: str, picked: etree._Element | None) -> tuple[TitleView, ...]:
        """The ``tag`` elements besides the default one (other languages or territories) as ``@tag`` titles."""
        out = []
        for v in el.findall(tag):
            if v is picked:
                continue
            text = self.seen.text(v, "TitleText") if tag == "DisplayTitle" else self.seen.text(v)
            if not text:
                continue
            subtitle = " ".join(self.seen.text(x) or "" for x in self.seen.findall(v, "SubTitle")) or None
            out.append(TitleView(text, subtitle, "@" + tag, v.get("LanguageAndScriptCode"),
                                 v.get("ApplicableTerritoryCode")))
        return tuple(out)

    def artists(self, el: etree._Element) -> tuple[ArtistCredit, ...]:
        out = []
        for da in self.seen.findall(el, "DisplayArtist"):
            ref = self.seen.text(da, "ArtistPartyReference")
            if ref:
                out.append(ArtistCredit(ref, role_of(self.seen.find(da, "DisplayArtistRole")) or "MainArtist",
                                        int_or_none(da.get("SequenceNumber")) or 0))  # 0: none stated
        return tuple(out)

    def contributors(self, el: etree._Element) -> tuple[ContributorCredit, ...]:
        out = []
        for i, co in enumerate(self.seen.findall(el, "Contributor"), start=1):
            ref = self.seen.text(co, "ContributorPartyReference")
            roles = [r for r in (role_of(self.seen.mark(x)) for x in co.findall("Role")) if r] or [""]
            instruments = [self.seen.text(x) for x in self.seen.findall(co, "InstrumentType")]
            if ref:
                out.append(ContributorCredit(ref, roles[0], int_or_none(co.get("SequenceNumber")) or i,
                                             next((x for x in instruments if x), None), tuple(roles[1:])))
        return tuple(out)

    def line(self, holder: etree._Element | None, tag: str) -> LineView | None:
        el = self.default(holder, tag) if holder is not None else None
        return self._line(el, tag)

    def _line(self, el: etree._Element | None, tag: str) -> LineView | None:
        if el is None or not self.seen.text(el, f"{tag}Text"):
            return None
        self.seen.text(el, f"{tag}Company")
        return LineView(int_or_none(self.seen.text(el, "Year")), self.seen.text(el, f"{tag}Text") or "", True)

    def extra_lines(self, holder: etree._Element | None) -> tuple[tuple[str, LineView], ...]:
        """The PLines / CLines after the default one (other territories or wordings)."""
        out: list[tuple[str, LineView]] = []
        if holder is None:
            return ()
        for tag in ("PLine", "CLine"):
            first = self.default(holder, tag)
            for el in holder.findall(tag):
                line = self._line(el, tag) if el is not first else None
                if line is not None:
                    out.append((tag, line))
        return tuple(out)

    def links(self, el: etree._Element) -> tuple[LinkView, ...]:
        return tuple(LinkView(self.seen.text(link) or "", _link_description(link))
                     for link in self.seen.findall(el, "LinkedReleaseResourceReference") if link.text)

    # --- resources ------------------------------------------------------------------------------------
    def resource(self, res: etree._Element, kind: str) -> ResourceView:
        s = self.seen
        edition = s.find(res, f"{kind}Edition")
        holder = edition if edition is not None else res
        isrc, ids = self.ids(s.findall(holder, "ResourceId"))
        title, subtitle, display_text, extra = self.titles(res)
        name_el = self.default(res, "DisplayArtistName")
        extra += self.variants(res, "DisplayArtistName", name_el)
        techs = s.findall(holder, "TechnicalDetails")
        files = [self.technical(tech, kind) for tech in techs]
        tech_ref, file, preview = files[0] if files else (f"T{s.text(res, 'ResourceReference')}", None, None)
        extra_files = tuple(ExtraFile(ref, f, p, **preview_terms(s, t))
                            for (ref, f, p), t in zip(files[1:], techs[1:], strict=True) if f is not None)
        related = tuple(
            RelatedView(role_of(s.find(r, "ResourceRelationshipType")) or "HasContentFrom",
                        s.text(r, "ResourceRelatedResourceReference") or "",
                        _point(s.text(r, "Timing/StartPoint")),
                        duration_seconds(s.text(r, "Timing/DurationUsed")))
            for r in s.findall(res, "RelatedResource") if r.findtext("ResourceRelatedResourceReference"))
        warning = self.default(res, "ParentalWarningType")
        language = s.text(self.default(res, "LanguageOfPerformance")) if res.find("LanguageOfPerformance") is not None \
            else s.text(self.default(res, "LanguageOfText"))
        return ResourceView(
            ref=s.text(res, "ResourceReference") or "", tech_ref=tech_ref, kind=kind, type=role_of(s.find(res, "Type"))
            or "", isrc=isrc, ids=ids, title=title, subtitle=subtitle, display_title_text=display_text,
            additional_titles=extra, display_artist=(s.text(name_el) or "") if name_el is not None else None,
            artists=self.artists(res), contributors=self.contributors(res),
            duration_seconds=duration_seconds(s.text(res, "Duration")),
            parental_warning=role_of(warning), p_line=self.line(holder, "PLine"), c_line=self.line(holder, "CLine"),
            language=language, preview_start=preview, file=file, related=related, titles_stated=True,
            **preview_terms(s, techs[0] if techs else None),
            extra_lines=self.extra_lines(holder), extra_files=extra_files,
            works=tuple(self.ids([w])[1] for w in s.findall(res, "WorkId")))

    def technical(self, tech: etree._Element, kind: str) -> tuple[str, FileView | None, float | None]:
        """(reference, file, preview start) of one TechnicalDetails block."""
        s = self.seen
        delivery = s.find(tech, "DeliveryFile")
        s.text(delivery, "Type")
        file = file_view(s, delivery if delivery is not None else tech, kind)
        if file is not None and delivery is not None and tech.find("OverallBitRate") is not None:
            file = replace(file, bit_rate=kbps(s.find(tech, "OverallBitRate")))
        start = s.text(tech, "ClipDetails/Timing/StartPoint") or s.text(tech, "PreviewDetails/StartPoint")
        for tag in ("ClipDetails/TechnicalResourceDetailsReference", "ClipDetails/ClipType", "IsPreview"):
            s.text(tech, tag)
        return s.text(tech, "TechnicalResourceDetailsReference") or "", file, float_or_none(start)

    # --- releases -----------------------------------------------------------------------------------
    def group(self, g: etree._Element, top: bool) -> GroupView:
        s = self.seen
        titles = []
        for t in s.findall(g, "DisplayTitle"):
            titles.append(TitleView(s.text(t, "TitleText") or "", _subtitle(s, t), "DisplayTitle",
                                    t.get("LanguageAndScriptCode")))
        for t in s.findall(g, "AdditionalTitle"):
            titles.append(TitleView(s.text(t, "TitleText") or "", _subtitle(s, t), t.get("TitleType"),
                                    t.get("LanguageAndScriptCode")))
        _, ids = self.ids(s.findall(g, "ReleaseId"))
        items = tuple(GroupItemView(s.text(i, "ReleaseResourceReference") or "",
                                    int_or_none(s.text(i, "SequenceNumber")), self.links(i))
                      for i in s.findall(g, "ResourceGroupContentItem"))
        return GroupView(sequence=int_or_none(s.text(g, "SequenceNumber")), group_type=None if top else
                         g.get("ResourceGroupType"), titles=tuple(titles), ids=ids,
                         groups=tuple(self.group(sub, False) for sub in s.findall(g, "ResourceGroup")),
                         items=items, linked=self.links(g))

    def main(self, rel: etree._Element, parties: dict[str, PartyView]) -> MainReleaseView:
        s = self.seen
        types = [t for t in (release_type_of(s.mark(el)) for el in rel.findall("ReleaseType")) if t]  # as 3.8.2
        _, ids = self.ids(s.findall(rel, "ReleaseId"))
        by_kind = {i.kind: i for i in ids}
        title, subtitle, display_text, extra = self.titles(rel)
        label_ref = s.text(rel, "ReleaseLabelReference") or ""
        genre = self.default(rel, "Genre")
        compilation = s.find(rel, "IsMultiArtistCompilation")
        name_el = self.default(rel, "DisplayArtistName")
        extra += self.variants(rel, "DisplayArtistName", name_el)
        duration = s.text(rel, "Duration")
        group = s.find(rel, "ResourceGroup")
        return MainReleaseView(
            ref=s.text(rel, "ReleaseReference") or "R0", upc=by_kind["ICPN"].value if "ICPN" in by_kind else None,
            catalog_number=by_kind["CatalogNumber"].value if "CatalogNumber" in by_kind else None,
            title=title or display_text or "Untitled", subtitle=subtitle,
            display_artist=s.text(name_el) or "" if name_el is not None else "", artists=self.artists(rel),
            label_ref=label_ref, label_name=parties[label_ref].name if label_ref in parties else "",
            release_type=types[0] if types else "Album", is_compilation=s.text(compilation) == "true",
            genre=s.text(genre, "GenreText") or "" if genre is not None else "",
            subgenre=s.text(genre, "SubGenre") if genre is not None else None,
            parental_warning=role_of(self.default(rel, "ParentalWarningType")) or "NoAdviceAvailable",
            p_line=self.line(rel, "PLine"), c_line=self.line(rel, "CLine"),
            release_date=parse_day(s.text(self.default(rel, "ReleaseDate"))),
            original_release_date=parse_day(s.text(self.default(rel, "OriginalReleaseDate"))),
            duration_seconds=duration_seconds(duration) if duration else None,
            grid=by_kind["GRid"].value if "GRid" in by_kind else None,
            catalog_namespace=by_kind["CatalogNumber"].namespace if "CatalogNumber" in by_kind else None,
            ids=tuple(i for i in ids if i.kind not in ("GRid", "ICPN", "CatalogNumber")),
            display_title_text=display_text,
            additional_titles=extra, group=self.group(group, True) if group is not None else None,
            compilation_stated=compilation is not None, titles_stated=True,
            extra_types=tuple(t for t in types[1:] if t), extra_lines=self.extra_lines(rel))

    def track_release(self, tr: etree._Element, main_label: str) -> TrackReleaseView:
        s = self.seen
        _, ids = self.ids(s.findall(tr, "ReleaseId"))
        title, subtitle, display_text, extra = self.titles(tr)
        label = s.text(tr, "ReleaseLabelReference")
        genre = self.default(tr, "Genre")
        return TrackReleaseView(
            ref=s.text(tr, "ReleaseReference") or "", resource_ref=s.text(tr, "ReleaseResourceReference") or "",
            ids=ids, title=title, subtitle=subtitle, display_title_text=display_text, additional_titles=extra,
            genre=s.text(genre, "GenreText") if genre is not None else None, linked=self.links(tr), stated=True,
            label_ref=label if label and label != main_label else None)


def _point(value: str | None) -> float | None:
    """A Timing StartPoint: seconds (4.3, xs:decimal) or a duration (4.2, xs:duration)."""
    if value and value.startswith("P"):
        return duration_seconds(value)
    return float_or_none(value)


def _subtitle(seen: Seen, title: etree._Element) -> str | None:
    """A title's SubTitle: None when there is none, "" when it is there but empty."""
    el = seen.find(title, "SubTitle")
    return None if el is None else (seen.text(el) or "")


def _link_description(link: etree._Element) -> str | None:
    value: str | None = link.get("LinkDescription")
    user_defined: str | None = link.get("UserDefinedValue")
    return user_defined if value == "UserDefined" else value


def parse_4x(root: etree._Element, version: str) -> ParsedRelease:
    """The release a 4.2 / 4.3 NewReleaseMessage states, as a view with notes."""
    reader = Reader4(root, version)
    s = reader.seen
    s.whole(root.find("MessageHeader"))
    parties: dict[str, PartyView] = {}
    for p in s.findall(root, "PartyList/Party"):
        ref = s.text(p, "PartyReference") or ""
        name = s.text(reader.default(p, "PartyName"), "FullName") or s.text(p, "PartyId/ProprietaryId") or "Unknown"
        parties[ref] = PartyView(ref, name, isni=s.text(p, "PartyId/ISNI"), dpid=s.text(p, "PartyId/DPID"))
    release = s.find(root, "ReleaseList/Release")
    if release is None:
        raise ValidationError(f"line {root.sourceline}: the message has no main Release")
    main = reader.main(release, parties)
    resources: dict[str, ResourceView] = {}
    for kind in RESOURCE_KINDS:
        for res in s.findall(root, f"ResourceList/{kind}"):
            resource = reader.resource(res, kind)
            resources[resource.ref] = resource
    track_releases = [reader.track_release(tr, main.label_ref) for tr in s.findall(root, "ReleaseList/TrackRelease")]
    ordered = number_tracks(main.group, resources, reader.notes, [t.resource_ref for t in track_releases])
    deals = deal_views(s, root, main.ref, {t.ref: t.resource_ref for t in track_releases}, reader.notes,
                       use_path="UseType")
    view = ReleaseView(parties=tuple(parties.values()), resources=tuple(ordered), release=main,
                       track_releases=tuple(track_releases), deals=deals,
                       language=root.get("LanguageAndScriptCode") or "en")
    notes = reader.notes + unrepresented(root, s)
    return ParsedRelease(version=version, message_id=_message_id(root), view=view, skipped=notes)


def _message_id(root: etree._Element) -> str | None:
    value = root.findtext("MessageHeader/MessageId")
    return " ".join(value.split()) or None if value else None


__all__: list[Any] = ["parse_4x"]
