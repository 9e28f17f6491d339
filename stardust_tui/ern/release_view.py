"""The version-neutral view of a catalog release that every ERN builder reads.

``view_from_release`` turns a loaded :class:`~stardust_tui.domain.models.Release` (tracks, artists, credits,
deals, label, cover, resources and their assets) into the frozen dataclasses of
:mod:`stardust_tui.ern.view_model`. Builders never touch the ORM, so they are pure and deterministic.
Technical details come from the real asset rows; file names from :func:`stardust_tui.ern.naming.delivered_file_name`.

What a message stated and the catalog keeps in ``details`` (identifiers, titles, the resource-group tree,
track releases, deal scopes...) comes back as it was; a release made in the catalog gets the defaults
it always had: one group (a sub-group per disc) with the cover linked, one track release per track.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stardust_tui.domain.release_types import canonical_release_type, ddex_parental_warning
from stardust_tui.ern import view_json
from stardust_tui.ern.naming import NamingPatterns
from stardust_tui.ern.view_model import (
    ArtistCredit,
    ContributorCredit,
    DealView,
    FileView,
    GroupItemView,
    GroupView,
    Ident,
    LinkView,
    MainReleaseView,
    PartyView,
    ReleaseView,
    ResourceView,
    TrackReleaseView,
)
from stardust_tui.ern.view_resources import (
    Context,
    Parties,
    cover_view,
    extra_lines,
    named_credits,
    related,
    resource_view,
    track_view,
)
from stardust_tui.ern.view_resources import artists as artist_credits

__all__ = ["ArtistCredit", "ContributorCredit", "DealView", "FileView", "MainReleaseView", "PartyView",
           "ReleaseView", "ResourceView", "TrackReleaseView", "release_code", "view_from_release"]


def release_code(release: Any) -> str:
    """The identifier a release is delivered under (folder and file names): its UPC, else its GRid."""
    return release.upc or getattr(release, "grid", None) or ""


def _details(row: Any) -> dict[str, Any]:
    return getattr(row, "details", None) or {}


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _default_group(recordings: list[ResourceView], cover: ResourceView | None,
                   others: list[ResourceView] | None = None) -> GroupView:
    """The group of a release made in the catalog: its tracks (a sub-group per disc), then its other primary
    resources (videos, booklets, MIDI...) as items; the cover and other images linked."""
    others = others or []
    related = {rel.ref for res in [*recordings, *others] for rel in res.related}
    images = [r for r in others if r.kind == "Image"]
    extra = [r for r in others if r.kind != "Image" and r.ref not in related]
    linked = tuple(LinkView(r.ref) for r in ([cover] if cover is not None else []) + images)
    discs = sorted({rec.disc for rec in recordings})
    if len(discs) <= 1:
        items = tuple(GroupItemView(rec.ref, seq) for seq, rec in enumerate([*recordings, *extra], start=1))
        return GroupView(sequence=1, items=items, linked=linked)
    groups = tuple(
        GroupView(sequence=disc, group_type="Component",
                  items=tuple(GroupItemView(rec.ref, seq) for seq, rec in
                              enumerate((r for r in recordings if r.disc == disc), start=1)))
        for disc in discs)
    return GroupView(groups=groups, items=tuple(GroupItemView(r.ref, seq) for seq, r in enumerate(extra, start=1)),
                     linked=linked)


def _stored_group(details: dict[str, Any], ref_of: Any, recordings: list[ResourceView]) -> GroupView | None:
    """The message's group tree while it still matches the tracks (same tracks, same order), else None."""
    tree = view_json.group(details.get("group"), ref_of)
    if tree is None:
        return None
    track_refs = {rec.ref for rec in recordings}
    in_tree = [ref for ref in view_json.group_refs(tree) if ref in track_refs]
    return tree if in_tree == [rec.ref for rec in recordings] else None


def _deal_views(release: Any, key_ref: dict[str, str], isrc_ref: dict[str, str]) -> tuple[DealView, ...]:
    deals = []
    for d in sorted(release.deals, key=lambda d: (d.id or 0)):
        territories = tuple(d.territories or ("Worldwide",))
        excluded = tuple(d.excluded_territories or ())
        if territories != ("Worldwide",):  # a list of territories: exclusions are already applied
            territories, excluded = tuple(t for t in territories if t not in excluded), ()
        if not territories:
            continue  # every territory excluded: the deal grants nothing
        scope = getattr(d, "track_scope", None)
        deals.append(DealView(
            territories=territories, excluded_territories=excluded,
            commercial_models=tuple(d.commercial_models or ()), use_types=tuple(d.use_types or ()),
            start=_aware(d.start), end=_aware(d.end) if d.end else None, price_tier=d.price_tier or None,
            applies_to_tracks=bool(d.applies_to_tracks),
            applies_to_release=bool(getattr(d, "applies_to_release", True)),
            track_refs=None if scope is None else tuple(key_ref[k] for k in scope if k in key_ref),
            channels=view_json.channels((getattr(d, "details", None) or {}).get("channels")),
            channels_excluded=bool((getattr(d, "details", None) or {}).get("channels_excluded")),
            is_preorder=bool(getattr(d, "is_preorder", False)),
            **_preorder_terms(d, release, isrc_ref),
        ))
    return tuple(deals)


def _preorder_terms(deal: Any, release: Any, isrc_ref: dict[str, str]) -> dict[str, Any]:
    """A pre-order deal's instant-gratification resources (its ISRCs as the message's refs), the day its
    buyers get the release (stored, else the day the pre-order ends, else the release date) and its preview day."""
    if not getattr(deal, "is_preorder", False):
        return {}
    details = getattr(deal, "details", None) or {}
    out_on = view_json.day(details.get("preorder_release_date")) or (
        deal.end.date() if deal.end is not None else release.release_date)
    isrcs = getattr(deal, "instant_gratification", None) or ()
    refs = tuple(dict.fromkeys(isrc_ref[x] for x in isrcs if x in isrc_ref))
    return {"instant_gratification": refs, "preorder_release_date": out_on,
            "preorder_preview_date": view_json.day(details.get("preorder_preview_date"))}


def _track_release(part: dict[str, Any], ref: str, resource: ResourceView, parties: Parties,
                   ref_of: Any) -> TrackReleaseView:
    """A track release a message stated (its own ids, titles, artists...), from ``details["track_release"]``."""
    linked = view_json.links(part.get("linked"), ref_of)
    return TrackReleaseView(
        ref=ref, resource_ref=resource.ref, release_type=part.get("type") or "TrackRelease",
        ids=view_json.idents(part.get("ids")), title=part.get("title"), subtitle=part.get("subtitle"),
        display_title_text=part.get("display_title_text"), additional_titles=view_json.titles(part.get("titles")),
        display_artist=part.get("display_artist"), artists=named_credits(part.get("artists"), parties, "artist"),
        parental_warning=part.get("warning"), genre=part.get("genre"), linked=linked,
        p_line=view_json.line(part.get("p_line")), c_line=view_json.line(part.get("c_line")),
        duration_seconds=part.get("duration"), stated=True,
        label_ref=parties.ref(None, name=str(part["label"]), kind="label") if part.get("label") else None)


KIND_ORDER = ("SoundRecording", "MIDI", "Video", "Image", "Text", "SheetMusic", "Software", "UserDefinedResource")


def _numbered(release: Any, first: int) -> tuple[list[tuple[Any, int]], int | None]:
    """The release's other resources with their reference numbers, in ResourceList order (kind, then
    position), and the cover's number (first among the images)."""
    rows = sorted(getattr(release, "resources", None) or (),
                  key=lambda r: (KIND_ORDER.index(r.kind) if r.kind in KIND_ORDER else 99, r.position, r.id or 0))
    out: list[tuple[Any, int]] = []
    n = first
    cover_no = None
    for row in rows:
        if cover_no is None and release.cover is not None and KIND_ORDER.index("Image") <= (
                KIND_ORDER.index(row.kind) if row.kind in KIND_ORDER else 99):
            n += 1
            cover_no = n
        n += 1
        out.append((row, n))
    if cover_no is None and release.cover is not None:
        cover_no = n + 1
    return out, cover_no


def view_from_release(release: Any, *, assets_dir: Path | None = None, patterns: NamingPatterns | None = None,
                      resource_dir: str = "resources/", language: str | None = None) -> ReleaseView:
    """Build the version-neutral view of a loaded catalog release.

    ``patterns`` lets a delivery profile choose the delivered file names; ``resource_dir`` is the folder
    (relative to the message) the files are delivered into. ``assets_dir`` is accepted for callers that
    pass the store location; file facts are read from the asset rows, never from disk.
    """
    del assets_dir  # facts are stored on the asset rows when the file is added
    details: dict[str, Any] = getattr(release, "details", None) or {}
    parties = Parties()
    upc = release_code(release)
    display = release.display_artist or ", ".join(a.party.name for a in release.artists if a.party) or ""
    release_artists = artist_credits(list(release.artists), parties, stated=bool(details.get("stated"))) or (
        ArtistCredit(parties.ref(None, name=display or "Unknown Artist"), "MainArtist", 1),)
    label = release.label
    label_ref = parties.ref(label, kind="label") if label is not None else parties.ref(
        None, name=display or "Unknown Artist", kind="label")
    label_name = next(p.name for p in parties.all() if p.ref == label_ref)
    release_warning = ddex_parental_warning(release.parental_advisory or "")
    ctx = Context(parties, upc, patterns, resource_dir, release, release_artists, release_warning, display)
    tracks = sorted(release.tracks, key=lambda t: (t.disc_number, t.track_number))
    recordings = [track_view(t, i, ctx) for i, t in enumerate(tracks, start=1)]
    key_ref = {t.key: rec.ref for t, rec in zip(tracks, recordings, strict=True) if t.key}
    numbered, cover_no = _numbered(release, len(recordings))
    key_ref.update({row.key: f"A{index}" for row, index in numbered})
    cover_part = details.get("cover") or {}
    if cover_no is not None and cover_part.get("key"):
        key_ref[str(cover_part["key"])] = f"A{cover_no}"
    ref_of = key_ref.get
    recordings = [replace(rec, related=related(_details(t)["related"], ref_of)) if _details(t).get("related")
                  else rec for t, rec in zip(tracks, recordings, strict=True)]
    cover = cover_view(release, cover_no, ctx) if cover_no is not None else None
    resources = [*recordings, *(resource_view(row, idx, ctx, ref_of) for row, idx in numbered)]
    if cover is not None:
        resources.append(cover)
    resources.sort(key=lambda r: int(r.ref[1:]))
    total = sum(rec.duration_seconds or 0.0 for rec in recordings)
    verbatim = bool(details.get("lines_verbatim"))
    main = MainReleaseView(
        ref="R0", upc=details.get("icpn") or release.upc or None, catalog_number=release.catalog_number or None,
        title=release.title, subtitle=release.version or None, display_artist=display or "Unknown Artist",
        artists=release_artists, label_ref=label_ref, label_name=label_name,
        release_type=canonical_release_type(release.release_type or "Album"),
        is_compilation=bool(getattr(release, "is_compilation", False)),
        genre="" if "genre" in view_json.unstated(details) else (release.genre or "Unspecified"),
        subgenre=release.subgenre or None, parental_warning=release_warning,
        p_line=view_json.line({"year": release.p_line_year, "text": release.p_line}, verbatim),
        c_line=view_json.line({"year": release.c_line_year, "text": release.c_line}, verbatim),
        release_date=release.release_date, original_release_date=release.original_release_date,
        language=release.language, duration_seconds=details["duration"] if "duration" in details else total,
        grid=getattr(release, "grid", None) or None, catalog_namespace=details.get("catalog_namespace"),
        ids=view_json.idents(details.get("ids")), display_title_text=details.get("display_title_text"),
        additional_titles=view_json.titles(details.get("titles")),
        group=None if "group" in details and details["group"] is None else (
            _stored_group(details, ref_of, recordings) or _default_group(
                recordings, cover, [r for r in resources if not r.track and r is not cover])),
        compilation_stated=bool(details.get("compilation_stated")), titles_stated=bool(details.get("stated")),
        type_stated="release_type" not in view_json.unstated(details),
        extra_types=tuple(str(t) for t in details.get("extra_types") or ()), extra_lines=extra_lines(details),
    )
    owners = [(_details(t), rec) for t, rec in zip(tracks, recordings, strict=True)]
    by_ref = {r.ref: r for r in resources}
    owners += [(row.details or {}, by_ref[f"A{idx}"]) for row, idx in numbered]
    if cover is not None:
        owners.append((cover_part, cover))
    owners.sort(key=lambda pair: int(pair[1].ref[1:]))
    if details.get("track_releases") == "stored":
        track_releases = tuple(
            _track_release(part["track_release"], f"R{i}", rec, parties, ref_of)
            for i, (part, rec) in enumerate(((p, r) for p, r in owners if p.get("track_release")), start=1))
    else:
        track_releases = _default_track_releases(upc, tracks, recordings, cover, main.genre or "Unspecified")
    return ReleaseView(parties=parties.all(), resources=tuple(resources), release=main,
                       track_releases=track_releases,
                       deals=_deal_views(release, key_ref, {t.isrc: rec.ref for t, rec in zip(tracks, recordings,
                                                                                       strict=True) if t.isrc}),
                       language=language or release.language or "en")


def _default_track_releases(upc: str, tracks: list[Any], recordings: list[ResourceView], cover: ResourceView | None,
                            release_genre: str) -> tuple[TrackReleaseView, ...]:
    """One track release per track (a release made in the catalog)."""
    out = []
    for index, (track, rec) in enumerate(zip(tracks, recordings, strict=True), start=1):
        pid = f"{upc}_{track.isrc or f'{track.disc_number:02d}{track.track_number:03d}'}"
        out.append(TrackReleaseView(
            ref=f"R{index}", resource_ref=rec.ref, ids=(Ident("ProprietaryId", pid),), title=rec.title,
            subtitle=rec.subtitle, display_artist=rec.display_artist, artists=rec.artists,
            parental_warning=rec.parental_warning, genre=track.genre or release_genre,
            linked=(LinkView(cover.ref),) if cover is not None else (), duration_seconds=rec.duration_seconds))
    return tuple(out)
