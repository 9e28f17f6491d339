"""word prefixes in the PostgreSQL search index (search-as-you-type at a million releases)

Revision ID: 0015
Revises: 0014

PostgreSQL answers a ``ka:*`` prefix query by merging the posting lists of every word that starts with
"ka" — hundreds of thousands of entries at a million releases, 20-300 ms per keystroke, whatever the
LIMIT — and it cannot estimate how many rows such a query matches, so it also picks bad plans. SQLite's
FTS5 table has had prefix indexes for 1-4 characters since 0002; this is the same for PostgreSQL.

``release_search.prefixes`` is a stored generated column: for every word of ``document`` (facet tokens
excepted) its first 1, 2, 3 and 4 characters as the reserved tokens ``ʘp<prefix>`` (``ʘ`` never comes
from user input). So "some word starts with ka" is the one exact token ``ʘpka``: a single posting list
the GIN index can skip through while intersecting it with the other words, and a lexeme ANALYZE counts,
so the planner knows when to walk the newest releases instead. Every writer of ``release_search`` is
unchanged (PostgreSQL computes the column); :func:`stardust_tui.store.search.search_clauses` asks
``prefixes`` for the short terms and ``document`` for the rest, with the same results as before.

The one GIN index covers both columns (a query on both is one index scan); both columns get a larger
statistics sample. SQLite: nothing to do.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PREFIX = "ʘp"
MAX_PREFIX = 4


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"""
        CREATE OR REPLACE FUNCTION stardust_search_prefixes(doc tsvector) RETURNS tsvector
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT coalesce(array_to_tsvector(array_agg('{PREFIX}' || left(word, n))), ''::tsvector)
            FROM unnest(tsvector_to_array(doc)) AS word, generate_series(1, {MAX_PREFIX}) AS n
            WHERE n <= length(word) AND left(word, 1) <> 'ʘ'
        $$""")
    # One rewrite of the table computes the column; the index is built once, after it (not row by row).
    op.execute("DROP INDEX IF EXISTS ix_release_search_document")
    op.execute("ALTER TABLE release_search ADD COLUMN prefixes tsvector "
               "GENERATED ALWAYS AS (stardust_search_prefixes(document)) STORED")
    op.execute("CREATE INDEX ix_release_search_words ON release_search USING GIN (document, prefixes)")
    # Ten times the default sample: with a million releases the planner then knows a rare word from a
    # common one (it decides between the index and walking the newest releases on that count).
    op.execute("ALTER TABLE release_search ALTER COLUMN document SET STATISTICS 1000, "
               "ALTER COLUMN prefixes SET STATISTICS 1000")
    op.execute("ANALYZE release_search")  # the planner needs the prefix counts before the first search


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_release_search_words")
    op.execute("ALTER TABLE release_search ALTER COLUMN document SET STATISTICS -1")
    op.execute("ALTER TABLE release_search DROP COLUMN IF EXISTS prefixes")
    op.execute("DROP FUNCTION IF EXISTS stardust_search_prefixes(tsvector)")
    op.execute("CREATE INDEX ix_release_search_document ON release_search USING GIN (document)")
