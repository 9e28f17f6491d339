"""Resources of a catalog release as views: tracks, the front cover and every other resource.

Used by :func:`stardust_tui.ern.release_view.view_from_release`. Parties get stable references through
:class:`Parties`; delivered file names come from :func:`stardust_tui.ern.naming.delivered_file_name`
(the one naming function), file facts from the asset rows. A part a message did not state (listed in
``details["unstated"]``) stays absent; a release made in the catalog gets the defaults it always had
(a track without artists shows the release's, a track's P-line falls back to the release's...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stardust_tui.domain.release_types import DEFAULT_RESOURCE_TYPES, ddex_parental_warning
from stardust_tui.ern import view_json
from stardust_tui.ern.naming import NamingPatterns, delivered_file_name, extension_for
from stardust_tui.ern.view_model import (
    ArtistCredit,
    ContributorCredit,
    FileView,
    Ident,
    LineView,
    PartyView,
    RelatedView,
    ResourceView,
)


class Parties:
    """Assigns stable references (P1, P2, ...) to parties in order of first appearance."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, Any], PartyView] = {}

    def ref(self, party: Any | None, *, name: str | None = None, kind: str = "artist",
            isni: str | None = None) -> str:
        if party is not None:
            key: tuple[str, Any] = ("id", party.id if party.id is not None else id(party))
            name, kind, isni = party.name, party.kind or kind, getattr(party, "isni", None) or None
        else:
            key = ("name", (kind, name, isni))
        found = self.by_key.get(key)
        if found is None:
            found = PartyView(ref=f"P{len(self.by_key) + 1}", name=name or "Unknown", kind=kind, isni=isni,
                              dpid=getattr(party, "dpid", None) or None)
            self.by_key[key] = found
        return found.ref

    def all(self) -> tuple[PartyView, ...]:
        return tuple(self.by_key.values())


def file_view(asset: Any, name: str) -> FileView:
    return FileView(
        name=name, md5=asset.md5 or None, size=asset.size or None, codec=asset.codec, container=asset.container,
        bit_depth=asset.bit_depth, sample_rate=asset.sample_rate, channels=asset.channels,
        duration_seconds=asset.duration_seconds, width=asset.width, height=asset.height,
        video_codec=asset.codec if getattr(asset, "kind", None) == "video" else None,
        frame_rate=getattr(asset, "frame_rate", None), bit_rate=getattr(asset, "bit_rate", None),
    )


def artists(rows: list[Any], parties: Parties, *, stated: bool = False) -> tuple[ArtistCredit, ...]:
    """Display artists in order; a message's keep their sequence numbers as stated (0: none stated)."""
    return tuple(
        ArtistCredit(parties.ref(row.party), row.role or "MainArtist", row.sequence if stated else index)
        for index, row in enumerate(sorted(rows, key=lambda r: (r.sequence, r.id or 0)), start=1)
        if row.party is not None
    )


def asset_file(asset: Any, name: str, details: dict[str, Any]) -> FileView:
    """The delivered file of an asset; while only a message described it (no stored content), the facts the
    message stated."""
    if str(getattr(asset, "sha256", "")).startswith("ddexref-") and details.get("file"):
        described = view_json.file_view(details["file"], name)
        if described is not None:
            return described
    return file_view(asset, name)


def contributors(rows: list[Any], parties: Parties, roleless: frozenset[int] = frozenset()) -> tuple[
        ContributorCredit, ...]:
    """Credits in order; credits sharing a party, sequence and instrument are one contributor with several
    roles (as a message stated them); ``roleless``: sequences a message gave no role (written with none)."""
    out: list[ContributorCredit] = []
    rows = sorted((r for r in rows if r.party is not None and r.role), key=lambda r: (r.sequence, r.id or 0))
    last: Any = None
    for row in rows:
        if last is not None and (row.party_id, row.sequence, row.instrument) == \
                (last.party_id, last.sequence, last.instrument) and row.party_id is not None:
            prev = out[-1]
            out[-1] = ContributorCredit(prev.party_ref, prev.role, prev.sequence, prev.instrument,
                                        (*prev.more_roles, row.role))
        else:
            role = "" if row.sequence in roleless else row.role
            out.append(ContributorCredit(parties.ref(row.party, kind="contributor"), role,
                                         row.sequence if roleless else len(out) + 1, row.instrument))
        last = row
    return tuple(out)


def named_credits(data: Any, parties: Parties, kind: str) -> tuple[Any, ...]:
    """Artists (``kind`` "artist") or contributors stored by name in ``details``."""
    out: list[Any] = []
    for d in data or ():
        if not isinstance(d, dict) or not d.get("name") or (kind == "artist" and not d.get("role")):
            continue
        ref = parties.ref(None, name=str(d["name"]), kind="artist" if kind == "artist" else "contributor",
                          isni=d.get("isni"))
        if kind == "artist":
            out.append(ArtistCredit(ref, str(d["role"]), int(d.get("sequence") or len(out) + 1)))
        else:
            roles = [str(r) for r in (d["roles"] if isinstance(d.get("roles"), list) else [d["role"]])] or [""]
            out.append(ContributorCredit(ref, roles[0], int(d.get("sequence") or len(out) + 1),
                                         d.get("instrument"), tuple(roles[1:])))
    return tuple(out)


def extra_lines(details: dict[str, Any]) -> tuple[tuple[str, LineView], ...]:
    """Further PLines / CLines a message stated (``details["extra_lines"]``)."""
    out = []
    for d in details.get("extra_lines") or ():
        line_view = view_json.line(d)
        if line_view is not None and d.get("tag") in ("PLine", "CLine"):
            out.append((str(d["tag"]), line_view))
    return tuple(out)


def line(year: int | None, text: str | None, verbatim: bool) -> LineView | None:
    return LineView(year, text, verbatim) if text else None


def related(data: Any, ref_of: Any) -> tuple[RelatedView, ...]:
    out = []
    for d in data or ():
        ref = ref_of(str(d.get("key"))) if isinstance(d, dict) else None
        if ref is not None:
            out.append(RelatedView(str(d.get("type") or "HasContentFrom"), ref, d.get("start"), d.get("duration")))
    return tuple(out)


@dataclass
class Context:
    """What every resource of one release shares while its view is built."""

    parties: Parties
    upc: str
    patterns: NamingPatterns | None
    resource_dir: str
    release: Any
    release_artists: tuple[ArtistCredit, ...]
    release_warning: str
    display: str


def track_view(track: Any, index: int, ctx: Context) -> ResourceView:
    """A catalog track as a SoundRecording (ref ``A<index>``)."""
    rel = ctx.release
    details = getattr(track, "details", None) or {}
    gone = view_json.unstated(details)
    audio = track.audio
    file = None
    if audio is not None:
        name = delivered_file_name("audio", upc=ctx.upc, disc=track.disc_number, track=track.track_number,
                                   ext=extension_for(audio), isrc=track.isrc, patterns=ctx.patterns)
        file = asset_file(audio, ctx.resource_dir + name, details)
    duration = track.duration_seconds or (audio.duration_seconds if audio is not None else None) or 0.0
    track_display = "" if details.get("display_artist_empty") else (track.display_artist or ctx.display)
    own = artists(list(track.artists), ctx.parties, stated=bool(details.get("stated"))) if track.artists else ()
    credited = own or (() if "artists" in gone else ctx.release_artists)
    warning = ddex_parental_warning(track.parental_advisory) if track.parental_advisory else (
        "Explicit" if track.explicit else ("NotExplicit" if ctx.release_warning == "Explicit" else ctx.release_warning))
    ids = view_json.idents(details.get("ids"))
    if not track.isrc and not ids:
        ids = (Ident("ProprietaryId", f"{track.disc_number:02d}_{track.track_number:03d}"),)
    verbatim = bool(details.get("lines_verbatim"))  # a message's line: as it was, no fallback to the release's
    p_text = track.p_line if verbatim else (track.p_line or rel.p_line)
    p_year = track.p_line_year if verbatim else (track.p_line_year or rel.p_line_year)
    return ResourceView(
        ref=f"A{index}", tech_ref=f"T{index}", kind="SoundRecording",
        type=track.resource_type or ("" if "type" in gone else DEFAULT_RESOURCE_TYPES["SoundRecording"]),
        isrc=track.isrc or None, ids=ids, title=track.title, subtitle=track.version or None,
        display_title_text=details.get("display_title_text"), additional_titles=view_json.titles(details.get("titles")),
        display_artist=None if "display_artist" in gone else (
            track_display if details.get("display_artist_empty") else (track_display or "Unknown Artist")),
        artists=credited, contributors=contributors(list(track.credits), ctx.parties,
                                                    frozenset(details.get("roleless") or ())),
        duration_seconds=float(duration), parental_warning=None if "warning" in gone else warning,
        p_line=line(p_year, p_text, verbatim),
        genre=None if "genre" in gone else (track.genre or rel.genre),
        language=track.language or (None if "language" in gone else rel.language),
        preview_start=track.preview_start_seconds, file=file, titles_stated=bool(details.get("stated")),
        **preview_of(details),
        extra_lines=extra_lines(details), extra_files=view_json.extra_files(details.get("extra_files")),
        works=view_json.works(details.get("works")), disc=track.disc_number, track=track.track_number,
        asset_id=audio.id if audio is not None else None,
    )


def cover_view(release: Any, index: int, ctx: Context) -> ResourceView:
    """The catalog's front cover as an Image (its message parts from ``details["cover"]``)."""
    cover = release.cover
    part = (getattr(release, "details", None) or {}).get("cover") or {}
    name = delivered_file_name("image", upc=ctx.upc, ext=extension_for(cover), patterns=ctx.patterns)
    ids = view_json.idents(part.get("ids")) or (Ident("ProprietaryId", f"{ctx.upc}_FrontCoverImage"),)
    return ResourceView(
        ref=f"A{index}", tech_ref=f"T{index}", kind="Image", type=part.get("type") or "FrontCoverImage", ids=ids,
        title=part.get("title"), display_title_text=part.get("display_title_text"),
        additional_titles=view_json.titles(part.get("titles")),
        c_line=view_json.line(part.get("c_line")), parental_warning=part.get("warning"),
        file=asset_file(cover, ctx.resource_dir + name, part), titles_stated=bool(part), asset_id=cover.id,
    )


def resource_view(row: Any, index: int, ctx: Context, ref_of: Any) -> ResourceView:
    """A ``release_resource`` row (video, image, text, MIDI...) as a view."""
    details = row.details or {}
    verbatim = bool(details.get("lines_verbatim"))
    asset = row.asset
    file = None
    if asset is not None:
        name = delivered_file_name("resource", upc=ctx.upc, key=row.key, ext=extension_for(asset),
                                   patterns=ctx.patterns)
        file = asset_file(asset, ctx.resource_dir + name, details)
    return ResourceView(
        ref=f"A{index}", tech_ref=f"T{index}", kind=row.kind, type=row.resource_type, isrc=row.isrc or None,
        ids=view_json.idents(details.get("ids")), title=row.title, subtitle=row.version,
        display_title_text=details.get("display_title_text"), additional_titles=view_json.titles(details.get("titles")),
        display_artist="" if details.get("display_artist_empty") else row.display_artist,
        artists=named_credits(details.get("artists"), ctx.parties, "artist"),
        contributors=named_credits(details.get("contributors"), ctx.parties, "contributor"),
        duration_seconds=row.duration_seconds, parental_warning=ddex_parental_warning(row.parental_advisory)
        if row.parental_advisory else None,
        p_line=line(row.p_line_year, row.p_line, verbatim), c_line=line(row.c_line_year, row.c_line, verbatim),
        genre=row.genre, language=row.language, preview_start=details.get("preview_start"), file=file,
        **preview_of(details),
        related=related(details.get("related"), ref_of), titles_stated=bool(details.get("stated")),
        extra_lines=extra_lines(details), extra_files=view_json.extra_files(details.get("extra_files")),
        works=view_json.works(details.get("works")), asset_id=asset.id if asset is not None else None,
    )



def preview_of(details: dict[str, Any]) -> dict[str, Any]:
    """A message's preview length and expression type kept in a row's details, as ResourceView fields."""
    kept = details.get("preview") or {}
    return {"preview_duration": kept.get("duration"), "preview_expression": kept.get("expression")}
