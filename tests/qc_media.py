"""Real media files with planted faults, for QC tests and benchmarks (tests/bench/bench_qc.py).

Audio is music-like (pink noise, a kick-and-hat pattern, chords) and its lossy versions come from real
encoders: libsndfile's MP3 (LAME), Vorbis and Opus, the same libsndfile the project reads audio with,
so no codec is simulated. The lossy file is decoded and written back as 16-bit FLAC: a "lossless" file
with a lossy past, the most common DSP rejection. Artwork is a detailed picture drawn at full size (a
gradient, film-grain noise, shapes and text), or the same drawn small and enlarged with Pillow.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import soundfile as sf
from PIL import Image, ImageDraw, ImageFont

RATE = 44100
LOSSY = {  # name -> (format, subtype, libsndfile compression level: 0 = best quality)
    "mp3-high": ("MP3", "MPEG_LAYER_III", 0.3), "mp3-mid": ("MP3", "MPEG_LAYER_III", 0.5),
    "mp3-low": ("MP3", "MPEG_LAYER_III", 0.7), "mp3-tiny": ("MP3", "MPEG_LAYER_III", 0.9),
    "vorbis-mid": ("OGG", "VORBIS", 0.6), "vorbis-low": ("OGG", "VORBIS", 0.9),
}


def _pink(n: int, rng: np.random.Generator, tilt: float) -> np.ndarray:
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1 / RATE)
    spectrum[1:] /= (freqs[1:] / 100) ** tilt
    spectrum[0] = 0
    return np.fft.irfft(spectrum, n)


def music(seconds: float = 8.0, *, kind: str = "band", seed: int = 1) -> np.ndarray:
    """Stereo float32 music-like audio at -6 dBFS peak: ``band`` (drums, bass, chords), ``pink``, ``soft``
    (strong treble roll-off and tape hiss, like an orchestral recording) or ``tones`` (a pure chord)."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    if kind == "pink":
        x = np.stack([_pink(n, rng, 0.5), _pink(n, rng, 0.5)], axis=1)
    elif kind == "soft":
        x = np.stack([_pink(n, rng, 0.9), _pink(n, rng, 0.9)], axis=1)
        x = x / np.abs(x).max() + rng.standard_normal((n, 2)) * 10 ** (-70 / 20)
    elif kind == "tones":
        x = np.stack([sum(np.sin(2 * np.pi * f * t) / (i + 1) for i, f in enumerate((220, 275, 330))),
                      sum(np.sin(2 * np.pi * f * t + 0.3) / (i + 1) for i, f in enumerate((220, 264, 330)))], axis=1)
    else:
        step = int(RATE * 0.25)
        env = np.zeros(n)
        for i in range(0, n, step):
            env[i:i + step] = np.exp(-np.arange(min(step, n - i)) / (RATE * 0.03))
        base = (rng.standard_normal(n) * env * 0.3 + 0.4 * np.sin(2 * np.pi * 55 * t)
                + sum(0.1 * np.sin(2 * np.pi * f * t) for f in (220, 277, 330, 440)) + 0.02 * _pink(n, rng, 0.5))
        x = np.stack([base, np.roll(base, 7)], axis=1)
    return (0.5 * x / np.abs(x).max()).astype(np.float32)


def through_codec(x: np.ndarray, codec: str) -> np.ndarray:
    """``x`` encoded with a real lossy encoder and decoded again (same length)."""
    fmt, subtype, level = LOSSY[codec]
    buf = io.BytesIO()
    sf.write(buf, x, RATE, format=fmt, subtype=subtype, compression_level=level)
    buf.seek(0)
    y, _ = sf.read(buf, dtype="float32", always_2d=True)
    out = np.zeros_like(x)
    out[: min(len(x), len(y))] = y[: len(x)]
    return out


def write_flac(path: Path, x: np.ndarray, *, subtype: str = "PCM_16") -> Path:
    sf.write(path, x, RATE, format="FLAC", subtype=subtype)
    return path


def clipped(x: np.ndarray, gain: float = 4.0) -> np.ndarray:
    return np.clip(x * gain, -1.0, 1.0).astype(np.float32)


def with_silence(x: np.ndarray, lead: float = 0.0, trail: float = 0.0) -> np.ndarray:
    pad = [np.zeros((int(s * RATE), x.shape[1]), dtype=np.float32) for s in (lead, trail)]
    return np.concatenate([pad[0], x, pad[1]])


def artwork(size: int = 3000, *, seed: int = 1, drawn_at: int | None = None) -> Image.Image:
    """A detailed RGB cover; ``drawn_at`` draws it that small and enlarges it (bicubic) to ``size``."""
    side = drawn_at or size
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:side, 0:side].astype(np.float32) / side
    base = np.stack([60 + 120 * x, 40 + 150 * y, 180 - 90 * x * y], axis=2)
    img = Image.fromarray(np.clip(base + rng.normal(0, 14, (side, side, 3)), 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(14):
        cx, cy, r = (int(v) for v in rng.integers(0, side, 3))
        r //= 6
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=tuple(int(v) for v in rng.integers(0, 255, 3)),
                     width=max(1, side // 300))
    draw.text((side * 0.08, side * 0.8), "NIGHT SIGNALS", font=ImageFont.load_default(size=side // 12),
              fill=(250, 250, 250))
    return img if side == size else img.resize((size, size), Image.Resampling.BICUBIC)


def placeholder(size: int = 3000) -> Image.Image:
    img = Image.new("RGB", (size, size), (200, 200, 200))
    ImageDraw.Draw(img).text((size // 2, size // 2), "COVER COMING SOON", anchor="mm", fill=(40, 40, 40),
                             font=ImageFont.load_default(size=size // 20))
    return img


def letterboxed(size: int = 3000, band: int = 300) -> Image.Image:
    canvas = Image.new("RGB", (size, size), (0, 0, 0))
    canvas.paste(artwork(size, seed=3).resize((size, size - 2 * band)), (0, band))
    return canvas
