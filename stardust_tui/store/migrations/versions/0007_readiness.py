"""readiness (issue 20): signal QC results per asset, pre-order / instant-gratification deals, search facets

Revision ID: 0007
Revises: 0006

* ``asset_analysis``: one row of measurements per analysed asset (``domain/qc_models.py``).
* ``deal.is_preorder`` and ``deal.instant_gratification`` (a JSON list of ISRCs).
* The search index gains, per release, its GRid (migration 0006), the catalog number written without
  separators (``CAT-001`` is found as ``cat001``, the form a typed code is searched in) and a genre facet
  token (``ʘg<genre>``) so
  ``release list --genre`` narrows inside the index. Appended to the existing documents; the same
  tokens :func:`stardust_tui.store.search.document_fields` writes for new saves.
"""

import hashlib
import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FACET = "ʘ"
BATCH = 2000


def _fold(value: str | None) -> str:
    if not value:
        return ""
    return "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c)).lower()


def _extra_tokens(grid: str | None, catalog_number: str | None, genre: str | None, subgenre: str | None) -> str:
    tokens = [_fold(grid)] if grid else []
    compact = re.sub(r"\W", "", _fold(catalog_number))
    if compact and compact != _fold(catalog_number):
        tokens.append(compact)
    for g in (genre, subgenre):
        if g and g.strip():
            tokens.append(FACET + "g" + hashlib.sha1(_fold(" ".join(g.split())).encode()).hexdigest()[:10])
    return " ".join(tokens)


def _reindex() -> None:
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    update = (sa.text("UPDATE release_fts SET codes = codes || ' ' || :extra WHERE rowid = :id") if sqlite else
              sa.text("UPDATE release_search SET document = document || to_tsvector('simple', :extra) "
                      "WHERE release_id = :id"))
    last = 0
    while True:
        rows = conn.execute(sa.text("SELECT id, grid, catalog_number, genre, subgenre FROM release WHERE id > :last "
                                    "ORDER BY id LIMIT :n"), {"last": last, "n": BATCH}).all()
        if not rows:
            return
        for rid, grid, catno, genre, subgenre in rows:
            extra = _extra_tokens(grid, catno, genre, subgenre)
            if extra:
                conn.execute(update, {"id": rid, "extra": extra})
        last = rows[-1][0]


def upgrade() -> None:
    op.create_table(
        "asset_analysis",
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("analyzed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("asset_id"),
    )
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_preorder", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("instant_gratification", sa.JSON(), nullable=False, server_default="[]"))
    _reindex()


def downgrade() -> None:
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.drop_column("instant_gratification")
        batch_op.drop_column("is_preorder")
    op.drop_table("asset_analysis")
