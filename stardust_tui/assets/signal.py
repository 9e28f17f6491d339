"""Measure an audio file's samples: codec low-pass (lossy origin), clipping, silence at the ends, dual mono.

:func:`analyze_audio` streams the file through libsndfile (a block at a time, so a 500 MB hi-res file is
never loaded whole) and returns plain numbers that :mod:`stardust_tui.domain.qc` judges per profile:

* ``cutoff_hz`` / ``cutoff_drop_db``: lossy encoders (MP3, AAC, Vorbis, Opus) throw away everything above
  a low-pass (MP3 at 128 kbit/s: ~16 kHz, at 192: ~19 kHz); a lossless file decoded from one keeps that
  cliff. The average power spectrum of the non-silent frames is searched for the steepest drop between
  5 kHz and ``min(20 kHz, 0.9 x Nyquist)``: real content just below it and (next to) nothing above.
  Cut-offs above 20 kHz are not judged: mastering anti-alias filters sit there too.
* ``clipped_runs`` / ``clipped_first``: runs of 3+ consecutive samples at digital full scale (per channel).
* ``leading_silence`` / ``trailing_silence``: seconds below -60 dBFS at the start and end; ``silent``.
* ``dual_mono``: two channels that are sample-for-sample the same (within one 16-bit step).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from stardust_tui.assets.objects import StoredObject, readable

AUDIO_ANALYSIS_VERSION = 1
FRAME = 4096
BLOCK_SECONDS = 8
SILENCE_DBFS = -60.0
CLIP_LEVEL = 0.99990  # |sample| at or above this is full scale (16-bit: 32765/32768)
CLIP_RUN = 3
MIN_CUTOFF_HZ = 5_000.0
MAX_CUTOFF_HZ = 20_000.0
MIN_DROP_DB = 30.0
_WINDOW = np.hanning(FRAME).astype(np.float32)
_SILENCE = 10 ** (SILENCE_DBFS / 20)


def _clipped_runs(block: np.ndarray) -> tuple[int, int | None]:
    """(number of runs of CLIP_RUN+ full-scale samples in any channel, index of the first)."""
    count, first = 0, None
    for ch in block.T:
        hot = np.abs(ch) >= CLIP_LEVEL
        if hot.sum() < CLIP_RUN:
            continue
        edges = np.flatnonzero(np.diff(np.concatenate(([0], hot.view(np.int8), [0]))))
        starts, ends = edges[::2], edges[1::2]
        long = (ends - starts) >= CLIP_RUN
        count += int(long.sum())
        if long.any():
            idx = int(starts[long][0])
            first = idx if first is None else min(first, idx)
    return count, first


class _Spectrum:
    """Running mean power spectrum of the non-silent frames of the mono mix."""

    def __init__(self) -> None:
        self.total = np.zeros(FRAME // 2 + 1, dtype=np.float64)
        self.frames = 0
        self.tail = np.zeros(0, dtype=np.float32)

    def feed(self, mono: np.ndarray) -> None:
        data = np.concatenate((self.tail, mono))
        n = len(data) // FRAME
        self.tail = data[n * FRAME:]
        if not n:
            return
        frames = data[: n * FRAME].reshape(n, FRAME)
        loud = np.sqrt((frames ** 2).mean(axis=1)) > _SILENCE * 10  # -40 dBFS: informative frames only
        if not loud.any():
            return
        spec = np.fft.rfft(frames[loud] * _WINDOW, axis=1)
        self.total += (spec.real ** 2 + spec.imag ** 2).sum(axis=0)
        self.frames += int(loud.sum())

    def cutoff(self, rate: int) -> tuple[float | None, float]:
        """(the low-pass frequency if there is a codec-like cliff, the size of the steepest drop in dB)."""
        if self.frames < 8:
            return None, 0.0
        band = 8  # ~86 Hz at 44.1 kHz
        usable = (len(self.total) - 1) // band * band
        power = self.total[:usable].reshape(-1, band).mean(axis=1) / self.frames
        db = 10 * np.log10(power + 1e-20)
        hz = (np.arange(len(db)) + 0.5) * band * rate / FRAME
        step = hz[1] - hz[0]
        near, far = max(2, round(1200 / step)), max(2, round(250 / step))
        top = min(MAX_CUTOFF_HZ, 0.9 * rate / 2)
        ks = np.flatnonzero((hz >= MIN_CUTOFF_HZ) & (hz <= top) & (np.arange(len(db)) < len(db) - 8))
        if not len(ks):
            return None, 0.0
        csum = np.concatenate(([0.0], np.cumsum(db)))
        below = (csum[ks - 1] - csum[ks - near]) / (near - 1)  # the ~1.2 kHz just under the candidate
        after = (csum[ks + 1 + far] - csum[ks + 1]) / far  # the ~250 Hz just above it
        smooth = np.median(np.lib.stride_tricks.sliding_window_view(np.pad(db, 2, mode="edge"), 5), axis=1)
        rest = np.maximum.accumulate(smooth[::-1])[::-1]  # the loudest band anywhere above (5-band median)
        drop, steep = below - rest[np.minimum(ks + 2, len(db) - 1)], below - after
        ok = steep >= MIN_DROP_DB
        if not ok.any():
            return None, round(float(drop.max(initial=0.0)), 1)
        best = int(np.argmax(np.where(ok, drop, -np.inf)))
        if drop[best] < MIN_DROP_DB:
            return None, round(float(drop[best]), 1)
        return round(float(hz[ks[best]]), -1), round(float(drop[best]), 1)


def analyze_audio(path: str | Path | StoredObject) -> dict[str, Any]:
    """Measurements of the audio file at ``path`` (see the module docstring for the keys); a stored object
    of a bucket is decoded from a stream of ranged reads (issue 12)."""
    with readable(str(path) if isinstance(path, Path) else path) as src, sf.SoundFile(src) as snd:
        rate, channels = snd.samplerate, snd.channels
        spectrum = _Spectrum()
        frames_read, peak, runs, first_clip = 0, 0.0, 0, None
        first_loud, last_loud = None, None
        dual = channels == 2
        hop = max(1, rate // 100)  # 10 ms silence windows
        for block in snd.blocks(blocksize=rate * BLOCK_SECONDS, dtype="float32", always_2d=True):
            n = len(block)
            absmax = np.abs(block).max(axis=1)
            peak = max(peak, float(absmax.max(initial=0.0)))
            count, first = _clipped_runs(block)
            runs += count
            if first is not None and first_clip is None:
                first_clip = frames_read + first
            windows = absmax[: n // hop * hop].reshape(-1, hop).max(axis=1) if n >= hop else absmax[:1]
            loud = np.flatnonzero(windows > _SILENCE)
            if len(loud):
                if first_loud is None:
                    first_loud = frames_read + int(loud[0]) * hop
                last_loud = frames_read + (int(loud[-1]) + 1) * hop
            if dual and np.abs(block[:, 0] - block[:, 1]).max(initial=0.0) > 2 / 32768:
                dual = False
            spectrum.feed(block.mean(axis=1))
            frames_read += n
    duration = frames_read / rate if rate else 0.0
    cutoff, drop = spectrum.cutoff(rate)
    silent = first_loud is None
    return {
        "version": AUDIO_ANALYSIS_VERSION, "duration": round(duration, 3), "sample_rate": rate,
        "channels": channels, "peak": round(peak, 6), "clipped_runs": runs,
        "clipped_first": round(first_clip / rate, 2) if first_clip is not None else None,
        "leading_silence": round(duration if silent else first_loud / rate, 2),
        "trailing_silence": round(0.0 if silent else max(0.0, duration - min(last_loud, frames_read) / rate), 2),  # type: ignore[type-var]
        "silent": silent, "dual_mono": bool(dual and not silent), "cutoff_hz": cutoff, "cutoff_drop_db": drop,
    }
