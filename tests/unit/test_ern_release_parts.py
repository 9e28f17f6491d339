"""Release types, GRid-only releases and parts that cannot be built (issue 18)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy.engine import Engine
from sqlmodel import Session

from stardust_tui.delivery.package import plan_package
from stardust_tui.delivery.profile_model import MessageParty
from stardust_tui.delivery.profiles import load_profile
from stardust_tui.domain.models import Asset
from stardust_tui.domain.release_types import (
    canonical_release_type,
    catalog_parental_warning,
    ddex_parental_warning,
    deliverable_type,
    is_ddex_release_type,
    release_type_and_compilation,
)
from stardust_tui.ern.common import Party
from stardust_tui.ern.registry import build_message
from stardust_tui.ern.sample_catalog import add_sample_release
from stardust_tui.errors import ConflictError, ValidationError
from stardust_tui.store.releases import get_release, list_releases, load_release, save_release
from stardust_tui.store.resources import add_resource

WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def _build(release: object, version: str) -> bytes:
    return build_message(release, version, message_id="M", timestamp=WHEN, sender=Party("PADPIDA0000000000Z", "S"),
                         recipients=[Party("PADPIDA2011072101T", "R")])


def test_release_type_spellings() -> None:
    assert canonical_release_type("album") == "Album" and canonical_release_type("dj mix") == "DjMix"
    assert canonical_release_type("video-album") == "VideoAlbum" and canonical_release_type("EP") == "EP"
    assert release_type_and_compilation("compilation") == ("Album", True)
    assert canonical_release_type("UserDefined:Mixtape") == "UserDefined:Mixtape"
    assert is_ddex_release_type("DjMix", "4.3") and not is_ddex_release_type("DjMix", "3.8.2")
    with pytest.raises(ValueError):
        release_type_and_compilation("   ")


def test_parental_warnings_keep_all_five_values() -> None:
    for catalog, ddex in (("explicit", "Explicit"), ("not-explicit", "NotExplicit"),
                          ("edited", "ExplicitContentEdited"), ("unknown", "Unknown"),
                          ("no-advice", "NoAdviceAvailable")):
        assert ddex_parental_warning(catalog) == ddex and catalog_parental_warning(ddex) == catalog


def test_a_profile_maps_types_onto_what_its_dsp_takes() -> None:
    assert deliverable_type("DjMix", ("Album", "Single", "EP"), {"DjMix": "Album"}) == "Album"
    assert deliverable_type("Single", ("Album", "Single")) == "Single"
    assert deliverable_type("RingtoneRelease", ("Album", "Single")) is None
    assert deliverable_type("RingtoneRelease") == "RingtoneRelease"  # no rules: every type goes


def test_a_type_a_version_lacks_is_written_user_defined(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as s:
        release = add_sample_release(s, seed=81, tracks=2, release_type="dj mix")
        s.commit()
        release = load_release(s, release.id)
    assert release.release_type == "DjMix"
    v43, v382 = etree.fromstring(_build(release, "4.3")), etree.fromstring(_build(release, "3.8.2"))
    assert v43.findtext("ReleaseList/Release/ReleaseType") == "DjMix"
    rt = v382.find("ReleaseList/Release/ReleaseType")
    assert (rt.text, rt.get("UserDefinedValue")) == ("UserDefined", "DjMix")


def test_a_grid_only_release_is_first_class(sqlite_engine: Engine, tmp_path: Path) -> None:
    with Session(sqlite_engine) as s:
        release = add_sample_release(s, seed=82, tracks=2)
        release.upc, release.grid = None, "a1-2425g-abc1234002-m"
        save_release(s, release, actor="test")
        s.commit()
        assert release.grid == "A12425GABC1234002M"
        assert get_release(s, "A1-2425G-ABC1234002-M").id == release.id
        assert [r.id for r in list_releases(s, search="A12425GABC1234002M")] == [release.id]
        other = add_sample_release(s, seed=83, tracks=1)
        other.grid = "A12425GABC1234002M"
        with pytest.raises(ConflictError, match="GRid A12425GABC1234002M is already used"):
            save_release(s, other, actor="test")
    with Session(sqlite_engine) as s:
        release = load_release(s, get_release(s, "A12425GABC1234002M").id)
    root = etree.fromstring(_build(release, "4.3"))
    assert root.findtext("ReleaseList/Release/ReleaseId/GRid") == "A12425GABC1234002M"
    assert root.find("ReleaseList/Release/ReleaseId/ICPN") is None
    purge = etree.fromstring(build_message(release, "3.8.2", "purge", message_id="M", timestamp=WHEN,
                                           sender=Party("PADPIDA0000000000Z", "S"),
                                           recipients=[Party("PADPIDA2011072101T", "R")]))
    assert purge.findtext("PurgedRelease/ReleaseId/GRid") == "A12425GABC1234002M"
    plan = plan_package(release, load_profile("generic-43"), "new", sender=MessageParty("PADPIDA0000000000Z", "S"),
                        asset_path=lambda a: tmp_path / a.sha256, batch_id="20260101000000001")
    assert plan.release_folder == "20260101000000001/A12425GABC1234002M"
    assert plan.message.remote_path.endswith("/A12425GABC1234002M.xml")
    assert all("A12425GABC1234002M_" in f.remote_path for f in plan.resources if f.remote_path.endswith(".flac"))
    assert plan.manifest is not None and b"<GRid>A12425GABC1234002M</GRid>" in plan.manifest.data


def test_a_part_no_version_can_carry_is_refused_not_written_invalid(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as s:
        release = add_sample_release(s, seed=84, tracks=1)
        midi = Asset(sha256="m" * 64, md5="0" * 32, size=10, kind="midi", original_name="tune.mid", container="MIDI")
        s.add(midi)
        add_resource(s, release, kind="MIDI", asset=midi, title="Tune", duration_seconds=30.0)
        save_release(s, release, actor="test")
        s.commit()
        release = load_release(s, release.id)
    assert etree.fromstring(_build(release, "3.8.2")).find("ResourceList/MIDI") is not None
    for version in ("4.2", "4.3"):
        with pytest.raises(ValidationError, match=f"cannot build ERN {version}: MIDI resource A2 .*has no MIDI"):
            _build(release, version)
    with Session(sqlite_engine) as s:
        release = load_release(s, release.id)
        for track in list(release.tracks):
            release.tracks.remove(track)
        release.resources.clear()
        release.cover = None
        save_release(s, release, actor="test")
        s.commit()
        release = load_release(s, release.id)
    with pytest.raises(ValidationError, match="ReleaseResourceReferenceList cannot be empty"):
        _build(release, "3.8.2")
