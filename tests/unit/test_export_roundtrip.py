"""Export → import into an empty home → export again gives identical files (JSON and CSV); streaming;
formula-injection escaping in CSV exports and its reversal on re-import."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from stardust_tui.domain.models import Credit, Deal, Party, ReleaseArtist, Track, TrackArtist
from stardust_tui.importexport import export as export_mod
from stardust_tui.importexport.export import export_catalog
from stardust_tui.importexport.fields import EXPORT_COLUMNS
from stardust_tui.importexport.importer import run_import
from stardust_tui.store.db import make_engine, session_scope
from stardust_tui.store.migrate import upgrade
from stardust_tui.store.releases import create_release, get_release, load_release, save_release

FORMULA = "=cmd|' /C calc'!A0"


def seed(engine) -> None:  # type: ignore[no-untyped-def]
    """A catalog using every exported feature, created through the catalog store."""
    with session_scope(engine) as s:
        r = create_release(
            s, actor="test", title="Night Drive", version="Deluxe", upc="012345678905", catalog_number="MOON-001",
            display_artist="Aurora feat. Guest", release_type="album", genre="Electronic", subgenre="Synthwave",
            p_line_year=2024, p_line="Moon Records", c_line_year=2023, c_line="Moon Records",
            release_date=date(2024, 3, 1), original_release_date=date(2020, 1, 1), parental_advisory="explicit",
            language="en", label="Moon Records",
            tracks=[Track(title="Intro", isrc="USABC2400001", duration_seconds=61.5, explicit=True,
                          display_artist="Aurora", language="en", genre="Ambient", preview_start_seconds=30.0,
                          p_line_year=2024, p_line="Moon Records"),
                    Track(title=FORMULA, version="+Remix", isrc="USABC2400002", duration_seconds=200.0,
                          disc_number=2, track_number=1, display_artist="@Aurora")],
            deals=[Deal(territories=["US", "GB"], excluded_territories=[], commercial_models=["SubscriptionModel"],
                        use_types=["OnDemandStream"], start=datetime(2024, 3, 1, tzinfo=UTC),
                        end=datetime(2026, 1, 1, tzinfo=UTC), price_tier="MID")],
        )
        aurora = Party(name="Aurora", kind="artist")
        guest = Party(name="Guest", kind="artist")
        composer = Party(name="-Writer", kind="contributor")
        r.artists = [ReleaseArtist(party=aurora, role="MainArtist", sequence=1),
                     ReleaseArtist(party=guest, role="FeaturedArtist", sequence=2)]
        for t in r.tracks:
            t.artists = [TrackArtist(party=aurora, role="MainArtist", sequence=1),
                         TrackArtist(party=guest, role="FeaturedArtist", sequence=2)]
            t.credits = [Credit(release_id=r.id, party=composer, role="Composer", sequence=1)]
        r.credits = [Credit(release_id=r.id, party=composer, role="Producer", sequence=1)]
        s.add_all([c for t in r.tracks for c in t.credits] + list(r.credits))
        save_release(s, r, actor="test")
        create_release(s, actor="test", title="Empty", upc="4006381333931", display_artist="Solo",
                       artists=["Solo"], release_type="single", status="ready")


def fresh_engine(tmp_path: Path, name: str):  # type: ignore[no-untyped-def]
    e = make_engine(str(tmp_path / f"{name}.db"))
    upgrade(e)
    return e


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_round_trip_is_identical(sqlite_engine, tmp_path: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    seed(sqlite_engine)
    first = tmp_path / f"first.{fmt}"
    assert export_catalog(sqlite_engine, first, fmt=fmt) == 2
    empty = fresh_engine(tmp_path, "empty")
    report = run_import(empty, first)
    assert report.ok and report.created == 2, report.render()
    second = tmp_path / f"second.{fmt}"
    export_catalog(empty, second, fmt=fmt)
    assert first.read_bytes() == second.read_bytes()
    # and importing the export into the catalog it came from changes nothing
    again = run_import(sqlite_engine, first)
    assert (again.created, again.unchanged, again.error_count) == (0, 2, 0)
    if fmt == "json":  # JSON keeps everything: the stored snapshots are equal
        with Session(sqlite_engine) as a, Session(empty) as b:
            from stardust_tui.store.revisions import snapshot_release

            ra = load_release(a, get_release(a, "012345678905").id)
            rb = load_release(b, get_release(b, "012345678905").id)
            assert snapshot_release(ra) == snapshot_release(rb)
    empty.dispose()


def test_postgres_export_imports_into_sqlite_identically(pg_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seed(pg_engine)
    first = tmp_path / "pg.json"
    export_catalog(pg_engine, first)
    empty = fresh_engine(tmp_path, "from-pg")
    assert run_import(empty, first).created == 2
    export_catalog(empty, tmp_path / "sqlite.json")
    assert first.read_bytes() == (tmp_path / "sqlite.json").read_bytes()
    assert run_import(pg_engine, tmp_path / "sqlite.json").unchanged == 2
    empty.dispose()


def test_csv_export_escapes_formulas(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seed(sqlite_engine)
    out = tmp_path / "cat.csv"
    export_catalog(sqlite_engine, out, fmt="csv")
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    cells = [c for row in rows[1:] for c in row]
    assert "'" + FORMULA in cells and "'+Remix" in cells and "'@Aurora" in cells
    assert "Composer: -Writer" in cells  # not at the start of the cell: left alone
    assert not any(c[:1] in ("=", "+", "-", "@", "\t", "\r") for c in cells)
    with Session(sqlite_engine) as s:  # the export did not change the catalog
        assert load_release(s, get_release(s, "012345678905").id).tracks[1].title == FORMULA


def test_selection_streaming_and_atomic_file(sqlite_engine, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sqlite_engine) as s:
        for i in range(25):
            create_release(s, actor="t", title=f"R{i}", display_artist="A")
    monkeypatch.setattr(export_mod, "PAGE", 4)  # many keyset pages
    out = tmp_path / "all.json"
    progress: list[tuple[int, int | None]] = []
    assert export_catalog(sqlite_engine, out, progress=lambda d, t: progress.append((d, t))) == 25
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith('{"format": "stardust-catalog", "version": 1') and lines[-1] == "]}"
    assert [json.loads(x.rstrip(","))["title"] for x in lines[1:-1]] == [f"R{i}" for i in range(25)]
    assert progress[-1] == (25, 25)
    assert export_catalog(sqlite_engine, tmp_path / "two.json", release_refs=[3, 1]) == 2
    assert not list(tmp_path.glob(".*.part"))  # temp files renamed away
    with pytest.raises(Exception, match="no release"):
        export_catalog(sqlite_engine, tmp_path / "bad.json", release_refs=[999])
    assert not (tmp_path / "bad.json").exists() and not list(tmp_path.glob(".*.part"))


def test_fast_export_reader_equals_the_store_snapshot(engine) -> None:  # type: ignore[no-untyped-def]
    from stardust_tui.importexport.export import iter_snapshots
    from stardust_tui.store.revisions import snapshot_release

    seed(engine)
    with Session(engine) as s:
        expected = [snapshot_release(load_release(s, get_release(s, upc).id))
                    for upc in ("012345678905", "4006381333931")]
    assert list(iter_snapshots(engine)) == expected
    assert expected[0]["tracks"][0]["credits"] and expected[0]["deals"] and expected[0]["artists"]
