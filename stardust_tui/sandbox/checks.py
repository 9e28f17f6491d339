"""What the sandbox DSP checks in a complete batch, downloaded to a local folder.

In the order a DSP stops at them:

1. choreography — the batch manifest (``BatchComplete_<BatchId>.xml``) is there and non-empty where the
   profile requires it, valid against the ERN-C XSD of its version, and every message it lists is already
   there with the MD5 it states (a manifest listing a message that is not there was written first);
   no upload still in progress (``.part`` files);
2. the message — safe parse, XSD and business rules (:func:`stardust_tui.ern.validate.validate_bytes`), the
   ERN version the DSP takes, addressed to this DSP;
3. the files — every file the message names is in the release folder with the MD5 it states
   (the ERN engine's package rules ``ERN-PKG-001/002``), named as the profile's naming patterns say;
4. the DSP's rules — the release judged by the project's one readiness (:mod:`.scratch`): message types
   it refuses (a PurgeReleaseMessage to Spotify), audio, artwork, video, deals, release types, identifiers.

Each message gets a :class:`~.verdict.Verdict`; nothing here writes anywhere.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from types import SimpleNamespace

from lxml import etree

from stardust_tui.delivery.profile_model import MessageParty, Profile
from stardust_tui.sandbox.identity import accepted_dpids, rules_profile
from stardust_tui.sandbox.verdict import Problem, Verdict, status_for_finding, status_for_rule, track_isrc

MANIFEST_PREFIX = "BatchComplete_"
_MANIFEST_NS = {"http://ddex.net/xml/ern-c-sftp/16": "1.6", "http://ddex.net/xml/ern-c-sftp/18": "1.8"}
_KIND_BY_DELIVERY = {"NewReleaseDelivery": "new", "HighPriorityDelivery": "new", "BackCatalogDelivery": "new",
                     "ReDelivery": "update", "TakeDown": "takedown"}


@dataclass
class Received:
    """A complete batch (or release-by-release folder) as downloaded: ``root/<folder>/...``."""

    root: Path  # local copy of the inbox subset
    folder: str  # the batch / release folder's name in the inbox
    files: dict[str, int]  # path relative to ``root`` -> size
    partial: list[str] = field(default_factory=list)  # uploads still in progress (temporary names)

    def local(self, rel: str) -> Path:
        return self.root / rel


def _parse(data: bytes) -> etree._Element | None:
    from stardust_tui.delivery.manifest import safe_parser

    try:
        return etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError:
        return None


def _text(el: etree._Element | None, path: str) -> str | None:
    found = el.find(path) if el is not None else None
    return found.text.strip() if found is not None and found.text and found.text.strip() else None


# --- the manifest ---------------------------------------------------------------------------------------

@dataclass
class ManifestEntry:
    message_id: str | None
    url: str | None
    icpn: str | None
    grid: str | None
    delivery_type: str | None
    md5: str | None


def read_manifest(got: Received, name: str, profile: Profile, schema_dir: Path | None,
                  problems: list[str], notes: list[str]) -> list[ManifestEntry] | None:
    """The manifest's entries; batch-level problems (empty, not XML, XSD errors) appended to ``problems``."""
    from stardust_tui.delivery.manifest import validate_choreography
    from stardust_tui.errors import StardustError

    data = got.local(name).read_bytes()
    if not data.strip():
        if profile.manifest == "non-empty":
            problems.append(f"{PurePosixPath(name).name} is empty: {profile.name} needs a non-empty ERN-C manifest "
                            "listing the batch's messages")
        return None
    root = _parse(data)
    if root is None:
        problems.append(f"{PurePosixPath(name).name} is not well-formed XML")
        return None
    version = _MANIFEST_NS.get(etree.QName(root).namespace or "")
    if etree.QName(root).localname != "ManifestMessage" or version is None:
        problems.append(f"{PurePosixPath(name).name} is not an ERN-C 1.6/1.8 ManifestMessage")
        return None
    if version != profile.manifest_version:
        notes.append(f"manifest is ERN-C {version}; {profile.name} expects {profile.manifest_version}")
    if schema_dir is not None:
        try:
            errors = validate_choreography(data, version, schema_dir)
        except StardustError as exc:
            notes.append(f"manifest not XSD-checked ({exc.message}); run `stardust schemas fetch`")
            errors = []
        problems += [f"{PurePosixPath(name).name} {e}" for e in errors[:5]]
    entries = [ManifestEntry(_text(m, "MessageId"), _text(m, "URL"), _text(m, "IncludedReleaseId/ICPN"),
                             _text(m, "IncludedReleaseId/GRid"), _text(m, "DeliveryType"),
                             _text(m, "HashSum/HashSumValue") or _text(m, "HashSum/HashSum"))
               for m in root.iterfind("MessageInBatch")]
    declared = _text(root, "NumberOfMessages")
    if declared and declared.isascii() and declared.isdigit() and int(declared) != len(entries):
        problems.append(f"manifest says NumberOfMessages {declared} but lists {len(entries)}")
    if not entries:
        problems.append(f"{PurePosixPath(name).name} lists no message")
    return entries


def _entry_path(got: Received, url: str | None) -> str | None:
    """The inbox path a manifest URL points at (from the inbox root, or from the batch folder)."""
    if not url:
        return None
    rel = url.strip().lstrip("/")
    for candidate in (rel, f"{got.folder}/{rel}"):
        if candidate in got.files:
            return candidate
    return rel if rel.startswith(got.folder + "/") else f"{got.folder}/{rel}"


# --- one message ----------------------------------------------------------------------------------------

def _isrc_by_line(root: etree._Element) -> dict[int, str]:
    """Line -> ISRC of the resource an element belongs to (to name the resource an ERN issue is about)."""
    out: dict[int, str] = {}
    for res in root.iter("SoundRecording", "Video", "Image"):
        isrc = _text(res, ".//ISRC")
        if isrc:
            for el in res.iter():
                if isinstance(el.tag, str) and el.sourceline:
                    out.setdefault(el.sourceline, isrc)
    return out


def _kind(root: etree._Element, entry: ManifestEntry | None) -> str:
    if etree.QName(root).localname == "PurgeReleaseMessage":
        return "purge"
    if entry is not None and entry.delivery_type in _KIND_BY_DELIVERY:
        return _KIND_BY_DELIVERY[entry.delivery_type]
    takedowns = [t.text for t in root.iter("TakeDown")]
    if takedowns and all((t or "").strip().lower() == "true" for t in takedowns):
        return "takedown"
    if root.find("DealList") is not None and root.find("DealList/ReleaseDeal") is None:
        return "takedown"
    return "update" if (_text(root, "UpdateIndicator") or "") == "UpdateMessage" else "new"


def check_message(got: Received, path: str, profile: Profile, schema_dir: Path | None, today: date,
                  entry: ManifestEntry | None = None) -> Verdict:
    """Every check of one message at inbox path ``path`` (see the module docstring)."""
    from stardust_tui.ern.validate import validate_bytes

    verdict = Verdict(got.folder, path, message_id=entry.message_id if entry else None,
                      icpn=entry.icpn if entry else None, grid=entry.grid if entry else None)
    folder = got.local(path).parent
    rel_folder = str(PurePosixPath(path).parent)
    partial = [p for p in got.partial if p.startswith(rel_folder + "/")]
    if partial:
        verdict.problems.append(Problem("ResourceMissing", f"still being uploaded when the batch was complete: "
                                        f"{', '.join(PurePosixPath(p).name for p in partial[:3])}"))
    data = got.local(path).read_bytes()
    if entry is not None and entry.md5 and entry.md5.lower() != hashlib.md5(data, usedforsecurity=False).hexdigest():
        verdict.problems.append(Problem("SignatureOrHashSumWrongOrMissing",
                                        f"{PurePosixPath(path).name}: MD5 differs from the manifest's HashSum"))
    report = validate_bytes(data, path=path, schema_dir=schema_dir, package=folder)
    root = _parse(data)
    lines = _isrc_by_line(root) if root is not None else {}
    for issue in report.errors:
        isrc = lines.get(issue.line or -1)
        verdict.problems.append(Problem(status_for_rule(issue.rule), f"[{issue.rule}] "
                                        + (f"line {issue.line}: " if issue.line else "") + issue.message,
                                        (isrc,) if isrc else ()))
    verdict.warnings += [f"[{w.rule}] {w.message}" for w in report.warnings if w.severity == "warning"]
    if schema_dir is None:
        verdict.warnings.append("message not XSD-checked: no DDEX schemas (stardust schemas fetch)")
    if root is None or report.version is None or any(i.rule in ("XSD", "XML-SYNTAX") for i in report.errors):
        return verdict  # a DSP stops at a message it cannot read
    header = root.find("MessageHeader")
    verdict.message_type = etree.QName(root).localname
    verdict.message_id = _text(header, "MessageId") or verdict.message_id
    sender_id, sender_name = _text(header, "MessageSender/PartyId"), _text(header, "MessageSender/PartyName/FullName")
    verdict.sender = (sender_id, sender_name or "") if sender_id else None
    verdict.test = (_text(header, "MessageControlType") or "") == "TestMessage"
    verdict.icpn = verdict.icpn or _text(root, ".//ReleaseId/ICPN")
    verdict.grid = verdict.grid or _text(root, ".//ReleaseId/GRid")
    verdict.kind = _kind(root, entry)
    if report.version != profile.ern_version:
        verdict.problems.append(Problem("UnsupportedUsage", f"{profile.name} takes ERN {profile.ern_version}; this "
                                        f"message is ERN {report.version}"))
    recipients = {r.text.strip() for r in root.iterfind("MessageHeader/MessageRecipient/PartyId") if r.text}
    mine = accepted_dpids(profile)
    if not recipients & mine:
        verdict.problems.append(Problem("NewReleaseMessageInvalid", f"addressed to {', '.join(sorted(recipients))}, "
                                        f"not to {profile.name} ({', '.join(sorted(mine))})"))
    if any(p.status in ("ResourceMissing", "SignatureOrHashSumWrongOrMissing") for p in verdict.problems):
        verdict.warnings.append(f"{profile.name}'s audio/artwork/deal rules not checked: the files did not arrive "
                                "intact")
        return verdict  # a DSP asks for the files again before judging them
    _judge(verdict, data, folder, got, rel_folder, profile, today)
    return verdict


def _judge(verdict: Verdict, data: bytes, folder: Path, got: Received, rel_folder: str, profile: Profile,
           today: date) -> None:
    """The DSP's own rules: the project's readiness on what arrived (the message and its files)."""
    from stardust_tui.delivery.preflight import readiness
    from stardust_tui.sandbox.scratch import judge

    rules = rules_profile(profile)
    sender = MessageParty(*verdict.sender) if verdict.sender else None
    if verdict.kind in ("takedown", "purge") or verdict.message_type != "NewReleaseMessage":
        stub = SimpleNamespace(upc=verdict.icpn, grid=verdict.grid, release_date=None)
        report, isrcs, names = readiness(stub, rules, verdict.kind, sender=sender, today=today), {}, {}
    else:
        judged = judge(data, folder, rules, verdict.kind, sender=sender, today=today)
        report, isrcs, names = judged.report, judged.isrcs, judged.expected_names
    missing = any(p.status == "ResourceMissing" for p in verdict.problems)
    for f in report.errors:
        if f.code == "file-missing" and missing:
            continue  # said already by the package check, with the file's path
        verdict.problems.append(Problem(status_for_finding(f.code, f.field), f"{f.message} [{f.code}]",
                                        track_isrc(f.field, isrcs)))
    verdict.warnings += [f"{f.message} [{f.code}]" for f in report.warnings]
    for received, expected in names.items():
        if received != expected:
            verdict.problems.append(Problem("ResourceNotMeetingSpecifications", f"{received} is not named as "
                                            f"{profile.name} names files: expected {expected}"))
    named = set(names)
    extra = [p for p in got.files if p.startswith(rel_folder + "/") and not p.endswith(".xml")
             and PurePosixPath(p).name not in named]
    if names and extra:
        verdict.warnings.append(f"{len(extra)} file(s) not named in the message, ignored: "
                                + ", ".join(PurePosixPath(p).name for p in extra[:3]))


# --- a batch --------------------------------------------------------------------------------------------

def messages_of(got: Received, choreography: str) -> list[str]:
    """The message files of a batch without a manifest: ``<folder>/<release>/<x>.xml`` (batch) or
    ``<folder>/<x>.xml`` (release by release)."""
    depth = 3 if choreography == "batch" else 2
    return sorted(p for p in got.files if p.endswith(".xml") and p.count("/") == depth - 1
                  and not PurePosixPath(p).name.startswith(MANIFEST_PREFIX))


def check_batch(got: Received, profile: Profile, schema_dir: Path | None, today: date) -> tuple[list[Verdict],
                                                                                              list[str]]:
    """Verdicts for every message of a complete batch, and notes for the report."""
    notes: list[str] = []
    batch_problems: list[str] = []
    manifests = sorted(p for p in got.files if p.count("/") == 1 and PurePosixPath(p).name.startswith(MANIFEST_PREFIX))
    entries: list[ManifestEntry] | None = None
    if profile.choreography == "batch" and profile.manifest != "none":
        if not manifests:
            batch_problems.append(f"no {MANIFEST_PREFIX}<BatchId>.xml: {profile.name} needs one, written last")
        else:
            entries = read_manifest(got, manifests[0], profile, schema_dir, batch_problems, notes)
    found = messages_of(got, profile.choreography)
    verdicts: list[Verdict] = []
    if entries:
        listed = set()
        for entry in entries:
            path = _entry_path(got, entry.url)
            listed.add(path)
            if path is None or path not in got.files:
                verdict = Verdict(got.folder, path or "?", message_id=entry.message_id, icpn=entry.icpn,
                                  grid=entry.grid, kind=_KIND_BY_DELIVERY.get(entry.delivery_type or "", "new"))
                verdict.problems.append(Problem("ErnMissing", f"the manifest lists {entry.url}, which was not there: "
                                                "the manifest was written before the message (write the "
                                                "resources, then the XML, then the manifest last)"))
                verdicts.append(verdict)
                continue
            verdicts.append(check_message(got, path, profile, schema_dir, today, entry))
        for path in found:
            if path not in listed:
                notes.append(f"{path} is not listed in the manifest: not ingested")
    else:
        verdicts = [check_message(got, path, profile, schema_dir, today) for path in found]
        if not verdicts and not batch_problems:
            batch_problems.append("no ERN message in the folder")
    for verdict in verdicts:
        verdict.problems[:0] = [Problem("NewReleaseMessageInvalid", text) for text in batch_problems]
    if batch_problems and not verdicts:
        verdict = Verdict(got.folder, f"{got.folder}/")
        verdict.problems = [Problem("ErnMissing" if "no ERN" in t or "no Batch" in t else "NewReleaseMessageInvalid", t)
                            for t in batch_problems]
        verdicts.append(verdict)
    return verdicts, notes
