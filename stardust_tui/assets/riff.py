"""A small RIFF/WAVE parser: the ``fmt `` chunk, the data chunk and what follows it.

Reads chunk headers only (seeking over the audio), so it costs the same for a 3 s or a 3 GB file.
Handles RIFF and RF64/BW64 (64-bit sizes from the ``ds64`` chunk). Malformed files raise
:class:`ValidationError` with one line saying what is wrong.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from stardust_tui.errors import ValidationError

WAVE_FORMAT_PCM = 0x0001
WAVE_FORMAT_IEEE_FLOAT = 0x0003
WAVE_FORMAT_EXTENSIBLE = 0xFFFE
_FORMAT_NAMES = {WAVE_FORMAT_PCM: "PCM", WAVE_FORMAT_IEEE_FLOAT: "PCM_FLOAT", 0x0006: "ALAW", 0x0007: "ULAW",
                 0x0055: "MP3", 0x0002: "ADPCM"}
# KSDATAFORMAT_SUBTYPE_* GUIDs end with this suffix after the 2-byte format code.
_GUID_SUFFIX = bytes.fromhex("000000001000800000aa00389b71")


@dataclass(frozen=True)
class WaveInfo:
    """What the ``fmt `` and ``data`` chunks say."""

    container: str  # "WAV" or "RF64"
    format_tag: int
    codec: str  # PCM, PCM_FLOAT, ...
    channels: int
    sample_rate: int
    bits_per_sample: int
    valid_bits: int | None  # from the extensible header
    block_align: int
    data_size: int
    trailing_bytes: int  # bytes after the end of the data chunk (other chunks or junk)
    chunks_after_data: tuple[str, ...]

    @property
    def duration_seconds(self) -> float:
        if not self.block_align or not self.sample_rate:
            return 0.0
        return self.data_size / self.block_align / self.sample_rate


def is_wave(head: bytes) -> bool:
    return len(head) >= 12 and head[:4] in (b"RIFF", b"RF64", b"BW64") and head[8:12] == b"WAVE"


def read_wave(path: Path) -> WaveInfo:
    where = str(path)
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(12)
        if not is_wave(head):
            raise ValidationError("not a RIFF/WAVE file", where=where)
        container = "WAV" if head[:4] == b"RIFF" else "RF64"
        fmt: bytes | None = None
        ds64_data: int | None = None
        while True:
            pos = fh.tell()
            header = fh.read(8)
            if len(header) < 8:
                break
            cid = header[:4].decode("latin-1")
            csize = struct.unpack("<I", header[4:])[0]
            if cid == "ds64":
                body = fh.read(csize)
                if len(body) >= 16:
                    ds64_data = struct.unpack("<Q", body[8:16])[0]
            elif cid == "fmt ":
                fmt = fh.read(csize)
                if len(fmt) < 16:
                    raise ValidationError("truncated fmt chunk", where=where)
            elif cid == "data":
                if fmt is None:
                    raise ValidationError("data chunk before the fmt chunk", where=where)
                if csize == 0xFFFFFFFF and ds64_data is not None:
                    csize = ds64_data
                start = pos + 8
                if start + csize > size:
                    raise ValidationError(
                        f"truncated: the data chunk declares {csize} bytes but only {size - start} are present",
                        where=where)
                end = start + csize + (csize & 1)
                return _info(container, fmt, csize, max(0, size - end), _chunk_ids(fh, end, size), where)
            fh.seek(pos + 8 + csize + (csize & 1))
    raise ValidationError("no data chunk" if fmt else "no fmt chunk", where=where)


def _chunk_ids(fh: BinaryIO, pos: int, size: int) -> tuple[str, ...]:
    ids: list[str] = []
    while pos + 8 <= size and len(ids) < 32:
        fh.seek(pos)
        header = fh.read(8)
        cid = header[:4].decode("latin-1")
        ids.append(cid if cid.isprintable() else "?")
        pos += 8 + struct.unpack("<I", header[4:])[0]
        pos += pos & 1
    return tuple(ids)


def _info(container: str, fmt: bytes, data_size: int, trailing: int, after: tuple[str, ...], where: str) -> WaveInfo:
    tag, channels, rate, _byte_rate, block_align, bits = struct.unpack("<HHIIHH", fmt[:16])
    valid_bits = None
    codec = _FORMAT_NAMES.get(tag, f"0x{tag:04X}")
    if tag == WAVE_FORMAT_EXTENSIBLE:
        if len(fmt) < 40:
            raise ValidationError("WAVE_FORMAT_EXTENSIBLE header shorter than 40 bytes", where=where)
        valid_bits = struct.unpack("<H", fmt[18:20])[0] or None
        sub = fmt[24:40]
        sub_tag = struct.unpack("<H", sub[:2])[0]
        codec = _FORMAT_NAMES.get(sub_tag, f"0x{sub_tag:04X}") if sub[2:] == _GUID_SUFFIX else "UNKNOWN"
    if channels == 0 or rate == 0 or block_align == 0:
        raise ValidationError(f"fmt chunk is invalid ({channels} channels, {rate} Hz)", where=where)
    return WaveInfo(container, tag, codec, channels, rate, bits, valid_bits, block_align, data_size, trailing, after)
