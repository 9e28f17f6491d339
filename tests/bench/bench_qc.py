"""Benchmark: audio and artwork QC — time per minute of audio and per image, detection rates, false positives.

Usage: .venv/bin/python tests/bench/bench_qc.py [--minutes 3] [--runs 3] [--seeds 3]

* Speed: ``assets.signal.analyze_audio`` on a clean stereo 16-bit/44.1 kHz FLAC of ``--minutes`` minutes
  (and a 24-bit/96 kHz one), ``assets.picture.analyze_image`` on a 3000x3000 JPEG; medians of ``--runs``.
* Lossy origin: music-like signals (tests/qc_media.py: band, pink, soft, tones) through REAL encoders
  (libsndfile's MP3/LAME and Vorbis at several compression levels), decoded and stored as 16-bit FLAC,
  against the clean originals plus clean variants that could fool a naive detector (24-bit/48 kHz,
  a gentle natural treble roll-off, a dark synth-like low-pass at 12 kHz with a 12 dB/octave slope).
* Upscaled artwork: pictures drawn at 600/1000/1400/1500 px and enlarged to 3000 px (bicubic, Lanczos,
  bilinear), JPEG and PNG, against pictures drawn at 3000 px (JPEG quality 60-95, PNG).

Detection rate = flagged / faulty files; false positives = flagged / clean files. Prints one JSON object
on its last line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from stardust_tui.assets.picture import analyze_image  # noqa: E402
from stardust_tui.assets.signal import analyze_audio  # noqa: E402
from tests import qc_media  # noqa: E402

KINDS = ("band", "pink", "soft", "tones")


def _median_time(fn, runs: int) -> tuple[float, float]:  # noqa: ANN001
    """Median (wall seconds, CPU seconds): the CPU figure does not depend on other processes' load."""
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def _lowpassed(x: np.ndarray, corner: float, slope_db_oct: float) -> np.ndarray:
    spec = np.fft.rfft(x, axis=0)
    f = np.fft.rfftfreq(len(x), 1 / qc_media.RATE)
    gain_db = np.where(f > corner, -slope_db_oct * np.log2(np.maximum(f, 1) / corner), 0.0)
    return np.fft.irfft(spec * (10 ** (gain_db / 20))[:, None], len(x), axis=0).astype(np.float32)


def audio_rates(tmp: Path, seeds: int) -> dict:
    lossy, clean = [], []
    missed: dict[str, int] = {}
    for kind in KINDS:
        for seed in range(seeds):
            x = qc_media.music(10.0, kind=kind, seed=seed)
            variants = {"plain": x, "rolloff": _lowpassed(x, 8000, 6), "dark-synth": _lowpassed(x, 12000, 12)}
            for name, v in variants.items():
                path = qc_media.write_flac(tmp / f"c-{kind}-{seed}-{name}.flac", v)
                clean.append(bool(analyze_audio(path)["cutoff_hz"]))
            path = tmp / f"c-{kind}-{seed}-48k24.flac"
            sf.write(path, x, 48000, subtype="PCM_24")
            clean.append(bool(analyze_audio(path)["cutoff_hz"]))
            for codec in qc_media.LOSSY:
                path = qc_media.write_flac(tmp / f"l-{kind}-{seed}-{codec}.flac", qc_media.through_codec(x, codec))
                found = bool(analyze_audio(path)["cutoff_hz"])
                lossy.append(found)
                if not found:
                    missed[f"{kind}/{codec}"] = missed.get(f"{kind}/{codec}", 0) + 1
    broadband = [ok for ok, key in zip(lossy, [f"{k}/{c}" for k in KINDS for _ in range(seeds) for c in qc_media.LOSSY],
                                       strict=True) if not key.startswith("tones/")]
    return {"lossy_files": len(lossy), "lossy_detected": sum(lossy),
            "detection_rate": round(sum(lossy) / len(lossy), 3),
            "detection_rate_without_pure_tones": round(sum(broadband) / len(broadband), 3),
            "clean_files": len(clean), "false_positives": sum(clean),
            "false_positive_rate": round(sum(clean) / len(clean), 3), "missed": missed}


def image_rates(tmp: Path, seeds: int) -> dict:
    up, clean = [], []
    missed: dict[str, int] = {}
    methods = {"bicubic": Image.Resampling.BICUBIC, "lanczos": Image.Resampling.LANCZOS,
               "bilinear": Image.Resampling.BILINEAR}
    for seed in range(seeds):
        for q in (60, 75, 92, 95):
            path = tmp / f"c-{seed}-{q}.jpg"
            qc_media.artwork(3000, seed=seed).save(path, quality=q)
            clean.append(analyze_image(path)["upscaled"])
        path = tmp / f"c-{seed}.png"
        qc_media.artwork(3000, seed=seed).save(path)
        clean.append(analyze_image(path)["upscaled"])
        for side in (600, 1000, 1400, 1500):
            small = qc_media.artwork(side, seed=seed)
            for mname, method in methods.items():
                path = tmp / f"u-{seed}-{side}-{mname}.jpg"
                small.resize((3000, 3000), method).save(path, quality=92)
                found = analyze_image(path)["upscaled"]
                up.append(found)
                if not found:
                    missed[f"{side}/{mname}"] = missed.get(f"{side}/{mname}", 0) + 1
    return {"upscaled_files": len(up), "upscaled_detected": sum(up), "detection_rate": round(sum(up) / len(up), 3),
            "clean_files": len(clean), "false_positives": sum(clean),
            "false_positive_rate": round(sum(clean) / len(clean), 3), "missed": missed}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=3.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seeds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-qc-") as tmp_name:
        tmp = Path(tmp_name)
        song = qc_media.write_flac(tmp / "song.flac", qc_media.music(args.minutes * 60))
        hires = tmp / "hires.flac"
        x96 = qc_media.music(60.0)
        sf.write(hires, np.repeat(x96, 2, axis=0)[: 96000 * 60], 96000, subtype="PCM_24")
        cover = tmp / "cover.jpg"
        qc_media.artwork(3000).save(cover, quality=92)
        audio_s = _median_time(lambda: analyze_audio(song), args.runs)
        hires_s = _median_time(lambda: analyze_audio(hires), args.runs)
        image_s = _median_time(lambda: analyze_image(cover), args.runs)
        result = {
            "audio_wall_s_per_minute_44k16": round(audio_s[0] / args.minutes, 3),
            "audio_cpu_s_per_minute_44k16": round(audio_s[1] / args.minutes, 3),
            "audio_wall_s_per_minute_96k24": round(hires_s[0], 3), "audio_cpu_s_per_minute_96k24": round(hires_s[1], 3),
            "image_wall_s_per_3000px_jpeg": round(image_s[0], 3), "image_cpu_s_per_3000px_jpeg": round(image_s[1], 3),
            "load_average_1min": round(__import__("os").getloadavg()[0], 2),
            "lossy_origin": audio_rates(tmp, args.seeds),
            "upscaled_artwork": image_rates(tmp, args.seeds),
            "runs": args.runs, "seeds": args.seeds,
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
