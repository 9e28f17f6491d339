"""Batch manifests: valid against the ERN-C SFTP 1.6 and 1.8 XSDs, zero-byte semaphore, bad input."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml import etree

from stardust_tui.delivery.manifest import (
    Manifest,
    ManifestEntry,
    build_manifest,
    manifest_bytes,
    manifest_file_name,
    parse_xml,
    validate_choreography,
)
from stardust_tui.delivery.profiles import MessageParty
from stardust_tui.errors import ValidationError
from tests.conftest import SAMPLES_DIR, XSD_DIR

SENDER = MessageParty("PADPIDA0000000000Z", "Stardust Demo Distribution")
RECIPIENT = MessageParty("PADPIDA0000000000R", "Generic Recipient")


def _manifest(**kw: object) -> Manifest:
    entries = (
        ManifestEntry(message_id="SD-1", url="/20261123221500123/0602445790047/0602445790047.xml",
                      icpn="0602445790047", catalog_number="SD001", md5="0" * 32),
        ManifestEntry(message_id="SD-2", url="/20261123221500123/724384960650/724384960650.xml",
                      icpn="724384960650", delivery_type="TakeDown"),
    )
    base = dict(batch_id="20261123221500123", sender=SENDER, recipient=RECIPIENT,
                created=datetime(2026, 11, 23, 22, 15, tzinfo=UTC), entries=entries)
    base.update(kw)
    return Manifest(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("version", ["1.6", "1.8"])
def test_manifest_is_valid_against_xsd(version: str) -> None:
    data = build_manifest(_manifest(), version)
    assert validate_choreography(data, version, XSD_DIR) == []
    root = parse_xml(data, "manifest")
    assert root.tag == f"{{http://ddex.net/xml/ern-c-sftp/{version.replace('.', '')}}}ManifestMessage"
    assert root.findtext("NumberOfMessages") == "2"
    assert root.findtext("RootDirectory") == "20261123221500123"
    icpn = root.find("MessageInBatch/IncludedReleaseId/ICPN")
    assert icpn is not None and icpn.text == "0602445790047" and not icpn.attrib  # no IsEan
    hash_tag = "HashSum" if version == "1.6" else "HashSumValue"
    assert root.findtext(f"MessageInBatch/HashSum/{hash_tag}") == "0" * 32
    assert [e.findtext("DeliveryType") for e in root.iterfind("MessageInBatch")] == ["NewReleaseDelivery",
                                                                                      "TakeDown"]
    if version == "1.8":
        assert root.get("AvsVersionId")


def test_xsd_catches_isean_like_the_fuga_sample() -> None:
    data = build_manifest(_manifest(), "1.6")
    root = parse_xml(data, "m")
    root.find("MessageInBatch/IncludedReleaseId/ICPN").set("IsEan", "true")
    errors = validate_choreography(etree.tostring(root), "1.6", XSD_DIR)
    assert errors and "IsEan" in errors[0]
    # the real FUGA manifest (ern-c/15) fails the 1.6 schema on exactly this attribute
    sample = (SAMPLES_DIR / "choreography" / "audius__BatchComplete_20240305090206405.xml").read_bytes()
    sample = sample.replace(b"http://ddex.net/xml/ern-c/15", b"http://ddex.net/xml/ern-c-sftp/16")
    errors = validate_choreography(sample, "1.6", XSD_DIR)
    assert len(errors) == 1 and "IsEan" in errors[0]


def test_zero_byte_and_none_rules() -> None:
    m = _manifest()
    assert manifest_bytes(m, "zero-byte") == b""
    assert manifest_bytes(m, "none") is None
    assert manifest_bytes(m, "non-empty", "1.6").startswith(b"<?xml")
    assert manifest_file_name("20261123221500123") == "BatchComplete_20261123221500123.xml"


def test_bad_manifest_input() -> None:
    with pytest.raises(ValidationError, match="at least one"):
        build_manifest(_manifest(entries=()))
    with pytest.raises(ValidationError, match="DeliveryType"):
        build_manifest(_manifest(entries=(ManifestEntry("X", "/a.xml", icpn="1", delivery_type="Purge"),)))
    with pytest.raises(ValidationError, match="release id"):
        build_manifest(_manifest(entries=(ManifestEntry("X", "/a.xml"),)))
    with pytest.raises(ValidationError, match="1.6 or 1.8"):
        build_manifest(_manifest(), "1.7")


def test_parse_xml_refuses_entities_and_reports_line() -> None:
    evil = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<x>&e;</x>'
    root = parse_xml(evil, "ack")
    assert "root:" not in (root.text or "")  # the external entity is not resolved
    with pytest.raises(ValidationError, match=r"ack:2"):
        parse_xml(b"<a>\n<b></a>", "ack")
