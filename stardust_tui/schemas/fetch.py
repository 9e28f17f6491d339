"""Collect one schema set from a source: its main file and everything it imports, made self-contained.

Starting from the main file, every ``xs:import``/``xs:include`` is followed (relative or absolute URLs, e.g.
the allowed-value sets ERN imports from ``http://ddex.net/xml/...``) and every file is checked on the way.
The set is stored flat in its folder (``ern-43/release-notification.xsd``, ``ern-43/allowed-value-sets.xsd``)
and each ``schemaLocation`` is pointed at the local copy, so the folder compiles offline; the SHA-256 of the
bytes as fetched is kept next to the SHA-256 of the file as stored.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from stardust_tui.schemas.catalog import SchemaSet
from stardust_tui.schemas.checks import SchemaFetchError, declares_element, rewrite_refs, schema_refs, target_namespace
from stardust_tui.schemas.sources import Source

MAX_FILES_PER_SET = 50


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class FetchedFile:
    """One file of a set as it will be stored."""

    name: str  # file name inside the set's folder
    origin: str  # the URL or path it was read from
    data: bytes  # as stored (imports pointed at local copies)
    fetched_sha256: str  # of the bytes as read

    @property
    def sha256(self) -> str:
        return sha256(self.data)


@dataclass
class FetchedSet:
    """A complete schema set, ready to install."""

    schema: SchemaSet
    source: str
    files: list[FetchedFile] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(len(f.data) for f in self.files)


def _local_name(origin: str, taken: set[str]) -> str:
    base = posixpath.basename(urlsplit(origin).path if urlsplit(origin).scheme else origin) or "schema.xsd"
    stem, dot, ext = base.rpartition(".")
    name, n = base, 2
    while name in taken:
        name = f"{stem}-{n}.{ext}" if dot else f"{base}-{n}"
        n += 1
    taken.add(name)
    return name


def collect(source: Source, s: SchemaSet, on_file: Callable[[str, int], None] | None = None) -> FetchedSet | None:
    """The set ``s`` from ``source`` with every file it needs, or None when the source does not have it."""
    main = source.locate(s)
    if main is None:
        return None
    data, root = source.get(main)
    if target_namespace(root) != s.namespace:
        raise SchemaFetchError(f"declares namespace {target_namespace(root) or '(none)'}, not {s.namespace} "
                               f"({s.label})", where=main)
    if not declares_element(root, s.root_element):
        raise SchemaFetchError(f"does not declare {s.root_element}: not the {s.label} main schema", where=main)
    names = {main: s.main}
    taken = {s.main}
    order = [main]
    rewrites: dict[str, dict[str, str]] = {}
    i = 0
    while i < len(order):
        origin = order[i]
        i += 1
        data, root = source.get(origin)
        if on_file is not None:
            on_file(source.display(origin), len(data))
        mapping: dict[str, str] = {}
        for ref in schema_refs(root):
            dep = source.resolve(origin, ref)
            if dep not in names:
                if len(names) >= MAX_FILES_PER_SET:
                    raise SchemaFetchError(f"{s.label} imports more than {MAX_FILES_PER_SET} files", where=origin)
                names[dep] = _local_name(dep, taken)
                order.append(dep)
            mapping[ref] = names[dep]
        rewrites[origin] = mapping
    out = FetchedSet(s, source.description)
    for origin in order:
        data, _ = source.get(origin)
        out.files.append(FetchedFile(names[origin], source.display(origin),
                                     rewrite_refs(data, rewrites[origin], source.display(origin)), sha256(data)))
    return out
