"""Full-text search over the catalog: release titles, artists, labels, UPCs, ISRCs and track titles.

SQLite uses an FTS5 table ``release_fts`` (rowid = release id, prefix indexes for search-as-you-type);
PostgreSQL uses ``release_search`` (a ``tsvector`` per release with a GIN index, ``:*`` prefix queries).
Both are created by migration 0002 and kept in sync by ``save_release``/``delete_release`` through
:func:`index_release` / :func:`unindex_release`. Documents and queries are lower-cased and stripped of
diacritics in Python so both backends behave alike ("beyonce" finds "Beyoncé").

Catalog numbers are indexed as typed (``CAT-001`` gives the words ``cat`` and ``001``) and, when they
hold separators, once more without them (``cat001``), the form a typed code is searched in.

Filters that make a search selective (label, status, type, release year, genre) are also indexed, as
reserved facet tokens (``ʘl<label hash>``, ``ʘsdraft``, ``ʘtalbum``, ``ʘy2024``, label x year
``ʘm<hash>2024``, ``ʘg<genre hash>`` for the genre and the subgenre) in the ``codes`` text, so the
index intersects them with the words instead of the database checking every match: "dri" + one label +
a two-year range stays a few milliseconds at a million releases. User input never produces a facet
token (terms containing ``ʘ`` are dropped), and the SQL filters still apply exactly.

PostgreSQL also keeps every word's first 1-4 characters as ``ʘp<prefix>`` tokens in the generated column
``release_search.prefixes`` (migration 0015), as FTS5's prefix indexes do on SQLite: a short term typed so
far is that one exact token instead of a ``:*`` scan over every word it starts (same matches, and at a
million releases the difference between ~2 ms and ~100 ms per keystroke).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from datetime import date
from typing import Any

from sqlalchemy import column, table, text
from sqlmodel import Session

from stardust_tui.domain.models import Release

FTS_TABLE = "release_fts"
PG_TABLE = "release_search"
_TOKEN_RE = re.compile(r"\w+", re.UNICODE)
_CODE_RE = re.compile(r"^[A-Za-z0-9]+(?:[-\s][A-Za-z0-9]+)+$")
_SAFE_TSQUERY = re.compile(r"^[\w:*&|() ]+$", re.UNICODE)
MAX_TERMS = 8
FACET = "ʘ"
MAX_YEAR_SPAN = 30
PREFIX = FACET + "p"  # PostgreSQL prefix tokens (migration 0015)
MAX_PREFIX = 4

fts = table(FTS_TABLE, column("rowid"), column("rank"))
pg_search = table(PG_TABLE, column("release_id"), column("document"), column("prefixes"))


def fold(value: str | None) -> str:
    """Lower-case and strip diacritics (NFKD, drop combining marks)."""
    if not value:
        return ""
    if value.isascii():  # nothing to decompose: same result, ~20x faster (bulk imports fold every title)
        return value.lower()
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@functools.lru_cache(maxsize=4096)  # pure; labels and genres repeat across a catalog (bulk imports index 10k/s)
def _label_key(name: str) -> str:
    return hashlib.sha1(fold(" ".join(name.split())).encode("utf-8")).hexdigest()[:12]


def label_facet(name: str) -> str:
    return f"{FACET}l{_label_key(name)}"


def _word(value: str) -> str:
    return re.sub(r"\W", "", fold(value))


@functools.lru_cache(maxsize=4096)
def genre_facet(name: str) -> str:
    """The facet token of a genre (or subgenre): case, accents and spacing do not matter."""
    return f"{FACET}g" + hashlib.sha1(fold(" ".join(name.split())).encode("utf-8")).hexdigest()[:10]


def _catalog_and_genres(release: Release) -> str:
    """Extra ``codes`` tokens: the GRid, the catalog number without separators, the genre and subgenre facets."""
    tokens = [fold(release.grid)] if getattr(release, "grid", None) else []  # a GRid-only release is found by it
    catno = fold(release.catalog_number or "")
    compact = re.sub(r"\W", "", catno)
    if compact and compact != catno:
        tokens.append(compact)
    tokens += [genre_facet(g) for g in (release.genre, release.subgenre) if g and g.strip()]
    return " ".join(tokens)


def facet_tokens(*, label: str | None, status: str | None, release_type: str | None,
                 release_date: date | None) -> str:
    """The reserved tokens for a release's filterable attributes."""
    tokens = [label_facet(label)] if label else []
    if status:
        tokens.append(f"{FACET}s{_word(status)}")
    if release_type:
        tokens.append(f"{FACET}t{_word(release_type)}")
    if release_date:
        tokens.append(f"{FACET}y{release_date.year}")
        if label:  # label x year: a tiny posting list for the common "this label, these years" filter
            tokens.append(f"{FACET}m{_label_key(label)}{release_date.year}")
    return " ".join(tokens)


def document_fields(release: Release) -> dict[str, str]:
    """The text indexed for a release, per column (facet tokens go with the codes)."""
    artists = [release.display_artist] + [a.party.name for a in release.artists if a.party]
    tracks, codes, track_artists = [], [release.upc or ""], []
    for t in release.tracks:
        tracks.append(" ".join(x for x in (t.title, t.version) if x))
        codes.append(t.isrc or "")
        if t.display_artist and t.display_artist != release.display_artist:
            track_artists.append(t.display_artist)
    return {
        "title": fold(" ".join(x for x in (release.title, release.version) if x)),
        "artists": fold(" ".join(dict.fromkeys(a for a in artists + track_artists if a))),
        "label": fold(release.label.name if release.label else ""),
        "codes": " ".join(x for x in (
            fold(" ".join(c for c in codes if c) + " " + (release.catalog_number or "")).strip(),
            facet_tokens(label=release.label.name if release.label else None, status=getattr(release, "status", None),
                         release_type=getattr(release, "release_type", None),
                         release_date=getattr(release, "release_date", None)),
            _catalog_and_genres(release)) if x),
        "tracks": fold(" ".join(tracks)),
    }


def index_release(session: Session, release: Release) -> None:
    """Replace the release's row in the search index (call after flush, so the id exists)."""
    fields = document_fields(release)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), {"id": release.id})
        session.execute(
            text(f"INSERT INTO {FTS_TABLE}(rowid, title, artists, label, codes, tracks) "
                 "VALUES (:id, :title, :artists, :label, :codes, :tracks)"),
            {"id": release.id, **fields},
        )
    else:
        doc = " ".join(fields.values())
        session.execute(
            text(f"INSERT INTO {PG_TABLE}(release_id, document) VALUES (:id, to_tsvector('simple', :doc)) "
                 "ON CONFLICT (release_id) DO UPDATE SET document = EXCLUDED.document"),
            {"id": release.id, "doc": doc},
        )


def unindex_release(session: Session, release_id: int) -> None:
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), {"id": release_id})
    else:
        session.execute(text(f"DELETE FROM {PG_TABLE} WHERE release_id = :id"), {"id": release_id})


def query_terms(query: str) -> list[str]:
    """Split a user query into folded word tokens; 'US-ABC-24-00001' becomes one ISRC token."""
    terms: list[str] = []
    for part in query.split():
        if _CODE_RE.match(part) and any(ch.isdigit() for ch in part):
            terms.append(fold(re.sub(r"[-\s]", "", part)))
        else:
            terms.extend(_TOKEN_RE.findall(fold(part)))
    return [t for t in dict.fromkeys(terms) if t and FACET not in t][:MAX_TERMS]


def filter_facets(*, label: str | None = None, status: str | None = None, release_type: str | None = None,
                  date_from: date | None = None, date_to: date | None = None,
                  genre: str | None = None) -> list[list[str]]:
    """Facet tokens a match must have: each inner list is one alternative group (years of a range)."""
    years = (range(date_from.year, date_to.year + 1)
             if date_from and date_to and 0 <= date_to.year - date_from.year <= MAX_YEAR_SPAN else None)
    groups = [[t] for t in facet_tokens(label=None if years else label, status=status, release_type=release_type,
                                        release_date=None).split()]
    if years and label:
        groups.append([f"{FACET}m{_label_key(label)}{y}" for y in years])
    elif years:
        groups.append([f"{FACET}y{y}" for y in years])
    if genre and genre.strip():
        groups.append([genre_facet(genre)])
    return groups


def match_expression(dialect: str, terms: list[str], facets: list[list[str]] | None = None) -> str:
    """A safe FTS5 MATCH string or PostgreSQL to_tsquery string: every term as a prefix, and the facets."""
    facets = facets or []
    if dialect == "sqlite":
        parts = [f'"{t}"*' for t in terms]
        parts += ["(" + " OR ".join(f'"{t}"' for t in group) + ")" for group in facets]
        return " AND ".join(parts)
    parts = [f"{t}:*" for t in terms] + ["(" + " | ".join(group) + ")" for group in facets]
    return " & ".join(parts)


def search_clauses(dialect: str, query: str, *, facets_only: bool = False, **filters: Any
                   ) -> tuple[Any, Any, Any] | None:
    """(joined table, on-clause, where-clause) pieces for ``list_releases``; ``filters`` as there
    (label, status, release_type, date_from, date_to) narrow the match inside the index.

    Returns None when the query has no searchable terms (then no search filter applies), unless
    ``facets_only`` asks to match the filters' facet tokens alone.
    """
    terms = query_terms(query)
    facets = filter_facets(**filters)
    if not terms and not (facets_only and facets):
        return None
    if dialect == "sqlite":
        where = text(f"{FTS_TABLE} MATCH :fts_q").bindparams(fts_q=match_expression(dialect, terms, facets))
        return fts, fts.c.rowid == Release.id, where
    # Inlined, not a bind parameter: psycopg prepares repeated statements and PostgreSQL's generic plan
    # for an unknown tsquery scans the table backwards; a literal gets a plan for the actual terms
    # (GIN for rare words). Safe: terms and facets are \w+ tokens joined by " & ", " | ", ":*" and brackets.
    short = [t for t in terms if is_prefix_token_term(t)]
    conditions = []
    if short:  # "a word starts with ka" is the exact token ʘpka in the prefixes column
        conditions.append(("prefixes", " & ".join(PREFIX + t for t in short)))
    rest = [t for t in terms if t not in short]
    if rest or facets:
        conditions.append(("document", match_expression(dialect, rest, facets)))
    for _, expr in conditions:
        if not _SAFE_TSQUERY.match(expr):
            raise ValueError(f"unsafe search expression {expr!r}")
    where = text(" AND ".join(f"{PG_TABLE}.{name} @@ to_tsquery('simple', '{expr}')" for name, expr in conditions))
    return pg_search, pg_search.c.release_id == Release.id, where


def is_prefix_token_term(term: str) -> bool:
    """Whether PostgreSQL looks ``term`` up as a prefix token: 1-4 letters/digits (one parser token)."""
    return len(term) <= MAX_PREFIX and term.isalnum()


def order_column(dialect: str) -> Any:
    """The search table's release id column, for ORDER BY while searching."""
    return fts.c.rowid if dialect == "sqlite" else pg_search.c.release_id
