"""``metadata.xml`` of an iTunes package for one release, from Stardust's version-neutral release view. Pure.

Layout: a ``<package>`` in the ``http://apple.com/itunes/importer`` namespace (``version="music5.3"``) with
``<language>``, ``<provider>`` and one ``<album>``: vendor id (the UPC, which also names the package
folder), UPC, title (a version shown in parentheses), release date, label, genre, P/C lines, the artwork
file, track count, explicit flag, artists, products (one per deal territory) and the tracks, each with its
ISRC, title, numbers, artists, genre, P line, explicit flag and its audio file. Every file is given as
``<file_name>``, ``<size>`` and ``<checksum type="md5">``. Which of this is Apple's published text and
which follows public music5.3 packages is said in the plugin's README.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from lxml import etree

NS = "http://apple.com/itunes/importer"
SPEC_VERSION = "music5.3"
MAX_TRACKS = 500  # Apple: "up to a maximum of 500 tracks per album"
VENDOR_ID = re.compile(r"^[A-Za-z0-9_]+$")  # Apple: alphanumeric characters and the underscore only
STREAM_USES = {"OnDemandStream", "NonInteractiveStream", "Stream"}
SALE_USES = {"PermanentDownload", "Download", "ConditionalDownload", "TetheredDownload"}
ROLES = {"MainArtist": ("Performer", True), "FeaturedArtist": ("Featuring", False), "Remixer": ("Remixer", False),
         "Composer": ("Composer", False), "Producer": ("Producer", False)}


class MetadataError(ValueError):
    """The release cannot be written as an iTunes package (one line, names the field)."""


@dataclass(frozen=True)
class PackedFile:
    """A file of the package: its name there, size and MD5 (of the bytes actually copied)."""

    name: str
    size: int
    md5: str


def _el(parent: Any, tag: str, text: Any = None, **attrs: str) -> Any:
    node = etree.SubElement(parent, f"{{{NS}}}{tag}", attrs)
    if text is not None:
        node.text = str(text)
    return node


def _file(parent: Any, tag: str, f: PackedFile) -> None:
    node = _el(parent, tag)
    _el(node, "file_name", f.name)
    _el(node, "size", f.size)
    _el(node, "checksum", f.md5, type="md5")


def _line(line: Any) -> str | None:
    if line is None or not (line.text or "").strip():
        return None
    text = line.text.strip()
    return text if line.verbatim or not line.year else f"{line.year} {text}"


def _title(title: str | None, version: str | None) -> str:
    title = (title or "").strip()
    return f"{title} ({version.strip()})" if version and version.strip() else title


def _explicit(warning: str | None) -> str:
    return {"Explicit": "explicit", "ExplicitContentEdited": "clean"}.get(warning or "", "none")


def _artists(parent: Any, credits: Iterable[Any], view: Any, fallback: str) -> None:
    node = _el(parent, "artists")
    written = 0
    for credit in sorted(credits, key=lambda c: c.sequence):
        role, primary = ROLES.get(credit.role, ("Performer", False))
        artist = _el(node, "artist")
        _el(artist, "artist_name", view.party(credit.party_ref).name)
        _el(_el(artist, "roles"), "role", role)
        _el(artist, "primary", "true" if primary else "false")
        written += 1
    if not written and fallback:
        artist = _el(node, "artist")
        _el(artist, "artist_name", fallback)
        _el(_el(artist, "roles"), "role", "Performer")
        _el(artist, "primary", "true")


def _products(parent: Any, deals: Iterable[Any], title: str) -> None:
    node = _el(parent, "products")
    territories: dict[str, Any] = {}
    for deal in deals:
        if not deal.applies_to_release or deal.is_preorder:
            continue
        if deal.excluded_territories:
            raise MetadataError(f"{title}: a deal excludes {', '.join(deal.excluded_territories)}; list the "
                                "territories it covers instead (iTunes products are per territory)")
        for territory in deal.territories:
            territories.setdefault("WW" if territory == "Worldwide" else territory, deal)
    if not territories:
        raise MetadataError(f"{title}: no deal covers the release (iTunes products come from its deals)")
    for territory, deal in sorted(territories.items()):
        uses = set(deal.use_types)
        product = _el(node, "product")
        _el(product, "territory", territory)
        _el(product, "cleared_for_sale", "true" if uses & SALE_USES or not uses & STREAM_USES else "false")
        _el(product, "cleared_for_stream", "true" if uses & STREAM_USES else "false")
        if deal.price_tier:
            _el(product, "wholesale_price_tier", deal.price_tier)
        _el(product, "sales_start_date", deal.start.date().isoformat())
        if deal.end is not None:
            _el(product, "sales_end_date", deal.end.date().isoformat())


def build_metadata(view: Any, *, provider: str, language: str, artwork: PackedFile,
                   audio: Mapping[str, PackedFile]) -> bytes:
    """metadata.xml for ``view``; ``audio`` maps each recording's resource ref to its packed file."""
    rel = view.release
    upc = rel.upc or ""
    if not VENDOR_ID.match(upc):
        raise MetadataError(f"{rel.title}: an iTunes package is named by the release's UPC, and it has none")
    recordings = list(view.recordings)
    if not recordings or len(recordings) > MAX_TRACKS:
        raise MetadataError(f"{rel.title}: an album has 1 to {MAX_TRACKS} tracks, this one {len(recordings)}")
    root = etree.Element(f"{{{NS}}}package", {"version": SPEC_VERSION}, nsmap={None: NS})
    _el(root, "language", language)
    _el(root, "provider", provider)
    album = _el(root, "album")
    _el(album, "vendor_id", upc)
    _el(album, "upc", upc)
    if rel.grid:
        _el(album, "grid", rel.grid)
    _el(album, "title", _title(rel.title, rel.subtitle))
    day = rel.original_release_date or rel.release_date
    if day is None:
        raise MetadataError(f"{rel.title}: a release date is required")
    _el(album, "original_release_date", day.isoformat())
    _el(album, "label_name", rel.label_name)
    _el(_el(album, "genres"), "genre", code=rel.genre or "")
    for tag, line in (("copyright_pline", _line(rel.p_line)), ("copyright_cline", _line(rel.c_line))):
        if line:
            _el(album, tag, line)
    _file(_el(album, "artwork_files"), "file", artwork)
    _el(album, "track_count", len(recordings))
    _el(album, "explicit_content", _explicit(rel.parental_warning))
    _artists(album, rel.artists, view, rel.display_artist)
    _products(album, view.deals, rel.title)
    tracks = _el(album, "tracks")
    for rec in recordings:
        if rec.ref not in audio:
            raise MetadataError(f"{rel.title}: track {rec.disc}-{rec.track} has no audio file")
        track = _el(tracks, "track")
        _el(track, "vendor_id", f"{upc}_{rec.isrc}" if rec.isrc else f"{upc}_{rec.disc}_{rec.track}")
        if rec.isrc:
            _el(track, "isrc", rec.isrc)
        _el(track, "title", _title(rec.title, rec.subtitle))
        _el(track, "label_name", rel.label_name)
        _el(_el(track, "genres"), "genre", code=rec.genre or rel.genre or "")
        if _line(rec.p_line or rel.p_line):
            _el(track, "copyright_pline", _line(rec.p_line or rel.p_line))
        _el(track, "explicit_content", _explicit(rec.parental_warning or rel.parental_warning))
        _el(track, "volume_number", rec.disc)
        _el(track, "track_number", rec.track)
        _file(track, "audio_file", audio[rec.ref])
        credits = list(rec.artists)
        if not any(c.role == "MainArtist" for c in credits):  # a track credits its guests: the album's main
            credits = [c for c in rel.artists if c.role == "MainArtist"] + [  # artists perform on it too
                replace(c, sequence=c.sequence + 1000) for c in credits]
        _artists(track, credits, view, rec.display_artist or rel.display_artist)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
