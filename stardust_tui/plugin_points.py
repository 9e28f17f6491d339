"""What each plugin group plugs into: checked objects by group, built once per :class:`PluginHost`.

The rest of Stardust asks here, and only when it needs a plugin: the transport registry for a URL scheme it
does not know (:func:`transport_for`), the profile reader for extra folders (:func:`profile_dirs`), THE
readiness for rule findings (:func:`run_rules`), the import/export commands for formats (:func:`importers`,
:func:`exporters`), the notification registry for channel kinds (:func:`notifiers`), the CLI for commands
(:func:`commands`) and the TUI palette for screens (:func:`screens`). An object of the wrong kind, or one
that would replace a built-in name, is refused with one warning line; the others still load.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from stardust_tui.domain.findings import SEVERITIES, Finding
from stardust_tui.plugin import (
    ArtistFacts,
    Exporter,
    Importer,
    ReleaseFacts,
    Rule,
    RuleContext,
    ScreenPlugin,
    TrackFacts,
)
from stardust_tui.plugin_loader import Loaded, PluginHost, host

SCHEME = re.compile(r"[a-z][a-z0-9+.-]{0,30}")
FORMAT = re.compile(r"[a-z0-9][a-z0-9_-]{0,30}")
BUILTIN_IMPORT_FORMATS = ("csv", "xlsx", "json", "ddex")
BUILTIN_EXPORT_FORMATS = ("json", "csv")


def _cached(group: str, build: Callable[[PluginHost], Any]) -> Any:
    h = host()
    if group not in h.cache:
        h.cache[group] = build(h)
    return h.cache[group]


def _instance(h: PluginHost, item: Loaded, base: type, what: str) -> Any:
    obj = item.obj
    if isinstance(obj, type) and issubclass(obj, base):
        try:
            return obj()
        except Exception as exc:  # noqa: BLE001 - a plugin's constructor failing is reported, not raised
            h.reject(item, f"could not be created ({type(exc).__name__}: {exc})")
            return None
    if isinstance(obj, base):
        return obj
    h.reject(item, f"is not {what}")
    return None


# --- transports ------------------------------------------------------------------------------------------------


def transports() -> dict[str, type]:
    """URL scheme -> plugin transport class (built-in schemes are never replaced)."""
    return _cached("stardust.transports", _build_transports)


def _build_transports(h: PluginHost) -> dict[str, type]:
    from stardust_tui.delivery.base import Transport
    from stardust_tui.delivery.schemes import TRANSPORTS

    out: dict[str, type] = {}
    for item in h.objects("stardust.transports"):
        cls = item.obj
        if not (isinstance(cls, type) and issubclass(cls, Transport)):
            h.reject(item, "is not a Transport subclass (stardust_tui.plugin.Transport)")
            continue
        schemes = tuple(getattr(cls, "SCHEMES", ()) or ())
        bad = [s for s in schemes if not isinstance(s, str) or not SCHEME.fullmatch(s)]
        clash = [s for s in schemes if s in TRANSPORTS or s in out]
        if not schemes or bad:
            h.reject(item, f"has no usable SCHEMES ({schemes!r}: lower-case URL schemes)")
        elif clash:
            h.reject(item, f"would replace the {clash[0]}:// transport")
        else:
            out.update(dict.fromkeys(schemes, cls))
    return out


def transport_for(scheme: str) -> type | None:
    return transports().get(scheme)


_NOT_OK = {"off": "off (--no-plugins)", "disabled": "disabled ([plugins] disabled in config.toml)",
           "refused": "refused (written for another plugin API)", "failed": "broken (see stardust plugin list)"}


def scheme_unavailable(scheme: str) -> str | None:
    """Why ``scheme://`` cannot be used when an installed plugin provides it under that entry point name but is
    off, disabled, refused or broken (None when no such plugin is installed)."""
    for item in host().loaded("stardust.transports"):
        if item.name == scheme and item.status != "ok":
            return f"{scheme}:// comes from the plugin {item.plugin}, which is {_NOT_OK.get(item.status, item.status)}"
    return None


# --- profiles -------------------------------------------------------------------------------------------------


def profile_dirs() -> list[Path]:
    """Folders of profile TOML files the plugins provide, in plugin order."""
    return _cached("stardust.profiles", _build_profile_dirs)


def _build_profile_dirs(h: PluginHost) -> list[Path]:
    out = []
    for item in h.objects("stardust.profiles"):
        value = item.obj
        try:
            folder = Path(value() if callable(value) else value)
        except Exception as exc:  # noqa: BLE001
            h.reject(item, f"did not give a folder ({type(exc).__name__}: {exc})")
            continue
        if not folder.is_dir():
            h.reject(item, f"names {folder}, which is not a folder")
            continue
        out.append(folder)
    return out


# --- rules ----------------------------------------------------------------------------------------------------


def rules() -> list[tuple[Loaded, Callable[[ReleaseFacts, RuleContext], Iterable[Finding]]]]:
    return _cached("stardust.rules", _build_rules)


def _build_rules(h: PluginHost) -> list[tuple[Loaded, Any]]:
    out = []
    for item in h.objects("stardust.rules"):
        obj = item.obj
        if isinstance(obj, type):
            rule = _instance(h, item, Rule, "a Rule subclass or a function (release, context) -> findings")
        elif callable(obj):
            rule = obj
        else:
            h.reject(item, "is not a Rule subclass or a function (release, context) -> findings")
            rule = None
        if rule is not None:
            out.append((item, rule))
    return out


def run_rules(release: Any, *, today: date, message_type: str = "new", profile: Any = None) -> list[Finding]:
    """The findings of every plugin rule on a loaded release. A rule that raises or returns something other
    than findings gives one ``plugin-rule-failed`` warning (a plugin's bug does not block a delivery)."""
    found = rules()
    if not found:
        return []
    facts = release_facts(release)
    context = RuleContext(today=today, message_type=message_type, profile=profile,
                          target_profile=getattr(profile, "name", None))
    out: list[Finding] = []
    for item, rule in found:
        who = f"{item.plugin} rule {item.name!r}"
        try:
            results = list(rule(facts, context) or ())
        except Exception as exc:  # noqa: BLE001 - reported as a finding
            out.append(Finding("plugin-rule-failed", "plugins", f"{who} failed: {type(exc).__name__}: {exc}",
                               "warning"))
            continue
        for f in results:
            if not isinstance(f, Finding) or f.severity not in SEVERITIES:
                out.append(Finding("plugin-rule-failed", "plugins", f"{who} returned {f!r}, not a Finding with a "
                                   f"severity in {', '.join(SEVERITIES)}", "warning"))
                break
            out.append(f)
    return out


def _artists(links: Iterable[Any]) -> tuple[ArtistFacts, ...]:
    ordered = sorted(links, key=lambda a: getattr(a, "sequence", 0) or 0)
    return tuple(ArtistFacts(a.party.name if a.party is not None else "", a.role or "") for a in ordered)


def release_facts(release: Any) -> ReleaseFacts:
    """The plain values a rule sees, from a loaded catalog release."""
    tracks = sorted(release.tracks or [], key=lambda t: (t.disc_number, t.track_number))
    return ReleaseFacts(
        id=release.id, title=release.title or "", version=release.version,
        display_artist=release.display_artist or "", artists=_artists(release.artists or []),
        label=release.label.name if release.label is not None else None, upc=release.upc,
        catalog_number=release.catalog_number, release_type=release.release_type or "", genre=release.genre,
        subgenre=release.subgenre, release_date=release.release_date,
        original_release_date=release.original_release_date, p_line=release.p_line,
        p_line_year=release.p_line_year, c_line=release.c_line, c_line_year=release.c_line_year,
        language=release.language, parental_advisory=release.parental_advisory or "", status=release.status or "",
        tracks=tuple(TrackFacts(
            disc=t.disc_number, number=t.track_number, title=t.title or "", version=t.version,
            display_artist=t.display_artist or "", artists=_artists(t.artists or []), isrc=t.isrc, genre=t.genre,
            p_line=t.p_line, p_line_year=t.p_line_year, explicit=bool(t.explicit),
            duration_seconds=t.duration_seconds, language=t.language) for t in tracks),
    )


# --- catalog formats ------------------------------------------------------------------------------------------


def importers() -> dict[str, Importer]:
    """Format name -> plugin importer (never a built-in format)."""
    return _cached("stardust.importers", lambda h: _formats(h, "stardust.importers", Importer,
                                                             BUILTIN_IMPORT_FORMATS))


def exporters() -> dict[str, Exporter]:
    """Format name -> plugin exporter (never a built-in format)."""
    return _cached("stardust.exporters", lambda h: _formats(h, "stardust.exporters", Exporter,
                                                             BUILTIN_EXPORT_FORMATS))


def _formats(h: PluginHost, group: str, base: type, builtin: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in h.objects(group):
        obj = _instance(h, item, base, f"a {base.__name__} subclass (stardust_tui.plugin.{base.__name__})")
        if obj is None:
            continue
        name = getattr(obj, "name", "")
        if not isinstance(name, str) or not FORMAT.fullmatch(name):
            h.reject(item, f"has no usable format name ({name!r}: a-z, 0-9, '-', '_')")
        elif name in builtin or name in out:
            h.reject(item, f"would replace the {name} format")
        else:
            out[name] = obj
    return out


def import_format_for(path: Path) -> str | None:
    """The plugin import format whose suffixes include ``path``'s, if any."""
    suffix = path.suffix.lower()
    return next((name for name, imp in importers().items() if suffix and suffix in imp.suffixes), None)


def export_format_for(path: Path) -> str | None:
    suffix = path.suffix.lower()
    return next((name for name, exp in exporters().items() if suffix and suffix == exp.suffix), None)


# --- notification channels, commands, screens -----------------------------------------------------------------


def notifiers() -> dict[str, type]:
    """Channel kind -> plugin channel class (``email``/``webhook`` are never replaced)."""
    return _cached("stardust.notifiers", _build_notifiers)


def _build_notifiers(h: PluginHost) -> dict[str, type]:
    from stardust_tui.notify.channel import BUILTIN_KINDS, Channel

    out: dict[str, type] = {}
    for item in h.objects("stardust.notifiers"):
        cls = item.obj
        kind = getattr(cls, "kind", "")
        if not (isinstance(cls, type) and issubclass(cls, Channel)):
            h.reject(item, "is not a Channel subclass (stardust_tui.plugin.Channel)")
        elif not isinstance(kind, str) or not FORMAT.fullmatch(kind):
            h.reject(item, f"has no usable channel kind ({kind!r})")
        elif kind in BUILTIN_KINDS or kind in out:
            h.reject(item, f"would replace the {kind} channel kind")
        else:
            out[kind] = cls
    return out


def commands(builtin: Iterable[str] = ()) -> dict[str, Any]:
    """Command name -> plugin click command (built-in command names are never replaced)."""
    taken = set(builtin)

    def build(h: PluginHost) -> dict[str, Any]:
        import click

        out: dict[str, Any] = {}
        for item in h.objects("stardust.commands"):
            cmd = item.obj
            if not isinstance(cmd, click.Command):
                h.reject(item, "is not a click command")
            elif not cmd.name or cmd.name in taken or cmd.name in out:
                h.reject(item, f"would replace the `stardust {cmd.name}` command")
            else:
                out[cmd.name] = cmd
        return out

    return _cached("stardust.commands", build)


def screens() -> list[ScreenPlugin]:
    """The plugin screens, each with a name and a title."""
    def build(h: PluginHost) -> list[ScreenPlugin]:
        out: list[ScreenPlugin] = []
        for item in h.objects("stardust.screens"):
            screen = _instance(h, item, ScreenPlugin, "a ScreenPlugin subclass (stardust_tui.plugin.ScreenPlugin)")
            if screen is None:
                continue
            if not screen.name or not screen.title:
                h.reject(item, "has no name or title")
                continue
            out.append(screen)
        return out

    return _cached("stardust.screens", build)
