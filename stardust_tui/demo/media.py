"""Real media files for the demo catalog: short stereo tones (WAV/FLAC) and 3000x3000 RGB JPEG covers.

Output is deterministic (same arguments, same bytes), so re-running the demo adds nothing new to the
content-addressed store.
"""

from __future__ import annotations

import colorsys
from pathlib import Path

import numpy as np
import soundfile as sf
from PIL import Image, ImageDraw, ImageFont

COVER_SIZE = 3000


def write_tone(path: Path, *, seed: int, seconds: float = 2.5, rate: int = 44100, bit_depth: int = 16,
               fmt: str = "WAV") -> Path:
    """A stereo chord (root chosen by ``seed``) with fades; plain-PCM WAV or FLAC at 16 or 24 bits."""
    n = int(seconds * rate)
    t = np.arange(n) / rate
    root = 220.0 * 2 ** ((seed % 12) / 12) * (1 + (seed // 12 % 97) / 5000)  # semitone + a slight detune
    left = sum(np.sin(2 * np.pi * root * r * t) / (i + 1) for i, r in enumerate((1.0, 1.25, 1.5)))
    right = sum(np.sin(2 * np.pi * root * r * t + 0.3) / (i + 1) for i, r in enumerate((1.0, 1.2, 1.5, 2.0)))
    env = np.minimum(1.0, np.minimum(t / 0.05, (seconds - t) / 0.3))
    data = (0.25 * np.stack([left, right], axis=1) * env[:, None]).astype(np.float32)
    subtype = {16: "PCM_16", 24: "PCM_24"}[bit_depth]
    sf.write(path, data, rate, format=fmt, subtype=subtype)
    return path


def write_cover(path: Path, *, title: str, artist: str, hue: float, size: int = COVER_SIZE) -> Path:
    """A square RGB JPEG: a diagonal gradient, rings and stars, the title and artist."""
    y, x = np.mgrid[0:size:10, 0:size:10].astype(np.float32) / size  # draw small, scale up
    r1, g1, b1 = colorsys.hsv_to_rgb(hue % 1.0, 0.75, 0.35)
    r2, g2, b2 = colorsys.hsv_to_rgb((hue + 0.15) % 1.0, 0.85, 0.95)
    mix = (x + y) / 2
    small = np.stack([(c1 + (c2 - c1) * mix) * 255 for c1, c2 in ((r1, r2), (g1, g2), (b1, b2))], axis=2)
    img = Image.fromarray(small.astype(np.uint8), "RGB").resize((size, size), Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(img)
    c = size // 2
    for i in range(1, 9):
        rad = i * size // 18
        draw.ellipse((c - rad, c - rad, c + rad, c + rad), outline=(255, 255, 255), width=max(2, size // 400))
    rng = np.random.default_rng(int(hue * 1000))
    for sx, sy, sr in zip(rng.integers(0, size, 60), rng.integers(0, size, 60), rng.integers(3, size // 200, 60),
                          strict=True):
        draw.ellipse((sx - sr, sy - sr, sx + sr, sy + sr), fill=(255, 255, 240))
    big = ImageFont.load_default(size=size // 14)
    small_font = ImageFont.load_default(size=size // 24)
    draw.text((c, size * 0.80), title, font=big, fill=(255, 255, 255), anchor="mm")
    draw.text((c, size * 0.88), artist, font=small_font, fill=(235, 235, 235), anchor="mm")
    img.save(path, "JPEG", quality=88)
    return path
