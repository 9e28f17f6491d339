"""Finding and compiling the official DDEX XSDs, compiled once per process and cached.

The schema folder holds one sub-folder per version (``ern-382``, ``ern-42``, ``ern-43``, optionally
``ern-43-avs9``) with ``release-notification.xsd`` inside. It comes from ``--schemas``, then the
``STARDUST_DDEX_SCHEMAS`` environment variable, then the ``ddex_schemas`` config key. Schemas are
never shipped in this repository.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from lxml import etree

from stardust_tui.errors import ConfigError

NAMESPACE_VERSIONS = {
    "http://ddex.net/xml/ern/382": "3.8.2",
    "http://ddex.net/xml/ern/42": "4.2",
    "http://ddex.net/xml/ern/43": "4.3",
}
_FOLDERS = {"3.8.2": ("ern-382",), "4.2": ("ern-42",), "4.3": ("ern-43",)}
_AVS9_FOLDER = ("ern-43-avs9", "ernv43")
_cache: dict[Path, etree.XMLSchema] = {}
_lock = threading.Lock()


def schema_dir(explicit: str | os.PathLike[str] | None = None, configured: Path | None = None) -> Path | None:
    """The schema folder to use, or None when none is configured anywhere."""
    for candidate in (explicit, os.environ.get("STARDUST_DDEX_SCHEMAS"), configured):
        if candidate:
            path = Path(candidate).expanduser()
            if not path.is_dir():
                raise ConfigError(f"DDEX schema folder does not exist: {path}")
            return path
    return None


def schema_path(base: Path, version: str, avs_version: str | None = None) -> Path:
    """The release-notification XSD of ``version`` under ``base`` (4.3 with AVS >= 4 uses ern-43-avs9)."""
    if version == "4.3" and avs_version and avs_version.isdigit() and int(avs_version) >= 4:
        avs9 = base.joinpath(*_AVS9_FOLDER, "release-notification.xsd")
        if avs9.is_file():
            return avs9
    path = base.joinpath(*_FOLDERS[version], "release-notification.xsd")
    if not path.is_file():
        raise ConfigError(f"no ERN {version} schema at {path}")
    return path


def load_schema(path: Path) -> etree.XMLSchema:
    """The compiled schema at ``path`` (compiled on first use, then cached for the process)."""
    key = path.resolve()
    schema = _cache.get(key)
    if schema is not None:
        return schema
    with _lock:
        schema = _cache.get(key)
        if schema is None:
            xsd_parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
            try:
                schema = etree.XMLSchema(etree.parse(str(key), xsd_parser))
            except (etree.XMLSchemaParseError, etree.XMLSyntaxError, OSError) as exc:
                raise ConfigError(f"cannot compile schema {key}: {exc}") from None
            _cache[key] = schema
    return schema


def schema_for(version: str, base: Path, avs_version: str | None = None) -> etree.XMLSchema:
    return load_schema(schema_path(base, version, avs_version))
