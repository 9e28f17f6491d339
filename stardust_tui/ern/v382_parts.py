"""Element groups of ERN 3.8.2 written in many places: inline parties, titles, contributors, P/C lines, files,
identifier blocks. Each writes its group in the XSD's element order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lxml import etree

from stardust_tui.ern.common import sub, user_defined
from stardust_tui.ern.v4_parts import line_text
from stardust_tui.ern.view_model import (
    ArtistCredit,
    ContributorCredit,
    FileView,
    Ident,
    LineView,
    ReleaseView,
    TitleView,
)
from stardust_tui.ern.vocab import ARTIST_ROLES_382, RESOURCE_CONTRIBUTOR_ROLES_382, WORK_CONTRIBUTOR_ROLES_382

ROLE_ALIASES = {"Publisher": "MusicPublisher", "Guitarist": "Musician", "Bassist": "Musician",
                "Drummer": "Musician", "Keyboardist": "Musician"}
CONTAINERS = {"MP4": "MP4", "QUICKTIME": "QuickTime", "MOV": "QuickTime", "AVI": "AVI", "WAV": "WAV",
              "AIFF": "AIFF", "OGG": "Ogg"}


def party_name(parent: etree._Element, view: ReleaseView, ref: str) -> None:
    party = view.party(ref)
    sub(sub(parent, "PartyName"), "FullName", party.name)
    if party.isni:
        sub(parent, "PartyId", party.isni, IsISNI="true")


def artist_382(parent: etree._Element, view: ReleaseView, credit: ArtistCredit) -> None:
    da = sub(parent, "DisplayArtist", SequenceNumber=str(credit.sequence)) if credit.sequence else \
        sub(parent, "DisplayArtist")
    party_name(da, view, credit.party_ref)
    if credit.role in ARTIST_ROLES_382:
        sub(da, "ArtistRole", credit.role)
    else:
        sub(da, "ArtistRole", "UserDefined", UserDefinedValue=user_defined(credit.role) or credit.role)


def contributors_382(d: etree._Element, view: ReleaseView, contributors: Iterable[ContributorCredit]) -> None:
    """ResourceContributors (performers, producers...) first, then IndirectResourceContributors (the work's
    composers, lyricists, publishers), as 3.8.2 separates them."""
    work: list[ContributorCredit] = []
    seq = 0
    for c in contributors:
        if c.role not in RESOURCE_CONTRIBUTOR_ROLES_382 and (
                c.role in WORK_CONTRIBUTOR_ROLES_382 or ROLE_ALIASES.get(c.role) in WORK_CONTRIBUTOR_ROLES_382):
            work.append(c)
            continue
        seq += 1
        rc = sub(d, "ResourceContributor", SequenceNumber=str(seq))
        party_name(rc, view, c.party_ref)
        for value in (r for r in c.roles if r):
            role = value if value in RESOURCE_CONTRIBUTOR_ROLES_382 else ROLE_ALIASES.get(value)
            if role in RESOURCE_CONTRIBUTOR_ROLES_382:
                sub(rc, "ResourceContributorRole", role)
            else:
                sub(rc, "ResourceContributorRole", "UserDefined", UserDefinedValue=user_defined(value) or value)
        if c.instrument:
            sub(rc, "InstrumentType", c.instrument)
    for seq, c in enumerate(work, start=1):
        ic = sub(d, "IndirectResourceContributor", SequenceNumber=str(seq))
        party_name(ic, view, c.party_ref)
        for value in (r for r in c.roles if r):
            role = value if value in WORK_CONTRIBUTOR_ROLES_382 else ROLE_ALIASES.get(value)
            if role in WORK_CONTRIBUTOR_ROLES_382:
                sub(ic, "IndirectResourceContributorRole", role)
            else:
                sub(ic, "IndirectResourceContributorRole", "UserDefined", UserDefinedValue=user_defined(value) or value)


def titles_382(parent: etree._Element, title: str | None, subtitle: str | None, extra: Iterable[TitleView], *,
               stated: bool) -> None:
    """Typed Title elements: a message's titles as it stated them (with a DisplayTitle when it came from 4.x),
    else the catalog's FormalTitle and DisplayTitle."""
    if not stated:  # the catalog's FormalTitle and DisplayTitle (the hot path: written for every track)
        for kind in ("FormalTitle", "DisplayTitle"):
            el = sub(parent, "Title", TitleType=kind)
            sub(el, "TitleText", title or "Untitled")
            if subtitle:
                sub(el, "SubTitle", subtitle)
        return
    given = [TitleView(t.text, t.subtitle, "DisplayTitle", t.language) if t.title_type == "@DisplayTitle" else t
             for t in extra if t.title_type in (None, "@DisplayTitle") or not t.title_type.startswith("@")]
    titles = [t for t in given if t.title_type != "ReferenceTitle"]
    if stated:  # a 3.8.2 message's titles (led by its ReferenceTitle) as they were; a 4.x one's get a DisplayTitle
        if title is not None and not any(t.title_type in ("DisplayTitle", "ReferenceTitle") for t in given):
            titles.insert(0, TitleView(title, subtitle, "DisplayTitle"))
    else:
        titles = [TitleView(title or "Untitled", subtitle, kind) for kind in ("FormalTitle", "DisplayTitle")]
    for t in titles:
        attrib = {"TitleType": t.title_type} if t.title_type else {}
        if t.language:
            attrib["LanguageAndScriptCode"] = t.language
        el = sub(parent, "Title", **attrib)
        sub(el, "TitleText", t.text)
        if t.subtitle:
            sub(el, "SubTitle", t.subtitle)


def line_382(parent: etree._Element, tag: str, line: LineView | None) -> None:
    if line is None:
        return
    el = sub(parent, tag)
    if line.year:
        sub(el, "Year", str(line.year))
    sub(el, f"{tag}Text", line.text if line.verbatim else line_text(tag, line.year, line.text))


def file_382(parent: etree._Element, file: FileView) -> None:
    f = sub(parent, "File")
    folder, _, name = file.name.rpartition("/")
    sub(f, "FileName", name)
    if folder:
        sub(f, "FilePath", folder + "/")
    if file.md5:
        hs = sub(f, "HashSum")
        sub(hs, "HashSum", file.md5)
        sub(hs, "HashSumAlgorithmType", "MD5")


def channels_382(terms: etree._Element, deal: Any) -> None:
    """A deal's DistributionChannels (or ExcludedDistributionChannels) as 3.8.2 DSPs (PartyId typed by attribute)."""
    tag = "ExcludedDistributionChannel" if deal.channels_excluded else "DistributionChannel"
    for channel in deal.channels:
        dsp = sub(terms, tag)
        if channel.name:
            sub(sub(dsp, "PartyName"), "FullName", channel.name)
        for ident in channel.ids or (() if channel.name else (Ident("ProprietaryId", "unknown", "Unknown"),)):
            attrib = {"IsDPID": "true"} if ident.kind == "DPID" else {"IsISNI": "true"} if ident.kind == "ISNI" \
                else {"Namespace": ident.namespace or (ident.kind if ident.kind != "ProprietaryId" else "Unknown")}
            sub(dsp, "PartyId", ident.value, **attrib)
        if channel.trading_name:
            sub(dsp, "TradingName", channel.trading_name)
        for url in channel.urls:
            sub(dsp, "URL", url)


def language_382(code: str | None) -> str | None:
    """3.8.2 takes a two-letter ISO 639-1 code."""
    if not code:
        return None
    primary = code.split("-")[0].lower()
    return primary if len(primary) == 2 else None


def ids_382(parent: etree._Element, tag: str, order: tuple[str, ...], values: dict[str, str | None],
            ids: Iterable[Ident], namespace: str) -> etree._Element | None:
    """One identifier block (``SoundRecordingId``, ``ImageId``...) in ``order``; None when it would be empty."""
    by_kind: dict[str, list[Ident]] = {}
    for ident in ids:
        by_kind.setdefault(ident.kind, []).append(ident)
    if not any(values.get(t) for t in order) and not any(by_kind.get(t) for t in order):
        return None
    block = sub(parent, tag)
    for kind in order:
        value = values.get(kind)
        if value:
            sub(block, kind, value)
        for ident in by_kind.get(kind, ()):
            if value and ident.value == value:
                continue
            if kind in ("ProprietaryId", "CatalogNumber"):
                sub(block, kind, ident.value, Namespace=ident.namespace or namespace)
            else:
                sub(block, kind, ident.value)
    return block
