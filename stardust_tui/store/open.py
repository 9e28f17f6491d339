"""Open the catalog for a command: make the home, create or upgrade the schema, return the engine."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from stardust_tui.config import Settings
from stardust_tui.store.db import make_engine
from stardust_tui.store.migrate import upgrade


def open_store(settings: Settings, *, migrate: bool = True) -> Engine:
    """Create the home directories if needed and return an engine at the current schema."""
    settings.paths.ensure()
    engine = make_engine(settings.db_url)
    if migrate:
        upgrade(engine)
    return engine
