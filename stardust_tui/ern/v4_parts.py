"""Element groups the ERN 4.x builder writes in many places: titles, artists, contributors, P/C lines, files,
identifier blocks. Each writes exactly the XSD's element order for its group."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from lxml import etree

from stardust_tui.ern.common import c_line_text, p_line_text, sub, user_defined
from stardust_tui.ern.view_model import ArtistCredit, ContributorCredit, FileView, Ident, LineView, TitleView
from stardust_tui.ern.vocab import CONTRIBUTOR_ROLES_4, DISPLAY_ARTIST_ROLES_4

ROLE_ALIASES_4 = {"Producer": "StudioProducer", "Publisher": "MusicPublisher", "Guitarist": "Musician",
                  "Bassist": "Musician", "Drummer": "Musician", "Keyboardist": "Musician"}


def display_artist(parent: etree._Element, credit: ArtistCredit) -> None:
    da = sub(parent, "DisplayArtist", SequenceNumber=str(credit.sequence)) if credit.sequence else \
        sub(parent, "DisplayArtist")
    sub(da, "ArtistPartyReference", credit.party_ref)
    if credit.role in DISPLAY_ARTIST_ROLES_4:
        sub(da, "DisplayArtistRole", credit.role)
    else:
        sub(da, "DisplayArtistRole", "UserDefined", UserDefinedValue=user_defined(credit.role) or credit.role)


def contributor(parent: etree._Element, credit: ContributorCredit) -> None:
    co = sub(parent, "Contributor", SequenceNumber=str(credit.sequence))
    sub(co, "ContributorPartyReference", credit.party_ref)
    for value in (credit.role, *credit.more_roles) if credit.more_roles else (credit.role,):
        if not value:  # a contributor a message gave no role keeps none
            continue
        role = value if value in CONTRIBUTOR_ROLES_4 else ROLE_ALIASES_4.get(value)
        if role:
            sub(co, "Role", role)
        else:
            sub(co, "Role", "UserDefined", UserDefinedValue=user_defined(value) or value)
    if credit.instrument:
        sub(co, "InstrumentType", credit.instrument)


ADDITIONAL_TITLE_TYPES = frozenset({"AlternativeTitle", "FormalTitle", "GroupingTitle", "OriginalTitle"})
_NOT_ADDITIONAL = frozenset({"DisplayTitle", "ReferenceTitle"})


def localized(parent: etree._Element, tag: str, titles: Iterable[TitleView]) -> None:
    """The other languages' (or territories') ``tag`` elements a message stated (``@tag`` titles), in order."""
    for t in titles:
        if t.title_type != "@" + tag:
            continue
        attrib = {k: v for k, v in (("LanguageAndScriptCode", t.language), ("ApplicableTerritoryCode", t.territory))
                  if v}
        if tag == "DisplayTitle":
            el = sub(parent, tag, **attrib)
            sub(el, "TitleText", t.text)
            if t.subtitle:
                sub(el, "SubTitle", t.subtitle, SubTitleType="Version")
        else:
            sub(parent, tag, t.text, **attrib)


def titles_4(parent: etree._Element, title: str | None, subtitle: str | None, display_text: str | None,
             additional: Iterable[TitleView], *, required: bool) -> None:
    """DisplayTitleText, DisplayTitle and AdditionalTitle (in that order); a required title never goes missing.

    A 3.8.2 message's titles come typed: its DisplayTitle is the DisplayTitle, its other types become
    AdditionalTitles (types 4.x does not list are written as UserDefined)."""
    extras = list(additional)
    variants = [t for t in extras if (t.title_type or "").startswith("@")]
    if variants:
        extras = [t for t in extras if t not in variants]
    shown = next((t for t in extras if t.title_type == "DisplayTitle"), None) if extras else None
    if shown is not None:
        title, subtitle = shown.text, shown.subtitle
    if title is None and required:
        title = display_text or "Untitled"
    if title is not None:
        if display_text == "":  # a message's absent (or empty) DisplayTitleText
            if required:
                sub(parent, "DisplayTitleText", "")
        else:
            sub(parent, "DisplayTitleText", display_text or (f"{title} ({subtitle})" if subtitle else title))
        localized(parent, "DisplayTitleText", variants)
        dt = sub(parent, "DisplayTitle", ApplicableTerritoryCode="Worldwide", IsDefault="true")
        sub(dt, "TitleText", title)
        if subtitle:
            sub(dt, "SubTitle", subtitle, SubTitleType="Version")
        localized(parent, "DisplayTitle", variants)
    elif display_text:
        sub(parent, "DisplayTitleText", display_text)
        localized(parent, "DisplayTitleText", variants)
    for extra in extras:
        if extra.title_type in _NOT_ADDITIONAL:
            continue
        attrib = {}
        if extra.title_type in ADDITIONAL_TITLE_TYPES:
            attrib["TitleType"] = extra.title_type
        elif extra.title_type:
            attrib.update(TitleType="UserDefined", UserDefinedValue=extra.title_type)
        if extra.language:
            attrib["LanguageAndScriptCode"] = extra.language
        at = sub(parent, "AdditionalTitle", **attrib)
        sub(at, "TitleText", extra.text)
        if extra.subtitle:
            sub(at, "SubTitle", extra.subtitle)


def line_el(parent: etree._Element, tag: str, line: LineView | None) -> None:
    """A PLine or CLine; a catalog line is written "(P) year owner", a message's line as it was."""
    if line is None:
        return
    el = sub(parent, tag)
    if line.year:
        sub(el, "Year", str(line.year))
    sub(el, f"{tag}Text", line.text if line.verbatim else line_text(tag, line.year, line.text))


@lru_cache(maxsize=4096)
def line_text(tag: str, year: int | None, text: str) -> str:
    """A catalog line as displayed ("(P) 2024 Label"); cached: an album repeats one line on every track."""
    return p_line_text(year, text) if tag == "PLine" else c_line_text(year, text)


def file_el(parent: etree._Element, file: FileView) -> None:
    f = sub(parent, "File")
    sub(f, "URI", file.name)
    if file.md5:
        hs = sub(f, "HashSum")
        sub(hs, "Algorithm", "MD5")
        sub(hs, "HashSumValue", file.md5)
    if file.size is not None:
        sub(f, "FileSize", str(file.size))


def write_ids(block: etree._Element, order: tuple[str, ...], values: dict[str, str | None],
              ids: Iterable[Ident], namespace: str) -> None:
    """An identifier block: the named values and idents in the block's XSD order (``order``); kinds the
    block cannot hold are left out (the import report lists them when a message had them)."""
    if not ids:  # the common case (a track's ISRC): no grouping needed
        for tag in order:
            value = values.get(tag)
            if value:
                sub(block, tag, value, Namespace=namespace) if tag in ("ProprietaryId", "CatalogNumber") else \
                    sub(block, tag, value)
        return
    by_kind: dict[str, list[Ident]] = {}
    for ident in ids:
        by_kind.setdefault(ident.kind, []).append(ident)
    for tag in order:
        value = values.get(tag)
        if value and tag in ("ProprietaryId", "CatalogNumber"):
            sub(block, tag, value, Namespace=namespace)
        elif value:
            sub(block, tag, value)
        for ident in by_kind.get(tag, ()):
            if value and ident.value == value:
                continue
            if tag in ("ProprietaryId", "CatalogNumber"):
                sub(block, tag, ident.value, Namespace=ident.namespace or namespace)
            else:
                sub(block, tag, ident.value)


_PARTY_ID_ORDER = ("ISNI", "DPID", "IpiNameNumber", "IPN", "CisacSocietyId", "ProprietaryId")


def channels_4(terms: etree._Element, deal: Any) -> None:
    """A deal's DistributionChannels (or ExcludedDistributionChannels) as 4.x DSP parties."""
    tag = "ExcludedDistributionChannel" if deal.channels_excluded else "DistributionChannel"
    for channel in deal.channels:
        dsp = sub(terms, tag)
        if channel.name:
            sub(sub(dsp, "PartyName"), "FullName", channel.name)
        if channel.ids or not channel.name:
            pid = sub(dsp, "PartyId")
            for kind in _PARTY_ID_ORDER:
                for ident in channel.ids:
                    if (ident.kind if ident.kind in _PARTY_ID_ORDER else "ProprietaryId") != kind:
                        continue
                    if kind == "ProprietaryId":
                        sub(pid, kind, ident.value, Namespace=ident.namespace or "Unknown")
                    else:
                        sub(pid, kind, ident.value)
        if channel.trading_name:
            sub(dsp, "TradingName", channel.trading_name)
        for url in channel.urls:
            sub(dsp, "URL", url)
