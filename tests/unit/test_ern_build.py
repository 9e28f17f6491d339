"""ERN builders: golden files per version x release type x message type, every one XSD-valid.

Regenerate the golden files after an intended change with ``STARDUST_UPDATE_GOLDEN=1`` and review the diff.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy.engine import Engine
from sqlmodel import Session

from stardust_tui.ern.common import Party, iso_duration, parse_recipient
from stardust_tui.ern.registry import build_message, normalize_version
from stardust_tui.ern.release_view import view_from_release
from stardust_tui.ern.sample_catalog import add_sample_release
from stardust_tui.ern.schemas import schema_for
from stardust_tui.errors import ValidationError
from stardust_tui.store.releases import load_release
from tests.conftest import XSD_DIR

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "ern"
VERSIONS = ("3.8.2", "4.2", "4.3")
SHAPES = {"album": dict(tracks=6, discs=2, release_type="album"), "ep": dict(tracks=4, release_type="ep"),
          "single": dict(tracks=1, release_type="single", explicit_track=None)}
TYPES = ("new", "update", "takedown", "purge")
WHEN = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
SENDER = Party("PADPIDA0000000000Z", "Stardust Demo Distribution")
RECIPIENTS = [Party("PADPIDA2011072101T", "Spotify")]


@pytest.fixture
def releases(sqlite_engine: Engine) -> dict[str, object]:
    out = {}
    with Session(sqlite_engine) as session:
        ids = {name: add_sample_release(session, seed=i + 1, **kw).id for i, (name, kw) in enumerate(SHAPES.items())}
        session.commit()
    with Session(sqlite_engine) as session:
        for name, rid in ids.items():
            out[name] = load_release(session, rid)
    return out


def build(release: object, version: str, message_type: str, **kw: object) -> bytes:
    return build_message(release, version, message_type, message_id=f"MSG-{message_type}", timestamp=WHEN,
                         sender=SENDER, recipients=RECIPIENTS, **kw)  # type: ignore[arg-type]


def assert_xsd_valid(data: bytes, version: str) -> etree._Element:
    root = etree.fromstring(data)
    schema = schema_for(version, XSD_DIR)
    assert schema.validate(root), [f"L{e.line}: {e.message}" for e in schema.error_log][:5]
    return root


@pytest.mark.parametrize("version", VERSIONS)
def test_golden_files(releases: dict[str, object], version: str) -> None:
    update = os.environ.get("STARDUST_UPDATE_GOLDEN") == "1"
    for shape, release in releases.items():
        for message_type in TYPES:
            data = build(release, version, message_type)
            assert_xsd_valid(data, version)
            path = GOLDEN / f"{version.replace('.', '')}_{shape}_{message_type}.xml"
            if update:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            assert path.exists(), f"missing golden file {path.name}; run with STARDUST_UPDATE_GOLDEN=1 and review it"
            assert data == path.read_bytes(), f"{path.name} differs from the golden file"


def test_deterministic_and_view_equals_release(releases: dict[str, object]) -> None:
    album = releases["album"]
    view = view_from_release(album)
    for version in VERSIONS:
        first = build(album, version, "new")
        assert first == build(album, version, "new") == build(view, version, "new")


def test_album_content_43(releases: dict[str, object]) -> None:
    root = assert_xsd_valid(build(releases["album"], "4.3", "new"), "4.3")
    assert root.get("AvsVersionId") == "3" and root.get("MessageSchemaVersionId") is None
    assert root.findtext("MessageHeader/MessageControlType") == "LiveMessage"
    assert [e.text for e in root.iter("ISRC")] == [f"GBXYZ24{100 + n:05d}" for n in range(1, 7)]
    uris = [e.text for e in root.iter("URI")]
    upc = releases["album"].upc  # type: ignore[attr-defined]
    assert uris[0] == f"resources/{upc}_01_001.flac" and uris[3] == f"resources/{upc}_02_001.flac"
    assert uris[-1] == f"resources/{upc}.jpg"
    assert root.find(".//DeliveryFile/File/HashSum/Algorithm").text == "MD5"
    assert root.findtext(".//DeliveryFile/SamplingRate") == "44100"
    assert root.findtext(".//DeliveryFile/BitsPerSample") == "24"
    assert root.findtext(".//DeliveryFile/NumberOfChannels") == "2"
    groups = root.findall("ReleaseList/Release/ResourceGroup/ResourceGroup")
    assert [g.findtext("SequenceNumber") for g in groups] == ["1", "2"]
    assert len(root.findall("ReleaseList/TrackRelease")) == 6
    deals = root.findall("DealList/ReleaseDeal")
    assert [d.findtext("DealReleaseReference") for d in deals] == ["R0", "R1"]
    assert root.findtext(".//ValidityPeriod/StartDateTime") == "2025-03-14T00:00:00Z"
    assert root.find(".//SoundRecording/ParentalWarningType").text == "NotExplicit"
    assert root.findall(".//SoundRecording/ParentalWarningType")[1].text == "Explicit"
    roles = {e.text for e in root.iter("Role")}
    assert {"Composer", "StudioProducer"} <= roles


def test_takedown_strategies(releases: dict[str, object]) -> None:
    album = releases["album"]
    removed = assert_xsd_valid(build(album, "4.3", "takedown"), "4.3")
    assert removed.find("DealList") is None and removed.find("ResourceList") is not None
    ended = assert_xsd_valid(build(album, "4.3", "takedown", takedown_strategy="end-validity"), "4.3")
    ends = [e.text for e in ended.iter("EndDateTime")]
    assert ends and set(ends) == {"2026-01-15T09:30:00Z"}
    purge = assert_xsd_valid(build(album, "4.2", "takedown", takedown_strategy="purge"), "4.2")
    assert etree.QName(purge).localname == "PurgeReleaseMessage"
    old = assert_xsd_valid(build(album, "3.8.2", "takedown"), "3.8.2")
    assert {e.text for e in old.iter("TakeDown")} == {"true"} and old.find(".//Usage") is None
    assert old.findtext("UpdateIndicator") == "UpdateMessage"
    new = assert_xsd_valid(build(album, "3.8.2", "new", test=True), "3.8.2")
    assert new.findtext("UpdateIndicator") == "OriginalMessage"
    assert new.findtext("MessageHeader/MessageControlType") == "TestMessage"
    assert new.get("MessageSchemaVersionId") == "ern/382"


def test_single_profile_and_no_track_releases(releases: dict[str, object]) -> None:
    single = releases["single"]
    root = assert_xsd_valid(build(single, "4.3", "new", track_releases=False), "4.3")
    assert root.findtext("ReleaseList/Release/ReleaseType") == "Single"
    assert root.find("ReleaseList/TrackRelease") is None
    old = assert_xsd_valid(build(single, "3.8.2", "new"), "3.8.2")
    assert old.get("ReleaseProfileVersionId") == "CommonReleaseTypes/14/AudioSingle"


def test_bad_input_is_refused(releases: dict[str, object]) -> None:
    album = releases["album"]
    with pytest.raises(ValidationError, match="unknown ERN version"):
        build(album, "5.0", "new")
    with pytest.raises(ValidationError, match="unknown message type"):
        build(album, "4.3", "delete")
    with pytest.raises(ValidationError, match="time zone"):
        build_message(album, "4.3", message_id="x", timestamp=datetime(2026, 1, 1), sender=SENDER,
                      recipients=RECIPIENTS)
    with pytest.raises(ValidationError, match="DPID:NAME"):
        parse_recipient("PADPIDA2011072101T")
    assert parse_recipient("PADPIDA2011072101T:Spotify AB") == Party("PADPIDA2011072101T", "Spotify AB")
    assert normalize_version("43") == "4.3" and normalize_version("ern/382") == "3.8.2"


def test_iso_duration() -> None:
    assert iso_duration(215) == "PT3M35S"
    assert iso_duration(3723.5) == "PT1H2M3.5S"
    assert iso_duration(0) == "PT0S"
    assert iso_duration(59.999) == "PT59.999S"
