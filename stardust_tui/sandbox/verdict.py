"""A sandbox DSP's verdict on one received message, in DDEX's own vocabulary (ERN-C ``ErncFileStatus``).

Each :class:`Problem` carries the file status a DSP answers with (``ResourceMissing``,
``SignatureOrHashSumWrongOrMissing``, ``NewReleaseMessageInvalid``, ``UnsupportedUsage``, ...), the text it
gives, what to resend (``ResendXmlOnly`` / ``ResendXmlAndResources``) and the affected ISRCs. The mapping
from the project's checks (ERN rule ids, readiness finding codes) to those statuses lives here, in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

XML_ONLY, XML_AND_RESOURCES = "ResendXmlOnly", "ResendXmlAndResources"
PRECEDENCE = ("ErnMissing", "NewReleaseMessageInvalid", "SignatureOrHashSumWrongOrMissing", "ResourceMissing",
              "ResourceCorrupt", "UnsupportedUsage", "ResourceNotMeetingSpecifications", "IdentifierInvalid",
              "NoDealInNewReleaseMessage", "ConflictingAvailabilityPeriods", "CommercialReleaseDateInvalid",
              "OriginalReleaseDateLaterThanReleaseDate", "PrimaryArtistNameMissing", "ArtistRoleUnknown",
              "MetadataMissing")
"""The order a DSP reports problems in: the one that stops ingestion first comes first in the ACK."""
_RESOURCES = {"ResourceMissing", "ResourceCorrupt", "ResourceNotMeetingSpecifications",
              "SignatureOrHashSumWrongOrMissing"}
_TRACK = re.compile(r"tracks\[(\d+-\d+)\]")


@dataclass(frozen=True)
class Problem:
    """One reason to reject a release, as the ACK states it."""

    status: str  # an ErncFileStatus value
    text: str
    affected: tuple[str, ...] = ()  # ISRCs of the resources concerned

    @property
    def action(self) -> str:
        return XML_AND_RESOURCES if self.status in _RESOURCES else XML_ONLY


@dataclass
class Verdict:
    """What the sandbox concluded about one message of a batch."""

    batch: str
    message_path: str  # relative to the inbox root
    message_id: str | None = None
    message_type: str = "NewReleaseMessage"  # NewReleaseMessage | PurgeReleaseMessage
    kind: str = "new"  # new | update | takedown | purge (what the message does)
    icpn: str | None = None
    grid: str | None = None
    sender: tuple[str, str] | None = None  # (DPID, name) of the message's sender
    test: bool = False  # a TestMessage: checked, not ingested
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.problems

    def sorted_problems(self) -> list[Problem]:
        rank = {s: i for i, s in enumerate(PRECEDENCE)}
        return sorted(self.problems, key=lambda p: rank.get(p.status, len(rank)))

    @property
    def status(self) -> str:
        """The main file status: FileOK, or the first problem's."""
        return self.sorted_problems()[0].status if self.problems else "FileOK"

    @property
    def action(self) -> str | None:
        if not self.problems:
            return None
        return XML_AND_RESOURCES if any(p.action == XML_AND_RESOURCES for p in self.problems) else XML_ONLY

    @property
    def affected(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i for p in self.problems for i in p.affected))

    def error_text(self, limit: int = 5) -> str:
        shown = [f"{p.status}: {p.text}" for p in self.sorted_problems()[:limit]]
        more = len(self.problems) - limit
        return "; ".join(shown) + (f" (+{more} more)" if more > 0 else "")


_RULE_STATUS = {
    "XSD": "NewReleaseMessageInvalid", "XML-SYNTAX": "NewReleaseMessageInvalid",
    "XML-UNSAFE": "NewReleaseMessageInvalid", "ERN-VERSION": "NewReleaseMessageInvalid",
    "ERN-PKG-001": "ResourceMissing",
    "ERN-PKG-002": "SignatureOrHashSumWrongOrMissing", "ERN-DATE-001": "CommercialReleaseDateInvalid",
    "ERN-DATE-002": "OriginalReleaseDateLaterThanReleaseDate", "ERN-DATE-003": "CommercialReleaseDateInvalid",
    "ERN-DEAL-003": "ConflictingAvailabilityPeriods", "ERN-ARTIST-001": "PrimaryArtistNameMissing",
}


def status_for_rule(rule: str) -> str:
    """The file status for an ERN engine rule id (``ern validate``'s ids)."""
    if rule in _RULE_STATUS:
        return _RULE_STATUS[rule]
    if rule.startswith("ERN-ID"):
        return "IdentifierInvalid"
    if rule.startswith(("ERN-REF", "ERN-CODE")):
        return "NewReleaseMessageInvalid"
    return "MetadataMissing"


def status_for_finding(code: str, field_name: str = "") -> str:
    """The file status for a readiness finding code (``stardust check``'s codes)."""
    if code in ("message-type-refused", "release-type-not-taken") or code.startswith("deal-required"):
        return "UnsupportedUsage"
    if code in ("file-missing", "missing-audio"):
        return "ResourceMissing"
    if code.endswith("-unreadable"):
        return "ResourceCorrupt"
    if code.startswith(("audio-", "artwork-", "video-", "wav-", "text-", "midi-")) or code == "missing-cover":
        return "ResourceNotMeetingSpecifications"
    if code.startswith("bad-"):
        return "IdentifierInvalid"
    if code in ("no-deals", "no-models", "no-territories", "no-use-types"):
        return "NoDealInNewReleaseMessage"
    if code == "deal-overlap":
        return "ConflictingAvailabilityPeriods"
    if code in ("deal-dates", "bad-date", "preorder-after-release", "preorder-past-release"):
        return "CommercialReleaseDateInvalid"
    if code == "date-order":
        return "OriginalReleaseDateLaterThanReleaseDate"
    if code in ("artist-role", "role-user-defined"):
        return "ArtistRoleUnknown"
    if code.startswith(("recipient-", "sender-", "ingest")):
        return "NewReleaseMessageInvalid"
    if code == "missing" and "artist" in field_name:
        return "PrimaryArtistNameMissing"
    return "MetadataMissing"


def track_isrc(field_name: str, isrcs: dict[str, str]) -> tuple[str, ...]:
    """The ISRC of the track a finding's field names (``tracks[1-3].audio...``: disc 1, track 3), if any."""
    match = _TRACK.search(field_name or "")
    if match and match.group(1) in isrcs:
        return (isrcs[match.group(1)],)
    return ()
