"""Hot folder: files imported once writing has finished, moved to done/ or failed/ with reports, never twice."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from stardust_tui.config import Settings
from stardust_tui.domain.import_models import ImportRun
from stardust_tui.domain.models import Release
from stardust_tui.importexport.hotfolder import DropResult, HotFolder, run_watch_dirs

CSV = ("UPC,Release Title,Artist,Track Title,ISRC\n"
       "012345678905,Hot,Band,One,USABC2400001\n012345678905,Hot,Band,Two,USABC2400002\n")


def releases(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(Release)).scalar_one()


def test_process_once_done_failed_duplicate(sqlite_engine, settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "cat.csv").write_text(CSV, encoding="utf-8")
    (drop / "same-content.csv").write_text(CSV, encoding="utf-8")
    (drop / "bad.csv").write_text("UPC,Release Title,Artist,Track Title\n123,X,Y,Z\n", encoding="utf-8")
    (drop / "readme.pdf").write_bytes(b"%PDF-1.4")
    (drop / "upload.csv.part").write_text("partial", encoding="utf-8")
    folder = HotFolder(sqlite_engine, settings.paths, drop, stable_seconds=0.2)
    results = {r.source.name: r for r in folder.process_once()}
    assert results["cat.csv"].status == "done"
    assert results["same-content.csv"].status == "duplicate"
    assert results["bad.csv"].status == "failed" and results["readme.pdf"].status == "failed"
    assert "upload.csv.part" not in results and (drop / "upload.csv.part").exists()
    assert releases(sqlite_engine) == 1
    assert (drop / "done" / "cat.csv").is_file()
    report = json.loads((drop / "done" / "cat.csv.report.json").read_text(encoding="utf-8"))
    assert report["created"] == 1 and report["ok"] is True
    bad = (drop / "failed" / "bad.csv.report.txt").read_text(encoding="utf-8")
    assert "bad.csv:2 [UPC]" in bad and "rolled back" in bad
    assert "already imported" in (drop / "done" / "same-content.csv.report.txt").read_text(encoding="utf-8")
    # the same content dropped again under yet another name later: still not imported twice
    (drop / "cat.csv").write_text(CSV, encoding="utf-8")
    (again,) = folder.process_once()
    assert again.status == "duplicate" and again.dest.name.startswith("cat.") and again.dest.name != "cat.csv"
    with Session(sqlite_engine) as s:
        runs = s.exec(select(ImportRun.status)).scalars().all()  # type: ignore[call-overload]
    assert sorted(runs) == ["failed", "ok"]


def test_waits_until_the_file_stops_growing(sqlite_engine, settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    drop = tmp_path / "drop"
    drop.mkdir()
    folder = HotFolder(sqlite_engine, settings.paths, drop, stable_seconds=0.6)
    path = drop / "slow.csv"
    path.write_text(CSV.splitlines(keepends=True)[0], encoding="utf-8")
    assert folder.stable_files(now=100.0) == []  # first seen
    with path.open("a", encoding="utf-8") as f:  # still being written: the size changes
        f.write(CSV.splitlines(keepends=True)[1])
    assert folder.stable_files(now=100.3) == []  # changed: the clock restarts
    assert folder.stable_files(now=100.8) == []  # 0.5 s unchanged < 0.6 s
    assert folder.stable_files(now=101.0) == [path]  # 0.7 s unchanged


def test_watch_loop_with_stop_event(sqlite_engine, settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    drop = tmp_path / "watched"
    drop.mkdir()
    settings.watch_dirs = [drop]
    stop = threading.Event()
    seen: list[DropResult] = []

    def on_result(r: DropResult) -> None:
        seen.append(r)
        stop.set()

    thread = threading.Thread(target=run_watch_dirs, args=(settings, sqlite_engine, stop),
                              kwargs={"stable_seconds": 0.3, "on_result": on_result}, daemon=True)
    thread.start()
    time.sleep(0.5)
    tmp = drop / ".incoming.tmp"
    tmp.write_text(CSV, encoding="utf-8")
    tmp.rename(drop / "dropped.csv")
    thread.join(timeout=20)
    assert not thread.is_alive()
    assert [r.status for r in seen] == ["done"] and releases(sqlite_engine) == 1
    assert (drop / "done" / "dropped.csv.report.json").is_file()


def test_audio_dropped_into_the_hot_folder(sqlite_engine, settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import numpy as np
    import soundfile as sf

    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "cat.csv").write_text(CSV, encoding="utf-8")
    folder = HotFolder(sqlite_engine, settings.paths, drop, stable_seconds=0.1)
    folder.process_once()
    tone = (0.1 * np.sin(np.arange(4410) / 10)).astype("float32")
    sf.write(str(drop / "USABC2400002.wav"), tone, 44100, subtype="PCM_16")
    sf.write(str(drop / "nobody.wav"), tone[::-1].copy(), 44100, subtype="PCM_16")
    results = {r.source.name: r.status for r in folder.process_once()}
    assert results == {"USABC2400002.wav": "done", "nobody.wav": "failed"}
    assert "unmatched" in (drop / "failed" / "nobody.wav.report.txt").read_text(encoding="utf-8")
    with Session(sqlite_engine) as s:
        from stardust_tui.domain.models import Track

        attached = s.execute(select(Track.isrc).where(Track.audio_asset_id.is_not(None))).scalars().all()  # type: ignore[union-attr]
    assert attached == ["USABC2400002"]


def test_drop_waits_to_be_complete_and_takes_the_catalog_first(sqlite_engine, settings: Settings,  # type: ignore[no-untyped-def]
                                                                 tmp_path: Path) -> None:
    """Audio dropped together with the CSV that describes it lands in done/: the drop is taken once nothing
    in the folder changes any more (an upload's .part file included), the catalog file before the media."""
    import numpy as np
    import soundfile as sf

    drop = tmp_path / "drop"
    drop.mkdir()
    folder = HotFolder(sqlite_engine, settings.paths, drop, stable_seconds=0.5)
    tone = (0.1 * np.sin(np.arange(4410) / 10)).astype("float32")
    sf.write(str(drop / "USABC2400001.wav"), tone, 44100, subtype="PCM_16")  # sorts before the CSV by name
    (drop / "zz-catalog.csv").write_text(CSV, encoding="utf-8")
    part = drop / "USABC2400002.wav.part"
    part.write_bytes(b"RIFF")
    assert folder.stable_files(now=10.0) == []  # first seen
    assert folder.stable_files(now=10.6) == [drop / "zz-catalog.csv", drop / "USABC2400001.wav"]
    with part.open("ab") as f:  # the upload goes on: the whole drop waits
        f.write(b"more")
    assert folder.stable_files(now=10.8) == []
    assert folder.stable_files(now=11.1) == []  # 0.3 s quiet < 0.5 s
    part.unlink()
    sf.write(str(drop / "USABC2400002.wav"), tone[::-1].copy(), 44100, subtype="PCM_16")  # renamed in place
    results = [(r.source.name, r.status) for r in folder.process_once()]
    assert results == [("zz-catalog.csv", "done"), ("USABC2400001.wav", "done"), ("USABC2400002.wav", "done")]
    with Session(sqlite_engine) as s:
        from stardust_tui.domain.models import Track

        attached = s.execute(select(Track.isrc).where(Track.audio_asset_id.is_not(None))  # type: ignore[union-attr]
                             .order_by(Track.isrc)).scalars().all()
    assert attached == ["USABC2400001", "USABC2400002"]
