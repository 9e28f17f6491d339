"""The sandbox DSP's answers: DDEX ERN-C acknowledgements and a report a person reads.

One ACK per message, named ``ACK_<MessageId>_<YYYYMMDDhhmmssnnn>.xml`` (the name ``stardust target acks``
matches deliveries by), in the profile's version: ERN-C SFTP 1.8 ``AcknowledgementMessage`` (a
``ReleaseStatus`` with the release id, ``SuccessfullyIngestedByReleaseDistributor`` or
``ProcessingErrorAtReleaseDistributor``, the error text, the proposed action, the affected resources and one
``MessageStatus`` per problem) or 1.6 ``FtpAcknowledgementMessage`` (one ``FileStatus``). Both are what
:func:`stardust_tui.delivery.acks.parse_ack` reads, and valid against the ERN-C XSDs.
"""

from __future__ import annotations

import re
from datetime import datetime

from lxml import etree

from stardust_tui.delivery.profile_model import MessageParty
from stardust_tui.sandbox.verdict import Problem, Verdict

NAMESPACES = {"1.6": "http://ddex.net/xml/ern-c-sftp/16", "1.8": "http://ddex.net/xml/ern-c-sftp/18"}
AVS_VERSION_18 = "3"
OK_STATUS, ERROR_STATUS = "SuccessfullyIngestedByReleaseDistributor", "ProcessingErrorAtReleaseDistributor"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def ack_version(ack_format: str, manifest_version: str) -> str:
    """The ERN-C version to answer in: the profile's pinned one, else that of its manifests."""
    return ack_format if ack_format in NAMESPACES else (manifest_version if manifest_version in NAMESPACES else "1.8")


def ack_file_name(verdict: Verdict, when: datetime) -> str:
    mid = _UNSAFE.sub("-", verdict.message_id or verdict.icpn or verdict.batch).strip("-") or "unknown"
    return f"ACK_{mid}_{when.strftime('%Y%m%d%H%M%S')}{when.microsecond // 1000:03d}.xml"


def _party(parent: etree._Element, tag: str, party: MessageParty) -> None:
    el = etree.SubElement(parent, tag)
    etree.SubElement(el, "PartyId").text = party.dpid
    etree.SubElement(etree.SubElement(el, "PartyName"), "FullName").text = party.name or party.dpid


def _sender_of(verdict: Verdict, dsp: MessageParty) -> MessageParty:
    if verdict.sender and re.fullmatch(r"PADPIDA[A-Za-z0-9]+", verdict.sender[0] or ""):
        return MessageParty(verdict.sender[0], verdict.sender[1] or verdict.sender[0])
    return dsp  # unknown sender (no readable message): the ACK names the DSP on both sides


def build_ack(verdict: Verdict, *, dsp: MessageParty, version: str, when: datetime, file_name: str) -> bytes:
    """The ACK XML for one verdict (UTF-8, with declaration)."""
    ns = NAMESPACES[version]
    stamp = when.isoformat(timespec="seconds")
    if version == "1.6":
        root = etree.Element(f"{{{ns}}}FtpAcknowledgementMessage", nsmap={"ern-c-sftp": ns})
        root.set("MessageVersionId", "ern-c-sftp/16")
        header = etree.SubElement(root, "MessageHeader")
        _party(header, "MessageSender", dsp)
        _party(header, "MessageRecipient", _sender_of(verdict, dsp))
        etree.SubElement(header, "MessageCreatedDateTime").text = stamp
        acked = etree.SubElement(root, "AcknowledgedFile")
        etree.SubElement(acked, "ReleaseId").text = verdict.icpn or verdict.grid or verdict.message_path
        etree.SubElement(acked, "Date").text = when.date().isoformat()
        etree.SubElement(root, "FileStatus").text = verdict.status
        _errors(root, verdict)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    root = etree.Element(f"{{{ns}}}AcknowledgementMessage", nsmap={"ern-c-sftp": ns})
    root.set("AvsVersionId", AVS_VERSION_18)
    header = etree.SubElement(root, "MessageHeader")
    etree.SubElement(header, "MessageId").text = file_name.removesuffix(".xml")
    etree.SubElement(header, "MessageFileName").text = file_name
    _party(header, "MessageSender", dsp)
    _party(header, "MessageRecipient", _sender_of(verdict, dsp))
    etree.SubElement(header, "MessageCreatedDateTime").text = stamp
    status = etree.SubElement(root, "ReleaseStatus")
    rid = etree.SubElement(status, "ReleaseId")
    if verdict.grid:
        etree.SubElement(rid, "GRid").text = verdict.grid
    if verdict.icpn:
        etree.SubElement(rid, "ICPN").text = verdict.icpn
    etree.SubElement(status, "ReleaseStatus").text = OK_STATUS if verdict.accepted else ERROR_STATUS
    _errors(status, verdict)
    ack = etree.SubElement(status, "Acknowledgement")
    etree.SubElement(ack, "MessageType").text = (verdict.message_type if verdict.message_type in
                                                 ("NewReleaseMessage", "PurgeReleaseMessage") else "NewReleaseMessage")
    etree.SubElement(ack, "BatchId").text = verdict.batch
    etree.SubElement(ack, "MessageId").text = verdict.message_id or verdict.message_path
    no_problem: list[Problem | None] = [None]  # one FileOK status
    for problem in verdict.sorted_problems() or no_problem:
        ms = etree.SubElement(ack, "MessageStatus")
        etree.SubElement(ms, "Status").text = problem.status if problem else "FileOK"
        if problem is not None:
            etree.SubElement(ms, "Information").text = problem.text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _errors(parent: etree._Element, verdict: Verdict) -> None:
    """ErrorText, ProposedActionType, ManualCheckRequired, AffectedResource (same order in 1.6 and 1.8)."""
    if verdict.accepted:
        return
    etree.SubElement(parent, "ErrorText").text = verdict.error_text()
    etree.SubElement(parent, "ProposedActionType").text = verdict.action
    for isrc in verdict.affected:
        etree.SubElement(etree.SubElement(parent, "AffectedResource"), "ISRC").text = isrc


def report_text(profile_name: str, folder: str, verdicts: list[Verdict], notes: list[str], acks: list[str],
                when: datetime) -> str:
    """The readable report of one batch: each release's verdict, problems, warnings and ACK file."""
    lines = [f"Sandbox DSP {profile_name} — {folder} — {when.isoformat(timespec='seconds')}", ""]
    for verdict, ack in zip(verdicts, acks, strict=True):
        what = verdict.icpn or verdict.grid or verdict.message_path
        state = "ACCEPTED" if verdict.accepted else "REJECTED"
        lines.append(f"{verdict.message_type} {verdict.kind} of release {what} (message {verdict.message_id or '?'}): "
                     f"{state}" + (" — test message, checked only" if verdict.test else ""))
        for p in verdict.sorted_problems():
            affected = f" [{', '.join(p.affected)}]" if p.affected else ""
            lines.append(f"  ✗ {p.status}: {p.text}{affected}")
        lines += [f"  ! {w}" for w in verdict.warnings]
        action = f", proposed action {verdict.action}" if verdict.action else ""
        lines.append(f"  ACK {ack}: {verdict.status}{action}")
        lines.append("")
    lines += [f"note: {n}" for n in notes]
    return "\n".join(lines).rstrip() + "\n"
