"""How values are drawn: domain states in the active theme's colours, and user text as plain text.

User text (titles, names, paths, errors from servers) is never parsed as markup: a title such as
``Mix [/] Edition`` would crash the render and ``Song [Remastered]`` would lose its last word. Widgets
that take a string parse it as markup, so such text goes through :func:`plain`.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import App
from textual.color import Color, ColorParseError


def plain(value: object) -> Text:
    """``value`` as text drawn exactly as written (no markup); None is the empty text."""
    return Text("" if value is None else str(value), end="")


def state_colour(app: App, kind: str, value: str) -> str | None:
    """The theme colour for ``$<kind>-<value>`` (e.g. ``$delivery-failed``) as hex, or None if unknown."""
    raw = app.theme_variables.get(f"{kind}-{value}") if value else None
    if not raw:
        return None
    try:
        return Color.parse(raw).hex
    except ColorParseError:
        return None


def state_text(app: App, kind: str, value: str) -> Text:
    """``value`` as rich text in its state colour, e.g. a green "succeeded"."""
    colour = state_colour(app, kind, value)
    return Text(value, style=Style(color=colour) if colour else "")
