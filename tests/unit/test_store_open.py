"""The store opens, migrates to head, and refuses what it must refuse."""

from __future__ import annotations

from sqlalchemy import text

from stardust_tui.store.migrate import current_revision, head_revision


def test_fresh_store_is_at_head(engine):
    assert current_revision(engine) == head_revision()


def test_sqlite_pragmas(sqlite_engine):
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
