"""``stardust asset add|show|list|verify`` through the real CLI, attaching to real releases."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
from click.testing import CliRunner
from PIL import Image
from sqlmodel import select

from stardust_tui.cli import cli
from stardust_tui.config import load_settings
from stardust_tui.domain.models import Release, ReleaseRevision
from stardust_tui.store.db import make_engine, session_scope
from stardust_tui.store.releases import create_release, load_release


def _files(tmp_path: Path) -> tuple[Path, Path, Path]:
    t = np.arange(22050) / 44100
    data = np.stack([0.2 * np.sin(2 * np.pi * 440 * t)] * 2, axis=1)
    sf.write(tmp_path / "one.wav", data, 44100, subtype="PCM_24")
    sf.write(tmp_path / "two.flac", data * 0.5, 44100, subtype="PCM_24")
    Image.new("RGB", (1500, 1500), "navy").save(tmp_path / "cover.jpg")
    return tmp_path / "one.wav", tmp_path / "two.flac", tmp_path / "cover.jpg"


def _release() -> int:
    runner = CliRunner()
    assert runner.invoke(cli, ["init"]).exit_code == 0
    engine = make_engine(load_settings().db_url)
    with session_scope(engine) as s:
        rel = create_release(s, actor="t", title="Test Record", artists=["Someone"], upc="093624920472",
                             tracks=[{"title": "A", "isrc": "USS1Z2500001"}, {"title": "B", "isrc": "USS1Z2500002"}])
        rid = rel.id
    engine.dispose()
    return rid


def test_add_attach_show_list(tmp_path: Path) -> None:
    wav, flac, cover = _files(tmp_path)
    rid = _release()
    runner = CliRunner()
    res = runner.invoke(cli, ["asset", "add", str(wav), str(flac), "--release", "093624920472", "--track", "1"])
    assert res.exit_code == 0, res.output
    assert "attached to release" in res.output and "track 1-2" in res.output
    res = runner.invoke(cli, ["asset", "add", str(cover), "--cover", str(rid)])
    assert res.exit_code == 0, res.output
    assert "warning: size: artwork is 1500x1500" in res.output
    again = runner.invoke(cli, ["asset", "add", str(wav)])
    assert "already stored" in again.output

    engine = make_engine(load_settings().db_url)
    with session_scope(engine) as s:
        rel = load_release(s, rid)
        assert [t.audio.original_name for t in rel.tracks] == ["one.wav", "two.flac"]
        assert rel.tracks[0].duration_seconds == 0.5
        assert rel.cover.width == 1500
        assert len(s.exec(select(ReleaseRevision).where(ReleaseRevision.release_id == rid)).all()) == 4
        sha = rel.tracks[0].audio.sha256
    engine.dispose()

    show = runner.invoke(cli, ["asset", "show", sha[:10]])
    assert show.exit_code == 0, show.output
    assert "QC          PASS" in show.output and f"release {rid} track 1-1" in show.output
    assert "1 (plain PCM)" in show.output
    listing = runner.invoke(cli, ["asset", "list"])
    assert "3 of 3 asset(s)" in listing.output
    images = runner.invoke(cli, ["asset", "list", "--kind", "image", "--json"])
    assert '"width": 1500' in images.output
    verify = runner.invoke(cli, ["asset", "verify"])
    assert verify.exit_code == 0 and "3 checked, 0 bad" in verify.output


def test_errors_are_one_line(tmp_path: Path) -> None:
    wav, _flac, cover = _files(tmp_path)
    rid = _release()
    runner = CliRunner()
    cases = [
        (["asset", "add", str(tmp_path / "missing.wav")], "missing.wav: no such file"),
        (["asset", "add", str(cover), "--release", str(rid), "--track", "1"], "not audio"),
        (["asset", "add", str(wav), "--cover", str(rid)], "not an image"),
        (["asset", "add", str(wav), "--release", str(rid), "--track", "9"], "has no track 1-9"),
        (["asset", "add", str(wav), "--release", str(rid)], "--release and --track go together"),
        (["asset", "show", "ffffffffff"], "no asset"),
    ]
    for args, expected in cases:
        res = runner.invoke(cli, args)
        assert res.exit_code != 0, args
        assert expected in res.output, (args, res.output)
        assert "Traceback" not in res.output
    engine = make_engine(load_settings().db_url)
    with session_scope(engine) as s:  # nothing was attached by the failed commands
        rel = s.get(Release, rid)
        assert rel is not None and rel.cover_asset_id is None and rel.revision == 1
    engine.dispose()


def test_store_file_tampering_is_detected(tmp_path: Path) -> None:
    wav, _flac, _cover = _files(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["asset", "add", str(wav)]).exit_code == 0
    stored = next(p for p in (load_settings().paths.assets_dir).rglob("*") if p.is_file() and len(p.name) == 64)
    assert stored.stat().st_mode & 0o777 == 0o444
    stored.chmod(0o644)
    stored.write_bytes(stored.read_bytes()[:-1] + b"\x01")
    res = runner.invoke(cli, ["asset", "verify"])
    assert res.exit_code == 1 and "1 checked, 1 bad" in res.output
    stored.unlink()
    show = runner.invoke(cli, ["asset", "show", stored.name[:8]])
    assert "missing from the store" in show.output and "QC          FAIL" in show.output


def test_progress_bar_for_big_files(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    with big.open("wb") as fh:  # 60 MiB, sparse: above the 50 MB progress-bar threshold
        fh.truncate(60 * 1024 * 1024)
    res = CliRunner().invoke(cli, ["asset", "add", str(big)])
    assert res.exit_code == 0, res.output
    assert "big.bin" in res.stderr  # the bar (its label when not on a terminal) goes to stderr
    assert "other BIN" in res.stdout
