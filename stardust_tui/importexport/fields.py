"""The import fields (what a column can map to) and the automatic guesses for common header names.

A field is ``release``-level (repeated on every track row, or one row per release in a release file)
or ``track``-level. The canonical names below are also the CSV export header, so this project's own
exports map themselves. ``guess_field`` normalises a header (case, spaces, punctuation) and looks it up in
the alias table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    level: str  # "release" | "track"
    kind: str  # text | upc | isrc | date | int | year | position | duration | bool | list | pline | cline | ...
    help: str
    aliases: tuple[str, ...] = ()


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("upc", "release", "upc", "UPC/EAN (12 or 13 digits)", ("ean", "barcode", "gtin", "upc/ean",
              "upc ean", "ean upc", "product upc", "release upc", "album upc", "icpn", "product code")),
    FieldSpec("catalog_number", "release", "text", "label catalogue number", ("cat no", "cat#", "catalog no",
              "catalogue number", "catalog", "catno", "cat number", "label catalog number", "catalog #")),
    FieldSpec("release_title", "release", "text", "release title", ("album title", "album", "product title",
              "release", "album name", "release name", "title of release")),
    FieldSpec("release_version", "release", "text", "release version/subtitle", ("album version",
              "release subtitle", "album subtitle", "version of release")),
    FieldSpec("release_artist", "release", "text", "release display artist (several: separate by ;)",
              ("album artist", "artist", "artists", "primary artist", "main artist", "release artists",
               "product artist", "display artist", "artist name")),
    FieldSpec("release_display_artist", "release", "text", "release artist as displayed, when it is not the "
              "artist names joined by &", ("release display name", "album display artist")),
    FieldSpec("release_featured_artist", "release", "list", "featured artists of the release",
              ("release featuring", "album featured artist")),
    FieldSpec("label", "release", "text", "label name", ("label name", "record label", "imprint")),
    FieldSpec("release_type", "release", "release_type", "album, ep, single or compilation",
              ("type", "product type", "format", "album type", "release format", "configuration")),
    FieldSpec("genre", "release", "text", "primary genre", ("primary genre", "release genre", "album genre",
                                                           "main genre")),
    FieldSpec("subgenre", "release", "text", "secondary genre", ("sub genre", "secondary genre", "sub-genre")),
    FieldSpec("p_line", "release", "pline", "℗ line (year and owner)", ("pline", "p", "℗", "(p) line",
              "phonographic copyright", "p copyright", "℗ line", "sound recording copyright")),
    FieldSpec("p_line_year", "release", "year", "℗ year", ("p year", "pline year", "p line year", "℗ year")),
    FieldSpec("c_line", "release", "cline", "© line (year and owner)", ("cline", "c", "©", "(c) line",
              "copyright", "c copyright", "© line", "copyright line")),
    FieldSpec("c_line_year", "release", "year", "© year", ("c year", "cline year", "c line year", "© year")),
    FieldSpec("release_date", "release", "date", "release date", ("street date", "original street date",
              "digital release date", "sales start date", "release start date", "date", "on sale date")),
    FieldSpec("original_release_date", "release", "date", "original release date",
              ("original date", "original release", "physical release date")),
    FieldSpec("parental_advisory", "release", "advisory", "explicit, not-explicit, edited or unknown",
              ("parental warning", "advisory", "release explicit", "album explicit", "explicit content")),
    FieldSpec("release_language", "release", "language", "language of the release metadata",
              ("language", "album language", "metadata language", "title language")),
    FieldSpec("territories", "release", "territories", "deal territories (Worldwide or codes separated by ;)",
              ("territory", "countries", "territories included", "rights territories", "sales territories")),
    FieldSpec("excluded_territories", "release", "territories", "territories excluded from the deal",
              ("excluded territory", "territories excluded", "excluded countries")),
    FieldSpec("commercial_models", "release", "list", "DDEX commercial models separated by ;",
              ("commercial model", "business model", "deal type")),
    FieldSpec("use_types", "release", "list", "DDEX use types separated by ;", ("use type", "usage")),
    FieldSpec("deal_start", "release", "datetime", "deal start (defaults to the release date)",
              ("deal start date", "start date", "sales start", "preorder date")),
    FieldSpec("deal_end", "release", "datetime", "deal end", ("deal end date", "end date", "sales end",
                                                             "takedown date")),
    FieldSpec("price_tier", "release", "text", "price tier / code", ("price", "price code", "price band")),
    FieldSpec("status", "release", "status", "draft, ready, delivered or taken-down", ("release status",)),
    FieldSpec("release_credits", "release", "credits", "release credits as 'Role: Name; Role: Name'",
              ("album credits",)),
    FieldSpec("cover_sha256", "release", "sha256", "SHA-256 of the cover in the asset store", ()),
    FieldSpec("disc_number", "track", "int", "disc / volume number", ("disc", "disc no", "volume",
              "volume number", "cd", "disc #", "medium", "set")),
    FieldSpec("track_number", "track", "position", "track number on the disc", ("track", "track no", "track #",
              "position", "sequence", "seq", "no", "#", "track position", "track num", "tracknumber")),
    FieldSpec("isrc", "track", "isrc", "ISRC", ("track isrc", "isrc code", "recording isrc")),
    FieldSpec("track_title", "track", "text", "track title", ("song title", "title", "track name", "song",
              "song name", "recording title", "track")),
    FieldSpec("track_version", "track", "text", "track version (Remix, Live...)", ("version", "mix",
              "track subtitle", "mix version", "song version")),
    FieldSpec("track_artist", "track", "text", "track display artist (several: separate by ;)",
              ("track artists", "song artist", "recording artist", "performer", "track primary artist")),
    FieldSpec("track_display_artist", "track", "text", "track artist as displayed", ("track display name",)),
    FieldSpec("featured_artist", "track", "list", "featured artists of the track", ("featuring", "feat",
              "featured artists", "feat artist", "track featured artist", "ft")),
    FieldSpec("remixer", "track", "list", "remixers of the track", ("remixed by", "remix artist")),
    FieldSpec("duration", "track", "duration", "duration (seconds or M:SS)", ("length", "time", "track length",
              "track duration", "running time", "duration seconds")),
    FieldSpec("explicit", "track", "bool", "explicit lyrics (yes/no)", ("explicit lyrics", "track explicit",
              "parental advisory track", "is explicit", "explicit flag")),
    FieldSpec("track_p_line", "track", "pline", "track ℗ line", ("track pline", "recording p line")),
    FieldSpec("track_p_line_year", "track", "year", "track ℗ year", ("track p year", "recording year")),
    FieldSpec("track_language", "track", "language", "language of the performance", ("lyrics language",
              "audio language", "song language", "language of performance")),
    FieldSpec("track_genre", "track", "text", "track genre", ("song genre",)),
    FieldSpec("preview_start", "track", "duration", "preview/clip start (seconds)", ("preview start time",
              "clip start", "sample start", "preview")),
    FieldSpec("composer", "track", "list", "composers separated by ;", ("composers", "writer", "writers",
              "songwriter", "songwriters", "composer/author")),
    FieldSpec("lyricist", "track", "list", "lyricists separated by ;", ("lyricists", "author", "lyrics by")),
    FieldSpec("producer", "track", "list", "producers separated by ;", ("producers", "produced by")),
    FieldSpec("publisher", "track", "list", "publishers separated by ;", ("publishers", "publishing")),
    FieldSpec("credits", "track", "credits", "other track credits as 'Role: Name; Role: Name'",
              ("track credits", "contributors")),
    FieldSpec("audio_sha256", "track", "sha256", "SHA-256 of the track audio in the asset store", ()),
)

BY_NAME: dict[str, FieldSpec] = {f.name: f for f in FIELDS}
RELEASE_FIELDS = tuple(f.name for f in FIELDS if f.level == "release")
TRACK_FIELDS = tuple(f.name for f in FIELDS if f.level == "track")
# The CSV export header (this project's own CSV files are recognised by it).
EXPORT_COLUMNS = tuple(f.name for f in FIELDS if f.name not in ("composer", "lyricist", "producer", "publisher",
                                                                "p_line_year", "c_line_year", "track_p_line_year"))
# Track credits taken from list columns: field -> DDEX contributor role.
CREDIT_FIELDS = {"composer": "Composer", "lyricist": "Lyricist", "producer": "Producer", "publisher": "Publisher"}


def normalize_header(header: str) -> str:
    """Case-, space- and punctuation-insensitive form of a header ("Release_Title" -> "release title")."""
    s = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", header.replace("\ufeff", "").strip()).lower()  # releaseDate
    s = re.sub(r"[_\-\s]+", " ", s)
    return re.sub(r"[^\w#/℗© ]", "", s).strip()


_GUESSES: dict[str, str] = {}
for _f in FIELDS:
    _GUESSES[normalize_header(_f.name)] = _f.name
    for _alias in _f.aliases:
        _GUESSES.setdefault(normalize_header(_alias), _f.name)


def guess_field(header: str) -> str | None:
    """The field a header most likely means, or None."""
    return _GUESSES.get(normalize_header(header))
