"""Where Stardust keeps its state: config, database, asset store, logs and the secret key.

Resolution order: ``--home DIR`` / ``STARDUST_HOME`` (everything under one directory), else XDG:
config in ``$XDG_CONFIG_HOME/stardust``, data in ``$XDG_DATA_HOME/stardust``, logs in
``$XDG_STATE_HOME/stardust``. Nothing is created here: :meth:`Paths.ensure` makes the directories
when a command actually needs them, private to the user (0700, whatever the umask; see ``privacy``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _xdg(var: str, default: str) -> Path:
    value = os.environ.get(var)
    return Path(value) if value else Path.home() / default


@dataclass(frozen=True)
class Paths:
    """Every location Stardust reads or writes, derived from one home or the XDG directories."""

    config_dir: Path
    data_dir: Path
    state_dir: Path

    @classmethod
    def resolve(cls, home: str | os.PathLike[str] | None = None) -> Paths:
        home = home or os.environ.get("STARDUST_HOME")
        if home:
            root = Path(home).expanduser().resolve()
            return cls(config_dir=root, data_dir=root, state_dir=root / "logs")
        return cls(
            config_dir=_xdg("XDG_CONFIG_HOME", ".config") / "stardust",
            data_dir=_xdg("XDG_DATA_HOME", ".local/share") / "stardust",
            state_dir=_xdg("XDG_STATE_HOME", ".local/state") / "stardust",
        )

    @property
    def config_file(self) -> Path:
        override = os.environ.get("STARDUST_CONFIG_FILE")
        return Path(override) if override else self.config_dir / "config.toml"

    @property
    def database_file(self) -> Path:
        return self.data_dir / "stardust.db"

    @property
    def assets_dir(self) -> Path:
        return self.data_dir / "assets"

    @property
    def secret_key_file(self) -> Path:
        return self.data_dir / "secret.key"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def profiles_dir(self) -> Path:
        return self.config_dir / "profiles"

    @property
    def ddex_schemas_dir(self) -> Path:
        """The official DDEX XSDs ``stardust schemas fetch`` installs (used when no folder is configured)."""
        return self.data_dir / "ddex-schemas"

    @property
    def themes_dir(self) -> Path:
        return self.data_dir / "themes"

    @property
    def log_dir(self) -> Path:
        return self.state_dir

    @property
    def delivery_log_file(self) -> Path:
        return self.state_dir / "deliveries.jsonl"

    @property
    def packages_dir(self) -> Path:
        """Scratch space where delivery packages are assembled before upload."""
        return self.data_dir / "packages"

    def ensure(self) -> Paths:
        """Create the config, data, logs and asset directories; those created now are 0700."""
        from stardust_tui.privacy import make_private_dir

        for d in (self.config_dir, self.data_dir, self.state_dir, self.assets_dir):
            make_private_dir(d)
        return self
