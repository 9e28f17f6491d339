"""Shared pieces of the ERN builders: message header data, build options, value formatting, helpers.

Kept free of any version's element layout; each ``vNNN`` module owns its own element order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Literal

from lxml import etree

from stardust_tui.domain.rights import rights_line_text
from stardust_tui.errors import ValidationError

MessageType = Literal["new", "update", "takedown", "purge"]
TakedownStrategy = Literal["remove-deals", "end-validity", "purge"]
MESSAGE_TYPES: tuple[str, ...] = ("new", "update", "takedown", "purge")
TAKEDOWN_STRATEGIES: tuple[str, ...] = ("remove-deals", "end-validity", "purge")
XSI = "http://www.w3.org/2001/XMLSchema-instance"

SubElement = etree.SubElement
DPID_PATTERN = re.compile(r"^PADPIDA[A-Za-z0-9]+$")


@dataclass(frozen=True)
class Party:
    """A message sender or recipient: DDEX party id (DPID) and name."""

    dpid: str
    name: str


@dataclass(frozen=True)
class Header:
    """What goes into the MessageHeader."""

    message_id: str
    sender: Party
    recipients: tuple[Party, ...]
    created: datetime
    thread_id: str | None = None
    test: bool = False


@dataclass(frozen=True)
class BuildOptions:
    message_type: MessageType = "new"
    takedown_strategy: TakedownStrategy = "remove-deals"
    avs_version: str = "3"  # ERN 4.3 AvsVersionId
    track_releases: bool = True  # 4.x: one TrackRelease per recording (album profiles)
    extra: dict[str, str] = field(default_factory=dict)


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    """Append a child element (unqualified, as DDEX children are) with optional text and attributes."""
    el = SubElement(parent, tag, attrib) if attrib else SubElement(parent, tag)
    if text is not None:
        el.text = text
    return el


USER_DEFINED = "UserDefined:"  # the catalog's spelling of a user-defined vocabulary value (lead's decision)


def user_defined(value: str) -> str | None:
    """The text of an explicitly user-defined value (``UserDefined:FollowGated`` -> ``FollowGated``), else None."""
    return value[len(USER_DEFINED):] if value.startswith(USER_DEFINED) else None


def sub_avs(parent: etree._Element, tag: str, value: str, allowed: frozenset[str]) -> etree._Element:
    """An AVS-typed element: the value itself when the version's allowed-value set lists it, else ``UserDefined``
    with the value (an explicitly user-defined one, or a DDEX value this version does not have)."""
    if value in allowed:
        return sub(parent, tag, value)
    return sub(parent, tag, "UserDefined", UserDefinedValue=user_defined(value) or value)


@lru_cache(maxsize=4096)  # a track's length is written three times per message (recording, file, track release)
def iso_duration(seconds: float | None) -> str:
    """xs:duration for a length in seconds: ``PT3M35S``, ``PT1H2M3.5S``; whole seconds when exact."""
    total = max(0.0, float(seconds or 0.0))
    millis = round(total * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    out = "PT"
    if hours:
        out += f"{hours}H"
    if minutes or hours:
        out += f"{minutes}M"
    out += f"{secs}.{ms:03d}".rstrip("0") + "S" if ms else f"{secs}S"
    return out


def iso_datetime(value: datetime) -> str:
    """xs:dateTime in UTC with a ``Z`` suffix and no fractional seconds."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_recipient(text: str) -> Party:
    """``DPID:NAME`` (as given on the command line) as a :class:`Party`."""
    dpid, sep, name = text.partition(":")
    dpid, name = dpid.strip(), name.strip()
    if not dpid or not sep or not name:
        raise ValidationError(f"recipient {text!r} must be DPID:NAME (e.g. PADPIDA2011072101T:Spotify)")
    if not DPID_PATTERN.match(dpid):
        raise ValidationError(f"recipient {dpid!r} is not a DDEX party ID (PADPIDA followed by letters/digits)")
    return Party(dpid=dpid, name=name)


def check_message_type(message_type: str, strategy: str) -> None:
    if message_type not in MESSAGE_TYPES:
        raise ValidationError(f"unknown message type {message_type!r} (one of {', '.join(MESSAGE_TYPES)})")
    if strategy not in TAKEDOWN_STRATEGIES:
        raise ValidationError(f"unknown takedown strategy {strategy!r} (one of {', '.join(TAKEDOWN_STRATEGIES)})")


def sampling_rate_khz(rate_hz: int) -> str:
    """A sample rate in kHz as DDEX messages usually state it: 44100 -> ``44.1``."""
    text = f"{rate_hz / 1000:.3f}".rstrip("0").rstrip(".")
    return text


def p_line_text(year: int | None, text: str) -> str:
    """A P-line as displayed: ``(P) 2024 Label``, the symbol and the year once (``domain.rights``): a stored
    ``2024 Label`` or ``℗ 2024 Label`` with year 2024 is not written ``(P) 2024 2024 Label``."""
    return rights_line_text("P", year, text)


def c_line_text(year: int | None, text: str) -> str:
    """A C-line as displayed: ``(C) 2024 Label``, the symbol and the year once."""
    return rights_line_text("C", year, text)


IMAGE_CODECS = {"JPEG": "JPEG", "JPG": "JPEG", "PNG": "PNG", "TIFF": "TIFF", "GIF": "GIF"}


def image_codec_and_size(td: etree._Element, file: Any) -> None:
    """ImageCodecType, ImageHeight and ImageWidth of a front-cover file (same elements in 3.8.2 and 4.x)."""
    codec = IMAGE_CODECS.get((file.container or file.codec or "").upper())
    if codec:
        sub(td, "ImageCodecType", codec)
    if file.height:
        sub(td, "ImageHeight", str(file.height), UnitOfMeasure="Pixel")
    if file.width:
        sub(td, "ImageWidth", str(file.width), UnitOfMeasure="Pixel")
