"""Finding installed plugin distributions: the ``stardust.*`` entry points on ``sys.path``, read cheaply.

``importlib.metadata.entry_points()`` would do the same job, but importing ``importlib.metadata`` and
parsing the entry points of every installed distribution costs 50-70 ms on this project's venv (about a
quarter of ``stardust --help``). :func:`scan` reads what it reads: for each folder on ``sys.path`` it lists
the ``*.dist-info`` / ``*.egg-info`` metadata folders, opens their ``entry_points.txt`` and keeps only those
mentioning a ``[stardust.`` group (a few milliseconds when no plugin is installed); for those it parses the
entry points (the PyPA entry points file format: an ini file, ``name = module:attr [extras]``) and the
``Name``/``Version`` headers of ``METADATA`` (``PKG-INFO`` for egg-info). Like ``importlib.metadata``, the
first distribution of a name on ``sys.path`` wins. Zipped eggs are not looked into.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

GROUP_PREFIX = "stardust."


@dataclass(frozen=True)
class EntryPoint:
    """``name = value`` in ``[group]``; ``value`` is ``module`` or ``module:attr.attr``."""

    group: str
    name: str
    value: str

    @property
    def module(self) -> str:
        return self.value.partition(":")[0].strip()

    @property
    def attr(self) -> str:
        return self.value.partition(":")[2].strip()


@dataclass(frozen=True)
class Distribution:
    """One installed distribution that declares ``stardust.*`` entry points."""

    name: str
    version: str
    path: Path
    entry_points: tuple[EntryPoint, ...]

    @property
    def key(self) -> str:
        return normalize(self.name)


def normalize(name: str) -> str:
    """A project name as PEP 503 compares them: lower case, runs of ``-_.`` as one ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_entry_points(text: str, prefix: str = GROUP_PREFIX) -> list[EntryPoint]:
    """The entry points of the groups starting with ``prefix`` (extras ``[...]`` after a value are dropped)."""
    out: list[EntryPoint] = []
    group = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            group = line[1:-1].strip()
            continue
        if group is None or not group.startswith(prefix) or "=" not in line:
            continue
        name, _, value = line.partition("=")
        value = re.sub(r"\s*\[.*\]\s*$", "", value).strip()
        if name.strip() and value:
            out.append(EntryPoint(group, name.strip(), value))
    return out


def _headers(folder: Path) -> tuple[str | None, str | None]:
    for file in ("METADATA", "PKG-INFO"):
        try:
            with open(folder / file, encoding="utf-8", errors="replace") as fh:
                name = version = None
                for line in fh:
                    if not line.strip():
                        break  # the end of the headers
                    key, _, value = line.partition(":")
                    if key == "Name":
                        name = value.strip()
                    elif key == "Version":
                        version = value.strip()
                return name, version
        except OSError:
            continue
    return None, None


def _fallback_name(folder: Path) -> tuple[str, str]:
    """``name-1.0.dist-info`` -> (name, 1.0) when METADATA says nothing."""
    stem = folder.name.rsplit(".", 1)[0]
    name, _, rest = stem.partition("-")
    return name, rest.partition("-py")[0] or "?"


def _metadata_folders(entries: Iterable[str]) -> Iterator[Path]:
    for entry in entries:
        folder = entry or os.getcwd()
        try:
            listing = os.scandir(folder)
        except OSError:  # a zip file on sys.path, a missing folder
            continue
        with listing:
            names = sorted(e.name for e in listing if e.name.endswith((".dist-info", ".egg-info")))
        for name in names:
            yield Path(folder, name)


def scan(entries: Iterable[str] | None = None) -> list[Distribution]:
    """Every distribution on ``sys.path`` (or ``entries``) declaring ``stardust.*`` entry points."""
    found: list[Distribution] = []
    seen: set[str] = set()  # every distribution's name, by its folder: a later copy of a name is shadowed
    for folder in _metadata_folders(sys.path if entries is None else entries):
        key = normalize(_fallback_name(folder)[0])
        if key in seen:
            continue
        seen.add(key)
        try:
            text = (folder / "entry_points.txt").read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if "[" + GROUP_PREFIX not in text:
            continue
        points = parse_entry_points(text)
        if not points:
            continue
        name, version = _headers(folder)
        fallback = _fallback_name(folder)
        found.append(Distribution(name or fallback[0], version or fallback[1], folder, tuple(points)))
    return found
