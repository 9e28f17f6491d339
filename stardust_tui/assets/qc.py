"""Quality control of delivered files: what DSP ingestion rejects (errors) or frowns upon (warnings).

Audio: lossless FLAC or WAV only, 16 or 24-bit, at least 44.1 kHz, stereo; a WAV should be plain PCM
(format tag 1) because some ingestion tools reject WAVE_FORMAT_EXTENSIBLE (an error under ``strict``
profiles); one release should not mix bit depths. Artwork: JPEG or PNG, square, RGB, at least
3000x3000 (warning) and never below 1400x1400 (error). Pure functions of the Asset row (and, when
given, the extra facts of :func:`stardust_tui.assets.facts.read_facts`); fields are relative
(``bit_depth``), the caller prefixes where the asset is used (``tracks[1-3].audio``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from stardust_tui.assets.riff import WAVE_FORMAT_PCM
from stardust_tui.domain.models import Asset
from stardust_tui.domain.rules import Finding

LOSSLESS = ("FLAC", "WAV", "RF64")
BIT_DEPTHS = (16, 24)
MIN_SAMPLE_RATE = 44_100
ARTWORK_FORMATS = ("JPEG", "PNG")
ARTWORK_MIN = 1400
ARTWORK_RECOMMENDED = 3000


def _err(code: str, field: str, message: str) -> Finding:
    return Finding(code, field, message, "error")


def _warn(code: str, field: str, message: str) -> Finding:
    return Finding(code, field, message, "warning")


def check_audio(asset: Asset, *, strict: bool = False, facts: Mapping[str, Any] | None = None) -> list[Finding]:
    """Findings for one audio file; ``strict`` makes a non-PCM WAV header an error."""
    out: list[Finding] = []
    if asset.kind != "audio":
        return [_err("audio-not-audio", "file", f"{asset.original_name} is not an audio file ({asset.kind})")]
    container = (asset.container or "?").upper()
    if container not in LOSSLESS:
        lossy = (asset.codec or "").upper() in ("MP3", "AAC", "VORBIS", "OPUS")
        what = ("lossy " if lossy else "") + container
        if asset.codec and asset.codec.upper() != container:
            what += f"/{asset.codec}"
        out.append(_err("audio-format", "container", f"{what} audio is not accepted: deliver FLAC or WAV (PCM)"))
    if container in ("WAV", "RF64") and asset.codec not in (None, "PCM"):
        out.append(_err("audio-codec", "codec", f"WAV holds {asset.codec} samples: deliver integer PCM"))
    if asset.bit_depth is None:
        if container in LOSSLESS:
            out.append(_err("audio-bit-depth", "bit_depth", "bit depth unknown"))
    elif asset.bit_depth not in BIT_DEPTHS:
        out.append(_err("audio-bit-depth", "bit_depth", f"{asset.bit_depth}-bit audio: deliver 16 or 24-bit"))
    if not asset.sample_rate or asset.sample_rate < MIN_SAMPLE_RATE:
        out.append(_err("audio-sample-rate", "sample_rate",
                        f"sample rate {asset.sample_rate or '?'} Hz is below 44100 Hz"))
    if asset.channels != 2:
        out.append(_err("audio-channels", "channels",
                        f"{asset.channels or '?'} channel(s): deliver stereo (2 channels)"))
    if asset.wav_format_tag is not None and asset.wav_format_tag != WAVE_FORMAT_PCM:
        msg = (f"WAV format tag 0x{asset.wav_format_tag:04X} (WAVE_FORMAT_EXTENSIBLE or other), "
               "some DSPs accept plain PCM (tag 1) only: rewrite the header")
        out.append(_err("wav-not-plain-pcm", "wav_format_tag", msg) if strict
                   else _warn("wav-not-plain-pcm", "wav_format_tag", msg))
    if facts and facts.get("wav_trailing_bytes"):
        chunks = ", ".join(facts.get("wav_chunks_after_data") or []) or "unknown bytes"
        out.append(_warn("wav-data-not-last", "file",
                         f"{facts['wav_trailing_bytes']} bytes follow the data chunk ({chunks})"))
    if asset.duration_seconds is not None and asset.duration_seconds < 1.0:
        out.append(_warn("audio-too-short", "duration", f"only {asset.duration_seconds:.2f} s of audio"))
    return out


def check_release_audio(assets: Iterable[Asset | None]) -> list[Finding]:
    """Findings across the audio files of one release: no mixed bit depths (or sample rates)."""
    present = [a for a in assets if a is not None and a.kind == "audio"]
    out: list[Finding] = []
    depths = sorted({a.bit_depth for a in present if a.bit_depth})
    if len(depths) > 1:
        out.append(_err("audio-mixed-bit-depth", "tracks.audio",
                        f"the release mixes {'/'.join(str(d) for d in depths)}-bit audio: deliver one bit depth"))
    rates = sorted({a.sample_rate for a in present if a.sample_rate})
    if len(rates) > 1:
        out.append(_warn("audio-mixed-sample-rate", "tracks.audio",
                         f"the release mixes sample rates {', '.join(str(r) for r in rates)} Hz"))
    return out


def check_artwork(asset: Asset) -> list[Finding]:
    """Findings for a cover image."""
    if asset.kind != "image":
        return [_err("artwork-not-image", "file", f"{asset.original_name} is not an image ({asset.kind})")]
    out: list[Finding] = []
    fmt = (asset.container or "?").upper()
    if fmt not in ARTWORK_FORMATS:
        out.append(_err("artwork-format", "format", f"{fmt} artwork: deliver JPEG or PNG"))
    w, h = asset.width or 0, asset.height or 0
    if w != h:
        out.append(_err("artwork-not-square", "size", f"artwork is {w}x{h}: it must be square"))
    if asset.color_mode != "RGB":
        out.append(_err("artwork-color-mode", "color_mode",
                        f"artwork colour mode is {asset.color_mode or '?'}: deliver RGB"))
    side = min(w, h)
    if side < ARTWORK_MIN:
        out.append(_err("artwork-too-small", "size", f"artwork is {w}x{h}: at least {ARTWORK_MIN}x{ARTWORK_MIN}"))
    elif side < ARTWORK_RECOMMENDED:
        out.append(_warn("artwork-small", "size",
                         f"artwork is {w}x{h}: most DSPs want {ARTWORK_RECOMMENDED}x{ARTWORK_RECOMMENDED} or more"))
    return out


def check_asset(asset: Asset, *, strict: bool = False, facts: Mapping[str, Any] | None = None) -> list[Finding]:
    """QC by kind: audio or artwork; other files have nothing to check."""
    if asset.kind == "audio":
        return check_audio(asset, strict=strict, facts=facts)
    if asset.kind == "image":
        return check_artwork(asset)
    return []
