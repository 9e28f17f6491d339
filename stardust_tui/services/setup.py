"""Setting up a home: create it (directories, secret key, database at the current schema), upgrade or
inspect the schema, and fill it with the demo catalog.

Behind ``stardust init``, ``stardust db upgrade|current`` and ``stardust demo``. Upgrading and inspecting
the schema use an engine of their own (without the automatic upgrade that opening the store does).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from stardust_tui.services import Services


@dataclass(frozen=True)
class HomeInfo:
    """What ``init`` made or found."""

    data_dir: Path
    config_file: Path
    database: str
    """The database URL without credentials (an SQLite path, or host/database of a server)."""
    schema: str
    key_file: Path
    key_created: bool


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    """The database's revision (None for an empty database)."""
    head: str
    """The newest revision this code knows."""


class SchemaChange(NamedTuple):
    """An upgrade: the revision before (None: an empty database) and after."""

    before: str | None
    after: str


class SetupService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def init(self) -> HomeInfo:
        """Create the home, the secret key (0600) and the database at the current schema; safe to run twice."""
        from stardust_tui.secrets import ensure_secret_key
        from stardust_tui.store.migrate import head_revision

        self.services.authorize("store.admin")
        settings = self.services.settings
        paths = settings.paths.ensure()
        key_path, created = ensure_secret_key(paths)
        _ = self.services.engine  # creates or upgrades the database
        return HomeInfo(paths.data_dir, paths.config_file, settings.db_url.split("@")[-1], head_revision(),
                        key_path, created)

    def upgrade(self) -> SchemaChange:
        """Upgrade the database to the current schema (an SQLite file is backed up first)."""
        from stardust_tui.store.db import make_engine
        from stardust_tui.store.migrate import upgrade

        self.services.authorize("store.admin")
        self.services.settings.paths.ensure()
        engine = make_engine(self.services.settings.db_url)
        try:
            return SchemaChange(*upgrade(engine))
        finally:
            engine.dispose()

    def schema(self) -> SchemaState:
        """The database's schema revision and the newest this code knows (nothing is upgraded)."""
        from stardust_tui.store.db import make_engine
        from stardust_tui.store.migrate import current_revision, head_revision

        self.services.authorize("release.read")
        engine = make_engine(self.services.settings.db_url)
        try:
            return SchemaState(current_revision(engine), head_revision())
        finally:
            engine.dispose()

    def demo(self) -> Any:
        """Create the demo catalog (labels, artists, releases with real audio and covers); idempotent.

        Returns ``demo.DemoSummary`` (what was created, what was kept, catalog counts)."""
        from stardust_tui.demo import build_demo

        self.services.authorize("release.write")
        return build_demo(self.services.engine, self.services.settings.paths, actor=self.services.actor.name)
