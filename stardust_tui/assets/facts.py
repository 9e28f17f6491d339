"""Technical facts of an asset file: audio container/codec/rate/depth/channels/duration, image size and mode,
video codec/size/frame rate/duration/bit rate (MP4 and QuickTime, :mod:`stardust_tui.assets.mp4`), PDF
documents and Standard MIDI Files (issue 18: resources of every kind).

The kind is decided from the file's first bytes, not its name. WAV files go through our RIFF parser
(format tag, extensible sub-format, data after the data chunk); other audio through mutagen; images
through Pillow (fully decoded, so a truncated JPEG is caught). FLAC and AIFF get their last frame
decoded, which catches a truncated file whose header still looks fine. :func:`read_facts` returns a dict whose
keys match the :class:`~stardust_tui.domain.models.Asset` columns, plus a few extras (``wav_trailing_bytes``,
``wav_chunks_after_data``, ``bitrate``). A file that looks like audio or an image but cannot be read raises
one :class:`ValidationError` line naming the file.
"""

from __future__ import annotations

import struct
import warnings
from pathlib import Path
from typing import Any, cast

import mutagen
import soundfile as sf
from PIL import Image, UnidentifiedImageError

from stardust_tui.assets.mp4 import read_mp4
from stardust_tui.assets.objects import StoredObject, is_stored_object, readable
from stardust_tui.assets.riff import is_wave, read_wave
from stardust_tui.errors import NotFoundError, ValidationError

AUDIO_SUFFIXES = {".wav", ".wave", ".flac", ".mp3", ".aif", ".aiff", ".aifc", ".ogg", ".oga", ".opus", ".m4a",
                  ".mp4", ".aac", ".wv", ".ape", ".w64", ".rf64"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".gif", ".bmp", ".webp"}
VIDEO_SUFFIXES = {".mov", ".m4v", ".qt"}
_MAX_IMAGE_PIXELS = 20_000 * 20_000
# mutagen class name -> (container, codec)
_MUTAGEN_KINDS = {
    "FLAC": ("FLAC", "FLAC"),
    "MP3": ("MP3", "MP3"),
    "AIFF": ("AIFF", "PCM"),
    "OggVorbis": ("OGG", "VORBIS"),
    "OggOpus": ("OGG", "OPUS"),
    "OggFLAC": ("OGG", "FLAC"),
    "MP4": ("MP4", "AAC"),
    "AAC": ("AAC", "AAC"),
    "WavPack": ("WV", "WAVPACK"),
    "MonkeysAudio": ("APE", "APE"),
}


def sniff(head: bytes) -> str:
    """``audio``, ``image``, ``media`` (MP4/MOV: video or audio), ``text`` (PDF), ``midi`` or ``other``
    from the first bytes of a file."""
    if is_wave(head) or head[:4] == b"fLaC" or head[:3] == b"ID3" or head[:4] == b"OggS":
        return "audio"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "audio"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[:3] != b"\xff\xd8\xff":
        return "audio"  # MPEG audio frame sync
    if head[:3] == b"\xff\xd8\xff" or head[:8] == b"\x89PNG\r\n\x1a\n" or head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image"
    if head[:6] in (b"GIF87a", b"GIF89a") or head[:2] == b"BM" or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    if head[4:8] == b"ftyp":  # ISO media: audio (M4A) or video (MP4, MOV), decided by its tracks
        return "audio" if head[8:11] in (b"M4A", b"M4B") else "media"
    if head[:5] == b"%PDF-":
        return "text"
    if head[:4] == b"MThd":
        return "midi"
    return "other"


def read_facts(path: str | Path | StoredObject, *, name: str | None = None) -> dict[str, Any]:
    """Everything we can learn about the file at ``path`` without trusting its name.

    ``name`` is the user's file name when ``path`` is a temporary copy: a file named like audio or an
    image whose bytes are neither is refused rather than stored as "other". ``path`` may be a stored
    object of a bucket (issue 12): everything is then read through ranged reads, no local copy.
    """
    p: Any = path if is_stored_object(path) else Path(cast("str | Path", path))  # not stored: a path
    try:
        with p.open("rb") as fh:
            head = fh.read(64)
    except FileNotFoundError:
        raise NotFoundError("no such file", where=str(p)) from None
    except OSError as exc:
        raise ValidationError(f"cannot read file ({exc.strerror})", where=str(p)) from None
    kind = sniff(head)
    suffix = Path(name).suffix.lower() if name else p.suffix.lower()
    if kind == "other" and suffix in AUDIO_SUFFIXES:
        raise ValidationError("unreadable audio: not a WAV, FLAC, MP3, AIFF or OGG stream", where=str(p))
    if kind == "other" and suffix in IMAGE_SUFFIXES:
        raise ValidationError("unreadable image: not a JPEG, PNG, TIFF, GIF, BMP or WebP file", where=str(p))
    if kind == "other" and suffix in VIDEO_SUFFIXES:
        raise ValidationError("unreadable video: not an MP4 or QuickTime file", where=str(p))
    if kind == "media":  # MP4/MOV: a video, or audio only (then read as audio below)
        try:
            media = read_mp4(p)
        except ValidationError as exc:
            raise ValidationError(exc.message, where=str(p)) from None
        if media["kind"] == "video":
            return media
        kind = "audio"
    if kind == "audio":
        facts = _wave_facts(p) if is_wave(head) else _mutagen_facts(p)
    elif kind == "image":
        facts = _image_facts(p)
    elif kind == "text":
        facts = {"container": "PDF", "codec": "PDF"}
    elif kind == "midi":
        facts = _midi_facts(p)
    else:
        facts = {}
    return {"kind": kind, **facts}


def _midi_facts(p: Path) -> dict[str, Any]:
    """A Standard MIDI File's header: format 0/1/2 and its track count (MThd, 6 bytes)."""
    with p.open("rb") as fh:
        head = fh.read(14)
    if len(head) < 14 or struct.unpack(">I", head[4:8])[0] < 6:
        raise ValidationError("truncated MIDI file: the MThd header is incomplete", where=str(p))
    fmt, tracks, _division = struct.unpack(">HHH", head[8:14])
    if fmt > 2 or tracks == 0:
        raise ValidationError(f"not a Standard MIDI File (format {fmt}, {tracks} tracks)", where=str(p))
    return {"container": "MIDI", "codec": f"SMF{fmt}", "channels": None, "midi_tracks": tracks}


def _wave_facts(p: Path) -> dict[str, Any]:
    info = read_wave(p)
    return {
        "container": info.container,
        "codec": info.codec,
        "sample_rate": info.sample_rate,
        "bit_depth": info.valid_bits or info.bits_per_sample,
        "channels": info.channels,
        "duration_seconds": round(info.duration_seconds, 3),
        "wav_format_tag": info.format_tag,
        "wav_trailing_bytes": info.trailing_bytes,
        "wav_chunks_after_data": list(info.chunks_after_data),
    }


def _mutagen_facts(p: Path) -> dict[str, Any]:
    try:
        with readable(p) as src:
            audio = mutagen.File(src)
    except mutagen.MutagenError as exc:
        raise ValidationError(f"unreadable audio: {_first_line(exc)}", where=str(p)) from None
    except Exception as exc:  # mutagen raises assorted low-level errors on garbage
        raise ValidationError(f"unreadable audio: {type(exc).__name__}: {_first_line(exc)}", where=str(p)) from None
    if audio is None or audio.info is None:
        raise ValidationError("unreadable audio: no known audio stream found", where=str(p))
    info = audio.info
    container, codec = _MUTAGEN_KINDS.get(type(audio).__name__, (type(audio).__name__.upper(), None))
    bit_depth = getattr(info, "bits_per_sample", None)
    length = float(getattr(info, "length", 0.0) or 0.0)
    rate = int(getattr(info, "sample_rate", 0) or 0)
    if not rate or length <= 0:
        raise ValidationError("unreadable audio: no audio frames (empty or truncated stream)", where=str(p))
    if container in ("FLAC", "AIFF"):
        _check_last_frame(p)
    return {
        "container": container,
        "codec": codec,
        "sample_rate": rate,
        "bit_depth": int(bit_depth) if bit_depth else None,
        "channels": int(getattr(info, "channels", 0) or 0) or None,
        "duration_seconds": round(length, 3),
        "wav_format_tag": None,
        "bitrate": int(getattr(info, "bitrate", 0) or 0) or None,
    }


def _check_last_frame(p: Path) -> None:
    """Seek to the last frame and decode it: catches a truncated FLAC/AIFF whose header looks fine."""
    try:
        with readable(p) as src, sf.SoundFile(src) as snd:
            if snd.frames <= 0:
                raise ValidationError("unreadable audio: the stream has no frames", where=str(p))
            snd.seek(snd.frames - 1)
            if len(snd.read(1)) != 1:
                raise ValidationError("truncated: the last audio frame is missing", where=str(p))
    except (sf.LibsndfileError, RuntimeError) as exc:
        raise ValidationError(f"truncated or corrupt: cannot read the last audio frame ({_first_line(exc)})",
                              where=str(p)) from None


def _image_facts(p: Path) -> dict[str, Any]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with readable(p) as src, Image.open(src) as img:
                if img.width * img.height > _MAX_IMAGE_PIXELS:
                    raise ValidationError(f"image too large to check ({img.width}x{img.height})", where=str(p))
                fmt, size, mode = img.format, img.size, img.mode
                img.load()  # decode fully: a truncated file fails here
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise ValidationError(f"unreadable image: {_first_line(exc)}", where=str(p)) from None
    return {"container": fmt, "codec": fmt, "width": size[0], "height": size[1], "color_mode": mode}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
