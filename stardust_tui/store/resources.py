"""A release's resources other than tracks and cover: add, list, remove (videos, images, texts, MIDI...).

``add_resource`` attaches a stored asset to a release as a DDEX resource of a kind (Video, Image, Text,
MIDI, SheetMusic, Software, SoundRecording) and type (ShortFormMusicalWorkVideo, VideoScreenCapture,
NonInteractiveBooklet...). The kind must match what the asset is (a video file for a Video...), the type
must be one some ERN version lists for that kind (or an explicit ``UserDefined:<value>``). Call
``save_release`` afterwards, as for tracks: the change is one revision.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from stardust_tui.domain.models import Asset, Release
from stardust_tui.domain.release_types import DEFAULT_RESOURCE_TYPES, RESOURCE_KINDS, VERSIONS, resource_types
from stardust_tui.domain.resource_models import ReleaseResource
from stardust_tui.errors import ValidationError

# Which asset kinds a resource kind takes (an "other" asset is a file we hold but cannot read the facts of).
ASSET_KINDS = {"SoundRecording": ("audio",), "Video": ("video",), "Image": ("image",), "Text": ("text", "other"),
               "MIDI": ("midi",), "SheetMusic": ("text", "image", "other"), "Software": ("other",),
               "UserDefinedResource": ("other", "audio", "video", "image", "text", "midi")}


def resource_kind_and_type(kind: str, resource_type: str | None) -> tuple[str, str]:
    """The canonical kind and type, or a :class:`ValidationError` naming what is accepted."""
    found = next((k for k in RESOURCE_KINDS if k.lower() == kind.strip().lower()), None)
    if found is None:
        raise ValidationError(f"unknown resource kind {kind!r} (one of {', '.join(RESOURCE_KINDS)})",
                              where="resource kind")
    value = (resource_type or DEFAULT_RESOURCE_TYPES[found]).strip()
    if value.startswith("UserDefined:") and len(value) > len("UserDefined:"):
        return found, value
    known = set().union(*(resource_types(found, v) for v in VERSIONS))
    match = next((t for t in known if t.lower() == value.lower()), None)
    if match is None and found not in ("SheetMusic", "UserDefinedResource"):
        raise ValidationError(f"{value!r} is not a DDEX {found} type (e.g. {', '.join(sorted(known)[:6])}...; write "
                              f"UserDefined:<value> for a user-defined one)", where="resource type")
    return found, match or value


def add_resource(session: Session, release: Release, *, kind: str, asset: Asset | None,
                 resource_type: str | None = None, title: str | None = None, **fields: Any) -> ReleaseResource:
    """Attach ``asset`` to ``release`` as a new resource (next position, a fresh key ``X<n>``)."""
    kind, resource_type = resource_kind_and_type(kind, resource_type)
    if asset is not None and asset.kind not in ASSET_KINDS[kind]:
        raise ValidationError(f"{asset.original_name} is a {asset.kind} file, not a {kind} "
                              f"({'/'.join(ASSET_KINDS[kind])})", where="resource file")
    rows = list(release.resources)
    keys = {r.key for r in rows} | {t.key for t in release.tracks if t.key}
    n = len(rows) + 1
    while f"X{n}" in keys:
        n += 1
    row = ReleaseResource(key=f"X{n}", position=max((r.position for r in rows), default=-1) + 1, kind=kind,
                          resource_type=resource_type, title=title, asset=asset, **fields)
    release.resources.append(row)
    return row


def remove_resource(release: Release, key: str) -> ReleaseResource:
    """Detach the resource ``key`` (its asset stays in the store)."""
    for row in release.resources:
        if row.key == key:
            release.resources.remove(row)
            return row
    raise ValidationError(f"release {release.id} has no resource {key!r}", where="resource")
