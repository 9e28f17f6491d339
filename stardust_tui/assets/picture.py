"""Measure a cover image's pixels: enlarged from a smaller image, uniform borders, flat placeholder.

:func:`analyze_image` returns plain numbers that :mod:`stardust_tui.domain.qc` judges per profile:

* ``upscaled`` / ``native_px`` / ``upscale_db``: enlarging an image by a factor ``F`` (bicubic, bilinear,
  Lanczos...) leaves a trace in the spectrum of its rows and columns: the interpolation kernel has a zero
  at ``1/F`` cycles per pixel, so the band around it holds far less energy than the image's own
  low-frequency band predicts for natural content (power falling like ``1/f^2``). The largest such
  deficit over ``F`` from 2 to 10 is ``upscale_db``; above :data:`UPSCALE_DB` the image is called
  upscaled and ``native_px ~ side / F``. Enlargements under 2x are not judged.
* ``borders``: bands of one colour along an edge (letterbox, frame) that end at a straight line across
  the image, in pixels per side (a plain background around a centred logo is not a border).
* ``placeholder``: at least 90 % of the pixels are one colour (a "cover coming soon" card).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from stardust_tui.assets.objects import StoredObject, readable

IMAGE_ANALYSIS_VERSION = 1
UPSCALE_DB = 7.0  # clean images measured 1-4 dB, 2x-5x enlargements 8-17 dB (tests/bench/bench_qc.py)
ANALYSIS_SIDE = 1500  # larger images are analysed on a centre crop of this size (same pixels, no resampling)
TOLERANCE = 6  # grey levels for "the same colour"
PLACEHOLDER_SHARE = 0.90


def _crop(gray: np.ndarray) -> np.ndarray:
    h, w = gray.shape
    if max(h, w) <= ANALYSIS_SIDE:
        return gray
    top, left = max(0, (h - ANALYSIS_SIDE) // 2), max(0, (w - ANALYSIS_SIDE) // 2)
    return gray[top: top + ANALYSIS_SIDE, left: left + ANALYSIS_SIDE]


def _spectrum(gray: np.ndarray) -> np.ndarray:
    """Mean power spectrum (dB) of the rows and of the columns of a square crop, Hann-windowed."""
    window = np.hanning(gray.shape[1]).astype(np.float32)
    rows = gray - gray.mean(axis=1, keepdims=True)
    cols = (gray - gray.mean(axis=0, keepdims=True)).T
    power = sum((np.abs(np.fft.rfft(x * window, axis=1)) ** 2).mean(axis=0) for x in (rows, cols))
    return 10 * np.log10(power / 2 + 1e-9)


def _native(gray: np.ndarray, side: int) -> tuple[bool, int | None, float]:
    """(upscaled?, the side it was enlarged from, the energy deficit in dB at the kernel's zero)."""
    crop = _crop(gray)
    n = min(crop.shape)
    crop = crop[:n, :n]
    if n < 256:
        return False, None, 0.0
    db = _spectrum(crop)
    f = np.arange(len(db)) / n
    expected = 20 * np.log10(2 / 0.55)  # 1/f^2 from the low band's centre (0.55 fc) to the zero (2 fc)
    best, best_factor = -99.0, None
    for factor in np.arange(2.0, 10.01, 0.05):
        fc = 0.5 / factor
        low = db[(f >= 0.3 * fc) & (f < 0.8 * fc)]
        zero = db[(f > 1.8 * fc) & (f <= min(0.5, 2.2 * fc))]
        if len(low) < 3 or len(zero) < 3:
            continue
        deficit = float(low.mean() - zero.mean() - expected)
        if deficit > best:
            best, best_factor = deficit, float(factor)
    if best_factor is None or best < UPSCALE_DB:
        return False, None, round(max(best, 0.0), 1)
    return True, round(side / best_factor), round(best, 1)


def _band(rows: np.ndarray) -> int:
    """How many leading rows (of an H x W x 3 array) are one colour, ending at a straight edge."""
    colour = rows[0].mean(axis=0)
    for n, row in enumerate(rows):
        same = np.abs(row - colour).max(axis=1) <= TOLERANCE
        if same.mean() < 0.995:
            return n if n and (~same).mean() >= 0.8 else 0  # the band ends at a line across the image
    return 0  # one colour all the way: not a border (a flat image is a placeholder)


def _borders(rgb: np.ndarray) -> dict[str, int]:
    h, w, _ = rgb.shape
    limit_h, limit_w = h // 4, w // 4
    sides = {"top": _band(rgb[:limit_h + 1]), "bottom": _band(rgb[::-1][:limit_h + 1]),
             "left": _band(rgb.transpose(1, 0, 2)[:limit_w + 1]),
             "right": _band(rgb.transpose(1, 0, 2)[::-1][:limit_w + 1])}
    minimum = max(2, min(h, w) // 200)
    return {k: v for k, v in sides.items() if minimum <= v <= (limit_h if k in ("top", "bottom") else limit_w)}


def _flat_share(rgb: np.ndarray) -> float:
    sample = rgb[::4, ::4].reshape(-1, 3)
    values, counts = np.unique((sample // (TOLERANCE * 2)).astype(np.int32) @ np.array([65536, 256, 1]),
                               return_counts=True)
    del values
    return float(counts.max() / counts.sum())


def analyze_image(path: str | Path | StoredObject) -> dict[str, Any]:
    """Measurements of the image at ``path`` (see the module docstring for the keys); a stored object of a
    bucket is read as a stream (issue 12)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with readable(path) as src, Image.open(src) as img:
            rgb_img = img.convert("RGB")
    rgb = np.asarray(rgb_img, dtype=np.int16)
    gray = np.asarray(rgb_img.convert("L"), dtype=np.float32)
    h, w = gray.shape
    upscaled, native, deficit = _native(gray, min(h, w))
    share = _flat_share(rgb)
    return {"version": IMAGE_ANALYSIS_VERSION, "width": w, "height": h, "upscaled": upscaled,
            "native_px": native, "upscale_db": deficit, "borders": _borders(rgb), "flat_share": round(share, 3),
            "placeholder": share >= PLACEHOLDER_SHARE}
