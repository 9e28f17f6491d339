"""The plugin API of Stardust, version :data:`PLUGIN_API` (= 1): what a plugin package may provide.

A plugin is an ordinary Python distribution that declares **entry points** in one or more of the groups of
:data:`GROUPS` (``[project.entry-points."stardust.rules"]`` in its ``pyproject.toml``) and the API version it
was written for, as ``PLUGIN_API = 1`` in the module an entry point names (or in that module's top-level
package). Stardust finds plugins through the installed distributions' metadata (``importlib.metadata``
entry points), only when a command needs them; ``[plugins] disabled = ["name"]`` in ``config.toml`` and the
global ``stardust --no-plugins`` turn them off. A plugin declaring another API version is refused with one
line; one that fails to import is one warning line, and everything else keeps working. ``stardust plugin
list`` shows what was found. ``docs/plugins.md`` explains how to write, test and publish one, starting from
``plugins/template``.

What each group's entry point names (the *object*), and the classes here to build it from:

``stardust.transports``
    A :class:`Transport` subclass (the upload primitives of :mod:`stardust_tui.delivery.base`) with its URL
    schemes in ``SCHEMES`` and the query options it accepts in ``URL_OPTIONS``; targets then take
    ``SCHEME://...`` URLs. Built-in schemes cannot be replaced.
``stardust.profiles``
    A folder of delivery profile TOML files: a :class:`pathlib.Path`, or a function returning one. Shipped
    profiles < plugin profiles < the user's profiles folder, by name.
``stardust.rules``
    A readiness rule: a :class:`Rule` subclass or a function ``(release, context) -> Iterable[Finding]``.
    Rules run inside THE readiness of a release (``stardust check``, ``check --target``, ``deliver``, the
    delivery executor, the TUI), get a :class:`ReleaseFacts` and a :class:`RuleContext`, and return
    :class:`Finding` s: ``error`` blocks a delivery, ``warning`` and ``info`` do not; ``fix`` is a one-line
    suggestion shown under the finding.
``stardust.importers`` / ``stardust.exporters``
    Catalog formats: an :class:`Importer` (reads a file into releases in the catalog JSON format) or an
    :class:`Exporter` (writes releases; ``stardust export OUT --format NAME``).
``stardust.notifiers``
    A notification channel kind: a :class:`Channel` subclass (:mod:`stardust_tui.notify.channel`); then
    ``stardust notify add KIND NAME --set key=value`` stores one.
``stardust.commands``
    A :class:`click.Command` (or group), added under ``stardust`` by its own name.
``stardust.screens``
    A :class:`ScreenPlugin`: a TUI screen opened from the command palette, with its palette commands.

Nothing in this module imports Textual, SQLAlchemy or a transport library; :class:`Transport`,
:class:`TargetSpec`, :class:`Channel` and the other re-exported names are imported on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from stardust_tui.domain.findings import SEVERITIES, Finding
from stardust_tui.errors import ValidationError

if TYPE_CHECKING:  # imported on first use (see _LAZY)
    from stardust_tui.delivery.base import Inspected, RemoteEntry, Staged, Transport, Written
    from stardust_tui.delivery.errors import (
        TransportAuthError,
        TransportError,
        TransportPermanentError,
        TransportTransientError,
    )
    from stardust_tui.delivery.urls import TargetSpec
    from stardust_tui.notify.channel import Channel, Outgoing, SendFailed

PLUGIN_API = 1
"""The plugin API this Stardust speaks. A plugin module says which one it was written for: ``PLUGIN_API = 1``."""

GROUPS: dict[str, str] = {
    "stardust.transports": "a delivery transport for a URL scheme (a Transport subclass)",
    "stardust.profiles": "a folder of delivery profile TOML files",
    "stardust.rules": "readiness/QC rules returning findings (a Rule subclass or a function)",
    "stardust.importers": "a catalog format to import (an Importer subclass)",
    "stardust.exporters": "a catalog format to export (an Exporter subclass)",
    "stardust.notifiers": "a notification channel kind (a Channel subclass)",
    "stardust.commands": "a click command under `stardust`",
    "stardust.screens": "a TUI screen with its palette commands (a ScreenPlugin subclass)",
}

__all__ = [
    "GROUPS", "PLUGIN_API", "SEVERITIES", "ArtistFacts", "Channel", "ExportContext", "ExportItem", "ExportResult",
    "Exporter", "Finding", "ImportRecord", "Importer", "Inspected", "Outgoing", "PaletteCommand", "ReleaseFacts",
    "RemoteEntry", "Rule", "RuleContext", "ScreenPlugin", "SendFailed", "Staged", "TargetSpec", "TrackFacts",
    "Transport", "TransportAuthError", "TransportError", "TransportPermanentError", "TransportTransientError",
    "ValidationError", "Written",
]

# Re-exported on first use (so importing this module stays cheap): name -> "module:attribute".
_LAZY = {
    "Transport": "stardust_tui.delivery.base:Transport",
    "RemoteEntry": "stardust_tui.delivery.base:RemoteEntry",
    "Staged": "stardust_tui.delivery.base:Staged",
    "Written": "stardust_tui.delivery.base:Written",
    "Inspected": "stardust_tui.delivery.base:Inspected",
    "TransportError": "stardust_tui.delivery.errors:TransportError",
    "TransportAuthError": "stardust_tui.delivery.errors:TransportAuthError",
    "TransportPermanentError": "stardust_tui.delivery.errors:TransportPermanentError",
    "TransportTransientError": "stardust_tui.delivery.errors:TransportTransientError",
    "TargetSpec": "stardust_tui.delivery.urls:TargetSpec",
    "Channel": "stardust_tui.notify.channel:Channel",
    "Outgoing": "stardust_tui.notify.channel:Outgoing",
    "SendFailed": "stardust_tui.notify.channel:SendFailed",
}


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, _, attr = target.partition(":")
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


# --- rules -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArtistFacts:
    """A display artist (``role``: MainArtist, FeaturedArtist, Remixer...) in display order."""

    name: str
    role: str


@dataclass(frozen=True)
class TrackFacts:
    """One track as a rule sees it. ``where`` is the field prefix findings use (``tracks[1-2]``)."""

    disc: int
    number: int
    title: str
    version: str | None = None
    display_artist: str = ""
    artists: tuple[ArtistFacts, ...] = ()
    isrc: str | None = None
    genre: str | None = None
    p_line: str | None = None
    p_line_year: int | None = None
    explicit: bool = False
    duration_seconds: float | None = None
    language: str | None = None

    @property
    def where(self) -> str:
        return f"tracks[{self.disc}-{self.number}]"


@dataclass(frozen=True)
class ReleaseFacts:
    """A release as a rule sees it: plain values, no database objects (stable for API 1).

    ``p_line``/``c_line`` are the owner texts as stored ("Star Records"); ``p_line_year``/``c_line_year``
    their years. ``label`` is the label's name. Findings name fields as ``stardust check`` does: ``title``,
    ``version``, ``display_artist``, ``p_line``, ``c_line``, ``genre``, ``tracks[1-2].title``...
    """

    id: int | None
    title: str
    version: str | None = None
    display_artist: str = ""
    artists: tuple[ArtistFacts, ...] = ()
    label: str | None = None
    upc: str | None = None
    catalog_number: str | None = None
    release_type: str = ""
    genre: str | None = None
    subgenre: str | None = None
    release_date: date | None = None
    original_release_date: date | None = None
    p_line: str | None = None
    p_line_year: int | None = None
    c_line: str | None = None
    c_line_year: int | None = None
    language: str | None = None
    parental_advisory: str = ""
    status: str = ""
    tracks: tuple[TrackFacts, ...] = ()


@dataclass(frozen=True)
class RuleContext:
    """Where a rule runs: ``target_profile`` is the delivery profile's name for ``check --target``, a
    delivery and its pre-flight, or None for a plain ``stardust check``; ``profile`` is that profile
    (:class:`stardust_tui.delivery.profiles.Profile`) or None; ``message_type`` new/update/takedown/purge."""

    today: date
    message_type: str = "new"
    target_profile: str | None = None
    profile: Any = None


class Rule:
    """A readiness rule: override :meth:`check`. One instance is made per process (keep no per-release state)."""

    name: ClassVar[str] = ""
    """A short name shown by ``stardust plugin list`` (default: the entry point's name)."""

    def check(self, release: ReleaseFacts, context: RuleContext) -> Iterable[Finding]:
        raise NotImplementedError

    def __call__(self, release: ReleaseFacts, context: RuleContext) -> Iterable[Finding]:
        return self.check(release, context)


# --- catalog formats ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportRecord:
    """One release read by an :class:`Importer`: ``data`` is a release object of the catalog JSON format
    (the one ``stardust export --format json`` writes, see :mod:`stardust_tui.importexport.json_format`);
    ``line`` is where it starts in the source (a line, row or record number), used in error messages."""

    line: int
    data: Mapping[str, Any]


class Importer:
    """A catalog format ``stardust import catalog FILE --format NAME`` reads (also chosen by a suffix)."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    suffixes: ClassVar[tuple[str, ...]] = ()
    """File suffixes (lower case, with the dot) that select this format when ``--format`` is not given."""

    def read(self, path: Path) -> Iterator[ImportRecord]:
        """Yield the releases of ``path`` in file order. Raise :class:`ValidationError` for a file that cannot
        be read at all; the import engine checks each release and reports problems with their ``line``."""
        raise NotImplementedError


@dataclass(frozen=True)
class ExportItem:
    """One release to export.

    ``facts``: the release's plain values (as rules see it). ``view``: the version-neutral statement of the
    release the ERN builders write (:class:`stardust_tui.ern.view_model.ReleaseView`: parties, resources with
    their files' MD5/size/codec, titles, P/C lines, deals), with genres mapped by the profile when the export
    names one (``--profile``). ``files``: resource reference (``A1``...) -> the stored file to copy."""

    facts: ReleaseFacts
    view: Any
    files: Mapping[str, Path]


@dataclass(frozen=True)
class ExportContext:
    """``options``: the ``--set KEY=VALUE`` values (checked by :meth:`Exporter.check_options`);
    ``profile``: the ``--profile`` delivery profile or None; ``progress(done, total)`` after each release."""

    options: Mapping[str, str] = field(default_factory=dict)
    profile: Any = None
    progress: Callable[[int, int | None], None] | None = None


@dataclass
class ExportResult:
    """What an export wrote: how many releases, the paths, and notes to print (one line each)."""

    count: int = 0
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Exporter:
    """A catalog format ``stardust export OUT --format NAME`` writes."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    suffix: ClassVar[str] = ""
    """OUT's suffix that selects this format when ``--format`` is not given (".itmsp")."""
    output: ClassVar[str] = "file"
    """"file": OUT is one file the exporter writes; "directory": OUT is a folder (it may exist) the exporter
    fills, or a new folder named with ``suffix``."""
    options: ClassVar[Mapping[str, str]] = {}
    """``--set KEY=VALUE`` options it takes: name -> help (shown by ``stardust plugin list``)."""

    def check_options(self, options: Mapping[str, str]) -> dict[str, str]:
        """The options to use; refuse unknown or bad ones with a :class:`ValidationError` naming the option."""
        unknown = sorted(set(options) - set(self.options))
        if unknown:
            known = ", ".join(sorted(self.options)) or "none"
            raise ValidationError(f"the {self.name} format takes no option {unknown[0]!r} (options: {known})",
                                  where="--set")
        return dict(options)

    def export(self, items: Iterable[ExportItem], out: Path, context: ExportContext) -> ExportResult:
        """Write the releases to ``out``; nothing half-written under a final name (temporary name + rename)."""
        raise NotImplementedError


# --- the TUI -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaletteCommand:
    """One command palette entry: ``run(app)`` is called on the event loop (start a thread worker for I/O)."""

    label: str
    run: Callable[[Any], object]
    help: str = ""


class ScreenPlugin:
    """A TUI screen. ``make_screen(app)`` returns a :class:`textual.screen.Screen` (import Textual inside
    it, never at module level); the palette gets "Open ``title``" plus :meth:`commands`. Use
    ``app.services`` (the application layer) for data, from thread workers."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    help: ClassVar[str] = ""

    def make_screen(self, app: Any) -> Any:
        raise NotImplementedError

    def commands(self, app: Any) -> Iterable[PaletteCommand]:
        return ()
