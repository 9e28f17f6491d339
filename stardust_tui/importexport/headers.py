"""What a column header means: header text → candidate import fields, by meaning rather than by a list.

A header is cut into words (case, spaces, punctuation, camelCase and ``snake_case`` ignored; ``℗``/``(P)``
become the word ``p``, ``©``/``(C)`` the word ``c``, ``#``/``No.`` the word ``number``); hints such as
``(MM/DD/YYYY)``, ``(ms)`` or ``(optional)`` are taken out first and kept (:class:`HeaderInfo`). The words
are then read through synonym groups (an artist is also a performer or act; a release is also an album
or product; a track is also a song or recording...) by :func:`candidates`, which returns the fields the
header can mean, most likely first — e.g. ``"Track"`` → track_number, then track_title (the column's
values decide, see :mod:`~stardust_tui.importexport.guess`). A header naming something the catalog has
no field for (``Artist Spotify ID``, ``Track Price Tier``, ``Recording Country``) gives no candidate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RELEASE = frozenset({"release", "album", "product", "bundle", "record", "project", "collection", "lp", "ep",
                     "albums", "releases", "products"})
TRACK = frozenset({"track", "song", "recording", "tune", "asset", "audio", "tracks", "songs", "recordings",
                   "sound"})
TITLE = frozenset({"title", "name", "titles"})
ARTIST = frozenset({"artist", "artists", "performer", "performers", "act", "band", "musician"})
FEAT = frozenset({"featuring", "feat", "ft", "featured", "with", "guest", "guests", "feats"})
VERSION = frozenset({"version", "mix", "subtitle", "mixtitle", "edit", "versions"})
UPC = frozenset({"upc", "ean", "barcode", "gtin", "icpn", "ean13", "upca", "jan", "gtin13", "gtin14"})
CATALOG = frozenset({"catalog", "catalogue", "cat", "catno", "catalognumber", "catnumber", "sku"})
LABEL = frozenset({"label", "imprint", "labels"})
DATE = frozenset({"date", "released", "dated"})
ORIGINAL = frozenset({"original", "first", "physical", "originally", "initial"})
P = frozenset({"p", "phonographic", "phonogram", "pline", "master"})
C = frozenset({"c", "copyright", "cline", "copyrights"})
YEAR = frozenset({"year", "yr", "years"})
GENRE = frozenset({"genre", "style", "genres", "styles"})
SUB = frozenset({"sub", "secondary", "subgenre", "second", "alternate", "alternative"})
EXPLICIT = frozenset({"explicit", "advisory", "parental", "clean", "profanity", "explicitness", "explicity"})
DURATION = frozenset({"duration", "length", "runtime", "playtime", "running", "time"})
DISC = frozenset({"disc", "disk", "volume", "vol", "cd", "medium", "discs", "volumes"})
NUMBER = frozenset({"number", "num", "nr", "position", "pos", "sequence", "seq", "order", "index", "ordinal"})
TOTAL = frozenset({"total", "count", "amount"})
LANGUAGE = frozenset({"language", "lang", "languages", "locale"})
PERFORMANCE = frozenset({"lyrics", "lyric", "audio", "performance", "vocal", "vocals", "sung", "song", "track",
                         "recording", "spoken"})
TERRITORY = frozenset({"territory", "territories", "countries", "regions", "markets", "country", "region",
                       "market", "availability", "rights"})
EXCLUDE = frozenset({"excluded", "exclude", "exclusion", "exclusions", "except", "excl", "not", "restricted",
                     "blocked", "restriction", "restrictions", "blacklist", "blacklisted", "without", "unavailable"})
PRICE = frozenset({"price", "pricing", "tier"})
COMPOSER = frozenset({"composer", "composers", "writer", "writers", "songwriter", "songwriters", "composed",
                      "written", "music"})
LYRICIST = frozenset({"lyricist", "lyricists", "lyrics", "author", "authors", "lyric", "words"})
PRODUCER = frozenset({"producer", "producers", "produced"})
PUBLISHER = frozenset({"publisher", "publishers", "publishing", "editor", "edition"})
REMIXER = frozenset({"remixer", "remixers", "remixed"})
PREVIEW = frozenset({"preview", "clip", "sample", "snippet", "excerpt", "prelisten", "prelistening"})
CREDITS = frozenset({"credits", "credit", "contributors", "contributor", "personnel", "participants"})
START = frozenset({"start", "begin", "from", "preorder", "presale"})
END = frozenset({"end", "until", "expiry", "expiration", "takedown", "stop"})
# words that make a header about something the catalog keeps no field for
OTHER = frozenset({"id", "ids", "url", "uri", "link", "links", "isni", "iswc", "grid", "ipi", "cae", "spotify",
                   "apple", "itunes", "deezer", "amazon", "youtube", "soundcloud", "tiktok", "bpm", "tempo", "key",
                   "mood", "moods", "tags", "tag", "keywords", "keyword", "description", "notes", "note", "comment",
                   "comments", "bio", "biography", "email", "phone", "address", "city", "nationality", "born",
                   "birth", "gender", "percentage", "share", "split", "royalty", "royalties", "revenue", "streams",
                   "units", "earnings", "created", "modified", "updated", "uploaded", "submitted",
                   "delivery", "delivered", "filename", "file", "path", "artwork", "cover", "image", "instrument",
                   "instruments", "role", "roles", "ownership", "session", "currency"})
_ID_OK = UPC | {"isrc"} | CATALOG


@dataclass(frozen=True)
class HeaderInfo:
    """A header cut into words, with the hints found in it."""

    text: str
    words: tuple[str, ...]
    date_order: str | None = None  # "mdy" / "dmy" from a (MM/DD/YYYY) style hint
    unit: str | None = None  # "ms" / "s" from a (ms) / (seconds) hint
    surname_first: bool = False  # "(Last, First)" / "Surname, Given name"


_DATE_HINT = re.compile(r"\b(mm|dd|yyyy|yy|m|d)[/.\-](mm|dd|m|d)[/.\-](yyyy|yy|mm|dd)\b", re.I)
_MS_HINT = re.compile(r"\b(ms|msec|millis|milliseconds?)\b", re.I)
_SEC_HINT = re.compile(r"\((?:in\s+)?(?:sec|secs|seconds?)\)|\bseconds\b", re.I)
_CHOICE_HINT = re.compile(r"\(\s*(?:[A-Za-z]{1,3}\s*/\s*)+[A-Za-z]{1,3}\s*\)")  # (Y/N), (Y/N/C), (Yes/No)
_SURNAME_HINT = re.compile(r"last\s*,\s*first|surname\s*,\s*(given|first)", re.I)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_FILLER = frozenset({"the", "a", "an", "s", "required", "optional", "mandatory", "field", "value", "if", "any",
                     "please", "e", "g", "eg", "ie", "for", "in", "on", "is", "be", "to", "and", "or", "info",
                     "information", "data", "details", "yyyy", "mm", "dd", "yy", "hh", "ss", "y", "n", "yn",
                     "leave", "blank", "code", "codes", "text", "line", "lines", "owner", "owners",
                     "holder", "holders", "company", "notice", "field1", "by", "own", "main", "primary", "lead",
                     "principal", "display", "level", "ms", "msec", "millis", "millisecond", "milliseconds",
                     "sec", "secs", "seconds", "of", "you", "it", "want", "generate", "per", "only"})


def analyse(header: str) -> HeaderInfo:
    """Words and hints of a header (see the module docstring)."""
    raw = header.replace("\ufeff", "").strip()
    date_order = None
    if m := _DATE_HINT.search(raw):
        first = m[1].lower()
        date_order = "mdy" if first.startswith("m") else "dmy" if first.startswith("d") else None
    unit = "ms" if _MS_HINT.search(raw) else ("s" if _SEC_HINT.search(raw) else None)
    surname = bool(_SURNAME_HINT.search(raw))
    s = _CHOICE_HINT.sub(" ", _DATE_HINT.sub(" ", raw))
    s = re.sub(r"℗|Ⓟ|\(\s*[pP]\s*\)|\[\s*[pP]\s*\]", " p ", s)
    s = re.sub(r"©|Ⓒ|\(\s*[cC]\s*\)|\[\s*[cC]\s*\]", " c ", s)
    s = re.sub(r"\(s\)", "s", s)  # Artist(s)
    s = _CAMEL.sub(" ", s)
    s = s.lower()
    s = re.sub(r"#|\bno\b\.?|\bnbr\b|\bnum\.", " number ", s)
    s = re.sub(r"\bsub[\s\-_]?genre", " sub genre ", s)
    s = re.sub(r"\bpre[\s\-_]?order", " preorder ", s)
    s = re.sub(r"\bre[\s\-_]?mix(?:er|ed)", lambda m: " remix" + m[0][-2:] + " ", s)
    s = re.sub(r"[^\w]+|_", " ", s)
    words = tuple(w for w in s.split() if w not in _FILLER)
    return HeaderInfo(raw, words, date_order, unit, surname)


def candidates(header: str | HeaderInfo) -> list[str]:
    """Fields the header can mean, most likely first (empty: nothing in the catalog)."""
    info = analyse(header) if isinstance(header, str) else header
    w = set(info.words)
    if not w:
        return []
    has = w.__and__
    rel, trk = bool(has(RELEASE)), bool(has(TRACK))
    if "isrc" in w:
        return ["isrc"]
    if has(UPC):
        return ["upc"]
    if has(OTHER) and not has(_ID_OK):
        return []
    if has(TOTAL) and (has(DISC) or trk or has(NUMBER)):
        return []  # "Total Tracks", "Disc Count"
    if has(CATALOG):
        return [] if trk and not rel else ["catalog_number"]
    if has(EXPLICIT):
        return ["parental_advisory", "explicit"] if rel and not trk else ["explicit", "parental_advisory"]
    p_mark, c_mark = bool(has(P)) or "production" in w, bool(has(C)) and not has(P)
    if "sound" in w and "recording" in w and ("c" in w or "copyright" in w):
        p_mark, c_mark = True, False
    if has(YEAR) and (p_mark or c_mark or "recording" in w or "release" in w and not has(DATE)):
        if c_mark:
            return ["c_line_year"]
        if trk and not rel:
            return ["track_p_line_year"]
        return ["p_line_year"] if p_mark or rel else ["track_p_line_year"]
    if p_mark:
        return ["track_p_line", "p_line"] if w & {"track", "song", "tracks", "songs"} and not rel \
            else ["p_line", "track_p_line"]
    if c_mark:
        return ["c_line"]
    if w & {"instant", "ig", "instantgrat"} and (w & {"grat", "gratification", "instant"} or w <= {"ig", "track"}):
        return ["instant_gratification"]
    if has(REMIXER):
        return ["remixer"]
    if has(FEAT) and (has(ARTIST) or w <= FEAT | RELEASE | TRACK):
        return ["release_featured_artist", "featured_artist"] if rel and not trk else \
            ["featured_artist", "release_featured_artist"]
    if has(CREDITS):
        return ["release_credits", "credits"] if rel and not trk else ["credits", "release_credits"]
    if has(COMPOSER) and has(LYRICIST):
        return ["composer"]
    if has(LYRICIST) and not has(LANGUAGE) and (w != {"lyrics"} or " by" in info.text.lower()):  # "Lyrics": words
        return ["lyricist"]
    if has(COMPOSER) and not has(LANGUAGE | GENRE | DURATION):
        return ["composer"]
    if has(PUBLISHER):
        return ["publisher"]
    if has(PRODUCER):
        return ["producer"]
    if has(PREVIEW):
        return ["preview_start"]
    if has(LANGUAGE):
        if has(PERFORMANCE) and not has({"metadata", "title"}):
            return ["track_language", "release_language"]
        return ["release_language", "track_language"]
    if w & {"preorder", "presale"} and (has(TERRITORY) or "dates" in w):
        return ["preorder_dates"]  # "Pre-order Date by Territory", "Presale Dates"
    if has(TERRITORY):
        if has(EXCLUDE):
            return ["excluded_territories"]
        if ("country" in w or "region" in w) and not (w & {"sales", "available", "rights", "deliver"} or len(w) == 1):
            return []
        return ["territories"]
    if has(PRICE):
        return [] if trk and not rel else ["price_tier"]
    if "commercial" in w or "business" in w and "model" in w or w >= {"deal", "type"}:
        return ["commercial_models"]
    if "use" in w or "usage" in w:
        return ["use_types"]
    if has(DATE) or has(START) or has(END) or "street" in w:
        if has(ORIGINAL):
            return ["original_release_date"]
        if has(END):
            return ["deal_end"]
        if w & {"preorder", "presale"}:
            return ["preorder_date"]
        if has(START) and "deal" in w:
            return ["deal_start"]
        if has(DATE) or "street" in w or w & {"start"} and w & {"sales", "sale"}:
            return ["release_date"]
        return []
    if has(GENRE):
        if has(SUB):
            return ["subgenre"]
        return ["track_genre", "genre"] if trk and not rel else ["genre", "track_genre"]
    if has(DISC) and not has(TOTAL):
        return ["disc_number"]
    if has(DURATION) and not has(START):
        return ["duration"]
    if has(LABEL):
        return ["label"]
    if "status" in w:
        return ["status"]
    if "type" in w or "format" in w or "configuration" in w or "kind" in w:
        return [] if trk and not rel else ["release_type"]
    if has(VERSION):
        return ["release_version", "track_version"] if rel and not trk else ["track_version", "release_version"]
    if has(ARTIST):
        if "display" in info.text.lower():
            return ["track_display_artist", "release_display_artist"] if trk and not rel else \
                ["release_display_artist", "track_display_artist"]
        return ["track_artist", "release_artist"] if trk and not rel else ["release_artist", "track_artist"]
    if has(NUMBER):
        if has(TOTAL):
            return []
        if rel and not trk:
            return []
        return ["track_number"]
    if has(TITLE) or rel or trk:
        if rel and not trk:
            return ["release_title"]
        if trk and not has(TITLE) and not rel:
            return ["track_number", "track_title"]  # "Track": a number or a title, as the values say
        if trk and rel:
            return ["track_title"]
        return ["track_title", "release_title"]
    return []
