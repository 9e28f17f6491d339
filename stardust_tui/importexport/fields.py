"""The import fields: what a column can map to, at which level, parsed as which kind.

A field is ``release``-level (repeated on every track row, or one row per release in a release file)
or ``track``-level; :data:`TWINS` pairs the fields that exist at both levels (artist, version, ℗ line,
genre, language, advisory...), so a column can move to the other level when its values say so (see
:mod:`~stardust_tui.importexport.guess`). The canonical names below are also the CSV export header, so
this project's own exports map themselves. What a header *means* is :mod:`~stardust_tui.importexport.headers`'s
job; :func:`guess_field` is the short answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    level: str  # "release" | "track"
    kind: str  # a key of cells.PARSERS
    help: str


_R, _T = "release", "track"
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("upc", _R, "upc", "UPC/EAN (12 or 13 digits)"),
    FieldSpec("catalog_number", _R, "text", "label catalogue number"),
    FieldSpec("release_title", _R, "text", "release title"),
    FieldSpec("release_version", _R, "text", "release version/subtitle"),
    FieldSpec("release_artist", _R, "text", "release display artist (several: separate by ;)"),
    FieldSpec("release_display_artist", _R, "text", "release artist as displayed, when it is not the artist "
              "names joined by &"),
    FieldSpec("release_featured_artist", _R, "people", "featured artists of the release"),
    FieldSpec("label", _R, "text", "label name"),
    FieldSpec("release_type", _R, "release_type", "Album, EP, Single, compilation or another DDEX release type"),
    FieldSpec("genre", _R, "text", "primary genre"),
    FieldSpec("subgenre", _R, "text", "secondary genre"),
    FieldSpec("p_line", _R, "pline", "℗ line (year and owner, or the owner alone)"),
    FieldSpec("p_line_year", _R, "year", "℗ year"),
    FieldSpec("c_line", _R, "cline", "© line (year and owner, or the owner alone)"),
    FieldSpec("c_line_year", _R, "year", "© year"),
    FieldSpec("release_date", _R, "date", "release date"),
    FieldSpec("original_release_date", _R, "date", "original release date"),
    FieldSpec("parental_advisory", _R, "advisory", "release advisory: explicit, not explicit, clean (edited), "
              "unknown; Y/N/C"),
    FieldSpec("release_language", _R, "language", "language of the release metadata"),
    FieldSpec("territories", _R, "territories", "deal territories: WW/Worldwide or codes separated by , ; | or "
              "spaces ('Worldwide except US')"),
    FieldSpec("excluded_territories", _R, "excluded_territories", "territories excluded from the deal"),
    FieldSpec("commercial_models", _R, "commercial_models", "DDEX commercial models separated by ; (any case; "
              "UserDefined:<value> for a user-defined one)"),
    FieldSpec("use_types", _R, "use_types", "DDEX use types separated by ; (any case; UserDefined:<value>)"),
    FieldSpec("deal_start", _R, "datetime", "deal start (defaults to the release date)"),
    FieldSpec("preorder_date", _R, "date", "pre-order start: a pre-order deal until the release date (with the "
              "instant-gratification tracks)"),
    FieldSpec("preorder_dates", _R, "territory_dates", "pre-order start per territory: 'US 2025-01-10; GB "
              "2025-01-17' (one pre-order deal per date, until the release date; WW for the other territories)"),
    FieldSpec("deal_end", _R, "datetime", "deal end"),
    FieldSpec("price_tier", _R, "text", "price tier / code"),
    FieldSpec("status", _R, "status", "draft, ready, delivered or taken-down"),
    FieldSpec("release_credits", _R, "credits", "release credits as 'Role: Name; Role: Name'"),
    FieldSpec("cover_sha256", _R, "sha256", "SHA-256 of the cover in the asset store"),
    FieldSpec("disc_number", _T, "int", "disc / volume number"),
    FieldSpec("track_number", _T, "position", "track number on the disc (or disc-track)"),
    FieldSpec("isrc", _T, "isrc", "ISRC"),
    FieldSpec("track_title", _T, "text", "track title"),
    FieldSpec("track_version", _T, "text", "track version (Remix, Live...)"),
    FieldSpec("track_artist", _T, "text", "track display artist (several: separate by ;)"),
    FieldSpec("track_display_artist", _T, "text", "track artist as displayed"),
    FieldSpec("featured_artist", _T, "people", "featured artists of the track (, ; | / &)"),
    FieldSpec("remixer", _T, "people", "remixers of the track"),
    FieldSpec("duration", _T, "duration", "duration (seconds, M:SS, H:MM:SS, PT3M45S; ms by header or values)"),
    FieldSpec("explicit", _T, "advisory", "track advisory: Y/N/C, yes/no, explicit/clean/not explicit"),
    FieldSpec("track_p_line", _T, "pline", "track ℗ line"),
    FieldSpec("track_p_line_year", _T, "year", "track ℗ year"),
    FieldSpec("track_language", _T, "language", "language of the performance"),
    FieldSpec("track_genre", _T, "text", "track genre"),
    FieldSpec("preview_start", _T, "duration", "preview/clip start (seconds)"),
    FieldSpec("instant_gratification", _T, "flag", "instant-gratification track of the pre-order (yes/no)"),
    FieldSpec("composer", _T, "people", "composers (, ; | / &; 'Last, First' recognised)"),
    FieldSpec("lyricist", _T, "people", "lyricists"),
    FieldSpec("producer", _T, "people", "producers"),
    FieldSpec("publisher", _T, "list", "publishers separated by ; or |"),
    FieldSpec("credits", _T, "credits", "other track credits as 'Role: Name; Role: Name'"),
    FieldSpec("audio_sha256", _T, "sha256", "SHA-256 of the track audio in the asset store"),
)

BY_NAME: dict[str, FieldSpec] = {f.name: f for f in FIELDS}
RELEASE_FIELDS = tuple(f.name for f in FIELDS if f.level == "release")
TRACK_FIELDS = tuple(f.name for f in FIELDS if f.level == "track")
# The same meaning at the release and at the track level (either way round).
_PAIRS = (("release_artist", "track_artist"), ("release_display_artist", "track_display_artist"),
          ("release_featured_artist", "featured_artist"), ("release_version", "track_version"),
          ("parental_advisory", "explicit"), ("p_line", "track_p_line"), ("p_line_year", "track_p_line_year"),
          ("genre", "track_genre"), ("release_language", "track_language"), ("release_credits", "credits"),
          ("release_title", "track_title"))
TWINS: dict[str, str] = {a: b for a, b in _PAIRS} | {b: a for a, b in _PAIRS}
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


_CANONICAL = {normalize_header(f.name): f.name for f in FIELDS}


def guess_field(header: str) -> str | None:
    """The field a header most likely means (its canonical name, else its meaning), or None."""
    found = _CANONICAL.get(normalize_header(header))
    if found:
        return found
    from stardust_tui.importexport.headers import candidates

    options = candidates(header)
    return options[0] if options else None
