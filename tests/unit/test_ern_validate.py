"""Offline ERN validation: the official samples, business rules, package MD5s, hostile XML, the CLI."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlmodel import Session

from stardust_tui.cli import cli
from stardust_tui.ern.common import Party
from stardust_tui.ern.registry import build_message
from stardust_tui.ern.safe_xml import UnsafeXmlError, parse_bytes
from stardust_tui.ern.sample_catalog import add_sample_release, sample_files
from stardust_tui.ern.validate import validate_bytes, validate_file
from stardust_tui.store.releases import load_release
from tests.conftest import SAMPLES_DIR, XSD_DIR

EXPECTED = list(csv.DictReader((SAMPLES_DIR / "EXPECTED.tsv").open(encoding="utf-8"), delimiter="\t"))
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<ern:NewReleaseMessage xmlns:ern="http://ddex.net/xml/ern/43">&xxe;</ern:NewReleaseMessage>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<ern:NewReleaseMessage xmlns:ern="http://ddex.net/xml/ern/43">&lol4;</ern:NewReleaseMessage>"""


@pytest.mark.parametrize("row", EXPECTED, ids=[r["file"] for r in EXPECTED])
def test_samples_xsd_verdict_matches_expected(row: dict[str, str]) -> None:
    report = validate_file(SAMPLES_DIR / row["file"], schema_dir=XSD_DIR)
    xsd = [i for i in report.issues if i.rule == "XSD"]
    assert report.schema_checked
    if row["lxml"] == "PASS":
        assert xsd == []
    else:
        assert xsd, "an invalid sample must fail the XSD"
        assert f"L{xsd[0].line}:" == row["first_error"].split()[0]


@pytest.fixture
def album_xml(sqlite_engine: Engine, tmp_path: Path) -> tuple[bytes, Path]:
    with Session(sqlite_engine) as session:
        rid = add_sample_release(session, seed=7, tracks=3).id
        session.commit()
    with Session(sqlite_engine) as session:
        release = load_release(session, rid)
    package = tmp_path / "pkg"
    sample_files(release, package)
    data = build_message(release, "4.3", message_id="M1", timestamp=datetime(2026, 1, 1, tzinfo=UTC),
                         sender=Party("PADPIDA0000000000Z", "Sender"),
                         recipients=[Party("PADPIDA2011072101T", "Spotify")])
    return data, package


def rules(report: object) -> set[str]:
    return {i.rule for i in report.errors}  # type: ignore[attr-defined]


def test_built_message_passes_everything_with_its_package(album_xml: tuple[bytes, Path]) -> None:
    data, package = album_xml
    report = validate_bytes(data, schema_dir=XSD_DIR, package=package)
    assert report.ok and report.schema_checked and report.version == "4.3", [str(i) for i in report.issues]


def test_package_missing_file_and_md5_mismatch(album_xml: tuple[bytes, Path]) -> None:
    data, package = album_xml
    files = sorted(p for p in package.rglob("*") if p.is_file())
    files[0].unlink()
    files[1].write_bytes(b"corrupted")
    report = validate_bytes(data, schema_dir=XSD_DIR, package=package)
    assert rules(report) == {"ERN-PKG-001", "ERN-PKG-002"}
    assert all(i.line for i in report.errors)


@pytest.mark.parametrize(("old", "new", "rule"), [
    (b"<ReleaseResourceReference>A2<", b"<ReleaseResourceReference>A9<", "ERN-REF-001"),
    (b"<DealReleaseReference>R0<", b"<DealReleaseReference>R99<", "ERN-REF-001"),
    (b"<ArtistPartyReference>P1<", b"<ArtistPartyReference>P42<", "ERN-REF-001"),
    (b"<ISRC>GBXYZ2400701<", b"<ISRC>GBXYZ240070<", "ERN-ID-001"),
    (b"<TerritoryCode>US<", b"<TerritoryCode>QQ<", "ERN-CODE-001"),
    (b"<LanguageOfPerformance>en<", b"<LanguageOfPerformance>xx<", "ERN-CODE-002"),
    (b"<EndDateTime>2030-01-01T00:00:00Z<", b"<EndDateTime>2020-01-01T00:00:00Z<", "ERN-DATE-001"),
    (b"<OriginalReleaseDate>2025-03-14<", b"<OriginalReleaseDate>2025-04-14<", "ERN-DATE-002"),
])
def test_business_rules_name_rule_and_line(album_xml: tuple[bytes, Path], old: bytes, new: bytes, rule: str) -> None:
    data, _ = album_xml
    assert old in data
    report = validate_bytes(data.replace(old, new, 1))
    assert rule in rules(report)
    issue = next(i for i in report.errors if i.rule == rule)
    line = data.replace(old, new, 1)[: data.index(old)].count(b"\n") + 1
    assert issue.line is not None and abs(issue.line - line) <= 12


def test_unused_resource_and_bad_icpn(album_xml: tuple[bytes, Path]) -> None:
    data, _ = album_xml
    cut = data.replace(b"<LinkedReleaseResourceReference>A4</LinkedReleaseResourceReference>", b"")
    cut = cut.replace(b"<LinkedReleaseResourceReference>A4</LinkedReleaseResourceReference>", b"")
    assert "ERN-RES-001" in rules(validate_bytes(cut))
    icpn = data.split(b"<ICPN>")[1].split(b"<")[0]
    broken = data.replace(b"<ICPN>" + icpn, b"<ICPN>" + icpn[:-1] + str((int(icpn[-1:]) + 1) % 10).encode())
    assert "ERN-ID-002" in rules(validate_bytes(broken))


def test_single_title_must_agree(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        rid = add_sample_release(session, seed=9, tracks=1, release_type="single", explicit_track=None).id
        session.commit()
    with Session(sqlite_engine) as session:
        release = load_release(session, rid)
    for version in ("4.3", "3.8.2"):
        data = build_message(release, version, message_id="M", timestamp=datetime(2026, 1, 1, tzinfo=UTC),
                             sender=Party("PADPIDA0000000000Z", "S"), recipients=[Party("PADPIDA2011072101T", "R")])
        assert validate_bytes(data, schema_dir=XSD_DIR).ok
        bad = data.replace(b"<TitleText>First Light</TitleText>", b"<TitleText>Other Song</TitleText>", 1)
        assert "ERN-SINGLE-001" in rules(validate_bytes(bad)), version


EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd">
<ern:NewReleaseMessage xmlns:ern="http://ddex.net/xml/ern/43"/>"""


@pytest.mark.parametrize("payload", [XXE, LAUGHS, EXTERNAL_DTD], ids=["xxe", "billion-laughs", "external-dtd"])
def test_hostile_xml_is_refused(payload: bytes) -> None:
    with pytest.raises(UnsafeXmlError, match="entit|external DTD"):
        parse_bytes(payload, source="evil.xml")
    report = validate_bytes(payload, path="evil.xml", schema_dir=XSD_DIR)
    assert not report.ok and report.issues[0].rule == "XML-UNSAFE"
    assert "root:" not in report.issues[0].message


def test_utf16_with_bom_and_syntax_error_line() -> None:
    data = (SAMPLES_DIR / "ern-43" / "sshaw__1_Audio.xml").read_text(encoding="utf-8")
    utf16 = data.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert utf16[:2] in (b"\xff\xfe", b"\xfe\xff")
    assert validate_bytes(utf16, schema_dir=XSD_DIR).version == "4.3"
    report = validate_bytes(b"<a>\n<b>\n</a>", path="broken.xml")
    assert report.issues[0].rule == "XML-SYNTAX" and report.issues[0].line == 3


def test_cli_exit_codes_and_json(album_xml: tuple[bytes, Path], tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    data, package = album_xml
    good = tmp_path / "good.xml"
    good.write_bytes(data)
    bad = SAMPLES_DIR / "ern-43" / "invalid" / "ddexsuite__simple_release.xml"
    runner = CliRunner()
    result = runner.invoke(cli, ["ern", "validate", str(good), "--package", str(package)])
    assert result.exit_code == 0, result.output
    assert "valid; ERN 4.3" in result.output and "XSD checked" in result.output
    result = runner.invoke(cli, ["ern", "validate", str(good), str(bad), "--json"])
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert doc["valid"] is False and [f["valid"] for f in doc["files"]] == [True, False]
    assert doc["files"][1]["issues"][0]["rule"] == "XSD" and doc["files"][1]["issues"][0]["line"] == 2
    assert runner.invoke(cli, ["ern", "validate", str(tmp_path / "missing.xml")]).exit_code == 2
    djmix = str(SAMPLES_DIR / "ern-43" / "sshaw__8_DjMix.xml")  # XSD-valid, but its ICPN has a bad check digit
    assert runner.invoke(cli, ["ern", "validate", djmix]).exit_code == 1
    assert runner.invoke(cli, ["ern", "validate", "--no-rules", djmix]).exit_code == 0
    piped = runner.invoke(cli, ["ern", "validate", "-"], input=data)
    assert piped.exit_code == 0 and "<stdin>: valid" in piped.output
    assert runner.invoke(cli, ["ern", "validate", str(good), "--schemas", str(tmp_path / "nope")]).exit_code == 2
    monkeypatch.delenv("STARDUST_DDEX_SCHEMAS")
    result = runner.invoke(cli, ["ern", "validate", str(good)])
    assert result.exit_code == 0 and "no DDEX schemas installed: run `stardust schemas fetch`" in result.output
    assert "XSD skipped" in result.output


def test_ean8_icpn_and_partial_dates_are_accepted(album_xml: tuple[bytes, Path]) -> None:
    data, _ = album_xml
    icpn = data.split(b"<ICPN>")[1].split(b"<")[0]
    assert "ERN-ID-002" not in rules(validate_bytes(data.replace(icpn, b"96385074")))
    assert "ERN-ID-002" in rules(validate_bytes(data.replace(icpn, b"96385075")))
    partial = data.replace(b"<OriginalReleaseDate>2025-03-14<", b"<OriginalReleaseDate>2024<")
    assert not {"ERN-DATE-002", "ERN-DATE-003"} & rules(validate_bytes(partial))


def test_overlapping_deals_and_track_release_without_deal(album_xml: tuple[bytes, Path]) -> None:
    data, _ = album_xml
    start = data.index(b"<Deal>")
    end = data.index(b"</Deal>", start) + len(b"</Deal>")
    doubled = data[:end] + data[start:end] + data[end:]
    report = validate_bytes(doubled, schema_dir=XSD_DIR)
    assert "ERN-DEAL-003" in rules(report) and "XSD" not in rules(report)
    assert "ERN-DEAL-003" not in rules(validate_bytes(data))
    cut = data.replace(b"<DealReleaseReference>R2</DealReleaseReference>", b"")
    assert any(i.rule == "ERN-DEAL-002" and i.severity == "warning" for i in validate_bytes(cut).issues)


def test_release_without_main_artist_is_flagged(album_xml: tuple[bytes, Path]) -> None:
    data, _ = album_xml
    release_part = data.index(b"<ReleaseList>")
    changed = data[:release_part] + data[release_part:].replace(
        b"<DisplayArtistRole>MainArtist</DisplayArtistRole>", b"<DisplayArtistRole>Artist</DisplayArtistRole>", 1)
    issues = validate_bytes(changed).issues
    assert any(i.rule == "ERN-ARTIST-001" and i.severity == "warning" for i in issues)
    assert not any(i.rule == "ERN-ARTIST-001" for i in validate_bytes(data).issues)


def test_duplicate_isrc_and_user_defined_artist_role(album_xml: tuple[bytes, Path]) -> None:
    data, _ = album_xml
    dup = data.replace(b"<ISRC>GBXYZ2400702</ISRC>", b"<ISRC>GBXYZ2400701</ISRC>")
    assert "ERN-ID-005" in rules(validate_bytes(dup))
    odd = data.replace(b"<DisplayArtistRole>FeaturedArtist</DisplayArtistRole>",
                       b'<DisplayArtistRole UserDefinedValue="Hype">UserDefined</DisplayArtistRole>', 1)
    assert any(i.rule == "ERN-ARTIST-002" for i in validate_bytes(odd, schema_dir=XSD_DIR).warnings)
