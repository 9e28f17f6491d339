"""Bulk audio import: match by ISRC in the name, by <UPC>_<disc>_<track>, by embedded ISRC tag; covers; unmatched."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
from mutagen.flac import FLAC
from PIL import Image
from sqlmodel import Session

from stardust_tui.assets.store import AssetStore
from stardust_tui.config import Settings
from stardust_tui.domain.models import Track
from stardust_tui.importexport.audio_import import import_audio_dir, isrc_from_name
from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import create_release, get_release, load_release


def tone(path: Path, seconds: float = 0.2, freq: float = 440.0) -> Path:
    t = np.arange(int(44100 * seconds)) / 44100
    sf.write(str(path), (0.1 * np.sin(2 * np.pi * freq * t)).astype("float32"), 44100, subtype="PCM_16")
    return path


def seed(engine) -> None:  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        create_release(s, actor="t", title="A", upc="012345678905", display_artist="X", tracks=[
            Track(title="One", isrc="USABC2400001"), Track(title="Two", isrc="USABC2400002", track_number=2),
            Track(title="Three", isrc="USABC2400003", disc_number=2, track_number=1)])


def test_isrc_from_name() -> None:
    assert isrc_from_name("01 - Intro - US-ABC-24-00001.wav") == "USABC2400001"
    assert isrc_from_name("usabc2400001_master.flac") == "USABC2400001"
    assert isrc_from_name("012345678905_1_01.wav") is None


def test_match_store_attach_and_report(sqlite_engine, settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seed(sqlite_engine)
    drop = tmp_path / "drop"
    drop.mkdir()
    tone(drop / "Intro - USABC2400001.wav", freq=300)
    tone(drop / "012345678905_2_1.wav", freq=400)
    tagged = tone(drop / "track-two.flac", freq=500)
    f = FLAC(str(tagged))
    f["ISRC"] = "US-ABC-24-00002"
    f.save()
    tone(drop / "mystery.wav", freq=600)
    Image.new("RGB", (64, 64), (10, 20, 30)).save(drop / "012345678905.jpg")
    (drop / "notes.txt").write_text("hello", encoding="utf-8")

    dry = import_audio_dir(sqlite_engine, settings.paths, drop, dry_run=True)
    assert dry.updated == 4
    with Session(sqlite_engine) as s:
        assert all(t.audio_asset_id is None for t in load_release(s, 1).tracks)

    report = import_audio_dir(sqlite_engine, settings.paths, drop)
    assert report.updated == 4 and report.error_count == 0, report.render()
    unmatched = [str(i) for i in report.warnings]
    assert any("mystery.wav" in w and "unmatched" in w for w in unmatched)
    assert any("notes.txt" in w and "ignored" in w for w in unmatched)
    assert any("ISRC USABC2400002 in the tags" in n for n in report.notes)
    store = AssetStore(settings.paths)
    with Session(sqlite_engine) as s:
        r = load_release(s, get_release(s, "012345678905").id)
        assert [t.audio.original_name for t in r.tracks] == ["Intro - USABC2400001.wav", "track-two.flac",
                                                             "012345678905_2_1.wav"]
        assert all(store.verify(t.audio) for t in r.tracks)
        assert r.cover is not None and r.cover.kind == "image"
        assert r.revision > 1  # attached through save_release: revisions recorded
    again = import_audio_dir(sqlite_engine, settings.paths, drop)
    assert again.updated == 0 and again.unchanged == 4
    tone(drop / "Intro - USABC2400001.wav", freq=700)  # different audio for an attached track
    other = import_audio_dir(sqlite_engine, settings.paths, drop, files=[drop / "Intro - USABC2400001.wav"])
    assert other.updated == 0 and other.duplicates == 1 and "--replace" in other.warnings[0].message
    replaced = import_audio_dir(sqlite_engine, settings.paths, drop, files=[drop / "Intro - USABC2400001.wav"],
                                replace=True)
    assert replaced.updated == 1
