"""A read message's view written onto catalog rows: the release's fields and details, its tracks, cover,
other resources (videos, images, texts, MIDI, DJ-mix sources), track releases and deals.

Used by creating (:mod:`.ern_ingest`) and updating (:mod:`.ern_ingest_update`) alike, so both keep the same
parts. Every message part goes to a column or to the ``details`` JSON (:mod:`stardust_tui.ern.view_json`),
keyed by the message's resource references; what the message did not state is listed in ``unstated`` so
it is written back as absent. Values longer than a column are noted, never truncated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stardust_tui.domain.identifiers import is_valid_upc, normalize_upc
from stardust_tui.domain.models import Credit, Deal, Release, Track, TrackArtist
from stardust_tui.domain.release_types import catalog_parental_warning
from stardust_tui.domain.resource_models import ReleaseResource
from stardust_tui.ern import view_json
from stardust_tui.ern.view_model import Ident, ReleaseView, ResourceView, TrackReleaseView
from stardust_tui.errors import ValidationError
from stardust_tui.importexport.ern_ingest_parts import (
    ASSET_KINDS,
    ImportResult,
    PartyCounter,
    asset_for,
    fit,
    valid_isrc,
)


class Filler:
    """Writes one view onto catalog objects; ``notes`` collects what could not be kept."""

    def __init__(self, view: ReleaseView, parties: PartyCounter, result: ImportResult, package: Path | None,
                 asset_store: Any) -> None:
        self.view, self.parties, self.result = view, parties, result
        self.package, self.asset_store = package, asset_store
        self.notes = result.skipped
        self.cover = next((r for r in view.resources if r.kind == "Image" and r.type == "FrontCoverImage"
                           and r.file is not None), None)
        self.owner_tr: dict[str, TrackReleaseView] = {tr.resource_ref: tr for tr in view.track_releases}

    # --- identifiers and the release ----------------------------------------------------------------
    def identifiers(self) -> tuple[str | None, str | None]:
        """(catalog UPC, GRid) of the release; an ICPN that is not a valid UPC/EAN is kept as the message's."""
        icpn, grid = self.view.release.upc, self.view.release.grid
        upc = None
        if icpn:
            if is_valid_upc(icpn):
                upc = normalize_upc(icpn)
            else:
                self.notes.append(f"ICPN {icpn!r} is not a UPC/EAN with a valid check digit: kept as the message's "
                                  "ICPN, the release has no catalog UPC")
        if grid and len(grid) > 64:
            self.notes.append(f"GRid {grid[:40]!r} is longer than 64 characters; not stored")
            grid = None
        return upc, grid

    def release_fields(self, release: Release, upc: str | None, grid: str | None) -> None:
        rel = self.view.release
        n = self.notes
        release.title, release.version = rel.title, fit(rel.subtitle, 500, "subtitle", n)
        release.upc, release.grid = upc, grid
        release.catalog_number = fit(rel.catalog_number, 64, "catalog number", n)
        release.display_artist = rel.display_artist or release.display_artist or ""
        release.release_type, release.is_compilation = rel.release_type, rel.is_compilation
        release.genre = fit(rel.genre or None, 100, "genre", n)
        release.subgenre = fit(rel.subgenre, 100, "subgenre", n)
        release.p_line_year = rel.p_line.year if rel.p_line else None
        release.p_line = fit(rel.p_line.text, 500, "P-line", n) if rel.p_line else None
        release.c_line_year = rel.c_line.year if rel.c_line else None
        release.c_line = fit(rel.c_line.text, 500, "C-line", n) if rel.c_line else None
        release.release_date, release.original_release_date = rel.release_date, rel.original_release_date
        release.parental_advisory = catalog_parental_warning(rel.parental_warning)
        if rel.label_name:
            release.label = self.parties.get(rel.label_name, "label")
        release.details = self.release_details(upc)

    def release_details(self, upc: str | None) -> dict[str, Any]:
        rel = self.view.release
        details: dict[str, Any] = {"stated": True, "lines_verbatim": True, "track_releases": "stored",
                                   "duration": rel.duration_seconds}
        if rel.upc and rel.upc != upc:
            details["icpn"] = rel.upc
        if rel.catalog_namespace:
            details["catalog_namespace"] = rel.catalog_namespace
        if rel.ids:
            details["ids"] = view_json.idents_json(rel.ids)
        if rel.display_title_text is not None:
            details["display_title_text"] = rel.display_title_text
        if rel.additional_titles:
            details["titles"] = view_json.titles_json(rel.additional_titles)
        if rel.compilation_stated:
            details["compilation_stated"] = True
        if rel.extra_types:
            details["extra_types"] = list(rel.extra_types)
        if rel.extra_lines:
            details["extra_lines"] = [{"tag": tag} | (view_json.line_json(line) or {}) for tag, line in rel.extra_lines]
        details["group"] = view_json.group_json(rel.group, str) if rel.group is not None else None
        unstated = [name for name, missing in (("genre", not rel.genre), ("release_type", not rel.type_stated))
                    if missing]
        if unstated:
            details["unstated"] = unstated
        if self.cover is not None:
            cover = self.cover
            part: dict[str, Any] = {"key": cover.ref, "ids": view_json.idents_json(cover.ids), "type": cover.type}
            for key, value in (("title", cover.title), ("display_title_text", cover.display_title_text),
                               ("warning", cover.parental_warning)):
                if value:
                    part[key] = value
            if cover.additional_titles:
                part["titles"] = view_json.titles_json(cover.additional_titles)
            if cover.c_line:
                part["c_line"] = view_json.line_json(cover.c_line)
            if cover.file is not None:
                part["file"] = view_json.file_json(cover.file)
            if cover.ref in self.owner_tr:
                part["track_release"] = self.track_release_part(self.owner_tr[cover.ref])
            details["cover"] = part
        return details

    def artists(self, credits: Any) -> list[tuple[Any, str, int]]:
        """(party, role, sequence) of display artists (roles longer than the column are noted)."""
        out = []
        for c in credits:
            party = self.view.party(c.party_ref)
            role = fit(c.role, 32, "artist role", self.notes) or "MainArtist"
            out.append((self.parties.get(party.name, "artist", party.isni), role, c.sequence))
        return out

    # --- tracks ---------------------------------------------------------------------------------------
    def fill_track(self, track: Track, rec: ResourceView) -> None:
        n = self.notes
        track.disc_number, track.track_number = rec.disc, rec.track
        track.isrc = valid_isrc(rec.isrc, rec.title, n)
        track.title = rec.title or "Untitled"
        track.version = fit(rec.subtitle, 500, "track subtitle", n)
        track.display_artist = rec.display_artist or self.view.release.display_artist or ""
        track.duration_seconds = rec.duration_seconds
        track.explicit = rec.parental_warning == "Explicit"
        track.parental_advisory = catalog_parental_warning(rec.parental_warning) if rec.parental_warning else None
        track.p_line_year = rec.p_line.year if rec.p_line else None
        track.p_line = fit(rec.p_line.text, 500, "P-line", n) if rec.p_line else None
        track.language = fit(rec.language, 8, "language", n)
        track.genre = fit(rec.genre, 100, "genre", n)
        track.preview_start_seconds = rec.preview_start
        track.key, track.resource_type = rec.ref, rec.type or None
        track.details = self.resource_details(rec, track_row=True)
        track.artists = [TrackArtist(party=p, role=role, sequence=seq) for p, role, seq in self.artists(rec.artists)]

    def track_credits(self, track: Track, rec: ResourceView, release_id: int | None) -> None:
        credits = []
        for c in rec.contributors:
            party = self.view.party(c.party_ref)
            person = self.parties.get(party.name, "contributor", party.isni)
            for role in c.roles:
                credits.append(Credit(release_id=release_id, party=person, role=(fit(role or "Contributor", 64,
                                                                                      "role", self.notes)
                                      or "Contributor"), sequence=c.sequence,
                                      instrument=fit(c.instrument, 64, "instrument", self.notes)))
        track.credits = credits

    def resource_details(self, res: ResourceView, *, track_row: bool) -> dict[str, Any]:
        details: dict[str, Any] = {"stated": True, "lines_verbatim": True}
        ids = list(res.ids)
        if res.isrc and valid_isrc(res.isrc, res.title, []) is None:
            ids.insert(0, Ident("ISRC", res.isrc))
        if ids:
            details["ids"] = view_json.idents_json(ids)
        if res.display_title_text is not None:
            details["display_title_text"] = res.display_title_text
        roleless = [c.sequence for c in res.contributors if not c.role]
        if roleless and track_row:  # a credit row needs a role: "Contributor" stands in, written back as none
            details["roleless"] = roleless
        if res.additional_titles:
            details["titles"] = view_json.titles_json(res.additional_titles)
        if res.related:
            details["related"] = [{"type": r.relationship, "key": r.ref, "start": r.start, "duration": r.duration_used}
                                  for r in res.related]
        tr = self.owner_tr.get(res.ref)
        if tr is not None:
            details["track_release"] = self.track_release_part(tr)
        missing = [name for name, gone in (("artists", not res.artists), ("warning", not res.parental_warning),
                                           ("genre", not res.genre), ("language", not res.language),
                                           ("display_artist", res.display_artist is None), ("type", not res.type))
                   if gone]
        if missing:
            details["unstated"] = missing
        preview = {k: v for k, v in (("duration", res.preview_duration), ("expression", res.preview_expression))
                   if v is not None}
        if preview:
            details["preview"] = preview
        if res.file is not None:  # the file as the message describes it (used while the file is not stored)
            details["file"] = view_json.file_json(res.file)
        if res.extra_files:
            details["extra_files"] = view_json.extra_files_json(res.extra_files)
        if res.works:
            details["works"] = view_json.works_json(res.works)
        if res.display_artist == "":
            details["display_artist_empty"] = True
        if res.extra_lines:
            details["extra_lines"] = [{"tag": tag} | (view_json.line_json(line) or {}) for tag, line in res.extra_lines]
        if not track_row:
            details["artists"] = [self.named(c) | {"role": c.role, "sequence": c.sequence} for c in res.artists]
            details["contributors"] = [self.named(c) | {"role": c.role, "roles": list(c.roles), "sequence": c.sequence,
                                                        "instrument": c.instrument} for c in res.contributors]
            if res.preview_start is not None:
                details["preview_start"] = res.preview_start
        return details

    def named(self, credit: Any) -> dict[str, Any]:
        party = self.view.party(credit.party_ref)
        self.parties.get(party.name, "contributor" if hasattr(credit, "roles") else "artist", party.isni)
        return {"name": party.name, "isni": party.isni}

    def track_release_part(self, tr: TrackReleaseView) -> dict[str, Any]:
        part: dict[str, Any] = {"ids": view_json.idents_json(tr.ids), "type": tr.release_type,
                                "linked": view_json.links_json(tr.linked, str)}
        for key, value in (("title", tr.title), ("subtitle", tr.subtitle),
                           ("display_title_text", tr.display_title_text),
                           ("display_artist", tr.display_artist), ("warning", tr.parental_warning),
                           ("genre", tr.genre), ("duration", tr.duration_seconds)):
            if value is not None:
                part[key] = value
        if tr.additional_titles:
            part["titles"] = view_json.titles_json(tr.additional_titles)
        if tr.label_ref:
            part["label"] = self.view.party(tr.label_ref).name
        if tr.artists:
            part["artists"] = [self.named(c) | {"role": c.role, "sequence": c.sequence} for c in tr.artists]
        for key, line in (("p_line", tr.p_line), ("c_line", tr.c_line)):
            if line is not None:
                part[key] = view_json.line_json(line)
        return part

    # --- other resources -----------------------------------------------------------------------------
    def resource_rows(self) -> list[ReleaseResource]:
        rows = []
        n = self.notes
        for position, res in enumerate(r for r in self.view.resources if not r.track and r is not self.cover):
            kind = ASSET_KINDS.get(res.kind, "other")
            # release_id comes from the release.resources relationship the rows are put in (a new release has
            # no id yet); the model declares it required (int, not int | None like Track's)
            rows.append(ReleaseResource(  # type: ignore[call-arg]
                position=position, key=res.ref, kind=res.kind, resource_type=res.type or "Unknown",
                isrc=valid_isrc(res.isrc, res.title, n), title=fit(res.title, 1000, "title", n),
                version=fit(res.subtitle, 500, "subtitle", n),
                display_artist=fit(res.display_artist, 1000, "display artist", n),
                duration_seconds=res.duration_seconds,
                parental_advisory=catalog_parental_warning(res.parental_warning) if res.parental_warning else None,
                p_line_year=res.p_line.year if res.p_line else None,
                p_line=fit(res.p_line.text, 500, "P-line", n) if res.p_line else None,
                c_line_year=res.c_line.year if res.c_line else None,
                c_line=fit(res.c_line.text, 500, "C-line", n) if res.c_line else None,
                language=fit(res.language, 8, "language", n), genre=fit(res.genre, 100, "genre", n),
                asset=self.asset(res.file, kind), details=self.resource_details(res, track_row=False)))
        return rows

    def deals(self) -> list[Deal]:
        out = []
        isrc_of = {r.ref: r.isrc for r in self.view.resources if r.isrc}
        for d in self.view.deals:
            details: dict[str, Any] = {"channels": view_json.channels_json(d.channels),
                                       "channels_excluded": d.channels_excluded} if d.channels else {}
            instant = [isrc_of[r] for r in d.instant_gratification if r in isrc_of]
            if len(instant) < len(d.instant_gratification):
                self.notes.append("an instant-gratification resource without an ISRC: not kept on the pre-order deal")
            if d.preorder_release_date is not None and (d.end is None or d.preorder_release_date != d.end.date()):
                details["preorder_release_date"] = d.preorder_release_date.isoformat()
            if d.preorder_preview_date is not None:
                details["preorder_preview_date"] = d.preorder_preview_date.isoformat()
            out.append(Deal(territories=list(d.territories), excluded_territories=list(d.excluded_territories),
                            commercial_models=list(d.commercial_models), use_types=list(d.use_types), start=d.start,
                            end=d.end, price_tier=fit(d.price_tier, 32, "price code", self.notes),
                            applies_to_tracks=d.applies_to_tracks, applies_to_release=d.applies_to_release,
                            track_scope=list(d.track_refs) if d.track_refs is not None else None,
                            is_preorder=d.is_preorder, instant_gratification=instant, details=details))
        return out

    def asset(self, file: Any, kind: str) -> Any:
        """The asset of a file the message names (stored from the package, or the message's facts)."""
        return asset_for(self.parties.session, file, kind, self.package, self.asset_store, self.result)


def check_view(view: ReleaseView) -> None:
    """A message whose release cannot be kept at all is refused with one line."""
    if not view.release.title:
        raise ValidationError("the main release has no title")
