"""What audio and artwork QC accepts, and how severe each finding is: one set of rules per delivery profile.

:class:`AudioRules` and :class:`ArtworkRules` are read from a profile's ``[audio]`` / ``[artwork]`` tables
(:mod:`stardust_tui.delivery.profiles`); :data:`CATALOG_AUDIO` / :data:`CATALOG_ARTWORK` are what a
plain ``stardust check`` (no target) applies. A severity is ``error`` (blocks the delivery),
``warning``, ``info`` or ``off`` (the check is not run). Pure data, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

QC_SEVERITIES = ("error", "warning", "info", "off")


@dataclass(frozen=True)
class AudioRules:
    """Accepted audio files and the signal checks (severity per check, limits in seconds)."""

    formats: tuple[str, ...] = ("FLAC", "WAV")
    bit_depths: tuple[int, ...] = (16, 24)
    min_sample_rate: int = 44100
    channels: int = 2
    plain_pcm_wav: bool = False  # WAV format tag 1 only (no WAVE_FORMAT_EXTENSIBLE): error when true
    same_bit_depth: bool = True  # no mixed bit depths within one release
    lossy_origin: str = "error"  # a lossless file whose spectrum stops at a codec's low-pass
    clipping: str = "warning"  # runs of consecutive full-scale samples
    max_clipped_runs: int = 0  # clipped runs tolerated before the finding
    silence: str = "warning"  # leading/trailing silence longer than the limits below
    max_leading_silence: float = 2.0
    max_trailing_silence: float = 10.0
    duration_mismatch: str = "error"  # the track's stated duration vs the file's
    duration_tolerance: float = 2.0
    dual_mono: str = "warning"  # a "stereo" file whose two channels are identical
    min_duration: float = 1.0  # shorter audio: a warning


@dataclass(frozen=True)
class ArtworkRules:
    """Accepted cover images and the pixel checks."""

    formats: tuple[str, ...] = ("JPEG", "PNG")
    min_px: int = 3000  # smaller: error
    recommended_px: int = 3000  # smaller (but >= min_px): warning
    square: bool = True
    rgb: bool = True
    upscaled: str = "error"  # missing high-frequency detail: enlarged from a smaller image
    borders: str = "warning"  # uniform bands along the edges (letterboxing, frames)
    placeholder: str = "warning"  # almost flat image with a little text: a placeholder, not artwork


@dataclass(frozen=True)
class VideoRules:
    """Accepted music-video files (issue 18's video resources). The defaults are common distributor rules
    (H.264/HEVC/ProRes in MP4 or QuickTime, HD, 23.976-60 fps), not any one DSP's."""

    formats: tuple[str, ...] = ("MP4", "QUICKTIME")
    codecs: tuple[str, ...] = ("AVC", "HEVC", "ProRes-422", "ProRes-422_HQ", "ProRes-422_LT", "ProRes-4444")
    min_width: int = 1280  # smaller: error
    min_height: int = 720
    recommended_width: int = 1920  # smaller (but >= min): warning
    recommended_height: int = 1080
    min_frame_rate: float = 23.976
    max_frame_rate: float = 60.0


#: What ``stardust check`` applies without a target: the common DSP rules (1400 px minimum, 3000 advised).
CATALOG_AUDIO = AudioRules()
CATALOG_ARTWORK = ArtworkRules(min_px=1400, recommended_px=3000)
CATALOG_VIDEO = VideoRules()
