"""The official DDEX schemas: fetch and install them, list what is installed and in use, verify their hashes.

Behind ``stardust schemas fetch|list|verify``, the doctor and the Health screen. Fetching is blocking network
and file I/O: call it from a thread, never from an event loop. Installing is an admin action (it changes
what every delivery is validated with); listing and verifying only read.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stardust_tui.schemas.install import FileCheck, InstalledSet
    from stardust_tui.services import Services


@dataclass(frozen=True)
class FetchedSummary:
    key: str
    label: str
    files: int
    size: int
    origin: str


@dataclass
class FetchOutcome:
    """What ``schemas fetch`` did: the sets installed, optional ones the source lacked, notes."""

    root: Path
    source: str
    sets: list[FetchedSummary] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    in_use: Path | None = None
    origin: str = "installed"


@dataclass
class SchemaListing:
    """What is installed, where, and which folder the ERN engine actually uses."""

    installed_root: Path
    installed: list[InstalledSet]
    in_use: Path | None
    origin: str
    configured_versions: list[str] = field(default_factory=list)


class SchemaService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def folder(self, explicit: str | Path | None = None) -> Path | None:
        """The schema folder ERN validation uses now (configured first, else installed), or None."""
        from stardust_tui.schemas.resolve import schema_folder

        return schema_folder(self.services.settings, explicit)

    def fetch(self, source: str | None = None, versions: Sequence[str] = ("all",),
              on_file: Callable[[str, int], None] | None = None) -> FetchOutcome:
        """Fetch the ERN sets named (and the choreography schemas) and install them whole; blocking."""
        from stardust_tui.schemas.catalog import sets_for
        from stardust_tui.schemas.checks import SchemaFetchError
        from stardust_tui.schemas.fetch import FetchedSet, collect
        from stardust_tui.schemas.install import install
        from stardust_tui.schemas.resolve import origin_of, schema_folder
        from stardust_tui.schemas.sources import open_source

        self.services.authorize("store.admin")
        settings = self.services.settings
        src = open_source(source)
        try:
            got: list[FetchedSet] = []
            missing: list[str] = []
            for s in sets_for(tuple(versions)):
                fetched = collect(src, s, on_file)
                if fetched is None:
                    if s.required:
                        raise SchemaFetchError(f"no {s.label} schema found (looked for "
                                               f"{' and '.join(s.candidates())} and by namespace {s.namespace})",
                                               where=src.description)
                    missing.append(s.label)
                    continue
                got.append(fetched)
            root = install(settings.paths, got, now=self.services.now())
            notes = list(src.notes)
        finally:
            src.close()
        if settings.ddex_schemas is None or settings.ddex_schemas_origin == "installed":
            settings.ddex_schemas, settings.ddex_schemas_origin = root, "installed"
        outcome = FetchOutcome(root, src.description, missing=missing, notes=notes,
                               in_use=schema_folder(settings), origin=origin_of(settings))
        outcome.sets = [FetchedSummary(f.schema.key, f.schema.label, len(f.files), f.size, f.files[0].origin)
                        for f in got]
        return outcome

    def list(self) -> SchemaListing:
        from stardust_tui.schemas.install import installed_root, installed_sets
        from stardust_tui.schemas.resolve import origin_of, schema_folder

        self.services.authorize("release.read")
        settings = self.services.settings
        root = installed_root(settings.paths)
        in_use = schema_folder(settings)
        listing = SchemaListing(root, installed_sets(root), in_use, origin_of(settings))
        if in_use is not None and listing.origin != "installed":
            from stardust_tui.schemas.catalog import ERN_SETS

            listing.configured_versions = [s.key for s in ERN_SETS if (in_use / s.folder / s.main).is_file()]
        return listing

    def verify(self) -> builtins.list[FileCheck]:
        """Every installed file re-hashed against the manifest (ConfigError when nothing is installed)."""
        from stardust_tui.schemas.install import installed_root, verify

        self.services.authorize("release.read")
        return verify(installed_root(self.services.settings.paths))
