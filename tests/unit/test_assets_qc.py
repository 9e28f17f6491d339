"""Audio and artwork QC on facts read from real files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PIL import Image

from stardust_tui.assets.facts import read_facts
from stardust_tui.domain.models import Asset
from stardust_tui.domain.qc import check_artwork, check_asset, check_audio, check_release_audio


def asset_from(path: Path) -> Asset:
    facts = read_facts(path)
    cols = {k: v for k, v in facts.items() if k in Asset.model_fields}
    return Asset(sha256="0" * 64, md5="0" * 32, size=path.stat().st_size, original_name=path.name, **cols)


def audio(tmp_path: Path, name: str, *, rate: int = 44100, channels: int = 2, **kw: str) -> Asset:
    t = np.arange(rate // 4) / rate
    data = np.stack([0.2 * np.sin(2 * np.pi * 330 * t)] * channels, axis=1)
    path = tmp_path / name
    sf.write(path, np.vstack([data] * 8), rate, **kw)  # 2 seconds
    return asset_from(path)


def image(tmp_path: Path, name: str, size: tuple[int, int], mode: str = "RGB") -> Asset:
    path = tmp_path / name
    Image.new(mode, size).save(path)
    return asset_from(path)


def codes(findings: list) -> dict[str, str]:
    return {f.code: f.severity for f in findings}


def test_good_audio_passes(tmp_path: Path) -> None:
    assert check_audio(audio(tmp_path, "a.wav", subtype="PCM_16")) == []
    assert check_audio(audio(tmp_path, "b.flac", rate=48000, subtype="PCM_24")) == []


def test_extensible_wav_warns_or_fails_strict(tmp_path: Path) -> None:
    a = audio(tmp_path, "x.wav", format="WAVEX", subtype="PCM_24")
    assert codes(check_audio(a)) == {"wav-not-plain-pcm": "warning"}
    assert codes(check_audio(a, strict=True)) == {"wav-not-plain-pcm": "error"}


def test_bad_audio_properties(tmp_path: Path) -> None:
    found = codes(check_audio(audio(tmp_path, "low.wav", rate=22050, channels=1, subtype="PCM_U8")))
    assert found == {"audio-bit-depth": "error", "audio-sample-rate": "error", "audio-channels": "error"}
    found = codes(check_audio(audio(tmp_path, "float.wav", subtype="FLOAT")))
    assert found["audio-codec"] == "error" and found["audio-bit-depth"] == "error"


@pytest.mark.skipif("MP3" not in sf.available_formats(), reason="this libsndfile cannot write MP3")
def test_mp3_is_an_error(tmp_path: Path) -> None:
    findings = check_audio(audio(tmp_path, "lossy.mp3", format="MP3"))
    assert codes(findings)["audio-format"] == "error"
    assert "lossy MP3" in next(f.message for f in findings if f.code == "audio-format")


def test_trailing_chunk_warning_from_facts(tmp_path: Path) -> None:
    a = audio(tmp_path, "t.wav", subtype="PCM_16")
    with (tmp_path / "t.wav").open("ab") as fh:
        fh.write(b"id3 \x04\x00\x00\x00ID3\x00")
    facts = read_facts(tmp_path / "t.wav")
    assert codes(check_audio(a, facts=facts)) == {"wav-data-not-last": "warning"}


def test_mixed_bit_depths_across_release(tmp_path: Path) -> None:
    a16 = audio(tmp_path, "1.wav", subtype="PCM_16")
    a24 = audio(tmp_path, "2.flac", subtype="PCM_24")
    a24b = audio(tmp_path, "3.flac", rate=48000, subtype="PCM_24")
    assert codes(check_release_audio([a16, a24, None])) == {"audio-mixed-bit-depth": "error"}
    assert codes(check_release_audio([a24, a24b])) == {"audio-mixed-sample-rate": "warning"}
    assert check_release_audio([a24, a24]) == []


def test_artwork_sizes(tmp_path: Path) -> None:
    assert check_artwork(image(tmp_path, "ok.jpg", (3000, 3000))) == []
    assert codes(check_artwork(image(tmp_path, "mid.jpg", (2000, 2000)))) == {"artwork-small": "warning"}
    assert codes(check_artwork(image(tmp_path, "tiny.jpg", (1000, 1000)))) == {"artwork-too-small": "error"}
    found = codes(check_artwork(image(tmp_path, "wide.png", (3200, 3000))))
    assert found == {"artwork-not-square": "error"}


def test_artwork_colour_and_format(tmp_path: Path) -> None:
    assert codes(check_artwork(image(tmp_path, "c.jpg", (1500, 1500), "CMYK"))) == {
        "artwork-color-mode": "error", "artwork-small": "warning"}
    assert "artwork-format" in codes(check_artwork(image(tmp_path, "g.gif", (3000, 3000), "P")))
    wav = audio(tmp_path, "a.wav", subtype="PCM_16")
    assert codes(check_artwork(wav)) == {"artwork-not-image": "error"}
    assert check_asset(wav) == []
    assert codes(check_asset(image(tmp_path, "s.png", (100, 100)))) == {"artwork-too-small": "error"}
