"""Asset store and facts with real files: WAV (PCM 16/24, extensible, float), FLAC, MP3, broken audio, images."""

from __future__ import annotations

import hashlib
import os
import struct
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy.engine import Engine
from sqlmodel import select

from stardust_tui.assets.facts import read_facts
from stardust_tui.assets.store import AssetStore
from stardust_tui.config import Settings
from stardust_tui.domain.models import Asset
from stardust_tui.errors import NotFoundError, StardustError, ValidationError
from stardust_tui.store.db import session_scope


def tone(seconds: float = 0.5, rate: int = 44100, channels: int = 2) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    mono = 0.3 * np.sin(2 * np.pi * 440 * t)
    return np.stack([mono] * channels, axis=1)


def write_audio(path: Path, *, rate: int = 44100, channels: int = 2, **kw: str) -> Path:
    sf.write(path, tone(rate=rate, channels=channels), rate, **kw)
    return path


@pytest.fixture
def store(settings: Settings) -> AssetStore:
    settings.paths.ensure()
    return AssetStore(settings.paths)


def test_wav_pcm16(tmp_path: Path) -> None:
    f = read_facts(write_audio(tmp_path / "a.wav", subtype="PCM_16"))
    assert f["kind"] == "audio"
    assert (f["container"], f["codec"], f["bit_depth"], f["sample_rate"], f["channels"]) == ("WAV", "PCM", 16,
                                                                                             44100, 2)
    assert f["wav_format_tag"] == 1
    assert f["duration_seconds"] == pytest.approx(0.5, abs=0.001)
    assert f["wav_trailing_bytes"] == 0


def test_wav_pcm24_48k(tmp_path: Path) -> None:
    f = read_facts(write_audio(tmp_path / "b.wav", rate=48000, subtype="PCM_24"))
    assert (f["bit_depth"], f["sample_rate"], f["wav_format_tag"]) == (24, 48000, 1)


def test_wav_extensible(tmp_path: Path) -> None:
    p = write_audio(tmp_path / "x.wav", format="WAVEX", subtype="PCM_24")
    assert p.read_bytes()[20:22] == struct.pack("<H", 0xFFFE)  # really an extensible header
    f = read_facts(p)
    assert f["wav_format_tag"] == 0xFFFE
    assert f["codec"] == "PCM"
    assert f["bit_depth"] == 24


def test_wav_float_and_trailing_chunk(tmp_path: Path) -> None:
    p = write_audio(tmp_path / "f.wav", subtype="FLOAT")
    with p.open("ab") as fh:  # a LIST chunk after the audio, as some editors write
        fh.write(b"LIST" + struct.pack("<I", 4) + b"INFO")
    f = read_facts(p)
    assert (f["codec"], f["bit_depth"], f["wav_format_tag"]) == ("PCM_FLOAT", 32, 3)
    assert f["wav_trailing_bytes"] == 12
    assert f["wav_chunks_after_data"] == ["LIST"]


def test_flac_and_mp3(tmp_path: Path) -> None:
    flac = read_facts(write_audio(tmp_path / "a.flac", subtype="PCM_24"))
    assert (flac["container"], flac["bit_depth"], flac["channels"]) == ("FLAC", 24, 2)
    assert flac["duration_seconds"] == pytest.approx(0.5, abs=0.01)
    if "MP3" not in sf.available_formats():
        pytest.skip("this libsndfile cannot write MP3")
    mp3 = read_facts(write_audio(tmp_path / "a.mp3", format="MP3"))
    assert (mp3["container"], mp3["codec"], mp3["bit_depth"]) == ("MP3", "MP3", None)
    assert mp3["sample_rate"] == 44100


def test_aiff(tmp_path: Path) -> None:
    f = read_facts(write_audio(tmp_path / "a.aiff", subtype="PCM_24"))
    assert (f["container"], f["codec"], f["bit_depth"], f["channels"]) == ("AIFF", "PCM", 24, 2)


def test_truncated_flac_is_caught(tmp_path: Path) -> None:
    good = write_audio(tmp_path / "good.flac", subtype="PCM_16")
    data = good.read_bytes()
    bad = tmp_path / "cut.flac"
    bad.write_bytes(data[: len(data) // 2])  # the header still promises the full length
    with pytest.raises(ValidationError, match=r"cut\.flac: truncated or corrupt"):
        read_facts(bad)


def test_truncated_wav_is_one_clear_line(tmp_path: Path) -> None:
    good = write_audio(tmp_path / "good.wav", subtype="PCM_16")
    bad = tmp_path / "cut.wav"
    bad.write_bytes(good.read_bytes()[:5000])
    with pytest.raises(ValidationError) as exc:
        read_facts(bad)
    msg = str(exc.value)
    assert msg.startswith(str(bad)) and "truncated" in msg and "\n" not in msg


@pytest.mark.parametrize(("name", "data"), [("junk.flac", b"not audio at all" * 64),
                                            ("junk.mp3", b"\xff\xfb" + bytes(400)),
                                            ("junk.wav", b"RIFF\x00\x00\x00\x00WAVEdata")])
def test_garbage_audio(tmp_path: Path, name: str, data: bytes) -> None:
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(ValidationError, match=name):
        read_facts(p)


def test_images(tmp_path: Path) -> None:
    Image.new("RGB", (300, 200), "red").save(tmp_path / "c.jpg", quality=90)
    Image.new("CMYK", (64, 64)).save(tmp_path / "d.jpg")
    Image.new("RGBA", (50, 50)).save(tmp_path / "e.png")
    jpg = read_facts(tmp_path / "c.jpg")
    assert (jpg["kind"], jpg["container"], jpg["width"], jpg["height"], jpg["color_mode"]) == ("image", "JPEG", 300,
                                                                                               200, "RGB")
    assert read_facts(tmp_path / "d.jpg")["color_mode"] == "CMYK"
    assert read_facts(tmp_path / "e.png")["container"] == "PNG"
    data = (tmp_path / "c.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValidationError, match="unreadable image"):
        read_facts(tmp_path / "cut.jpg")


def test_add_stores_content_addressed_and_dedupes(store: AssetStore, sqlite_engine: Engine, tmp_path: Path) -> None:
    src = write_audio(tmp_path / "song.wav", subtype="PCM_24")
    copy = tmp_path / "same-bytes.wav"
    copy.write_bytes(src.read_bytes())
    calls: list[tuple[int, int]] = []
    with session_scope(sqlite_engine) as s:
        a = store.add(s, src, progress=lambda d, t: calls.append((d, t)))
        b = store.add(s, copy)
        assert a.id == b.id
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    assert a.sha256 == digest and a.md5 == hashlib.md5(src.read_bytes()).hexdigest()
    stored = store.path_for(a)
    assert stored == store.root / digest[:2] / digest[2:4] / digest
    assert stored.read_bytes() == src.read_bytes()
    assert calls[-1] == (src.stat().st_size, src.stat().st_size)
    assert (a.kind, a.bit_depth, a.wav_format_tag, a.original_name) == ("audio", 24, 1, "song.wav")
    assert not any((store.root / ".incoming").iterdir())
    with session_scope(sqlite_engine) as s:
        assert len(s.exec(select(Asset)).all()) == 1
        assert store.get(s, digest[:10]).id == a.id
        assert store.get(s, str(a.id)).sha256 == digest
        assert store.verify(a)
    inode = stored.stat().st_ino
    with session_scope(sqlite_engine) as s:  # same bytes again: hashed only, nothing rewritten
        assert store.add(s, copy).id == a.id
    assert stored.stat().st_ino == inode
    stored.unlink()  # a store file lost on disk is restored by adding the bytes again
    with session_scope(sqlite_engine) as s:
        assert store.add(s, src).id == a.id
    assert stored.read_bytes() == src.read_bytes()


def test_add_on_postgres(store: AssetStore, pg_engine: Engine, tmp_path: Path) -> None:
    Image.new("RGB", (120, 120), "blue").save(tmp_path / "cover.png")
    with session_scope(pg_engine) as s:
        a = store.add(s, tmp_path / "cover.png")
    assert (a.kind, a.container, a.width, a.color_mode) == ("image", "PNG", 120, "RGB")


def test_add_errors_name_the_path(store: AssetStore, sqlite_engine: Engine, tmp_path: Path) -> None:
    missing = tmp_path / "nope.wav"
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF1234WAVEfmt ")
    with session_scope(sqlite_engine) as s:
        with pytest.raises(NotFoundError, match="nope.wav"):
            store.add(s, missing)
        with pytest.raises(ValidationError, match="bad.wav: no fmt chunk"):
            store.add(s, bad)
        junk = tmp_path / "junk.wav"  # named like audio, bytes of nothing known: refused, not stored as "other"
        junk.write_bytes(b"garbage\n")
        with pytest.raises(ValidationError, match="junk.wav: unreadable audio"):
            store.add(s, junk)
        with pytest.raises(StardustError, match=str(tmp_path)):
            store.add(s, tmp_path)
        assert s.exec(select(Asset)).all() == []
    assert not any((store.root / ".incoming").iterdir())  # no temp file left behind


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(store: AssetStore, sqlite_engine: Engine, tmp_path: Path) -> None:
    p = tmp_path / "locked.wav"
    p.write_bytes(b"x")
    p.chmod(0)
    with session_scope(sqlite_engine) as s, pytest.raises(StardustError, match="permission denied"):
        store.add(s, p)


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS in /proc/self/status")


def test_large_file_is_streamed(store: AssetStore, sqlite_engine: Engine, tmp_path: Path) -> None:
    """A 300 MB (sparse) WAV goes through add() with RSS growth far below its size."""
    size = 300 * 1024 * 1024
    big = tmp_path / "long.wav"
    data_size = size - 44
    with big.open("wb") as fh:
        fh.write(b"RIFF" + struct.pack("<I", size - 8) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 2, 48000,
                 48000 * 6, 6, 24) + b"data" + struct.pack("<I", data_size))
        fh.truncate(size)
    baseline = _rss_kib()
    peak = [baseline]

    def progress(done: int, total: int) -> None:
        if done % (32 * 1024 * 1024) == 0 or done == total:
            peak.append(_rss_kib())

    with session_scope(sqlite_engine) as s:
        a = store.add(s, big, progress=progress)
    growth_mib = (max(peak) - baseline) / 1024
    assert growth_mib < 64, f"RSS grew by {growth_mib:.0f} MiB while adding a 300 MiB file"
    assert len(peak) > 5
    assert a.size == size and a.bit_depth == 24 and a.duration_seconds == pytest.approx(data_size / 6 / 48000)
    assert store.path_for(a).stat().st_size == size


def test_rf64(tmp_path: Path) -> None:
    f = read_facts(write_audio(tmp_path / "long.wav", format="RF64", subtype="PCM_24"))
    assert (f["container"], f["codec"], f["bit_depth"]) == ("RF64", "PCM", 24)
    assert f["wav_format_tag"] == 0xFFFE  # libsndfile writes RF64 with an extensible header
    assert f["duration_seconds"] == pytest.approx(0.5, abs=0.001)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=300), name=st.sampled_from(["x.wav", "x.flac", "x.mp3", "x.jpg", "x.bin", "x.aiff"]),
       prefix=st.sampled_from([b"", b"RIFF\x10\x00\x00\x00WAVE", b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00",
                               b"fLaC", b"ID3\x03\x00", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n",
                               b"FORM\x00\x00\x00\x10AIFF"]))
def test_fuzzed_files_never_crash(tmp_path: Path, body: bytes, name: str, prefix: bytes) -> None:
    """Whatever the bytes, reading facts returns a dict or raises one StardustError line."""
    p = tmp_path / name
    p.write_bytes(prefix + body)
    try:
        facts = read_facts(p)
    except StardustError as exc:
        assert "\n" not in str(exc) and str(p) in str(exc)
    else:
        assert facts["kind"] in ("audio", "image", "other")
