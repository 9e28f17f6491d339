"""Quality control of delivered files: what DSP ingestion rejects (errors) or frowns upon (warnings).

Pure functions of an :class:`~stardust_tui.domain.models.Asset` row, the extra facts of
:func:`stardust_tui.assets.facts.read_facts` and, when known, the signal analysis of the file
(:mod:`stardust_tui.assets.signal` / :mod:`stardust_tui.assets.picture` compute it; it is stored per asset).
What is accepted and how severe each finding is come from :class:`~stardust_tui.domain.qc_rules.AudioRules`
/ :class:`~stardust_tui.domain.qc_rules.ArtworkRules` (a delivery profile's, or the catalog defaults).

Audio: container, codec, bit depth, sample rate, channels, plain-PCM WAV header; from the signal:
lossy origin (spectrum stops at a codec low-pass), clipping, leading/trailing silence, duration versus
the track's metadata, identical channels. Artwork: format, square, RGB, size; from the pixels: upscaled
(missing fine detail), borders, placeholder images. Video resources: container, codec, frame size and rate
(:class:`~stardust_tui.domain.qc_rules.VideoRules`); booklets are PDF, MIDI resources Standard MIDI Files.
Fields are relative (``bit_depth``); the caller prefixes where the asset is used (``tracks[1-3].audio``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from stardust_tui.domain.findings import Finding
from stardust_tui.domain.models import Asset
from stardust_tui.domain.qc_rules import (
    CATALOG_ARTWORK,
    CATALOG_AUDIO,
    CATALOG_VIDEO,
    ArtworkRules,
    AudioRules,
    VideoRules,
)

WAVE_FORMAT_PCM = 1
DESCRIBED_ONLY = "ddexref-"  # sha256 prefix of an asset an imported message describes but whose file is absent
LOSSY_CODECS = ("MP3", "AAC", "VORBIS", "OPUS")
_NO_FACTS: Mapping[str, Any] = {}


def _f(severity: str, code: str, field: str, message: str) -> list[Finding]:
    return [] if severity == "off" else [Finding(code, field, message, severity)]


def _mmss(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def check_audio(asset: Asset, *, rules: AudioRules = CATALOG_AUDIO, facts: Mapping[str, Any] | None = None,
                analysis: Mapping[str, Any] | None = None, expected_duration: float | None = None,
                strict: bool = False) -> list[Finding]:
    """Findings for one audio file (``strict``: a non-PCM WAV header is an error whatever the rules say)."""
    if asset.kind != "audio":
        return [Finding("audio-not-audio", "file", f"{asset.original_name} is not an audio file ({asset.kind})")]
    out = _audio_format(asset, rules, strict)
    facts = facts or _NO_FACTS
    if facts.get("wav_trailing_bytes"):
        chunks = ", ".join(facts.get("wav_chunks_after_data") or []) or "unknown bytes"
        out += _f("error" if rules.plain_pcm_wav else "warning", "wav-data-not-last", "file",
                  f"{facts['wav_trailing_bytes']} bytes follow the data chunk ({chunks}): rewrite the file "
                  "with the data chunk last")
    if asset.duration_seconds is not None and asset.duration_seconds < rules.min_duration:
        out += _f("warning", "audio-too-short", "duration", f"only {asset.duration_seconds:.2f} s of audio")
    if expected_duration and asset.duration_seconds and \
            abs(expected_duration - asset.duration_seconds) > rules.duration_tolerance:
        out += _f(rules.duration_mismatch, "audio-duration-mismatch", "duration",
                  f"the track says {_mmss(expected_duration)} but the file lasts {_mmss(asset.duration_seconds)} "
                  f"({asset.duration_seconds:.1f} s): attach the right file or correct the duration")
    if analysis:
        out += _signal(analysis, rules)
    return out


def _audio_format(asset: Asset, rules: AudioRules, strict: bool) -> list[Finding]:
    out: list[Finding] = []
    container = (asset.container or "?").upper()
    accepted = {f.upper() for f in rules.formats}
    if container not in accepted and not (container == "RF64" and "WAV" in accepted):
        what = ("lossy " if (asset.codec or "").upper() in LOSSY_CODECS else "") + container
        if asset.codec and asset.codec.upper() != container:
            what += f"/{asset.codec}"
        out += _f("error", "audio-format", "container",
                  f"{what} audio is not accepted: deliver {' or '.join(rules.formats)}")
    if container in ("WAV", "RF64") and asset.codec not in (None, "PCM"):
        out += _f("error", "audio-codec", "codec", f"WAV holds {asset.codec} samples: deliver integer PCM")
    if asset.bit_depth is None:
        if container in ("FLAC", "WAV", "RF64"):
            out += _f("error", "audio-bit-depth", "bit_depth", "bit depth unknown")
    elif asset.bit_depth not in rules.bit_depths:
        out += _f("error", "audio-bit-depth", "bit_depth",
                  f"{asset.bit_depth}-bit audio: deliver {' or '.join(map(str, rules.bit_depths))}-bit")
    if not asset.sample_rate or asset.sample_rate < rules.min_sample_rate:
        out += _f("error", "audio-sample-rate", "sample_rate",
                  f"sample rate {asset.sample_rate or '?'} Hz is below {rules.min_sample_rate} Hz")
    if asset.channels != rules.channels:
        out += _f("error", "audio-channels", "channels",
                  f"{asset.channels or '?'} channel(s): deliver {rules.channels} "
                  f"({'stereo' if rules.channels == 2 else 'mono' if rules.channels == 1 else 'channels'})")
    if asset.wav_format_tag is not None and asset.wav_format_tag != WAVE_FORMAT_PCM:
        out += _f("error" if strict or rules.plain_pcm_wav else "warning", "wav-not-plain-pcm", "wav_format_tag",
                  f"WAV format tag 0x{asset.wav_format_tag:04X} (WAVE_FORMAT_EXTENSIBLE or other), "
                  "some DSPs accept plain PCM (tag 1) only: rewrite the header")
    return out


def _signal(a: Mapping[str, Any], rules: AudioRules) -> list[Finding]:
    out: list[Finding] = []
    if a.get("error"):
        return _f("error", "audio-unreadable", "file", f"{a['error']}: the file is damaged, replace it")
    if a.get("silent"):
        return _f("error", "audio-silent", "signal", "the file is silent from start to end")
    cutoff = a.get("cutoff_hz")
    if cutoff:
        out += _f(rules.lossy_origin, "audio-lossy-origin", "signal",
                  f"the spectrum stops at {cutoff / 1000:.1f} kHz with a {a.get('cutoff_drop_db', 0):.0f} dB cliff, "
                  "the low-pass of a lossy encoder (MP3/AAC/Ogg): this lossless file was decoded from a lossy "
                  "one; deliver the original lossless master")
    runs = int(a.get("clipped_runs") or 0)
    if runs > rules.max_clipped_runs:
        first = a.get("clipped_first")
        out += _f(rules.clipping, "audio-clipping", "signal",
                  f"{runs} clipped passage(s) (consecutive full-scale samples)"
                  + (f", the first at {_mmss(first)}" if first is not None else "")
                  + ": ask for a master with headroom")
    lead, trail = float(a.get("leading_silence") or 0), float(a.get("trailing_silence") or 0)
    if lead > rules.max_leading_silence:
        out += _f(rules.silence, "audio-leading-silence", "signal",
                  f"{lead:.1f} s of silence before the music starts (limit {rules.max_leading_silence:g} s): "
                  "trim the start")
    if trail > rules.max_trailing_silence:
        out += _f(rules.silence, "audio-trailing-silence", "signal",
                  f"{trail:.1f} s of silence at the end (limit {rules.max_trailing_silence:g} s): trim the end")
    if a.get("dual_mono"):
        out += _f(rules.dual_mono, "audio-dual-mono", "signal",
                  "both channels are identical (mono delivered as stereo)")
    return out


def check_release_audio(assets: Iterable[Asset | None], rules: AudioRules = CATALOG_AUDIO) -> list[Finding]:
    """Findings across the audio files of one release: no mixed bit depths (or sample rates)."""
    present = [a for a in assets if a is not None and a.kind == "audio"]
    out: list[Finding] = []
    depths = sorted({a.bit_depth for a in present if a.bit_depth})
    if rules.same_bit_depth and len(depths) > 1:
        out += _f("error", "audio-mixed-bit-depth", "tracks.audio",
                  f"the release mixes {'/'.join(str(d) for d in depths)}-bit audio: deliver one bit depth")
    rates = sorted({a.sample_rate for a in present if a.sample_rate})
    if len(rates) > 1:
        out += _f("warning", "audio-mixed-sample-rate", "tracks.audio",
                  f"the release mixes sample rates {', '.join(str(r) for r in rates)} Hz")
    return out


def check_artwork(asset: Asset, *, rules: ArtworkRules = CATALOG_ARTWORK,
                  analysis: Mapping[str, Any] | None = None) -> list[Finding]:
    """Findings for a cover image."""
    if asset.kind != "image":
        return [Finding("artwork-not-image", "file", f"{asset.original_name} is not an image ({asset.kind})")]
    out: list[Finding] = []
    fmt = (asset.container or "?").upper()
    if fmt not in {f.upper() for f in rules.formats}:
        out += _f("error", "artwork-format", "format", f"{fmt} artwork: deliver {' or '.join(rules.formats)}")
    w, h = asset.width or 0, asset.height or 0
    if rules.square and w != h:
        out += _f("error", "artwork-not-square", "size", f"artwork is {w}x{h}: it must be square")
    if rules.rgb and (asset.color_mode or "").upper() != "RGB":
        out += _f("error", "artwork-color-mode", "color_mode",
                  f"artwork colour mode is {asset.color_mode or '?'}: deliver RGB")
    side = min(w, h)
    if side < rules.min_px:
        out += _f("error", "artwork-too-small", "size", f"artwork is {w}x{h}: at least {rules.min_px}x{rules.min_px}")
    elif side < rules.recommended_px:
        out += _f("warning", "artwork-small", "size",
                  f"artwork is {w}x{h}: most DSPs want {rules.recommended_px}x{rules.recommended_px} or more")
    if analysis:
        out += _pixels(analysis, rules, w)
    return out


def _pixels(a: Mapping[str, Any], rules: ArtworkRules, width: int) -> list[Finding]:
    out: list[Finding] = []
    if a.get("error"):
        return _f("error", "artwork-unreadable", "file", f"{a['error']}: the file is damaged, replace it")
    if a.get("upscaled"):
        native = a.get("native_px")
        out += _f(rules.upscaled, "artwork-upscaled", "pixels",
                  f"the image lacks fine detail: it looks enlarged from about {native or '?'} px to {width} px "
                  "(DSPs reject blurry or upscaled covers); use the original high-resolution artwork")
    borders = {side: px for side, px in (a.get("borders") or {}).items() if px}
    if borders:
        sides = ", ".join(f"{side} {px} px" for side, px in sorted(borders.items()))
        out += _f(rules.borders, "artwork-borders", "pixels",
                  f"uniform bands along the edges ({sides}): crop them so the artwork fills the square")
    if a.get("placeholder"):
        out += _f(rules.placeholder, "artwork-placeholder", "pixels",
                  "the image is almost one flat colour with a little text or nothing on it: a placeholder, "
                  "not cover artwork")
    return out


def file_missing(asset: Asset) -> list[Finding]:
    """An asset an imported message only describes: there is no file to deliver yet."""
    if not (asset.sha256 or "").startswith(DESCRIBED_ONLY):
        return []
    return [Finding("file-missing", "file", f"{asset.original_name}: only described by an imported message, the "
                    "file itself is not in the asset store: add it (stardust asset add / import audio)")]


def check_video(asset: Asset, rules: VideoRules = CATALOG_VIDEO) -> list[Finding]:
    """Findings for a music-video file: container, codec, frame size, frame rate."""
    if asset.kind != "video":
        return [Finding("video-not-video", "file", f"{asset.original_name} is not a video ({asset.kind})")]
    out: list[Finding] = []
    container = (asset.container or "?").upper()
    if container not in {f.upper() for f in rules.formats}:
        out += _f("error", "video-format", "container", f"{container} video: deliver {' or '.join(rules.formats)}")
    if (asset.codec or "?") not in rules.codecs:
        out += _f("error", "video-codec", "codec", f"{asset.codec or 'unknown'} video: deliver one of "
                  f"{', '.join(rules.codecs)}")
    w, h = asset.width or 0, asset.height or 0
    if w < rules.min_width or h < rules.min_height:
        out += _f("error", "video-too-small", "size",
                  f"video is {w}x{h}: at least {rules.min_width}x{rules.min_height}")
    elif w < rules.recommended_width or h < rules.recommended_height:
        out += _f("warning", "video-small", "size",
                  f"video is {w}x{h}: {rules.recommended_width}x{rules.recommended_height} is expected")
    rate = asset.frame_rate
    if rate is not None and not rules.min_frame_rate - 0.01 <= rate <= rules.max_frame_rate + 0.01:
        out += _f("error", "video-frame-rate", "frame_rate", f"{rate:g} frames per second: deliver "
                  f"{rules.min_frame_rate:g}-{rules.max_frame_rate:g}")
    return out


def check_document(asset: Asset) -> list[Finding]:
    """A booklet or other text resource must be a PDF; a MIDI resource a Standard MIDI File."""
    if asset.kind == "text" and (asset.container or "").upper() != "PDF":
        return [Finding("text-format", "container", f"{asset.original_name}: deliver booklets as PDF")]
    if asset.kind == "midi" and (asset.container or "").upper() != "MIDI":
        return [Finding("midi-format", "container", f"{asset.original_name}: deliver a Standard MIDI File")]
    return []


def check_asset(asset: Asset, *, strict: bool = False, facts: Mapping[str, Any] | None = None,
                analysis: Mapping[str, Any] | None = None) -> list[Finding]:
    """QC by kind with the catalog rules: audio, artwork, video, text or MIDI; other files have nothing to check."""
    if asset.kind == "audio":
        return check_audio(asset, strict=strict, facts=facts, analysis=analysis)
    if asset.kind == "image":
        return check_artwork(asset, analysis=analysis)
    if asset.kind == "video":
        return check_video(asset)
    return check_document(asset)
