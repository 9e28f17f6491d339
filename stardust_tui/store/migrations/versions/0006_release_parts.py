"""release parts kept whole (issue 18): DDEX release types, GRid, resources of every kind

Revision ID: 0006
Revises: 0005

* ``release.release_type`` holds the DDEX ReleaseType (widened to 64); existing values are converted:
  album -> Album, ep -> EP, single -> Single, compilation -> Album with the new ``release.is_compilation``
  (DDEX IsMultiArtistCompilation). The search index's type facet folds case, so only compilations get a
  new facet token.
* ``release.grid`` (unique): a GRid-only release is a first-class release.
* ``release.details`` / ``track.details`` / ``release_resource.details``: the DDEX parts without a column
  of their own (JSON, ``{}`` for existing rows).
* ``release.parental_advisory`` widened to 64 and ``track.parental_advisory`` (NULL = from ``explicit``, as
  before): the full ParentalWarningType, including NoAdviceAvailable and user-defined warnings.
* ``track.key`` / ``track.resource_type``: the reference resource groups use and the SoundRecordingType.
* ``deal.applies_to_release`` / ``deal.track_scope``: deals for the track releases only, or some of them.
* ``asset.frame_rate`` / ``asset.bit_rate``: facts of video files.
* New table ``release_resource``: videos, images, texts, MIDI... of a release (not its tracks or cover).

Downgrade drops the new columns and table and turns the types back (DDEX types the old catalog had no
name for become "album"); it loses what only the new columns held.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TYPES = (("album", "Album"), ("ep", "EP"), ("single", "Single"))
FACET = "ʘ"


def _string(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    # Columns are added in place (no batch copy: on SQLite copying ``release`` would drop and re-create it,
    # and with foreign keys on, the drop cascades to tracks and deals). SQLite does not enforce VARCHAR
    # lengths, so the widening only runs on PostgreSQL.
    if op.get_bind().dialect.name != "sqlite":
        for column in ("release_type", "parental_advisory"):
            op.alter_column("release", column, existing_type=_string(16), type_=_string(64), existing_nullable=False)
    op.add_column("release", sa.Column("is_compilation", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("release", sa.Column("grid", _string(64), nullable=True))
    op.add_column("release", sa.Column("details", sa.JSON(), nullable=False, server_default="{}"))
    op.create_index(op.f("ix_release_grid"), "release", ["grid"], unique=True)
    op.add_column("track", sa.Column("parental_advisory", _string(64), nullable=True))
    op.add_column("track", sa.Column("resource_type", _string(64), nullable=True))
    op.add_column("track", sa.Column("key", _string(32), nullable=True))
    op.add_column("track", sa.Column("details", sa.JSON(), nullable=False, server_default="{}"))
    op.add_column("deal", sa.Column("applies_to_release", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("deal", sa.Column("track_scope", sa.JSON(), nullable=True))
    op.add_column("asset", sa.Column("frame_rate", sa.Float(), nullable=True))
    op.add_column("asset", sa.Column("bit_rate", sa.Integer(), nullable=True))
    op.create_table(
        "release_resource",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("key", _string(32), nullable=False),
        sa.Column("kind", _string(32), nullable=False),
        sa.Column("resource_type", _string(64), nullable=False),
        sa.Column("isrc", _string(12), nullable=True),
        sa.Column("title", _string(1000), nullable=True),
        sa.Column("version", _string(500), nullable=True),
        sa.Column("display_artist", _string(1000), nullable=True),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.Column("parental_advisory", _string(64), nullable=True),
        sa.Column("p_line_year", sa.Integer(), nullable=True),
        sa.Column("p_line", _string(500), nullable=True),
        sa.Column("c_line_year", sa.Integer(), nullable=True),
        sa.Column("c_line", _string(500), nullable=True),
        sa.Column("language", _string(8), nullable=True),
        sa.Column("genre", _string(100), nullable=True),
        sa.Column("asset_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"]),
        sa.ForeignKeyConstraint(["release_id"], ["release.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("release_id", "key", name="uq_release_resource_key"),
    )
    with op.batch_alter_table("release_resource", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_release_resource_release_id"), ["release_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_release_resource_isrc"), ["isrc"], unique=False)
        batch_op.create_index(batch_op.f("ix_release_resource_asset_id"), ["asset_id"], unique=False)
    _convert_types()


def _convert_types() -> None:
    conn = op.get_bind()
    for old, new in _TYPES:
        conn.execute(sa.text("UPDATE release SET release_type = :new WHERE release_type = :old"),
                     {"new": new, "old": old})
    ids = [row[0] for row in conn.execute(sa.text("SELECT id FROM release WHERE release_type = 'compilation'"))]
    conn.execute(sa.text("UPDATE release SET release_type = 'Album', is_compilation = :yes "
                         "WHERE release_type = 'compilation'"), {"yes": True})
    old_token, new_token = f"{FACET}tcompilation", f"{FACET}talbum"
    for rid in ids:  # the type facet of the search index follows (filters find them as albums)
        if conn.dialect.name == "sqlite":
            conn.execute(sa.text("UPDATE release_fts SET codes = replace(codes, :old, :new) WHERE rowid = :id"),
                         {"old": old_token, "new": new_token, "id": rid})
        else:
            conn.execute(sa.text("UPDATE release_search SET document = document || to_tsvector('simple', :new) "
                                 "WHERE release_id = :id"), {"new": new_token, "id": rid})


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE release SET release_type = 'compilation' WHERE is_compilation"))
    for old, new in _TYPES:
        conn.execute(sa.text("UPDATE release SET release_type = :old WHERE release_type = :new"),
                     {"new": new, "old": old})
    conn.execute(sa.text("UPDATE release SET release_type = 'album' "
                         "WHERE release_type NOT IN ('album', 'ep', 'single', 'compilation')"))
    conn.execute(sa.text("UPDATE release SET parental_advisory = 'unknown' "
                         "WHERE parental_advisory NOT IN ('explicit', 'not-explicit', 'edited', 'unknown')"))
    op.drop_index(op.f("ix_release_resource_asset_id"), table_name="release_resource")
    op.drop_index(op.f("ix_release_resource_isrc"), table_name="release_resource")
    op.drop_index(op.f("ix_release_resource_release_id"), table_name="release_resource")
    op.drop_table("release_resource")
    # In place again (SQLite >= 3.35 drops columns natively; a batch copy would cascade-delete tracks).
    for table, column in (("asset", "bit_rate"), ("asset", "frame_rate"), ("deal", "track_scope"),
                          ("deal", "applies_to_release"), ("track", "details"), ("track", "key"),
                          ("track", "resource_type"), ("track", "parental_advisory"), ("release", "details"),
                          ("release", "is_compilation")):
        op.drop_column(table, column)
    op.drop_index(op.f("ix_release_grid"), table_name="release")
    op.drop_column("release", "grid")
    if op.get_bind().dialect.name != "sqlite":
        for column in ("release_type", "parental_advisory"):
            op.alter_column("release", column, existing_type=_string(64), type_=_string(16), existing_nullable=False)
