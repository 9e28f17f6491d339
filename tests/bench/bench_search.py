"""Catalog search benchmark: bulk-generate a synthetic catalog, then time ``list_releases`` searches.

    .venv/bin/python tests/bench/bench_search.py [--releases 100000] [--tracks-per-release 10] [--queries 400]
                                                 [--db URL] [--keep] [--schema NAME]

Generates releases, tracks, labels and the search index with bulk inserts (SQLite ``executemany`` in one
transaction; PostgreSQL ``COPY``), then runs a mix of search-as-you-type prefixes, whole words, two-word
queries, UPC/ISRC look-ups and filtered searches (status, type, date range) through the real
``stardust_tui.store.releases.list_releases`` with LIMIT 50, then ``count_releases`` (the total a catalog
shows) for the same queries. Prints one JSON object on the last line: overall p50/p95 and, per query kind,
median/p95 of the page query and of the count.

PostgreSQL: ``--schema NAME`` keeps the generated catalog in that schema; a later run with the same
``--schema`` (and the same ``--releases``/``--tracks-per-release``) migrates it to the current head and
measures it again without generating it twice (for before/after comparisons at a million releases).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import text  # noqa: E402

from stardust_tui.domain.identifiers import gtin_check_digit  # noqa: E402
from stardust_tui.domain.release_types import release_type_and_compilation  # noqa: E402
from stardust_tui.store.db import make_engine, session_scope  # noqa: E402
from stardust_tui.store.migrate import upgrade  # noqa: E402
from stardust_tui.store.releases import count_releases, list_releases  # noqa: E402
from stardust_tui.store.search import facet_tokens, fold  # noqa: E402

SYLLABLES = ["ka", "lo", "mi", "ra", "su", "ven", "tor", "el", "an", "dri", "mo", "zen", "pa", "li", "qu", "ex",
             "no", "ba", "sha", "ri", "ton", "gal", "fe", "o", "u", "ny", "cor", "vel", "is", "ha"]
STATUSES = ["draft"] * 2 + ["ready"] * 2 + ["delivered"] * 5 + ["taken-down"]
TYPES = ["album"] * 4 + ["single"] * 4 + ["ep"] * 2 + ["compilation"]
EPOCH = date(1990, 1, 1)
BATCH = 20_000


def words(rng: random.Random, n: int) -> list[str]:
    out: set[str] = set()
    while len(out) < n:
        out.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(out)


def upc(i: int) -> str:
    body = f"{86_000_000_000 + i:011d}"
    return body + str(gtin_check_digit(body))


def isrc(i: int) -> str:
    return f"QZ{chr(65 + i // 100_000 % 26)}{chr(65 + i // 2_600_000 % 26)}A26{i % 100_000:05d}"


def generate(engine, n_releases: int, per_release: int, seed: int = 7) -> dict:
    vocab, artists, labels, rng = vocabulary(n_releases, seed)
    now = "2026-01-01 00:00:00.000000"
    t0 = time.perf_counter()
    dialect = engine.dialect.name
    raw = engine.raw_connection()
    t_build = 0.0
    try:
        cur = raw.cursor()
        _bulk_insert(cur, dialect, [(i + 1, name, "label", now) for i, name in enumerate(labels)], [], [], [])
        tid = 0
        for lo in range(1, n_releases + 1, BATCH):  # bounded memory: one batch of rows at a time
            tb = time.perf_counter()
            rel_rows, trk_rows, fts_rows = [], [], []
            for rid in range(lo, min(lo + BATCH, n_releases + 1)):
                title = " ".join(rng.sample(vocab, rng.randint(1, 4))).title()
                artist = rng.choice(artists)
                label_id = rng.randint(1, len(labels))
                rdate = EPOCH + timedelta(days=rng.randint(0, 13000))
                code = upc(rid)
                rtype, status = rng.choice(TYPES), rng.choice(STATUSES)
                # stored as the app stores it (migration 0006): the DDEX name, "compilation" = Album + the flag
                rtype, compilation = release_type_and_compilation(rtype)
                rel_rows.append((rid, code, title, artist, label_id, rtype, compilation, rdate.isoformat(),
                                 status, f"{fold(title)}|{fold(artist)}", now, now))
                track_titles, isrcs = [], []
                for n in range(1, per_release + 1):
                    tid += 1
                    ttitle = " ".join(rng.sample(vocab, rng.randint(1, 3))).title()
                    track_titles.append(ttitle)
                    isrcs.append(isrc(tid))
                    trk_rows.append((tid, rid, 1, n, isrcs[-1], ttitle, artist, float(rng.randint(90, 400))))
                facets = facet_tokens(label=labels[label_id - 1], status=status, release_type=rtype, release_date=rdate)
                fts_rows.append((rid, fold(title), fold(artist), fold(labels[label_id - 1]),
                                 fold(" ".join([code, *isrcs])) + " " + facets, fold(" ".join(track_titles))))
            t_build += time.perf_counter() - tb
            _bulk_insert(cur, dialect, [], rel_rows, trk_rows, fts_rows)
        if dialect != "sqlite":
            for table in ("party", "release", "track"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        raw.commit()
    finally:
        raw.close()
    elapsed = time.perf_counter() - t0
    # What autovacuum would have done by the time anyone searches (PostgreSQL: also flushes GIN's pending list).
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if dialect != "sqlite" else "ANALYZE"))
    return {"releases": n_releases, "tracks": tid, "generate_seconds": round(elapsed, 2),
            "build_rows_seconds": round(t_build, 2),
            "releases_per_second": round(n_releases / elapsed), "tracks_per_second": round(tid / elapsed),
            "vocab": vocab, "artists": artists, "labels": labels}


def _bulk_insert(cur, dialect: str, label_rows, rel_rows, trk_rows, fts_rows) -> None:
    rel_cols = "(id, upc, title, display_artist, label_id, release_type, is_compilation, release_date, status, " \
               "norm_key, created_at, updated_at, parental_advisory, revision)"
    trk_cols = "(id, release_id, disc_number, track_number, isrc, title, display_artist, duration_seconds, explicit)"
    if dialect == "sqlite":
        cur.executemany("INSERT INTO party(id, name, kind, created_at) VALUES (?,?,?,?)", label_rows)
        cur.executemany(f"INSERT INTO release {rel_cols} VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'not-explicit',1)", rel_rows)
        cur.executemany(f"INSERT INTO track {trk_cols} VALUES (?,?,?,?,?,?,?,?,0)", trk_rows)
        cur.executemany("INSERT INTO release_fts(rowid, title, artists, label, codes, tracks) VALUES (?,?,?,?,?,?)",
                        fts_rows)
        return
    with cur.copy("COPY party(id, name, kind, created_at) FROM STDIN") as cp:
        for row in label_rows:
            cp.write_row(row)
    with cur.copy(f"COPY release {rel_cols} FROM STDIN") as cp:
        for row in rel_rows:
            cp.write_row((*row, "not-explicit", 1))
    with cur.copy(f"COPY track {trk_cols} FROM STDIN") as cp:
        for row in trk_rows:
            cp.write_row((*row, False))
    cur.execute("CREATE TEMP TABLE IF NOT EXISTS search_text (release_id INTEGER, doc TEXT)")
    with cur.copy("COPY search_text(release_id, doc) FROM STDIN") as cp:
        for rid, *fields in fts_rows:
            cp.write_row((rid, " ".join(fields)))
    cur.execute("INSERT INTO release_search(release_id, document) "
                "SELECT release_id, to_tsvector('simple', doc) FROM search_text")
    cur.execute("DROP TABLE search_text")


KINDS = ["prefix", "word", "two_words", "artist", "upc", "isrc", "prefix_status_type", "prefix_dates_label"]


def vocabulary(n_releases: int, seed: int = 7) -> tuple[list[str], list[str], list[str], random.Random]:
    """The generator's words, artist and label names (what a query can hit), and its random state after them."""
    rng = random.Random(seed)
    vocab = words(rng, 5000)
    artists = [" ".join(rng.sample(vocab, rng.randint(1, 2))).title() for _ in range(max(50, n_releases // 5))]
    return vocab, artists, [f"{w.title()} Records" for w in rng.sample(vocab, 300)], rng


def existing(engine, n_releases: int, per_release: int, seed: int = 7) -> dict | None:
    """The description ``generate`` returned for a catalog already in the database, or None when it is empty."""
    with engine.connect() as conn:
        found = conn.execute(text("SELECT count(*) FROM release")).scalar_one()
        if not found:
            return None
        tracks = conn.execute(text("SELECT count(*) FROM track")).scalar_one()
    if found != n_releases or tracks != n_releases * per_release:
        raise SystemExit(f"the schema holds {found} releases and {tracks} tracks, not {n_releases} x {per_release}")
    with engine.connect() as conn:  # generated before the types were stored as the app stores them
        if conn.execute(text("SELECT 1 FROM release WHERE release_type IN ('album', 'single', 'ep', 'compilation') "
                             "LIMIT 1")).first() is not None:
            raise SystemExit("this catalog has lower-case release types (an older generator): generate it again")
    vocab, artists, labels, _ = vocabulary(n_releases, seed)
    return {"releases": n_releases, "tracks": tracks, "reused": True, "vocab": vocab, "artists": artists,
            "labels": labels}


def make_queries(rng: random.Random, data: dict, n: int) -> list[dict]:
    vocab, artists, labels = data["vocab"], data["artists"], data["labels"]
    out = []
    for i in range(n):
        kind = i % len(KINDS)
        w = rng.choice(vocab)
        if kind == 0:
            q = {"search": w[: rng.randint(2, 4)]}  # typing the first letters
        elif kind == 1:
            q = {"search": w}
        elif kind == 2:
            q = {"search": f"{w} {rng.choice(vocab)[:3]}"}
        elif kind == 3:
            q = {"search": rng.choice(artists)}
        elif kind == 4:
            q = {"search": upc(rng.randint(1, data["releases"]))}
        elif kind == 5:
            q = {"search": isrc(rng.randint(1, data["tracks"]))}
        elif kind == 6:
            q = {"search": w[:3], "status": rng.choice(["delivered", "draft", "ready"]),
                 "release_type": rng.choice(["album", "single"])}
        else:
            start = EPOCH + timedelta(days=rng.randint(0, 12000))
            q = {"search": w[: rng.randint(3, 5)], "date_from": start, "date_to": start + timedelta(days=730),
                 "label": rng.choice(labels) if rng.random() < 0.5 else None}
        out.append({"kind": KINDS[kind], **q})
    return out


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def time_queries(engine, queries: list[dict]) -> dict:
    latencies, hits = [], 0
    per_kind: dict[str, dict[str, list[float]]] = {k: {"page": [], "count": []} for k in KINDS}
    with session_scope(engine) as s:
        for q in queries[:20]:  # warm the cache
            list_releases(s, limit=50, **{k: v for k, v in q.items() if k != "kind"})
        for q in queries:
            args = {k: v for k, v in q.items() if k != "kind"}
            t = time.perf_counter()
            rows = list_releases(s, limit=50, **args)
            latencies.append((time.perf_counter() - t) * 1000)
            per_kind[q["kind"]]["page"].append(latencies[-1])
            hits += bool(rows)
        counts = []
        for q in queries[:len(KINDS) * 10]:  # ten counts of each kind
            t = time.perf_counter()
            count_releases(s, **{k: v for k, v in q.items() if k != "kind"})
            counts.append((time.perf_counter() - t) * 1000)
            per_kind[q["kind"]]["count"].append(counts[-1])
    kinds = {k: {"p50_ms": round(statistics.median(v["page"]), 2), "p95_ms": round(_p95(v["page"]), 2),
                 "count_p50_ms": round(statistics.median(v["count"]), 2) if v["count"] else None,
                 "count_p95_ms": round(_p95(v["count"]), 2) if v["count"] else None}
             for k, v in per_kind.items() if v["page"]}
    latencies.sort()
    return {"queries": len(latencies), "queries_with_hits": hits,
            "p50_ms": round(statistics.median(latencies), 2), "p95_ms": round(_p95(latencies), 2),
            "max_ms": round(latencies[-1], 2), "count_mean_ms": round(statistics.mean(counts), 2),
            "count_p50_ms": round(statistics.median(counts), 2), "count_p95_ms": round(_p95(counts), 2),
            "kinds": kinds}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--releases", type=int, default=100_000)
    ap.add_argument("--tracks-per-release", type=int, default=10)
    ap.add_argument("--queries", type=int, default=400)
    ap.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary SQLite file (path printed on stderr)")
    ap.add_argument("--schema", default=None,
                    help="PostgreSQL: keep the catalog in this schema; reuse it when it already holds one")
    args = ap.parse_args()
    tmp = None if args.db else Path(tempfile.mkdtemp(prefix="stardust-bench-"))
    url = args.db or f"sqlite:///{tmp / 'bench.db'}"
    if tmp is not None and args.keep:
        print(f"keeping {tmp / 'bench.db'}", file=sys.stderr)
    schema = None
    if args.schema and not args.schema.isidentifier():
        raise SystemExit(f"--schema {args.schema!r}: letters, digits and _ only")
    if url.startswith("postgresql"):
        schema = args.schema or f"bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    else:
        engine = make_engine(url)
    try:
        upgrade(engine)
        data = (existing(engine, args.releases, args.tracks_per_release) if args.schema else None) \
            or generate(engine, args.releases, args.tracks_per_release)
        result = time_queries(engine, make_queries(random.Random(11), data, args.queries))
    finally:
        engine.dispose()
        if schema and not args.schema:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        if schema:
            admin.dispose()
        if tmp is not None and not args.keep:
            for p in tmp.iterdir():
                p.unlink()
            tmp.rmdir()
    summary = {k: v for k, v in data.items() if k not in ("vocab", "artists", "labels")}
    print(json.dumps({"benchmark": "search", "backend": engine.dialect.name, **summary, **result,
                      "goal_p95_ms": 10}))


if __name__ == "__main__":
    main()
