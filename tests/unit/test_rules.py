"""Readiness rules: a complete release passes; each gap is a blocking error or a warning on the right field."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from stardust_tui.domain.models import Asset, Deal, Party, Release, Track
from stardust_tui.domain.rules import CheckReport, Finding, check_release

TODAY = date(2026, 1, 15)


def audio(n: int, *, bit_depth: int = 24) -> Asset:
    return Asset(id=100 + n, sha256=f"{n:064x}", md5=f"{n:032x}", size=1000, kind="audio",
                 original_name=f"{n:02d}.flac", container="FLAC", codec="FLAC", sample_rate=44100,
                 bit_depth=bit_depth, channels=2, duration_seconds=200.0)


def complete_release() -> Release:
    cover = Asset(id=1, sha256="c" * 64, md5="c" * 32, size=1, kind="image", original_name="cover.jpg",
                  container="JPEG", width=3000, height=3000, color_mode="RGB")
    rel = Release(id=1, title="Night Drive", display_artist="Luna Park", upc="036000291452", genre="Electronic",
                  release_date=date(2024, 5, 1), original_release_date=date(2024, 5, 1),
                  p_line="2024 Star Records", p_line_year=2024, c_line="2024 Star Records", c_line_year=2024,
                  language="en", cover_asset_id=1, label_id=1)
    rel.label = Party(id=1, name="Star Records", kind="label")
    rel.cover = cover
    for n, title in enumerate(("Intro", "Highway", "Afterglow"), start=1):
        a = audio(n)
        rel.tracks.append(Track(track_number=n, title=title, isrc=f"USS1Z24{n:05d}", display_artist="Luna Park",
                                audio_asset_id=a.id, audio=a, duration_seconds=200.0))
    rel.deals.append(Deal(territories=["Worldwide"], commercial_models=["SubscriptionModel"],
                          use_types=["OnDemandStream"], start=datetime(2024, 5, 1, tzinfo=UTC)))
    return rel


def codes(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(f.code, f.field) for f in findings}


def test_complete_release_is_ready():
    report = check_release(complete_release(), today=TODAY)
    assert report.ok, report.errors
    assert report.errors == [] and report.warnings == []


@pytest.mark.parametrize(("attr", "value", "field"), [
    ("title", "", "title"),
    ("display_artist", "", "display_artist"),
    ("upc", None, "upc"),
    ("release_date", None, "release_date"),
    ("genre", None, "genre"),
])
def test_required_release_fields(attr, value, field):
    rel = complete_release()
    setattr(rel, attr, value)
    if attr == "release_date":
        rel.original_release_date = None
    report = check_release(rel, today=TODAY)
    assert not report.ok
    assert ("missing", field) in codes(report.errors)


def test_missing_label_cover_tracks_and_deals():
    rel = complete_release()
    rel.label, rel.label_id, rel.cover, rel.cover_asset_id = None, None, None, None
    rel.tracks.clear()
    rel.deals.clear()
    found = codes(check_release(rel, today=TODAY).errors)
    assert {("missing", "label"), ("missing-cover", "cover"), ("missing", "tracks"), ("no-deals", "deals")} <= found


def test_bad_identifiers():
    rel = complete_release()
    rel.upc = "036000291453"  # wrong check digit
    rel.tracks[1].isrc = "US-S1Z-24"
    rel.tracks[2].isrc = None
    found = codes(check_release(rel, today=TODAY).errors)
    assert ("bad-upc", "upc") in found
    assert ("bad-isrc", "tracks[1-2].isrc") in found
    assert ("missing", "tracks[1-3].isrc") in found


def test_every_track_needs_audio():
    rel = complete_release()
    rel.tracks[0].audio, rel.tracks[0].audio_asset_id = None, None
    assert ("missing-audio", "tracks[1-1].audio") in codes(check_release(rel, today=TODAY).errors)


def test_dates_must_be_sane():
    rel = complete_release()
    rel.original_release_date = date(2025, 1, 1)  # after the release date
    rel.p_line_year = 1850
    found = codes(check_release(rel, today=TODAY).errors)
    assert ("date-order", "original_release_date") in found
    assert ("bad-year", "p_line_year") in found
    rel = complete_release()
    rel.release_date = date(2099, 1, 1)
    assert ("bad-date", "release_date") in codes(check_release(rel, today=TODAY).errors)


def test_p_and_c_lines():
    rel = complete_release()
    rel.p_line = ""
    rel.c_line_year = None
    report = check_release(rel, today=TODAY)
    assert ("missing", "p_line") in codes(report.errors)
    assert ("missing-year", "c_line_year") in codes(report.warnings)


def test_deals_need_valid_territories_models_and_use_types():
    rel = complete_release()
    rel.deals[0].territories = ["GB", "XX"]
    rel.deals[0].commercial_models = []
    rel.deals[0].use_types = []
    rel.deals[0].end = datetime(2024, 1, 1, tzinfo=UTC)
    found = codes(check_release(rel, today=TODAY).errors)
    assert {("bad-territory", "deals[1].territories"), ("no-models", "deals[1].commercial_models"),
            ("no-use-types", "deals[1].use_types"), ("deal-dates", "deals[1].end")} <= found


def _deal(territories, *, start, end=None, excluded=(), model="SubscriptionModel", use="OnDemandStream"):
    return Deal(territories=list(territories), excluded_territories=list(excluded), commercial_models=[model],
                use_types=[use], start=datetime(*start, tzinfo=UTC),
                end=datetime(*end, tzinfo=UTC) if end else None)


@pytest.mark.parametrize(("second", "overlaps"), [
    (_deal(["GB"], start=(2025, 1, 1)), True),                                   # Worldwide covers GB
    (_deal(["Worldwide"], start=(2025, 1, 1), excluded=["GB"]), True),           # still overlaps elsewhere
    (_deal(["GB"], start=(2025, 1, 1), model="PayAsYouGoModel"), False),         # another model
    (_deal(["GB"], start=(2025, 1, 1), use="PermanentDownload"), False),         # another use type
])
def test_overlapping_deals_block(second, overlaps):
    rel = complete_release()
    rel.deals.append(second)
    assert (("deal-overlap", "deals[2]") in codes(check_release(rel, today=TODAY).errors)) is overlaps


def test_deals_split_by_territory_or_time_do_not_overlap():
    rel = complete_release()
    rel.deals.clear()
    rel.deals.append(_deal(["Worldwide"], start=(2024, 5, 1), excluded=["GB"]))
    rel.deals.append(_deal(["GB"], start=(2024, 5, 1)))
    rel.deals.append(_deal(["US"], start=(2020, 1, 1), end=(2024, 1, 1)))  # ended before the worldwide one
    report = check_release(rel, today=TODAY)
    assert not [f for f in report.errors if f.code == "deal-overlap"], report.errors


def test_track_numbering_must_be_contiguous():
    rel = complete_release()
    rel.tracks[2].track_number = 5
    assert ("track-numbering", "tracks") in codes(check_release(rel, today=TODAY).errors)
    rel = complete_release()
    for t in rel.tracks:
        t.disc_number = 2
    assert ("disc-numbering", "tracks") in codes(check_release(rel, today=TODAY).errors)


def test_title_style_warnings():
    rel = complete_release()
    rel.tracks[0].title = "Highway (feat. Jo Rain)"
    rel.tracks[1].title = "Luna Park - Live Intro"
    rel.tracks[2].title = "AFTERGLOW"
    report = check_release(rel, today=TODAY)
    assert report.ok  # warnings never block
    found = codes(report.warnings)
    assert ("feat-in-title", "tracks[1-1].title") in found
    assert ("artist-in-title", "tracks[1-2].title") in found
    assert ("all-caps", "tracks[1-3].title") in found


def test_self_titled_release_and_acronyms_are_fine():
    rel = complete_release()
    rel.title = "Luna Park"
    rel.tracks[0].title = "DNA"
    assert check_release(rel, today=TODAY).warnings == []


def test_asset_qc_findings_are_included_with_their_place():
    rel = complete_release()
    rel.cover.width = rel.cover.height = 1000
    rel.tracks[1].audio = audio(2, bit_depth=16)
    report = check_release(rel, today=TODAY)
    fields = {f.field for f in report.errors}
    assert "cover.size" in fields
    assert any(f.code == "audio-mixed-bit-depth" for f in report.errors)
    assert not check_release(rel, today=TODAY, qc=False).errors


def test_report_is_json_serializable():
    rel = complete_release()
    rel.genre = None
    report = check_release(rel, today=TODAY)
    data = json.loads(json.dumps(report.as_dict()))
    assert data["ok"] is False
    assert data["errors"][0] == {"code": "missing", "field": "genre", "message": "genre is required",
                                 "severity": "error"}


def test_report_routes_severities():
    report = CheckReport()
    report.extend([Finding("a", "x", "m"), Finding("b", "y", "m", "warning"), Finding("c", "z", "m", "info")])
    assert [f.code for f in report.errors] == ["a"]
    assert [f.code for f in report.warnings] == ["b"]
    assert [f.code for f in report.infos] == ["c"]
    assert not report.ok


def test_iswc_grid_and_party_identifiers_are_verified():
    rel = complete_release()
    rel.grid = "A10302B0003311870X"  # check character is S
    rel.tracks[0].details = {"ids": [{"kind": "ISWC", "value": "T0345246802", "namespace": None}],
                             "works": [{"iswc": "T-034.524.680-1"}]}
    rel.label.isni = "000000012146438X"
    rel.label.dpid = "PADPIDA2014120401A"  # check character is D
    report = check_release(rel, today=TODAY)
    assert codes(report.errors) == {("bad-grid", "grid"), ("bad-iswc", "tracks[1-1].details.ids[1]"),
                                    ("bad-dpid", "label.dpid")}
    rel.grid, rel.label.dpid = "A10302B0003311870S", "PADPIDA2014120401D"
    rel.tracks[0].details = {"ids": [{"kind": "ISWC", "value": "T0345246801"}]}
    assert check_release(rel, today=TODAY).ok


def test_release_resources_need_their_files_and_pass_video_qc():
    from stardust_tui.domain.resource_models import ReleaseResource

    rel = complete_release()
    ghost = Asset(id=900, sha256="ddexref-" + "1" * 56, md5="0" * 32, size=1, kind="video", original_name="clip.mp4")
    low = Asset(id=901, sha256="2" * 64, md5="0" * 32, size=1, kind="video", original_name="low.mp4", container="MP4",
                codec="AVC", width=640, height=360, frame_rate=25.0)
    rel.resources = [ReleaseResource(key="V1", kind="Video", resource_type="ShortFormMusicalWorkVideo", asset=ghost),
                     ReleaseResource(key="V2", kind="Video", resource_type="ShortFormMusicalWorkVideo", asset=low)]
    assert codes(check_release(rel, today=TODAY).errors) == {("file-missing", "resources[V1].file"),
                                                            ("video-too-small", "resources[V2].size")}
