"""Per-invocation state shared by CLI commands: settings, and an engine opened on first use."""

from __future__ import annotations

import os
from functools import cached_property
from typing import TYPE_CHECKING

from stardust_tui.config import Settings, load_settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class StardustContext:
    """Lazily loads settings and opens (and migrates) the store only when a command needs it."""

    def __init__(self, home: str | None = None, db_url: str | None = None) -> None:
        self._home = home
        self._db_url = db_url
        self._engine: Engine | None = None

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self._home, self._db_url)

    @property
    def engine(self) -> Engine:
        """The catalog engine, created and upgraded to the current schema on first use."""
        if self._engine is None:
            from stardust_tui.store.open import open_store

            self._engine = open_store(self.settings)
        return self._engine

    @property
    def actor(self) -> str:
        from stardust_tui.store.db import current_actor

        return current_actor()

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    @property
    def is_ci(self) -> bool:
        return os.environ.get("CI", "").lower() == "true"
