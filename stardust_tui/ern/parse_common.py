"""What reading an ERN message gives (:class:`ParsedRelease`: the release as a :class:`ReleaseView` plus notes),
and the value readers both parsers share (durations, dates, sampling rates, AVS values, files).

:mod:`stardust_tui.ern.parse` chooses the parser by version (:mod:`.parse_382`, :mod:`.parse_4x`). A view
read from a message uses the message's own references (A1, R0, P-names) and marks every title, line and
track release as stated, so building it again writes what the message said. No database access.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

from lxml import etree

from stardust_tui.domain.release_types import canonical_release_type, is_ddex_release_type
from stardust_tui.ern.common import USER_DEFINED
from stardust_tui.ern.parse_seen import Seen
from stardust_tui.ern.view_model import FileView, ReleaseView

_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


@dataclass
class ParsedRelease:
    """A NewReleaseMessage read into a view; ``skipped`` lists what the catalog cannot keep (by element path)."""

    version: str
    message_id: str | None
    view: ReleaseView
    skipped: list[str] = field(default_factory=list)

    # Summary fields for ``ern show`` and reports.
    @property
    def title(self) -> str:
        return self.view.release.title

    @property
    def subtitle(self) -> str | None:
        return self.view.release.subtitle

    @property
    def display_artist(self) -> str:
        return self.view.release.display_artist

    @property
    def release_type(self) -> str:
        return self.view.release.release_type

    @property
    def upc(self) -> str | None:
        return self.view.release.upc

    @property
    def catalog_number(self) -> str | None:
        return self.view.release.catalog_number

    @property
    def grid(self) -> str | None:
        return self.view.release.grid

    @property
    def label(self) -> str | None:
        return self.view.release.label_name or None

    @property
    def genre(self) -> str | None:
        return self.view.release.genre or None

    @property
    def release_date(self) -> date | None:
        return self.view.release.release_date

    @property
    def tracks(self) -> list[Any]:
        return [SimpleNamespace(disc=r.disc, number=r.track, isrc=r.isrc, duration=r.duration_seconds, title=r.title,
                                file=r.file) for r in self.view.recordings]

    @property
    def cover(self) -> FileView | None:
        image = self.view.image
        return image.file if image is not None else None

    @property
    def deals(self) -> list[Any]:
        return [SimpleNamespace(territories=list(d.territories), excluded=list(d.excluded_territories),
                                commercial_models=list(d.commercial_models), use_types=list(d.use_types),
                                start=d.start, end=d.end) for d in self.view.deals]


def duration_seconds(value: str | None) -> float | None:
    if not value:
        return None
    m = _DURATION.match(value.strip())
    if not m:
        return None
    days, hours, minutes, seconds = m.groups()
    return (int(days or 0) * 86400 + int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0))


def parse_when(value: str | None, *, end: bool = False) -> datetime | None:
    if not value:
        return None
    v = value.strip().replace("Z", "+00:00")
    try:
        if "T" in v:
            dt = datetime.fromisoformat(v)
            return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
        if len(v) == 4:
            v += "-12-31" if end else "-01-01"
        elif len(v) == 7:
            v += "-01"
        return datetime.combine(date.fromisoformat(v[:10]), datetime.min.time(), tzinfo=UTC)
    except ValueError:
        return None


def parse_day(value: str | None) -> date | None:
    when = parse_when(value)
    return when.date() if when else None


def int_or_none(value: str | None) -> int | None:
    try:
        return int(float(value)) if value else None
    except ValueError:
        return None


def float_or_none(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def sample_rate_hz(el: etree._Element | None) -> int | None:
    if el is None or not el.text:
        return None
    try:
        value = float(el.text)
    except ValueError:
        return None
    unit = (el.get("UnitOfMeasure") or ("kHz" if value < 1000 else "Hz")).lower()
    factor = {"hz": 1, "khz": 1000, "mhz": 1_000_000, "ghz": 1_000_000_000}.get(unit, 1)
    return round(value * factor)


def kbps(el: etree._Element | None) -> int | None:
    """A BitRate in kbit/s whatever its unit."""
    value = float_or_none(el.text.strip() if el is not None and el.text else None)
    if value is None or el is None:
        return None
    unit = (el.get("UnitOfMeasure") or "kbps").lower()
    scale = {"bps": 0.001, "kbps": 1, "mbps": 1000, "gbps": 1_000_000}.get(unit, 1)
    return round(value * scale)


def role_of(el: etree._Element | None) -> str | None:
    """An AVS value: the value itself, or ``UserDefined:<value>`` for a user-defined one (the catalog's spelling)."""
    if el is None:
        return None
    value = " ".join((el.text or "").split()) or None
    if value == "UserDefined" and el.get("UserDefinedValue"):
        return USER_DEFINED + str(el.get("UserDefinedValue", "")).strip()
    return value


def release_type_of(el: etree._Element | None) -> str | None:
    """A ReleaseType: a user-defined one that names a DDEX type of another version is that type."""
    value = role_of(el)
    if value and value.startswith(USER_DEFINED) and is_ddex_release_type(value[len(USER_DEFINED):]):
        value = value[len(USER_DEFINED):]
    return canonical_release_type(value) if value else None


def file_view(seen: Seen, holder: etree._Element | None, kind: str) -> FileView | None:
    """The file a technical-details block (or 4.3 DeliveryFile) describes, with its facts."""
    if holder is None:
        return None
    f = seen.find(holder, "File")
    if f is None:
        return None
    name = seen.text(f, "URI") or seen.text(f, "URL")
    if name is None and f.find("FileName") is not None:
        folder = (seen.text(f, "FilePath") or "").rstrip("/")
        name = f"{folder}/{seen.text(f, 'FileName')}" if folder else seen.text(f, "FileName")
    if not name:
        return None
    hash_block = seen.find(f, "HashSum")
    algorithm = (seen.text(hash_block, "Algorithm") or seen.text(hash_block, "HashSumAlgorithmType") or "").upper()
    value = seen.text(hash_block, "HashSumValue") or seen.text(hash_block, "HashSum")
    t = seen.text
    codec = {"SoundRecording": "AudioCodecType", "Image": "ImageCodecType", "Text": "TextCodecType"}.get(kind)
    return FileView(
        name=name, md5=value.lower() if value and algorithm == "MD5" else None,
        size=int_or_none(t(f, "FileSize")), codec=role_of(seen.find(holder, codec)) if codec else None,
        container=role_of(seen.find(holder, "ContainerFormat")),
        bit_depth=int_or_none(t(holder, "BitsPerSample") or t(holder, "BitDepth") or t(holder, "AudioBitsPerSample")),
        sample_rate=sample_rate_hz(seen.find(holder, "SamplingRate") if holder.find("SamplingRate") is not None
                                   else seen.find(holder, "AudioSamplingRate")),
        channels=int_or_none(t(holder, "NumberOfChannels") or t(holder, "NumberOfAudioChannels")),
        duration_seconds=duration_seconds(t(holder, "Duration")),
        width=int_or_none(t(holder, "ImageWidth")), height=int_or_none(t(holder, "ImageHeight")),
        video_codec=role_of(seen.find(holder, "VideoCodecType")) if kind == "Video" else None,
        frame_rate=float_or_none(t(holder, "FrameRate")), bit_rate=kbps(seen.find(holder, "OverallBitRate")),
        audio_codec=role_of(seen.find(holder, "AudioCodecType")) if kind == "Video" else None,
        video_bit_rate=kbps(seen.find(holder, "VideoBitRate")),
        audio_bit_rate=kbps(seen.find(holder, "AudioBitRate" if kind == "Video" else "BitRate")), from_message=True,
    )


def preview_terms(seen: Any, tech: Any) -> dict[str, Any]:
    """The preview's length and expression type of a TechnicalDetails block (3.8.2/4.2 PreviewDetails, 4.3
    ClipDetails), as ResourceView fields; Instructive (what the builders write by default) is left unset."""
    if tech is None:
        return {}
    length = seen.text(tech, "PreviewDetails/Duration") or seen.text(tech, "ClipDetails/Timing/DurationUsed")
    expression = seen.text(tech, "ClipDetails/ExpressionType") or seen.text(tech, "PreviewDetails/ExpressionType")
    out: dict[str, Any] = {}
    if length:
        out["preview_duration"] = duration_seconds(length)
    if expression and expression != "Instructive":
        out["preview_expression"] = expression
    return out
