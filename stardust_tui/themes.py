"""Themes as data: YAML files in the top-level ``themes/`` directory turned into Textual themes.

The bundled themes are found in a source checkout (``<repo>/themes``) or, for an installed wheel, in
``<prefix>/share/stardust/themes`` (the pyproject ``data-files`` entry). User themes in
``$XDG_DATA_HOME/stardust/themes`` (``Paths.themes_dir``) are loaded after them and may override a
bundled theme of the same name. Domain colours (delivery states, release statuses) are theme
``variables``; :data:`DOMAIN_VARIABLE_DEFAULTS` gives each one a value so any theme can be used.
"""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path
from typing import Any

import yaml
from textual.theme import Theme

from stardust_tui.errors import ConfigError

THEME_FIELDS = ("primary", "secondary", "warning", "error", "success", "accent", "foreground", "background",
                "surface", "panel", "boost", "dark", "luminosity_spread", "text_alpha")

# Fallbacks for the domain colours; a theme overrides them in its `variables` table.
DOMAIN_VARIABLE_DEFAULTS: dict[str, str] = {
    "delivery-queued": "darkcyan",
    "delivery-running": "dodgerblue",
    "delivery-retry-wait": "goldenrod",
    "delivery-succeeded": "green",
    "delivery-failed": "red",
    "delivery-cancelled": "gray",
    "release-draft": "gray",
    "release-ready": "green",
    "release-delivered": "darkcyan",
    "release-taken-down": "red",
}


def bundled_theme_dirs() -> list[Path]:
    """Where the shipped theme files may live: source checkout first, then the installed data dir."""
    candidates = [
        Path(__file__).resolve().parent.parent / "themes",
        Path(sysconfig.get_path("data")) / "share" / "stardust" / "themes",
        Path(sys.prefix) / "share" / "stardust" / "themes",
        Path(sysconfig.get_path("data", "posix_user")) / "share" / "stardust" / "themes",
    ]
    seen: list[Path] = []
    for path in candidates:
        if path.is_dir() and path not in seen:
            seen.append(path)
    return seen


def theme_from_mapping(data: dict[str, Any], *, where: str) -> Theme:
    """Build a Textual theme from a parsed YAML mapping; raise ConfigError naming the file and field."""
    if not isinstance(data, dict):
        raise ConfigError("a theme file must be a mapping", where=where)
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ConfigError("missing 'name'", where=where)
    if not isinstance(data.get("primary"), str):
        raise ConfigError("missing 'primary' colour", where=where)
    unknown = set(data) - set(THEME_FIELDS) - {"name", "variables"}
    if unknown:
        raise ConfigError(f"unknown key(s): {', '.join(sorted(unknown))}", where=where)
    variables = data.get("variables") or {}
    if not isinstance(variables, dict):
        raise ConfigError("'variables' must be a mapping", where=where)
    kwargs = {key: data[key] for key in THEME_FIELDS if key in data}
    theme = Theme(name=name, variables={str(k): str(v) for k, v in variables.items()}, **kwargs)
    try:
        theme.to_color_system()
    except Exception as exc:  # Textual raises ColorParseError and friends
        raise ConfigError(f"bad colour: {exc}", where=where) from None
    return theme


def load_theme_file(path: Path) -> Theme:
    """Read one YAML theme file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise ConfigError(f"invalid YAML: {getattr(exc, 'problem', exc)}", where=where) from None
    return theme_from_mapping(data, where=str(path))


def load_themes(user_dir: Path | None = None) -> dict[str, Theme]:
    """All bundled themes plus the user's, by name. A broken user theme is an error naming its file."""
    themes: dict[str, Theme] = {}
    dirs = bundled_theme_dirs()
    if user_dir is not None and user_dir.is_dir():
        dirs.append(user_dir)
    for directory in dirs:
        for path in sorted(directory.glob("*.y*ml")):
            theme = load_theme_file(path)
            themes[theme.name] = theme
    return themes
