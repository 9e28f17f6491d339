"""Names of delivered files: THE one function, used by the ERN builders and the delivery engine alike.

``delivered_file_name(role, ...)`` names audio, image, other resource and message files from a pattern,
so the name written in a message's technical details and the name uploaded on the wire can never differ.
A delivery profile may pass its own :class:`NamingPatterns`; the defaults follow common DSP practice:
``<UPC>_<disc:02>_<track:03>.<ext>`` for audio, ``<UPC>.<ext>`` for artwork and ``<UPC>.xml``; other
resources (videos, booklets, screen captures...) are ``<UPC>_<key>.<ext>`` with the resource's key.

Pattern fields: ``{upc}`` (the release's UPC, or its GRid when it has none), ``{disc}``, ``{track}``,
``{isrc}``, ``{key}``, ``{ext}`` with Python format specs (``{disc:02d}``). A pattern that names an unknown
field, or yields a path (``/``, ``..``), is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Literal

from stardust_tui.errors import ValidationError

Role = Literal["audio", "image", "resource", "message"]

_FIELDS = {"upc", "disc", "track", "isrc", "key", "ext"}
_FIELD_RE = re.compile(r"\{([a-z_]+)(?::[^}]*)?\}")
_EXT_BY_CONTAINER = {"WAV": "wav", "FLAC": "flac", "MP3": "mp3", "JPEG": "jpg", "PNG": "png", "AIFF": "aif",
                     "MP4": "mp4", "QUICKTIME": "mov", "PDF": "pdf", "MIDI": "mid",
                     "TIFF": "tif"}
_EXT_ALIASES = {"jpeg": "jpg", "wave": "wav", "aiff": "aif", "tiff": "tif"}


@dataclass(frozen=True)
class NamingPatterns:
    """How delivered files are named (a delivery profile may override any of the three)."""

    audio: str = "{upc}_{disc:02d}_{track:03d}.{ext}"
    image: str = "{upc}.{ext}"
    message: str = "{upc}.xml"
    resource: str = "{upc}_{key}.{ext}"

    def __post_init__(self) -> None:
        for role in ("audio", "image", "message", "resource"):
            pattern = getattr(self, role)
            unknown = set(_FIELD_RE.findall(pattern)) - _FIELDS
            if unknown:
                raise ValidationError(f"unknown field(s) {', '.join(sorted(unknown))} in {role} file-name "
                                      f"pattern {pattern!r} (allowed: {', '.join(sorted(_FIELDS))})")

    @classmethod
    def from_mapping(cls, data: dict[str, Any] | None) -> NamingPatterns:
        """Patterns from a profile table such as ``{"audio": "...", "image": "..."}``."""
        if not data:
            return DEFAULT_PATTERNS
        return cls(**{k: str(v) for k, v in data.items() if k in ("audio", "image", "message", "resource")})


DEFAULT_PATTERNS = NamingPatterns()


def extension_for(asset: Any) -> str:
    """The file extension (no dot, lower case) to deliver an asset under: from its name, else its container."""
    suffix = PurePosixPath(getattr(asset, "original_name", "") or "").suffix.lower().lstrip(".")
    if suffix:
        return _EXT_ALIASES.get(suffix, suffix)
    container = (getattr(asset, "container", None) or "").upper()
    return _EXT_BY_CONTAINER.get(container, "bin")


def delivered_file_name(role: Role, *, upc: str, disc: int = 1, track: int = 1, ext: str = "xml",
                        isrc: str | None = None, key: str | None = None,
                        patterns: NamingPatterns | None = None) -> str:
    """The name a file is delivered under (no folder): e.g. ``00602445790128_01_003.flac``."""
    patterns = patterns or DEFAULT_PATTERNS
    if role not in ("audio", "image", "resource", "message"):
        raise ValidationError(f"unknown file role {role!r} (audio, image, resource or message)")
    pattern = getattr(patterns, role)
    values = {"upc": upc or "NOUPC", "disc": int(disc), "track": int(track), "isrc": isrc or "", "key": key or "",
              "ext": _EXT_ALIASES.get(ext.lower().lstrip("."), ext.lower().lstrip("."))}
    try:
        name: str = pattern.format(**values)
    except (ValueError, KeyError, IndexError) as exc:
        raise ValidationError(f"bad {role} file-name pattern {pattern!r}: {exc}") from None
    if not name or "/" in name or "\\" in name or name in (".", "..") or name.startswith("."):
        raise ValidationError(f"{role} file-name pattern {pattern!r} gives an unusable name {name!r}")
    return name
