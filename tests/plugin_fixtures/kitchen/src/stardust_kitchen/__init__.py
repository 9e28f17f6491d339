"""Test fixture: a plugin in every group (profiles, a rule, an importer, a notifier, commands, a screen)
and two entries of the wrong kind (a "transport" that is not one, a command named like a built-in)."""

from __future__ import annotations

from pathlib import Path

from stardust_tui.plugin import Finding

PLUGIN_API = 1


def profiles_dir() -> Path:
    return Path(__file__).parent / "profiles"


def kaboom(release, context):  # noqa: ANN001, ANN201
    """A rule with a bug: it raises for a release titled KABOOM (readiness must survive it)."""
    if release.title == "KABOOM":
        raise ValueError("kaboom")
    if release.title.endswith("!"):
        yield Finding("acme.shout", "title", f"{release.title!r} ends with '!'", "info", fix="drop the '!'")


class NotATransport:
    SCHEMES = ("bogus",)
