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


# --- signal and pixel checks (measured with numpy from real files) -----------------------------------

from stardust_tui.assets.picture import analyze_image  # noqa: E402
from stardust_tui.assets.signal import analyze_audio  # noqa: E402
from stardust_tui.domain.qc_rules import AudioRules  # noqa: E402
from tests import qc_media  # noqa: E402


def test_clean_music_is_not_lossy_and_codec_copies_are(tmp_path: Path) -> None:
    clean = qc_media.music(6.0)
    a = analyze_audio(qc_media.write_flac(tmp_path / "clean.flac", clean))
    assert a["cutoff_hz"] is None and not a["silent"] and a["clipped_runs"] == 0 and not a["dual_mono"]
    for codec in ("mp3-mid", "vorbis-low"):
        m = analyze_audio(qc_media.write_flac(tmp_path / f"{codec}.flac", qc_media.through_codec(clean, codec)))
        assert m["cutoff_hz"] and 5000 <= m["cutoff_hz"] <= 20000 and m["cutoff_drop_db"] >= 30, (codec, m)
        asset = asset_from(tmp_path / f"{codec}.flac")
        found = {f.code: f for f in check_audio(asset, analysis=m)}
        assert found["audio-lossy-origin"].severity == "error"
        assert "decoded from a lossy one" in found["audio-lossy-origin"].message


def test_clipping_silence_and_dual_mono_are_measured(tmp_path: Path) -> None:
    x = qc_media.music(4.0)
    a = analyze_audio(qc_media.write_flac(tmp_path / "hot.flac", qc_media.clipped(x)))
    assert a["clipped_runs"] > 10 and a["clipped_first"] is not None
    a = analyze_audio(qc_media.write_flac(tmp_path / "pad.flac", qc_media.with_silence(x, lead=3.0, trail=12.0)))
    assert 2.9 <= a["leading_silence"] <= 3.1 and 11.9 <= a["trailing_silence"] <= 12.1
    a = analyze_audio(qc_media.write_flac(tmp_path / "dm.flac", np.repeat(x[:, :1], 2, axis=1)))
    assert a["dual_mono"]
    codes_found = codes(check_audio(asset_from(tmp_path / "pad.flac"), analysis=a | {
        "leading_silence": 3.0, "trailing_silence": 12.0, "clipped_runs": 4, "clipped_first": 61.0}))
    assert codes_found == {"audio-leading-silence": "warning", "audio-trailing-silence": "warning",
                           "audio-clipping": "warning", "audio-dual-mono": "warning"}
    strict = AudioRules(clipping="error", silence="off", dual_mono="info", max_clipped_runs=10)
    assert codes(check_audio(asset_from(tmp_path / "pad.flac"), rules=strict, analysis=a | {"clipped_runs": 11})) \
        == {"audio-clipping": "error", "audio-dual-mono": "info"}
    silent = analyze_audio(qc_media.write_flac(tmp_path / "z.flac", np.zeros((RATE_2S, 2), np.float32)))
    assert silent["silent"] and codes(check_audio(asset_from(tmp_path / "z.flac"), analysis=silent)) == {
        "audio-silent": "error"}


RATE_2S = 88200


def test_duration_mismatch_between_metadata_and_file(tmp_path: Path) -> None:
    a = audio(tmp_path, "short.wav", subtype="PCM_16")  # 2 seconds
    found = check_audio(a, expected_duration=225.0)
    assert codes(found) == {"audio-duration-mismatch": "error"}
    assert "3:45" in found[0].message and "0:02" in found[0].message
    assert check_audio(a, expected_duration=3.0) == []  # within the 2 s tolerance


def test_upscaled_bordered_and_placeholder_artwork(tmp_path: Path) -> None:
    def measured(img, name: str) -> dict:
        path = tmp_path / name
        img.save(path, quality=92) if name.endswith(".jpg") else img.save(path)
        return analyze_image(path)

    clean = measured(qc_media.artwork(3000), "clean.jpg")
    assert not clean["upscaled"] and not clean["borders"] and not clean["placeholder"]
    up = measured(qc_media.artwork(3000, drawn_at=600), "up.jpg")
    assert up["upscaled"] and 450 <= up["native_px"] <= 800, up
    boxed = measured(qc_media.letterboxed(), "box.png")
    assert boxed["borders"] == {"top": 300, "bottom": 300}
    card = measured(qc_media.placeholder(), "card.png")
    assert card["placeholder"]
    cover = image(tmp_path, "c.jpg", (3000, 3000))
    assert codes(check_artwork(cover, analysis=up)) == {"artwork-upscaled": "error"}
    assert codes(check_artwork(cover, analysis=boxed)) == {"artwork-borders": "warning"}
    assert codes(check_artwork(cover, analysis=card)) == {"artwork-placeholder": "warning"}
    assert f"enlarged from about {up['native_px']} px to 3000 px" in check_artwork(cover, analysis=up)[0].message


def test_damaged_files_are_reported_not_raised(tmp_path: Path) -> None:
    from stardust_tui.assets.qc import analyze_file

    bad = tmp_path / "bad.flac"
    bad.write_bytes(b"fLaC" + b"\x00" * 100)
    m = analyze_file(bad, "audio")
    assert m["error"].startswith("cannot decode the audio")
    assert codes(check_audio(audio(tmp_path, "ok.wav", subtype="PCM_16"), analysis=m)) == {"audio-unreadable": "error"}
