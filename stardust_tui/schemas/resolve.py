"""Which DDEX schema folder the ERN engine uses, and the one line that says how to get one.

A configured folder wins: ``--schemas DIR``, then ``STARDUST_DDEX_SCHEMAS``, then ``ddex_schemas`` in the
config file; otherwise the folder ``stardust schemas fetch`` installed in the data directory, looked up at
each call (a worker daemon or the TUI started before the fetch uses the schemas as soon as they are there).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from stardust_tui.schemas.install import MANIFEST, installed_root

if TYPE_CHECKING:
    from stardust_tui.config import Settings
    from stardust_tui.paths import Paths

NO_SCHEMAS_HINT = ("no DDEX schemas installed: run `stardust schemas fetch` (or point STARDUST_DDEX_SCHEMAS, "
                   "--schemas or ddex_schemas at a folder of the official XSDs)")
"""What to do when no schemas are found, in one line (ERN preview, ``ern validate``, ``check``, deliveries)."""


def installed_folder(paths: Paths) -> Path | None:
    """The installed schema folder, when ``stardust schemas fetch`` has installed one."""
    root = installed_root(paths)
    return root if (root / MANIFEST).is_file() else None


def configured_folder(settings: Settings) -> Path | None:
    """The folder set by the user (environment or config file), not the installed one."""
    if getattr(settings, "ddex_schemas_origin", None) == "installed":
        return None
    return settings.ddex_schemas


def schema_folder(settings: Settings, explicit: str | Path | None = None) -> Path | None:
    """The folder to validate with (explicit > environment > config > installed), None when there is none.

    A configured folder that does not exist is a :class:`~stardust_tui.errors.ConfigError` (exit 2)."""
    from stardust_tui.ern.schemas import schema_dir

    found = schema_dir(explicit, configured_folder(settings))
    return found if found is not None else installed_folder(settings.paths)


def origin_of(settings: Settings, explicit: str | Path | None = None) -> str:
    """Where :func:`schema_folder`'s answer comes from, in words ("STARDUST_DDEX_SCHEMAS", "installed"...)."""
    import os

    if explicit:
        return "--schemas"
    if os.environ.get("STARDUST_DDEX_SCHEMAS"):
        return "STARDUST_DDEX_SCHEMAS"
    if configured_folder(settings) is not None:
        return getattr(settings, "ddex_schemas_origin", None) or "ddex_schemas (config)"
    return "installed" if installed_folder(settings.paths) is not None else "none"
