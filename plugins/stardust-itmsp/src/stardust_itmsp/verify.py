"""A structural check of an iTunes package folder (``stardust itmsp verify``, and before a package is kept).

It checks what can be checked without Apple's own tools: the folder is ``<vendor_id>.itmsp`` with
``metadata.xml`` at its top level (UTF-8 XML in the importer namespace, parsed with entities and network
off), one album whose vendor id is letters, digits and underscores and names the folder, a UPC with a valid
check digit, a title, a label and an ISO release date, a track count that matches and is at most 500, track
numbers 1..n on each volume, ISRCs well formed, and every file the metadata names present at the top level
with the stated size and MD5 — and no other file in the package. It does not validate against Apple's schema
(run Apple's Transporter ``-m verify`` for that before an upload).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lxml import etree

from stardust_itmsp.metadata import MAX_TRACKS, NS, VENDOR_ID

ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")
MD5 = re.compile(r"^[0-9a-f]{32}$")


@dataclass
class Verdict:
    """What the check found: ``problems`` (empty: the package is sound), tracks and files counted."""

    package: Path
    problems: list[str] = field(default_factory=list)
    tracks: int = 0
    files: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def gtin_ok(code: str) -> bool:
    """A UPC-A/EAN-13 with a correct check digit."""
    if not code.isascii() or not code.isdigit() or len(code) not in (12, 13):
        return False
    digits = [int(c) for c in code]
    body, check = digits[:-1], digits[-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def _text(node: etree._Element | None, tag: str) -> str:
    found = node.find(f"{{{NS}}}{tag}") if node is not None else None
    return (found.text or "").strip() if found is not None else ""


def _files(verdict: Verdict, root: etree._Element, folder: Path) -> set[str]:
    named: set[str] = set()
    for file_node in root.iter(f"{{{NS}}}file", f"{{{NS}}}audio_file", f"{{{NS}}}data_file"):
        name, size, checksum = _text(file_node, "file_name"), _text(file_node, "size"), file_node.find(
            f"{{{NS}}}checksum")
        where = f"file {name or '(no name)'}"
        if not name or "/" in name or "\\" in name or name in (".", "..") or name.startswith("."):
            verdict.problems.append(f"{where}: not a plain file name at the package's top level")
            continue
        named.add(name)
        path = folder / name
        if not path.is_file():
            verdict.problems.append(f"{where}: named in metadata.xml but not in the package")
            continue
        if not size.isdigit() or int(size) != path.stat().st_size:
            verdict.problems.append(f"{where}: size {size or '(none)'} != {path.stat().st_size} bytes on disk")
        value = (checksum.text or "").strip().lower() if checksum is not None else ""
        if checksum is None or checksum.get("type") != "md5" or not MD5.match(value):
            verdict.problems.append(f"{where}: no <checksum type=\"md5\"> of 32 hex digits")
        elif value != _md5(path):
            verdict.problems.append(f"{where}: MD5 {value} does not match the file")
    verdict.files = len(named)
    return named


def _tracks(verdict: Verdict, album: etree._Element) -> None:
    tracks = album.findall(f"{{{NS}}}tracks/{{{NS}}}track")
    verdict.tracks = len(tracks)
    count = _text(album, "track_count")
    if count != str(len(tracks)):
        verdict.problems.append(f"track_count {count or '(none)'} != {len(tracks)} tracks")
    if not 1 <= len(tracks) <= MAX_TRACKS:
        verdict.problems.append(f"an album has 1 to {MAX_TRACKS} tracks, this one {len(tracks)}")
    volumes: dict[int, list[int]] = {}
    for i, track in enumerate(tracks, start=1):
        number, volume = _text(track, "track_number"), _text(track, "volume_number") or "1"
        if not number.isdigit() or not volume.isdigit():
            verdict.problems.append(f"track {i}: track_number/volume_number must be numbers")
            continue
        volumes.setdefault(int(volume), []).append(int(number))
        if not _text(track, "title"):
            verdict.problems.append(f"track {volume}-{number}: no title")
        isrc = _text(track, "isrc")
        if isrc and not ISRC.match(isrc):
            verdict.problems.append(f"track {volume}-{number}: {isrc!r} is not an ISRC (CCXXXYYNNNNN)")
        if track.find(f"{{{NS}}}audio_file") is None and track.find(f".//{{{NS}}}data_file") is None:
            verdict.problems.append(f"track {volume}-{number}: no audio file")
    for volume, numbers in sorted(volumes.items()):
        if sorted(numbers) != list(range(1, len(numbers) + 1)):
            verdict.problems.append(f"volume {volume}: track numbers {sorted(numbers)} are not 1..{len(numbers)}")


def verify_package(folder: Path, *, as_name: str | None = None) -> Verdict:
    """Check one ``*.itmsp`` folder; the verdict lists every problem found. ``as_name``: check a folder being
    built (a temporary name) as if it were already named so."""
    verdict = Verdict(folder)
    name = as_name or folder.name
    if not folder.is_dir() or not name.endswith(".itmsp"):
        verdict.problems.append("not an .itmsp folder")
        return verdict
    meta = folder / "metadata.xml"
    if not meta.is_file():
        verdict.problems.append("no metadata.xml at the package's top level")
        return verdict
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.parse(str(meta), parser).getroot()
    except etree.XMLSyntaxError as exc:
        verdict.problems.append(f"metadata.xml is not well-formed XML: {exc}")
        return verdict
    if root.tag != f"{{{NS}}}package" or not (root.get("version") or "").startswith("music"):
        verdict.problems.append(f"metadata.xml: the root is not a <package version=\"music...\"> in {NS}")
    if (root.getroottree().docinfo.encoding or "").upper() != "UTF-8":
        verdict.problems.append("metadata.xml must be UTF-8")
    if not _text(root, "provider"):
        verdict.problems.append("metadata.xml: no <provider>")
    albums = root.findall(f"{{{NS}}}album")
    if len(albums) != 1:
        verdict.problems.append(f"metadata.xml holds {len(albums)} <album> elements, not 1")
        return verdict
    album = albums[0]
    vendor = _text(album, "vendor_id")
    if not VENDOR_ID.match(vendor):
        verdict.problems.append(f"vendor_id {vendor!r}: only letters, digits and '_'")
    elif name != f"{vendor}.itmsp":
        verdict.problems.append(f"the folder is {name}; its vendor_id says {vendor}.itmsp")
    upc = _text(album, "upc")
    if upc and not gtin_ok(upc):
        verdict.problems.append(f"upc {upc!r} is not a UPC/EAN with a valid check digit")
    for tag in ("title", "label_name"):
        if not _text(album, tag):
            verdict.problems.append(f"album: no <{tag}>")
    try:
        date.fromisoformat(_text(album, "original_release_date"))
    except ValueError:
        verdict.problems.append("album: original_release_date is not a YYYY-MM-DD date")
    if len(album.findall(f"{{{NS}}}artwork_files/{{{NS}}}file")) != 1:
        verdict.problems.append("album: exactly one artwork file is expected")
    _tracks(verdict, album)
    named = _files(verdict, root, folder)
    extra = sorted(p.name for p in folder.iterdir() if p.name != "metadata.xml" and p.name not in named)
    if extra:
        verdict.problems.append(f"files metadata.xml does not name: {', '.join(extra)}")
    return verdict
