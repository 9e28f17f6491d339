"""ACK parsing (ERN-C 1.6 / 1.8, XSD-valid test files) and polling a real local ACK folder."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from stardust_tui.config import Settings
from stardust_tui.delivery.acks import ack_sort_key, parse_ack, poll_acks, poll_target_acks
from stardust_tui.delivery.manifest import validate_choreography
from stardust_tui.delivery.registry import open_transport
from stardust_tui.delivery.targets import add_target, get_target
from stardust_tui.domain.delivery_models import Acknowledgement, Delivery, ReleaseTargetStatus
from stardust_tui.domain.models import Release
from stardust_tui.errors import ValidationError
from stardust_tui.store.db import session_scope
from tests.conftest import XSD_DIR

HEADER16 = """<MessageHeader>
    <MessageSender><PartyId>PADPIDA0000000000R</PartyId><PartyName><FullName>DSP</FullName></PartyName></MessageSender>
    <MessageRecipient><PartyId>PADPIDA0000000000Z</PartyId></MessageRecipient>
    <MessageCreatedDateTime>{created}</MessageCreatedDateTime>
  </MessageHeader>"""


def ack16(release_folder: str, status: str, extra: str = "", created: str = "2026-11-23T10:00:00Z") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ern-c-sftp:FtpAcknowledgementMessage xmlns:ern-c-sftp="http://ddex.net/xml/ern-c-sftp/16"
    MessageVersionId="ern-c-sftp/16">
  {HEADER16.format(created=created)}
  <AcknowledgedFile><ReleaseId>{release_folder}</ReleaseId><Date>2026-11-23</Date></AcknowledgedFile>
  <FileStatus>{status}</FileStatus>{extra}
</ern-c-sftp:FtpAcknowledgementMessage>""".encode()


def ack18(icpn: str, status: str, message_id: str, extra: str = "", file_status: str = "FileOK") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ern-c-sftp:AcknowledgementMessage xmlns:ern-c-sftp="http://ddex.net/xml/ern-c-sftp/18" AvsVersionId="3">
  <MessageHeader>
    <MessageId>ACK-{message_id}</MessageId>
    <MessageSender><PartyId>PADPIDA0000000000R</PartyId></MessageSender>
    <MessageRecipient><PartyId>PADPIDA0000000000Z</PartyId></MessageRecipient>
    <MessageCreatedDateTime>2026-11-23T11:00:00Z</MessageCreatedDateTime>
  </MessageHeader>
  <ReleaseStatus>
    <ReleaseId><ICPN>{icpn}</ICPN></ReleaseId>
    <ReleaseStatus>{status}</ReleaseStatus>{extra}
    <Acknowledgement>
      <MessageType>NewReleaseMessage</MessageType>
      <BatchId>20261123100000000</BatchId>
      <MessageId>{message_id}</MessageId>
      <MessageStatus><Status>{file_status}</Status></MessageStatus>
    </Acknowledgement>
  </ReleaseStatus>
</ern-c-sftp:AcknowledgementMessage>""".encode()


ERROR16 = """
  <ErrorText>Track 2 audio is truncated</ErrorText>
  <ProposedActionType>ResendXmlAndResources</ProposedActionType>
  <ManualCheckRequired>false</ManualCheckRequired>
  <AffectedResource><ISRC>USRC17607839</ISRC></AffectedResource>"""


def test_test_ack_files_are_xsd_valid() -> None:
    assert validate_choreography(ack16("0602445790047", "FileOK"), "1.6", XSD_DIR) == []
    assert validate_choreography(ack16("0602445790047", "ResourceCorrupt", ERROR16), "1.6", XSD_DIR) == []
    assert validate_choreography(ack18("0602445790047", "SuccessfullyIngestedByReleaseDistributor", "M1"),
                                 "1.8", XSD_DIR) == []
    bad = ack18("0602445790047", "RightsConflict", "M1",
                "\n    <ErrorText>Rights claimed by another party</ErrorText>"
                "\n    <ProposedActionType>DoNotResendRelease</ProposedActionType>"
                "\n    <ManualCheckRequired>true</ManualCheckRequired>")
    assert validate_choreography(bad, "1.8", XSD_DIR) == []


def test_parse_16_ok_and_error() -> None:
    ok = parse_ack(ack16("0602445790047", "FileOK"), "ACK_SD-1_20261123100000123.xml")
    assert ok.version == "1.6" and ok.message_id == "SD-1" and ok.release_ids == ["0602445790047"]
    assert ok.releases[0].outcome == "ack-ok"
    err = parse_ack(ack16("0602445790047", "ResourceCorrupt", ERROR16), "ACK_SD-1_20261124100000123.xml")
    rel = err.releases[0]
    assert rel.outcome == "ack-error" and rel.status == "ResourceCorrupt"
    assert rel.error_text == "Track 2 audio is truncated" and rel.proposed_action == "ResendXmlAndResources"
    assert rel.manual_check is False and rel.affected_resources == ("USRC17607839",)


def test_parse_18_statuses() -> None:
    ok = parse_ack(ack18("0602445790047", "SuccessfullyIngestedByReleaseDistributor", "M1"), "a.xml")
    assert ok.version == "1.8" and ok.message_id == "ACK-M1"
    assert ok.releases[0].outcome == "ack-ok" and ok.releases[0].message_ids == ("M1",)
    pending = parse_ack(ack18("0602445790047", "InDeliveryToReleaseDistributor", "M1"), "a.xml")
    assert pending.releases[0].outcome == "ack-pending"
    bad_file = parse_ack(ack18("0602445790047", "ReleaseReceivedByReleaseDistributor", "M1",
                               file_status="ResourceMissing"), "a.xml")
    assert bad_file.releases[0].outcome == "ack-error" and "ResourceMissing" in bad_file.releases[0].error_text
    conflict = parse_ack(ack18("0602445790047", "RightsConflict", "M1",
                               "<ManualCheckRequired>true</ManualCheckRequired>"), "a.xml")
    assert conflict.releases[0].outcome == "ack-error" and conflict.releases[0].manual_check is True


def test_parse_rejects_non_acks_and_entities() -> None:
    with pytest.raises(ValidationError, match="not a DDEX acknowledgement"):
        parse_ack(b"<NewReleaseMessage/>", "x.xml")
    with pytest.raises(ValidationError, match="x.xml:1"):
        parse_ack(b"<a><b></a>", "x.xml")
    evil = (b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            + ack16("&e;", "FileOK").split(b"?>", 1)[1])
    result = parse_ack(evil, "x.xml")
    assert all("root:" not in rid for rid in result.release_ids)


def test_ack_sort_key_orders_by_timestamp() -> None:
    names = ["ACK_B_20261124000000000.xml", "ACK_A_20261123000000000.xml", "other.xml"]
    assert sorted(names, key=ack_sort_key)[1:] == ["ACK_A_20261123000000000.xml", "ACK_B_20261124000000000.xml"]


def _seed(engine: Engine, settings: Settings, out: Path) -> tuple[int, int]:
    with session_scope(engine) as s:
        t = add_target(s, settings.paths, name="meta1", url=f"file://{out}", profile="generic-43")
        r = Release(title="Demo", upc="602445790047")  # stored as UPC-A, ACKs say 13-digit ICPN
        s.add(r)
        s.flush()
        s.add(Delivery(release_id=r.id, target_id=t.id, idempotency_key="k", message_id="SD-1", state="succeeded"))
        s.add(ReleaseTargetStatus(release_id=r.id, target_id=t.id, status="delivered"))
        return t.id, r.id


def _status(engine: Engine, release_id: int) -> ReleaseTargetStatus:
    with session_scope(engine) as s:
        return s.exec(select(ReleaseTargetStatus).where(ReleaseTargetStatus.release_id == release_id)).one()


def test_poll_ok_then_later_error_each_file_once(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "dsp"
    (out / "acks").mkdir(parents=True)
    target_id, release_id = _seed(engine, settings, out)
    (out / "acks" / "ACK_SD-1_20261123100000123.xml").write_bytes(ack16("N_0602445790047_20261123090000000",
                                                                        "FileOK"))
    with session_scope(engine) as s:
        target = get_target(s, "meta1")

    async def poll() -> list:
        async with open_transport(f"file://{out}") as transport:
            return await poll_target_acks(engine, target, transport, "/acks")

    assert [name for name, _ in asyncio.run(poll())] == ["ACK_SD-1_20261123100000123.xml"]
    st = _status(engine, release_id)
    assert st.status == "ack-ok" and st.message_id == "SD-1" and st.delivery_id is not None
    assert asyncio.run(poll()) == []  # processed once
    # the DSP changes its mind later, and a file that is not XML at all also arrives
    (out / "acks" / "ACK_SD-1_20261124100000123.xml").write_bytes(ack16("0602445790047", "ResourceCorrupt",
                                                                        ERROR16))
    (out / "acks" / "ACK_SD-1_20261125100000123.xml").write_bytes(b"garbage")
    names = [name for name, _ in asyncio.run(poll())]
    assert names == ["ACK_SD-1_20261124100000123.xml", "ACK_SD-1_20261125100000123.xml"]
    st = _status(engine, release_id)
    assert st.status == "ack-error" and st.proposed_action == "ResendXmlAndResources"
    assert "Track 2 audio is truncated" in st.detail and "USRC17607839" in st.detail
    with session_scope(engine) as s:
        acks = s.exec(select(Acknowledgement).where(Acknowledgement.target_id == target_id)).all()
        assert len(acks) == 3
        assert {a.file_status for a in acks} == {"FileOK", "ResourceCorrupt", "unreadable"}
        row = get_target(s, "meta1")
        assert row.last_ack_poll_at is not None


def test_poll_acks_all_targets_uses_profile_folder(sqlite_engine: Engine, settings: Settings,
                                                   tmp_path: Path) -> None:
    profiles = settings.paths.profiles_dir
    profiles.mkdir(parents=True, exist_ok=True)
    (profiles / "acked.toml").write_text('extends = "generic-43"\nprofile_version = 1\n'
                                         '[choreography]\nack_folder = "/acknowledgements"\n', encoding="utf-8")
    out = tmp_path / "dsp"
    (out / "acknowledgements").mkdir(parents=True)
    _, release_id = _seed(sqlite_engine, settings, out)
    with session_scope(sqlite_engine) as s:
        get_target(s, "meta1").profile = "acked"
    (out / "acknowledgements" / "ACK_X_20261123100000123.xml").write_bytes(
        ack18("0602445790047", "SuccessfullyIngestedByReleaseDistributor", "SD-1"))
    processed = asyncio.run(poll_acks(settings, sqlite_engine))
    assert len(processed) == 1
    assert _status(sqlite_engine, release_id).status == "ack-ok"


def test_parse_17_status_message() -> None:
    data = ack18("0602445790047", "ProcessingErrorAtReleaseDistributor", "M7",
                 "\n    <ErrorText>Genre unknown</ErrorText>"
                 "\n    <ProposedActionType>ResendXmlOnly</ProposedActionType>")
    data = (data.replace(b"ern-c-sftp/18", b"ern-c-sftp/17")
            .replace(b"AcknowledgementMessage", b"ErnAcknowledgementStatusMessage"))
    result = parse_ack(data, "ACK_M7_20261123100000000.xml")
    assert result.version == "1.7"
    rel = result.releases[0]
    assert rel.outcome == "ack-error" and rel.error_text == "Genre unknown" and rel.proposed_action == "ResendXmlOnly"
    assert rel.message_ids == ("M7",) and result.release_ids == ["0602445790047"]


def test_pinned_ack_format_notes_other_versions(sqlite_engine: Engine, settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "dsp"
    (out / "acks").mkdir(parents=True)
    _, release_id = _seed(sqlite_engine, settings, out)
    (out / "acks" / "ACK_SD-1_20261123100000123.xml").write_bytes(ack16("0602445790047", "FileOK"))
    with session_scope(sqlite_engine) as s:
        target = get_target(s, "meta1")

    async def poll() -> list:
        async with open_transport(f"file://{out}") as transport:
            return await poll_target_acks(sqlite_engine, target, transport, "acks", "1.8")

    assert len(asyncio.run(poll())) == 1
    assert _status(sqlite_engine, release_id).status == "ack-ok"  # applied all the same
    with session_scope(sqlite_engine) as s:
        ack = s.exec(select(Acknowledgement)).one()
        assert ack.file_status == "FileOK" and "profile expects 1.8" in ack.error_text
