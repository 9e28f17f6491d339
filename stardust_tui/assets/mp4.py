"""Facts of an ISO base media file (MP4, MOV/QuickTime, M4V, M4A) read from its box headers.

Only the ``moov`` box is read (the media data is skipped with a seek), so a 4 GB video costs the same as a
4 MB one. For each track: its handler (``vide``/``soun``), duration, the sample entry's codec four-cc and,
for video, width, height and frame rate (samples per second from ``stts``); for sound, channels and sample
rate. :func:`read_mp4` returns the facts of the file's first video track (and its first sound track's
audio), or of its sound track when it has no video. A file that is not an ISO media file, or whose
``moov`` is missing or cut short, raises :class:`ValidationError` with one line.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from stardust_tui.errors import ValidationError

_CONTAINERS = {b"qt  ": "QUICKTIME"}
VIDEO_CODECS = {"avc1": "AVC", "avc3": "AVC", "hvc1": "HEVC", "hev1": "HEVC", "mp4v": "MPEG-4", "s263": "H.263",
                "apcn": "ProRes-422", "apch": "ProRes-422_HQ", "apcs": "ProRes-422_LT", "apco": "ProRes-422_Proxy",
                "ap4h": "ProRes-4444", "ap4x": "ProRes-4444_XQ", "mp2v": "MPEG-2", "av01": "AV1", "vp09": "VP9"}
AUDIO_CODECS = {"mp4a": "AAC", "ac-3": "AC-3", "ec-3": "DolbyDigitalPlus", "alac": "ALAC", "lpcm": "PCM",
                "sowt": "PCM", "twos": "PCM", "fLaC": "FLAC", "Opus": "Opus", ".mp3": "MP3"}
_CONTAINER_BOXES = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts"}
_MAX_MOOV = 64 * 1024 * 1024


@dataclass
class Track:
    handler: str = ""
    timescale: int = 0
    duration: int = 0
    codec: str = ""
    width: int = 0
    height: int = 0
    samples: int = 0
    channels: int = 0
    sample_rate: int = 0


def is_iso_media(head: bytes) -> bool:
    return len(head) >= 12 and head[4:8] == b"ftyp"


def _boxes(data: bytes, start: int, end: int) -> list[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of the boxes in ``data[start:end]``."""
    out = []
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        header = 8
        if size == 1 and pos + 16 <= end:
            size = struct.unpack(">Q", data[pos + 8:pos + 16])[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            break
        out.append((kind, pos + header, pos + size))
        pos += size
    return out


def _track(data: bytes, start: int, end: int) -> Track:
    track = Track()
    stack = [(start, end)]
    while stack:
        s, e = stack.pop()
        for kind, ps, pe in _boxes(data, s, e):
            body = data[ps:pe]
            if kind in _CONTAINER_BOXES:
                stack.append((ps, pe))
            elif kind == b"tkhd" and len(body) >= 84:
                offset = 76 if body[0] == 0 else 88  # version 1 has 64-bit times
                if len(body) >= offset + 8:
                    w, h = struct.unpack(">II", body[offset:offset + 8])
                    track.width, track.height = w >> 16, h >> 16
            elif kind == b"mdhd" and len(body) >= 24:
                if body[0] == 1 and len(body) >= 36:
                    track.timescale, track.duration = struct.unpack(">IQ", body[20:32])
                else:
                    track.timescale, track.duration = struct.unpack(">II", body[12:20])
            elif kind == b"hdlr" and len(body) >= 12:
                track.handler = body[8:12].decode("latin-1")
            elif kind == b"stsd" and len(body) >= 16:
                entry = body[8:]
                track.codec = entry[4:8].decode("latin-1")
                if track.handler == "soun" and len(entry) >= 36:
                    track.channels = struct.unpack(">H", entry[24:26])[0]
                    track.sample_rate = struct.unpack(">I", entry[32:36])[0] >> 16
            elif kind == b"stts" and len(body) >= 8:
                count = struct.unpack(">I", body[4:8])[0]
                entries = body[8:8 + 8 * count]
                track.samples = sum(struct.unpack(">I", entries[i:i + 4])[0] for i in range(0, len(entries), 8))
    return track


def _moov(fh: BinaryIO, size: int) -> tuple[bytes, bytes]:
    """(major brand, moov payload) of the file, reading box headers only."""
    pos, brand, moov = 0, b"", b""
    while pos + 8 <= size:
        fh.seek(pos)
        header = fh.read(16)
        if len(header) < 8:
            break
        box_size, kind = struct.unpack(">I4s", header[:8])
        head_len = 8
        if box_size == 1:
            box_size, head_len = struct.unpack(">Q", header[8:16])[0], 16
        elif box_size == 0:
            box_size = size - pos
        if box_size < head_len:
            raise ValidationError(f"corrupt media file: box {kind!r} at byte {pos} has size {box_size}")
        if kind == b"ftyp":
            fh.seek(pos + head_len)
            brand = fh.read(4)
        elif kind == b"moov":
            if box_size > _MAX_MOOV:
                raise ValidationError("media file's moov box is too large to read")
            fh.seek(pos + head_len)
            moov = fh.read(box_size - head_len)
            if len(moov) < box_size - head_len:
                raise ValidationError("truncated: the media file's moov box is cut short")
        pos += box_size
    return brand, moov


def read_mp4(path: Path) -> dict[str, Any]:
    """Facts of an MP4/MOV file: kind ``video`` (or ``audio``), container, codec, size, frame rate, duration..."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        if not is_iso_media(fh.read(12)):
            raise ValidationError("not an ISO media (MP4/QuickTime) file", where=str(path))
        brand, moov = _moov(fh, size)
    if not moov:
        raise ValidationError("no moov box: the media file is incomplete (or streams its index last and was cut)",
                              where=str(path))
    tracks = [_track(moov, ps, pe) for kind, ps, pe in _boxes(moov, 0, len(moov)) if kind == b"trak"]
    video = next((t for t in tracks if t.handler == "vide"), None)
    sound = next((t for t in tracks if t.handler == "soun"), None)
    main = video or sound
    if main is None or not main.timescale:
        raise ValidationError("the media file has no readable video or sound track", where=str(path))
    duration = main.duration / main.timescale
    facts: dict[str, Any] = {
        "kind": "video" if video else "audio", "container": _CONTAINERS.get(brand, "MP4"),
        "duration_seconds": round(duration, 3),
        "bit_rate": round(size * 8 / duration / 1000) if duration > 0 else None,
    }
    if video is not None:
        facts.update(codec=VIDEO_CODECS.get(video.codec, video.codec.strip() or None), width=video.width or None,
                     height=video.height or None,
                     frame_rate=round(video.samples / duration, 3) if video.samples and duration > 0 else None)
        if sound is not None:
            facts.update(audio_codec=AUDIO_CODECS.get(sound.codec, sound.codec.strip() or None),
                         channels=sound.channels or None, sample_rate=sound.sample_rate or None)
    else:
        facts.update(codec=AUDIO_CODECS.get(main.codec, main.codec.strip() or None), channels=main.channels or None,
                     sample_rate=main.sample_rate or None)
    return facts
