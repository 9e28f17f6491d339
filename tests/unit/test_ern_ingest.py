"""ERN import: re-import, UTF-16, package files into the asset store, CLI, both backends, updates."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from stardust_tui.assets.store import AssetStore
from stardust_tui.cli import cli
from stardust_tui.config import Settings
from stardust_tui.domain.models import Release
from stardust_tui.ern.common import Party
from stardust_tui.ern.registry import build_message
from stardust_tui.ern.sample_catalog import add_sample_release, sample_files
from stardust_tui.importexport.ern_ingest import import_message
from stardust_tui.store.db import make_engine
from stardust_tui.store.migrate import upgrade
from stardust_tui.store.releases import load_release
from tests.conftest import SAMPLES_DIR, XSD_DIR


@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per module; each round-trip test works on its own copy (faster than migrating)."""
    path = tmp_path_factory.mktemp("ern-db") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def db_copy(migrated_db: Path, tmp_path: Path) -> Iterator[Engine]:
    target = tmp_path / "catalog.db"
    shutil.copyfile(migrated_db, target)
    engine = make_engine(f"sqlite:///{target}")
    yield engine
    engine.dispose()


# The round trip of every shared sample, field by field, is tests/unit/test_ern_roundtrip.py.


def test_reimport_matches_and_utf16(sqlite_engine: Engine) -> None:
    text = (SAMPLES_DIR / "ern-42" / "sshaw__1_Audio.xml").read_text(encoding="utf-8")
    utf16 = text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    with Session(sqlite_engine) as session:
        first = import_message(session, utf16, actor="test", schema_dir=XSD_DIR)
        session.commit()
    with Session(sqlite_engine) as session:
        again = import_message(session, SAMPLES_DIR / "ern-42" / "sshaw__1_Audio.xml", actor="test")
    assert first.status == "created" and first.tracks == 21 and first.parties_created == 3
    assert again.status == "matched" and again.release_id == first.release_id


def test_package_files_go_into_the_asset_store(sqlite_engine: Engine, settings: Settings, tmp_path: Path) -> None:
    with Session(sqlite_engine) as session:
        rid = add_sample_release(session, seed=3, tracks=2).id
        session.commit()
    with Session(sqlite_engine) as session:
        release = load_release(session, rid)
    package = tmp_path / "pkg"
    sample_files(release, package)
    data = build_message(release, "3.8.2", message_id="M", timestamp=datetime(2026, 1, 1, tzinfo=UTC),
                         sender=Party("PADPIDA0000000000Z", "S"), recipients=[Party("PADPIDA2011072101T", "R")])
    with Session(sqlite_engine) as session:
        session.delete(session.get(Release, rid))
        session.commit()
    store = AssetStore(settings.paths)
    with Session(sqlite_engine) as session:
        result = import_message(session, data, actor="test", schema_dir=XSD_DIR, package=package, asset_store=store)
        session.commit()
        imported = load_release(session, result.release_id)
    assert result.files_stored == 3 and result.files_missing == 0
    assert [t.isrc for t in imported.tracks] == [t.isrc for t in release.tracks]
    assert all(store.verify(t.audio) for t in imported.tracks) and store.verify(imported.cover)
    assert [c.role for c in imported.tracks[0].credits] == ["Producer", "Composer"]
    assert [a.role for a in imported.tracks[0].artists] == ["MainArtist", "FeaturedArtist"]


def test_cli_import_reports_and_refuses(sqlite_engine: Engine) -> None:
    good = SAMPLES_DIR / "ern-43" / "sshaw__1_Audio.xml"
    bad = SAMPLES_DIR / "ern-43" / "invalid" / "ddexsuite__simple_release.xml"
    result = CliRunner().invoke(cli, ["ern", "import", str(good), str(bad)])
    assert result.exit_code == 1
    assert "created release" in result.output and "21 track(s)" in result.output
    assert "line 2: not valid ERN 4.3" in result.output
    result = CliRunner().invoke(cli, ["ern", "build", "0094631432057", "--ern", "4.3", "--recipient",
                                      "PADPIDA2011072101T:Spotify", "--timestamp", "2026-01-01T00:00:00Z"])
    assert result.exit_code == 0 and "<ICPN>00094631432057</ICPN>" in result.output  # as the message wrote it


@pytest.mark.parametrize("sample", ["ern-43/ddexsuite__6_Ringtone.xml", "ern-382/audius__track_follow_gated.xml"])
def test_import_on_both_backends(engine: Engine, sample: str) -> None:
    with Session(engine) as session:
        result = import_message(session, SAMPLES_DIR / sample, actor="test", schema_dir=XSD_DIR)
        session.commit()
    with Session(engine) as session:
        release = load_release(session, result.release_id)
        assert len(release.tracks) == result.tracks >= 1
        assert len(release.deals) == result.deals


def test_cli_build_with_profile(sqlite_engine: Engine, tmp_path: Path) -> None:
    with Session(sqlite_engine) as session:
        upc = add_sample_release(session, seed=5, tracks=2).upc
        session.commit()
    out = tmp_path / "msg.xml"
    result = CliRunner().invoke(cli, ["ern", "build", str(upc), "--profile", "youtube", "--timestamp",
                                      "2026-01-01T00:00:00Z", "-o", str(out)])
    assert result.exit_code == 0, result.output
    root = etree.parse(str(out)).getroot()
    assert len(root.findall("MessageHeader/MessageRecipient")) == 3 and "placeholder DPID" in result.output
    explicit = CliRunner().invoke(cli, ["ern", "build", str(upc), "--profile", "youtube", "--ern", "3.8.2",
                                        "--recipient", "PADPIDA2011072101T:Spotify", "--type", "takedown"])
    assert explicit.exit_code == 0
    assert "ern/382" in explicit.output and explicit.output.count("<MessageRecipient>") == 1
    assert "<TakeDown>true</TakeDown>" in explicit.output


def test_update_applies_a_later_message(sqlite_engine: Engine) -> None:
    original = (SAMPLES_DIR / "ern-43" / "sshaw__1_Audio.xml").read_bytes()
    with Session(sqlite_engine) as session:
        first = import_message(session, original, actor="test", schema_dir=XSD_DIR)
        session.commit()
    later = original.replace(b"<TitleText>Yume no Lullaby</TitleText>", b"<TitleText>Yume no Lullaby 2</TitleText>")
    later = later.replace(b"<TerritoryCode>JP</TerritoryCode>", b"<TerritoryCode>US</TerritoryCode>")
    start = later.index(b"<ResourceGroupContentItem>", later.index(b"<ReleaseResourceReference>A20<") - 200)
    end = later.index(b"</ResourceGroupContentItem>", start) + len(b"</ResourceGroupContentItem>")
    later = later[:start] + later[end:]  # A20 leaves the album
    with Session(sqlite_engine) as session:
        unchanged = import_message(session, later, actor="test", schema_dir=XSD_DIR)
        assert unchanged.status == "matched"
        updated = import_message(session, later, actor="test", schema_dir=XSD_DIR, update=True)
        session.commit()
    assert updated.status == "updated" and updated.release_id == first.release_id
    with Session(sqlite_engine) as session:
        release = load_release(session, first.release_id)
        assert [t.title for t in release.tracks][0] == "Yume no Lullaby 2"
        assert len(release.tracks) == 20 and "JPTO09405080" not in {t.isrc for t in release.tracks}
        assert [t.track_number for t in release.tracks] == list(range(1, 21))
        assert {c for d in release.deals for c in d.territories} == {"US"}
        assert release.revision >= 2
    assert any("no longer in the message" in s for s in updated.skipped)


def test_cli_import_dry_run_changes_nothing(sqlite_engine: Engine) -> None:
    sample = SAMPLES_DIR / "ern-382" / "audius__01_delivery.xml"
    result = CliRunner().invoke(cli, ["ern", "import", "--dry-run", str(sample)])
    assert result.exit_code == 0 and "(dry run, nothing saved) created release" in result.output
    with Session(sqlite_engine) as session:
        assert session.exec(select(Release)).first() is None


def test_cli_show_summarizes_without_importing(sqlite_engine: Engine) -> None:
    sample = SAMPLES_DIR / "ern-43" / "sshaw__1_Audio.xml"
    result = CliRunner().invoke(cli, ["ern", "show", str(sample)])
    assert result.exit_code == 0
    assert "UPC 00094631432057" in result.output and "1-21 JPTO09332830" in result.output
    assert "deal      JP: SubscriptionModel/AdvertisementSupportedModel" in result.output
    as_json = CliRunner().invoke(cli, ["ern", "show", "--json", str(sample)])
    assert as_json.exit_code == 0 and '"upc": "00094631432057"' in as_json.output
    purge = CliRunner().invoke(cli, ["ern", "show", str(SAMPLES_DIR / "ern-382" / "audius__03_delete.xml")])
    assert purge.exit_code == 1 and "describes no release" in purge.output
    with Session(sqlite_engine) as session:
        assert session.exec(select(Release)).first() is None
