"""Typed settings read from ``config.toml`` plus ``STARDUST_*`` environment overrides.

The file is optional; every key has a default. Every value is checked against
:mod:`stardust_tui.config_schema` (wrong type: a one-line ``ConfigError``, exit 2). Unknown keys are kept
in ``extra`` so newer configs do not break older code, with a warning naming the nearest known key.
Settings are read when a command starts, never at import.
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
    ddex_schemas_origin: str | None = None
    """Where ``ddex_schemas`` comes from: "ddex_schemas (config)", "STARDUST_DDEX_SCHEMAS", "installed" (issue 13:
    the folder ``stardust schemas fetch`` installed, used only when none is configured), None when unset."""
    theme: str = "stardust-dark"
    sender_dpid: str = "PADPIDA0000000000Z"
    sender_name: str = "Stardust Demo Distribution"
    worker_concurrency: int = 4
    keymap: dict[str, str] = field(default_factory=dict)
    watch_dirs: list[Path] = field(default_factory=list)
    backup: dict[str, Any] = field(default_factory=dict)
    api: dict[str, Any] = field(default_factory=dict)
    """``[api]`` of the config file (rate, burst, max_upload_mb): the HTTP API's limits (issue 11)."""
    retention: dict[str, Any] = field(default_factory=dict)
    """``[retention]`` of the config file: what the worker's housekeeping removes (issue 15)."""
    notify: dict[str, Any] = field(default_factory=dict)
    """``[notify]`` of the config file: rules, schedule and retry settings of notifications (issue 10)."""
    assets_url: str | None = None
    """``[assets] url`` (issue 12): None/"local" = the home's ``assets/``; ``s3://bucket/prefix?...`` a bucket."""
    plugins_disabled: list[str] = field(default_factory=list)
    """``[plugins] disabled`` of the config file: plugins not to load, by name (issue 16)."""
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    """Problems that do not stop anything (unknown keys), for the front end to show once."""

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL of the catalog database (embedded SQLite unless overridden)."""
        if self.database_url:
            url = self.database_url
            if "://" not in url:  # a plain path to an SQLite file
                return f"sqlite:///{Path(url).expanduser().resolve()}"
            return url
        return f"sqlite:///{self.paths.database_file}"


def load_settings(home: str | os.PathLike[str] | None = None, db: str | None = None) -> Settings:
    """Read and check the config file (if any), then apply ``STARDUST_*`` overrides and CLI options.

    A value of the wrong type is a :class:`ConfigError` naming the file and key; unknown keys end up in
    ``settings.warnings`` (and ``settings.extra``).
    """
    from stardust_tui.config_schema import top_level_names, validate

    paths = Paths.resolve(home)
    data: dict[str, Any] = {}
    cfg = paths.config_file
    if cfg.is_file():
        try:
            data = tomllib.loads(cfg.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"invalid TOML: {exc}", where=str(cfg)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", where=str(cfg)) from None
    values, warnings = validate(data, str(cfg))
    settings = Settings(paths=paths, warnings=warnings)
    settings.database_url = values.get("database_url")
    if "ddex_schemas" in values:
        settings.ddex_schemas = Path(values["ddex_schemas"]).expanduser()
        settings.ddex_schemas_origin = "ddex_schemas (config)"
    settings.theme = values.get("theme", settings.theme)
    settings.sender_dpid = values.get("sender_dpid", settings.sender_dpid)
    settings.sender_name = values.get("sender_name", settings.sender_name)
    settings.worker_concurrency = values.get("worker.concurrency", settings.worker_concurrency)
    settings.keymap = dict(values.get("keymap", {}))
    settings.watch_dirs = [Path(p).expanduser() for p in values.get("watch.dirs", [])]
    settings.backup = {k.split(".", 1)[1]: v for k, v in values.items() if k.startswith("backup.")}
    settings.api = {k.split(".", 1)[1]: v for k, v in values.items() if k.startswith("api.")}
    settings.retention = {k.split(".", 1)[1]: v for k, v in values.items() if k.startswith("retention.")}
    settings.notify = {k.split(".", 1)[1]: v for k, v in values.items() if k.startswith("notify.")}  # issue 10
    settings.assets_url = values.get("assets.url")  # multihost (issue 12)
    settings.plugins_disabled = list(values.get("plugins.disabled", []))  # issue 16
    settings.extra = {k: v for k, v in data.items() if k not in top_level_names()}

    env_db = os.environ.get("STARDUST_DB")
    if env_db:
        settings.database_url = env_db
    env_schemas = os.environ.get("STARDUST_DDEX_SCHEMAS")
    if env_schemas:
        settings.ddex_schemas = Path(env_schemas).expanduser()
        settings.ddex_schemas_origin = "STARDUST_DDEX_SCHEMAS"
    if settings.ddex_schemas is None and (paths.ddex_schemas_dir / "manifest.json").is_file():  # issue 13
        settings.ddex_schemas, settings.ddex_schemas_origin = paths.ddex_schemas_dir, "installed"
    if db:
        settings.database_url = db
    return settings
