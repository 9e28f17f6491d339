"""JSON import (own format streamed, other systems' JSON through the documented mapping) and DDEX import."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from stardust_tui.domain.models import Release
from stardust_tui.importexport.importer import ImportOptions, run_import
from stardust_tui.store.releases import get_release, load_release
from tests.conftest import SAMPLES_DIR


def releases(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(Release)).scalar_one()


def test_other_json_nested_tracks(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = {"products": [{
        "EAN": "4006381333931", "Title": "Nested", "artist": ["Ann", "Bob"], "label": {"name": "Lbl"},
        "releaseDate": "1 Mar 2024", "explicit": False,
        "tracks": [{"title": "A", "isrc": "GB-XYZ-24-00001", "duration": "2:30", "explicit": True},
                   {"title": "B", "isrc": "GBXYZ2400002", "artist": "Ann"}],
    }]}
    src = tmp_path / "other.json"
    src.write_text(json.dumps(data), encoding="utf-8")
    report = run_import(sqlite_engine, src)
    assert report.ok and report.created == 1, report.render()
    with Session(sqlite_engine) as s:
        r = load_release(s, get_release(s, "4006381333931").id)
        assert (r.title, r.display_artist, r.label.name, str(r.release_date)) == ("Nested", "Ann & Bob", "Lbl",
                                                                                 "2024-03-01")
        assert [(t.title, t.isrc, t.duration_seconds, t.explicit) for t in r.tracks] == [
            ("A", "GBXYZ2400001", 150.0, True), ("B", "GBXYZ2400002", None, False)]
        assert r.tracks[1].display_artist == "Ann" and r.parental_advisory == "explicit"


def test_other_json_flat_rows_and_errors_name_the_path(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [{"UPC": "012345678905", "Album": "Flat", "Artist": "C", "Track Title": "x", "ISRC": "bad"},
            {"UPC": "012345678905", "Album": "Flat", "Artist": "C", "Track Title": "y"}]
    src = tmp_path / "flat.json"
    src.write_text(json.dumps(rows), encoding="utf-8")
    report = run_import(sqlite_engine, src)
    assert not report.ok and report.errors[0].column == "[0].ISRC" and releases(sqlite_engine) == 0
    rows[0]["ISRC"] = "USABC2400001"
    src.write_text(json.dumps(rows), encoding="utf-8")
    assert run_import(sqlite_engine, src).created == 1


def test_own_format_errors(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    head = '{"format": "stardust-catalog", "version": 1, "releases": [\n'
    good = json.dumps({"title": "T", "display_artist": "A", "upc": "012345678905", "tracks": [{"title": "x"}]})
    src = tmp_path / "own.json"
    src.write_text(head + good + ",\n" + good[:20], encoding="utf-8")  # truncated
    report = run_import(sqlite_engine, src)
    assert not report.ok and report.errors[-1].line == 3 and releases(sqlite_engine) == 0
    src.write_text(head + good + "\n", encoding="utf-8")  # no footer
    assert "truncated" in run_import(sqlite_engine, src).errors[-1].message
    src.write_text(head.replace('"version": 1', '"version": 9') + good + "\n]}\n", encoding="utf-8")
    assert "version 9" in run_import(sqlite_engine, src).errors[0].message
    bad_track = good.replace('"title": "x"', '"title": 5')
    src.write_text(head + bad_track + "\n]}\n", encoding="utf-8")
    err = run_import(sqlite_engine, src).errors[0]
    assert (err.line, err.column) == (2, "tracks[0].title")
    src.write_text(head + good + "\n]}\n", encoding="utf-8")
    assert run_import(sqlite_engine, src).created == 1


def test_ddex_import_and_dry_run(sqlite_engine, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sample = SAMPLES_DIR / "ern-43" / "ddexsuite__1_Audio.xml"
    opts = dict(schema_dir=settings.ddex_schemas, paths=settings.paths)
    dry = run_import(sqlite_engine, sample, ImportOptions(dry_run=True, **opts))
    assert dry.created == 1 and releases(sqlite_engine) == 0
    report = run_import(sqlite_engine, sample, ImportOptions(**opts))
    assert report.ok and report.created == 1 and report.tracks_seen > 0
    again = run_import(sqlite_engine, sample, ImportOptions(**opts))
    assert again.unchanged == 1 and releases(sqlite_engine) == 1
    broken = tmp_path / "broken.xml"
    broken.write_bytes(sample.read_bytes()[:500])
    bad = run_import(sqlite_engine, broken, ImportOptions(**opts))
    assert not bad.ok and "line" in bad.errors[0].message and releases(sqlite_engine) == 1


def test_preview_api_for_front_ends(tmp_path: Path) -> None:
    from stardust_tui.importexport.api import Mapping, preview_source

    src = tmp_path / "p.json"
    src.write_text(json.dumps({"albums": [{"upc": "4006381333931", "title": "T", "tracks": [
        {"title": "a", "isrc": "GBXYZ2400001"}, {"title": "b"}]}]}), encoding="utf-8")
    pv = preview_source(src)
    assert pv.format == "json" and pv.mappable and len(pv.rows) == 2
    assert "track isrc" in pv.headers and dict(pv.plan.guessed)["track isrc"] == "isrc"  # type: ignore[union-attr]
    csv_src = tmp_path / "p.csv"
    csv_src.write_text("EAN;Album;Mystery\n4006381333931;X;1\n", encoding="utf-8")
    pv = preview_source(csv_src, Mapping(columns={"Mystery": "catalog_number"}))
    assert pv.delimiter == ";" and [f for _, f in pv.plan.fields] == ["upc", "release_title", "catalog_number"]  # type: ignore[union-attr]
    assert preview_source(SAMPLES_DIR / "ern-43" / "ddexsuite__1_Audio.xml").format == "ddex"


def test_own_format_on_one_line_or_pretty_printed(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A catalog JSON written on one line (or indented) by another tool is read whole, not refused as truncated."""
    head = '{"format": "stardust-catalog", "version": 1, "releases": [\n'
    one = {"title": "One", "display_artist": "A", "upc": "012345678905", "tracks": [{"title": "x"}]}
    two = {"title": "Two", "display_artist": "B", "upc": "4006381333931", "tracks": [{"title": "y"}]}
    streamed = tmp_path / "streamed.json"
    streamed.write_text(head + json.dumps(one) + ",\n" + json.dumps(two) + "\n]}\n", encoding="utf-8")
    doc = json.loads(streamed.read_text(encoding="utf-8"))
    single = tmp_path / "single.json"
    single.write_text(json.dumps(doc), encoding="utf-8")
    assert "\n" not in single.read_text(encoding="utf-8")
    report = run_import(sqlite_engine, single, ImportOptions(dry_run=True))
    assert report.ok and report.created == 2, report.render()
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    report = run_import(sqlite_engine, pretty)
    assert report.ok and report.created == 2 and releases(sqlite_engine) == 2, report.render()
    with Session(sqlite_engine) as s:
        assert get_release(s, "4006381333931").title == "Two"
    # a one-line file that really is cut short is still refused, naming the line
    cut = tmp_path / "cut.json"
    cut.write_text(json.dumps(doc)[:-10], encoding="utf-8")
    report = run_import(sqlite_engine, cut)
    assert not report.ok and report.errors[0].line == 1 and "invalid JSON" in report.errors[0].message


def test_own_format_carries_issue_18_parts(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """GRid, compilation flag, DDEX details, a clean track and a pre-order deal come back from a catalog JSON."""
    from stardust_tui.domain.models import ReleaseRevision
    from stardust_tui.store.revisions import hash_snapshot, snapshot_release

    release = {"title": "Parts", "display_artist": "Various Artists", "upc": "012345678905", "release_type": "Album",
               "is_compilation": True, "grid": "A1-2425G-ABC1234002-M", "details": {"Note": "x"},
               "deals": [{"territories": ["Worldwide"], "commercial_models": ["PayAsYouGoModel"],
                          "use_types": ["PermanentDownload"], "start": "2024-01-01T00:00:00+00:00",
                          "is_preorder": True, "instant_gratification": ["USABC2400001"]}],
               "tracks": [{"title": "x", "isrc": "USABC2400001", "parental_advisory": "edited",
                           "details": {"Key": "C"}}],
               "resources": [{"kind": "Video"}]}
    src = tmp_path / "parts.json"
    src.write_text(json.dumps({"format": "stardust-catalog", "version": 1, "releases": [release]}), encoding="utf-8")
    report = run_import(sqlite_engine, src)
    assert report.ok and report.created == 1, report.render()
    assert any("release resource" in w.message for w in report.warnings)
    with Session(sqlite_engine) as s:
        r = load_release(s, get_release(s, "012345678905").id)
        snap = snapshot_release(r)
        stored = s.exec(select(ReleaseRevision).where(ReleaseRevision.release_id == r.id)).scalars().one()  # type: ignore[call-overload]
    assert stored.snapshot == snap and stored.content_hash == hash_snapshot(snap)  # the bulk path = the store's
    assert (snap["is_compilation"], snap["grid"], snap["details"]) == (True, "A1-2425G-ABC1234002-M", {"Note": "x"})
    assert snap["tracks"][0]["parental_advisory"] == "edited" and snap["tracks"][0]["details"] == {"Key": "C"}
    assert snap["deals"][0]["is_preorder"] is True and snap["deals"][0]["instant_gratification"] == ["USABC2400001"]


def test_other_json_nested_deals_and_isni_checked(sqlite_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Another system's JSON with a nested deals list: the first deal is read (more are reported, not dropped
    silently); a catalog JSON with a bad ISNI check character is refused naming the field."""
    data = {"releases": [{"upc": "012345678905", "title": "Dealt", "artist": "Ann", "tracks": [{"title": "a"}],
                          "deals": [{"territories": ["GB", "IE"], "start": "2024-05-01",
                                     "commercial_models": ["PayAsYouGoModel"], "use_types": ["PermanentDownload"]},
                                    {"territories": ["US"], "start": "2024-06-01"}]}]}
    src = tmp_path / "other.json"
    src.write_text(json.dumps(data), encoding="utf-8")
    report = run_import(sqlite_engine, src)
    assert report.ok and report.created == 1, report.render()
    assert any("only the first is imported" in w.message for w in report.warnings)
    with Session(sqlite_engine) as s:
        deal = load_release(s, get_release(s, "012345678905").id).deals[0]
    assert (deal.territories, deal.commercial_models, deal.use_types) == (["GB", "IE"], ["PayAsYouGoModel"],
                                                                         ["PermanentDownload"])
    own = {"title": "T", "display_artist": "A", "upc": "4006381333931", "tracks": [{"title": "x"}],
           "artists": [{"name": "A", "role": "MainArtist", "isni": "0000000121464381"}]}
    bad = tmp_path / "own.json"
    bad.write_text(json.dumps({"format": "stardust-catalog", "version": 1, "releases": [own]}), encoding="utf-8")
    report = run_import(sqlite_engine, bad)
    assert not report.ok and report.errors[0].column == "artists[0].isni" and "check character" in \
        report.errors[0].message
