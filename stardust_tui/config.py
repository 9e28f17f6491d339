"""Typed settings read from ``config.toml`` plus ``STARDUST_*`` environment overrides.

The file is optional; every key has a default. Unknown keys are kept in ``extra`` so newer
configs do not break older code. Settings are read when a command starts, never at import.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stardust_tui.errors import ConfigError
from stardust_tui.paths import Paths


@dataclass
class Settings:
    """Everything configurable, with defaults that work on a fresh machine."""

    paths: Paths
    database_url: str | None = None
    ddex_schemas: Path | None = None
    theme: str = "stardust-dark"
    sender_dpid: str = "PADPIDA0000000000Z"
    sender_name: str = "Stardust Demo Distribution"
    worker_concurrency: int = 4
    keymap: dict[str, str] = field(default_factory=dict)
    watch_dirs: list[Path] = field(default_factory=list)
    backup: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL of the catalog database (embedded SQLite unless overridden)."""
        if self.database_url:
            url = self.database_url
            if "://" not in url:  # a plain path to an SQLite file
                return f"sqlite:///{Path(url).expanduser().resolve()}"
            return url
        return f"sqlite:///{self.paths.database_file}"


_KNOWN = {"database_url", "ddex_schemas", "theme", "sender_dpid", "sender_name", "worker", "keymap",
          "watch", "backup"}


def load_settings(home: str | os.PathLike[str] | None = None, db: str | None = None) -> Settings:
    """Read the config file (if any) and apply ``STARDUST_*`` overrides and CLI options."""
    paths = Paths.resolve(home)
    data: dict[str, Any] = {}
    cfg = paths.config_file
    if cfg.is_file():
        try:
            data = tomllib.loads(cfg.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"invalid TOML: {exc}", where=str(cfg)) from None
    settings = Settings(paths=paths)
    settings.database_url = data.get("database_url")
    if data.get("ddex_schemas"):
        settings.ddex_schemas = Path(data["ddex_schemas"]).expanduser()
    settings.theme = data.get("theme", settings.theme)
    settings.sender_dpid = data.get("sender_dpid", settings.sender_dpid)
    settings.sender_name = data.get("sender_name", settings.sender_name)
    worker = data.get("worker", {})
    if not isinstance(worker, dict):
        raise ConfigError("[worker] must be a table", where=str(cfg))
    settings.worker_concurrency = int(worker.get("concurrency", settings.worker_concurrency))
    settings.keymap = dict(data.get("keymap", {}))
    settings.watch_dirs = [Path(p).expanduser() for p in data.get("watch", {}).get("dirs", [])]
    settings.backup = dict(data.get("backup", {}))
    settings.extra = {k: v for k, v in data.items() if k not in _KNOWN}

    env_db = os.environ.get("STARDUST_DB")
    if env_db:
        settings.database_url = env_db
    env_schemas = os.environ.get("STARDUST_DDEX_SCHEMAS")
    if env_schemas:
        settings.ddex_schemas = Path(env_schemas).expanduser()
    if db:
        settings.database_url = db
    return settings
