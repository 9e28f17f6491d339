"""The demo catalog: built through the store services, idempotent, with real files that pass QC."""

from __future__ import annotations

import time
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlmodel import select

from stardust_tui.assets.facts import read_facts
from stardust_tui.assets.store import AssetStore
from stardust_tui.cli import cli
from stardust_tui.config import Settings
from stardust_tui.demo import build_demo
from stardust_tui.domain.identifiers import is_valid_isrc, is_valid_upc
from stardust_tui.domain.models import Asset, AuditEntry, Release, ReleaseRevision
from stardust_tui.domain.qc import check_asset, check_release_audio
from stardust_tui.domain.rules import check_release
from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import list_releases, load_release


def _catalog_line(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("catalog"))


def test_demo_cli_twice_changes_nothing(isolated_home: Path) -> None:
    runner = CliRunner()
    t0 = time.monotonic()
    first = runner.invoke(cli, ["demo", "--no-tui"])
    elapsed = time.monotonic() - t0
    assert first.exit_code == 0, first.output
    assert "created" in first.output
    assert "4 releases, 18 tracks" in _catalog_line(first.output)
    assert elapsed < 20  # about 1.5 s on an idle machine; generous for a shared CI box
    assets = isolated_home / "assets"
    files_before = sorted(p for p in assets.rglob("*") if p.is_file())
    second = runner.invoke(cli, ["demo", "--no-tui"])
    assert second.exit_code == 0, second.output
    assert "created" not in second.output and "kept" in second.output
    assert _catalog_line(second.output) == _catalog_line(first.output)
    assert sorted(p for p in assets.rglob("*") if p.is_file()) == files_before
    assert str(isolated_home) in second.output
    listing = runner.invoke(cli, ["release", "list"])
    assert "Northern Lights Atlas" in listing.output


def test_demo_content(engine: Engine, settings: Settings) -> None:
    summary = build_demo(engine, settings.paths, actor="tester")
    assert len(summary.created) == 4
    store = AssetStore(settings.paths)
    with session_scope(engine) as s:
        releases = s.exec(select(Release).order_by(Release.id)).all()
        assert [r.release_type for r in releases] == ["Album", "EP", "Single", "Single"]  # DDEX names (0006)
        assert sorted(r.status for r in releases) == ["draft", "ready", "ready", "ready"]
        loaded = [load_release(s, r.id) for r in releases]
        assert len(s.exec(select(ReleaseRevision)).all()) >= 4
        assert s.exec(select(AuditEntry).where(AuditEntry.actor == "tester")).first() is not None
        assert "Glass Harbour" in [r.title for r in list_releases(s, search="harbour")]
        assert [r.title for r in list_releases(s, search="Satellites")] == ["Paper Satellites"]
    album, ep, single, draft = loaded
    assert len(album.tracks) == 12 and len(ep.tracks) == 4
    assert all(is_valid_upc(r.upc) for r in loaded)
    isrcs = [t.isrc for r in loaded for t in r.tracks]
    assert len(set(isrcs)) == len(isrcs) and all(is_valid_isrc(i) for i in isrcs)
    assert {d.territories[0] for d in album.deals} == {"Worldwide"}
    assert ep.deals[0].territories == ["US", "CA", "GB", "IE", "AU", "NZ"]
    assert {c.role for c in album.credits} >= {"Composer", "Producer"}
    assert all(t.credits for t in album.tracks)
    assert any(a.role == "FeaturedArtist" for a in single.tracks[0].artists)
    for r in (album, ep, single):
        report = check_release(r)
        assert report.ok, report.errors
        assert check_release_audio([t.audio for t in r.tracks]) == []
    assert not check_release(draft).ok
    # The files are real: re-read them from the store.
    assert album.tracks[0].audio.container == "WAV" and album.tracks[0].audio.wav_format_tag == 1
    assert (ep.tracks[0].audio.container, ep.tracks[0].audio.bit_depth, ep.tracks[0].audio.sample_rate) == (
        "FLAC", 24, 48000)
    facts = read_facts(store.path_for(album.cover))
    assert (facts["container"], facts["width"], facts["height"], facts["color_mode"]) == ("JPEG", 3000, 3000, "RGB")
    with session_scope(engine) as s:
        for a in s.exec(select(Asset)).all():
            assert store.path_for(a).is_file()
            assert [f for f in check_asset(a, strict=True) if f.severity == "error"] == []
    again = build_demo(engine, settings.paths, actor="tester")
    assert again.created == [] and again.counts == summary.counts
