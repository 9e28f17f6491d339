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

import bisect
import functools
import hashlib
import re
import time
import unicodedata
import weakref
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Boolean, Connection, and_, bindparam, column, func, literal_column, table, text
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


def search_clauses(dialect: str, query: str, *, facets_only: bool = False, bind: bool = False, **filters: Any
                   ) -> tuple[Any, Any, Any] | None:
    """(joined table, on-clause, where-clause) pieces for ``list_releases``; ``filters`` as there
    (label, status, release_type, date_from, date_to) narrow the match inside the index.

    Returns None when the query has no searchable terms (then no search filter applies), unless
    ``facets_only`` asks to match the filters' facet tokens alone.

    PostgreSQL: the where-clause is a boolean expression on ``release_search`` (also usable as a column).
    The tsquery texts are inlined, unless ``bind`` asks for bind parameters ``q_prefixes``/``q_document``
    (then the caller must keep PostgreSQL from planning them generically: ``plan_cache_mode``). A search page
    on PostgreSQL builds its own match from :func:`pg_conditions` with the token statistics.
    """
    terms = query_terms(query)
    facets = filter_facets(**filters)
    if not terms and not (facets_only and facets):
        return None
    if dialect == "sqlite":
        where = text(f"{FTS_TABLE} MATCH :fts_q").bindparams(fts_q=match_expression(dialect, terms, facets))
        return fts, fts.c.rowid == Release.id, where
    # Inlined unless ``bind``: psycopg prepares repeated statements and PostgreSQL's generic plan for an
    # unknown tsquery scans the table backwards; a literal gets a plan for the actual terms (GIN for rare
    # words). Safe: terms and facets are \w+ tokens joined by " & ", " | ", ":*" and brackets.
    where = pg_match(pg_conditions(terms, facets), bind=bind)
    return pg_search, pg_search.c.release_id == Release.id, where


def pg_conditions(terms: list[str], facets: list[list[str]], *, stats: TermStats | None = None,
                  rows: int | None = None) -> list[tuple[str, bool, str]]:
    """PostgreSQL's match as (column, tested on the rows rather than looked up in the index, tsquery text).

    "A word starts with ka" is the exact token ʘpka in the prefixes column; longer words and facets are
    looked up in the document. With ``stats``, some are tested on the rows (:func:`_checked_pieces`)."""
    pieces = [("prefixes", PREFIX + t) for t in terms if is_prefix_token_term(t)]
    pieces += [("document", f"{t}:*") for t in terms if not is_prefix_token_term(t)]
    pieces += [("document", "(" + " | ".join(group) + ")") for group in facets]
    checked = _checked_pieces(stats, pieces, rows) if stats is not None else set()
    conditions = []
    for name in ("prefixes", "document"):
        for check in (False, True):
            expr = " & ".join(e for i, (c, e) in enumerate(pieces) if c == name and (i in checked) == check)
            if not expr:
                continue
            if not _SAFE_TSQUERY.match(expr):
                raise ValueError(f"unsafe search expression {expr!r}")
            conditions.append((name, check, expr))
    return conditions


def pg_param(name: str, check: bool) -> str:
    """The bind parameter of a condition's tsquery text (``pg_match(..., bind=True)``)."""
    return f"{'c' if check else 'q'}_{name}"


def pg_match(conditions: list[tuple[str, bool, str]], *, bind: bool) -> Any:
    """The boolean expression of ``pg_conditions`` on ``release_search`` (also usable as a column)."""
    parts = []
    for name, check, expr in conditions:
        q = func.to_tsquery(literal_column("'simple'"),
                            bindparam(pg_param(name, check), expr) if bind else literal_column(f"'{expr}'"))
        # ts_match_vq is what @@ calls: the same test, but not one the index can answer (see _checked_pieces)
        parts.append(func.ts_match_vq(pg_search.c[name], q, type_=Boolean) if check
                     else pg_search.c[name].op("@@", return_type=Boolean)(q))
    return and_(*parts)


CHECKED_SHARE = 0.1
FEW_FETCHED = 500


def _checked_pieces(stats: TermStats, pieces: list[tuple[str, str]], rows: int | None = None) -> set[int]:
    """The pieces (indexes) to test on the rows the others fetch instead of looking them up in the index.

    A GIN scan reads every posting of a common token even when a rare one decides the result ("dri" is in
    half the catalog: 5 ms of a 6 ms scan next to a rare word; a 5-letter "tonha:*" merges 30k postings
    next to a label's few hundred). When the caller bounds the rows fetched (a range of newest ids), the
    commonest pieces are better tested on those rows, as long as they are at least CHECKED_SHARE of the
    rows together (then at most 1/CHECKED_SHARE times as many rows to fetch). Unbounded (``rows``: the
    catalog's size), only when the rarest piece alone fetches at most FEW_FETCHED rows: all the others."""
    shares = [_piece_share(stats, name, expr) for name, expr in pieces]
    rarest = min(range(len(pieces)), key=shares.__getitem__, default=None)
    if rows is not None:
        return set() if rarest is None or shares[rarest] * rows > FEW_FETCHED else set(range(len(pieces))) - {rarest}
    checked: set[int] = set()
    together = 1.0
    for i in sorted(range(len(pieces)), key=lambda i: -shares[i]):
        if i == rarest or together * shares[i] < CHECKED_SHARE:
            break
        checked.add(i)
        together *= shares[i]
    return checked


def _piece_share(stats: TermStats, name: str, expr: str) -> float:
    if name == "prefixes":
        return stats.share(name, expr)
    if expr.endswith(":*"):
        return stats.share(name, expr[:-2], prefix=True)
    return min(1.0, sum(_token_share(stats, token) for token in expr.strip("()").split(" | ")))


def _token_share(stats: TermStats, token: str) -> float:
    """A document token's share; a label x year facet too rare for the statistics is estimated as its
    label's share times its year's (ANALYZE keeps the label and year tokens, not their ~10k pairs)."""
    if token.startswith(FACET + "m") and len(token) > 14 and not stats.known("document", token):
        return stats.share("document", FACET + "l" + token[2:14]) * stats.share("document", FACET + "y" + token[14:])
    return stats.share("document", token)


@dataclass(frozen=True)
class TermStats:
    """What ANALYZE found in ``release_search``: the share of rows holding each common token, per column
    (PostgreSQL's ``most_common_elems``), sorted for prefix look-ups, and the rarest share it kept."""

    tokens: dict[str, tuple[list[str], list[float], float]]  # column -> (sorted tokens, their shares, floor)

    def known(self, column_name: str, token: str) -> bool:
        found = self.tokens.get(column_name)
        if found is None:
            return False
        i = bisect.bisect_left(found[0], token)
        return i < len(found[0]) and found[0][i] == token

    def share(self, column_name: str, token: str, *, prefix: bool = False) -> float:
        """The estimated share of rows with ``token`` (``prefix``: with any token starting with it)."""
        found = self.tokens.get(column_name)
        if found is None:
            return 1.0
        tokens, shares, floor = found
        lo = bisect.bisect_left(tokens, token)
        if not prefix:
            return shares[lo] if lo < len(tokens) and tokens[lo] == token else floor / 2
        hi = bisect.bisect_left(tokens, token + "\U0010ffff")
        return min(1.0, sum(shares[lo:hi])) if hi > lo else floor / 2


_STATS: weakref.WeakKeyDictionary[Any, tuple[float, TermStats | None]] = weakref.WeakKeyDictionary()
STATS_TTL_S = 600.0


def pg_term_stats(db: Any) -> TermStats | None:
    """``release_search``'s token statistics (PostgreSQL; None before its first ANALYZE), read once per
    engine and again after STATS_TTL_S (a 10 ms query; the shares move slowly)."""
    engine = db.engine if isinstance(db, Connection) else db.get_bind()
    now = time.monotonic()
    cached = _STATS.get(engine)
    if cached is not None and now - cached[0] < STATS_TTL_S:
        return cached[1]
    rows = db.execute(text(
        "SELECT attname, most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
        f"WHERE schemaname = current_schema() AND tablename = '{PG_TABLE}' "
        "AND attname IN ('document', 'prefixes') AND most_common_elems IS NOT NULL")).all()
    columns = {}
    for name, tokens, shares in rows:
        order = sorted(range(len(tokens)), key=tokens.__getitem__)
        columns[name] = ([tokens[i] for i in order], [shares[i] for i in order], min(shares[:len(tokens)]))
    stats = TermStats(columns) if columns else None
    _STATS[engine] = (now, stats)
    return stats


def pg_words_share(stats: TermStats, query: str) -> float:
    """The estimated share of releases whose index row matches ``query``'s words (as ``search_clauses``
    looks them up; the words taken as independent)."""
    share = 1.0
    for term in query_terms(query):
        if is_prefix_token_term(term):
            share *= stats.share("prefixes", PREFIX + term)
        else:
            share *= stats.share("document", term, prefix=True)
    return share


# Rough costs on PostgreSQL (µs, measured at a million releases with the tables in the OS cache): walking
# a release row newest first, looking one release's index row up by key, fetching a match's index row
# after a GIN scan (~5 rows per 8 kB page: one page each), and a GIN scan's cost per posting it reads.
WALK_ROW_US, LOOKUP_US, FETCH_US, POSTING_US = 0.15, 3.0, 3.7, 0.15


def pg_walk_is_cheaper(stats: TermStats, query: str, facets: list[list[str]], *, want: int, rows: int) -> bool:
    """Whether to walk the newest releases that pass the filters (testing the words on each one's index
    row) rather than read the matches of the words and the filters' facet tokens from the index.

    The walk stops after about want / (words share x filters share) rows; the index reads the postings
    of its rarest token and fetches every match."""
    words = pg_words_share(stats, query)
    groups = _group_shares(stats, facets)
    filters = functools.reduce(lambda a, b: a * b, groups, 1.0)
    if words <= 0 or filters <= 0:
        return False
    walk = min(rows, want / (words * filters)) * WALK_ROW_US + min(rows, want / words) * LOOKUP_US
    pieces = [stats.share("prefixes", PREFIX + t) if is_prefix_token_term(t)
              else stats.share("document", t, prefix=True) for t in query_terms(query)] + groups
    index = rows * (min(pieces) * POSTING_US + words * filters * FETCH_US) + want * LOOKUP_US
    return walk < index


def pg_match_share(stats: TermStats, query: str, facets: list[list[str]]) -> float:
    """The estimated share of index rows matching ``query``'s words and the facet groups."""
    return functools.reduce(lambda a, b: a * b, _group_shares(stats, facets), pg_words_share(stats, query))


def _group_shares(stats: TermStats, facets: list[list[str]]) -> list[float]:
    return [min(1.0, sum(_token_share(stats, token) for token in group)) for group in facets]


def is_prefix_token_term(term: str) -> bool:
    """Whether PostgreSQL looks ``term`` up as a prefix token: 1-4 letters/digits (one parser token)."""
    return len(term) <= MAX_PREFIX and term.isalnum()


def order_column(dialect: str) -> Any:
    """The search table's release id column, for ORDER BY while searching."""
    return fts.c.rowid if dialect == "sqlite" else pg_search.c.release_id
