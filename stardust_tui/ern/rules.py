"""Business rules for ERN messages that the XSDs cannot express, for 3.8.2, 4.2 and 4.3 alike.

Each finding carries a stable rule id and the line of the element concerned:

- ``ERN-REF-001`` a reference (resource, release, party) does not resolve; ``ERN-REF-002`` a reference is
  declared twice.
- ``ERN-RES-001`` a resource is not used by any release.
- ``ERN-ID-001`` ISRC, ``ERN-ID-002`` ICPN (UPC/EAN check digit), ``ERN-ID-003`` ISNI, ``ERN-ID-004`` DPID
  (a warning: test DPIDs circulate widely).
- ``ERN-CODE-001`` territory code, ``ERN-CODE-002`` language code.
- ``ERN-DATE-001`` a validity period ends before it starts; ``ERN-DATE-002`` original release date after
  the release date; ``ERN-DATE-003`` a date that cannot be read.
- ``ERN-ARTIST-001`` a release without a MainArtist (warning); ``ERN-ARTIST-002`` a user-defined artist
  role (warning).
- ``ERN-ID-005`` one ISRC on two sound recordings.
- ``ERN-SINGLE-001`` a single's release title/artist differ from its track's.
- ``ERN-DEAL-001`` a NewReleaseMessage without deals (warning: a 4.x takedown looks like this);
  ``ERN-DEAL-002`` a track release without a deal (warning); ``ERN-DEAL-003`` two deals for the same
  release, commercial model, use type and channel overlap in time and territory.
- ``ERN-PKG-001`` a delivered file is missing from the package; ``ERN-PKG-002`` its MD5 differs;
  ``ERN-PKG-003`` (a note) a file an update or takedown leaves out: DDEX lets them omit files the recipient
  already has. The package is such a re-delivery when the caller says so (``validate --update``), when the
  message says so (3.8.2 ``UpdateIndicator``), when the batch manifest next to its folder lists it as a
  ``ReDelivery`` or ``TakeDown``, or, file by file, when an earlier package of the same release beside it
  (release-by-release ``N_<id>_<time>/`` siblings, or ``<batch>/<id>/`` in other batches) holds the file
  with the MD5 the message states: ERN 4.x messages do not say they are updates, so a 4.x update package
  delivered release by release has nothing else to show it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from stardust_tui.domain.identifiers import (
    gtin_check_digit,
    is_language,
    is_territory,
    is_valid_dpid,
    is_valid_isni,
    is_valid_isrc,
    is_valid_upc,
)


@dataclass(frozen=True)
class Issue:
    """One problem found in a message."""

    rule: str
    line: int | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.severity}: {self.message} [{self.rule}]"


def _texts(root: etree._Element, tag: str) -> Iterator[etree._Element]:
    for el in root.iter(tag):
        if el.text and el.text.strip():
            yield el


def _declared(root: etree._Element, parents: tuple[str, ...], tag: str, issues: list[Issue]) -> set[str]:
    seen: set[str] = set()
    for el in _texts(root, tag):
        parent = el.getparent()
        if parent is None or etree.QName(parent).localname not in parents:
            continue
        value = el.text.strip()
        if value in seen:
            issues.append(Issue("ERN-REF-002", el.sourceline, f"{tag} {value!r} is declared twice"))
        seen.add(value)
    return seen


def check_references(root: etree._Element, issues: list[Issue]) -> None:
    resources = _declared(root, ("SoundRecording", "Image", "Video", "Text", "SheetMusic", "Software",
                                 "MIDI", "UserDefinedResource"), "ResourceReference", issues)
    releases = _declared(root, ("Release", "TrackRelease", "ClipRelease"), "ReleaseReference", issues)
    parties = _declared(root, ("Party",), "PartyReference", issues)
    used: set[str] = set()
    for tag in ("ReleaseResourceReference", "LinkedReleaseResourceReference", "ResourceRelatedResourceReference",
                "ResourceContainedResourceReference", "DealResourceReference"):
        for el in _texts(root, tag):
            value = el.text.strip()
            used.add(value)
            if value not in resources:
                issues.append(Issue("ERN-REF-001", el.sourceline, f"{tag} {value!r} names no resource"))
    for tag in ("DealReleaseReference", "ResourceGroupReleaseReference"):
        for el in _texts(root, tag):
            if el.text.strip() not in releases:
                issues.append(Issue("ERN-REF-001", el.sourceline, f"{tag} {el.text.strip()!r} names no release"))
    for tag in ("ArtistPartyReference", "ContributorPartyReference", "ReleaseLabelReference",
                "RightsControllerPartyReference", "MessageSenderPartyReference"):
        for el in _texts(root, tag):
            if el.text.strip() not in parties:
                issues.append(Issue("ERN-REF-001", el.sourceline, f"{tag} {el.text.strip()!r} names no party"))
    for el in _texts(root, "ResourceReference"):
        parent = el.getparent()
        if parent is not None and parent.getparent() is not None and \
                etree.QName(parent.getparent()).localname == "ResourceList" and el.text.strip() not in used:
            issues.append(Issue("ERN-RES-001", el.sourceline,
                                f"resource {el.text.strip()!r} is not used by any release"))


def _valid_icpn(value: str) -> bool:
    """UPC-A, EAN-13 (or GTIN-14 with a leading zero) via the catalog rules, or EAN-8."""
    if len(value) == 8 and value.isascii() and value.isdigit():
        return gtin_check_digit(value[:7]) == int(value[7])
    return is_valid_upc(value)


def check_identifiers(root: etree._Element, issues: list[Issue]) -> None:
    for el in _texts(root, "ISRC"):
        if not is_valid_isrc(el.text.strip()) or len(el.text.strip()) != 12:
            issues.append(Issue("ERN-ID-001", el.sourceline, f"ISRC {el.text.strip()!r} is not a valid ISRC"))
    first_seen: dict[str, int | None] = {}
    for sr in root.iter("SoundRecording"):
        own: set[str] = set()
        for el in sr.iter("ISRC"):
            value = (el.text or "").strip()
            if value in own:  # editions of one recording may repeat it
                continue
            own.add(value)
            if value in first_seen:
                issues.append(Issue("ERN-ID-005", el.sourceline, f"ISRC {value!r} identifies two sound recordings "
                                    f"(first at line {first_seen[value]})"))
            elif value:
                first_seen[value] = el.sourceline
    for el in _texts(root, "ICPN"):
        if not _valid_icpn(el.text.strip()):
            issues.append(Issue("ERN-ID-002", el.sourceline,
                                f"ICPN {el.text.strip()!r} is not a UPC/EAN with a valid check digit"))
    for el in _texts(root, "ISNI"):
        if not is_valid_isni(el.text.strip()):
            issues.append(Issue("ERN-ID-003", el.sourceline, f"ISNI {el.text.strip()!r} has a bad check character"))
    for tag in ("MessageSender", "MessageRecipient", "SentOnBehalfOf"):
        for party in root.iter(tag):
            for pid in party.iterchildren("PartyId"):
                value = (pid.text or "").strip()
                if value and not is_valid_dpid(value):
                    issues.append(Issue("ERN-ID-004", pid.sourceline, f"{tag} PartyId {value!r} is not a DPID "
                                        "(PADPIDA + 11 letters/digits)", "warning"))


def check_codes(root: etree._Element, issues: list[Issue]) -> None:
    for tag in ("TerritoryCode", "ExcludedTerritoryCode"):
        for el in _texts(root, tag):
            _territory(el.text.strip(), el.sourceline, issues)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        code = el.get("ApplicableTerritoryCode")
        if code:
            _territory(code, el.sourceline, issues)
        lang = el.get("LanguageAndScriptCode")
        if lang and not is_language(lang):
            issues.append(Issue("ERN-CODE-002", el.sourceline, f"language code {lang!r} is not ISO 639 / BCP-47"))
    for el in _texts(root, "LanguageOfPerformance"):
        if not is_language(el.text.strip()):
            issues.append(Issue("ERN-CODE-002", el.sourceline, f"language code {el.text.strip()!r} is not ISO 639"))


def _territory(code: str, line: int | None, issues: list[Issue]) -> None:
    if is_territory(code):
        return
    if is_territory(code, allow_historic=True):
        issues.append(Issue("ERN-CODE-001", line, f"territory {code!r} is withdrawn or a subdivision", "warning"))
    else:
        issues.append(Issue("ERN-CODE-001", line, f"territory {code!r} is not an ISO 3166-1 code or Worldwide"))


def _when(el: etree._Element | None, issues: list[Issue]) -> datetime | None:
    if el is None or not (el.text or "").strip():
        return None
    text = el.text.strip().replace("Z", "+00:00")
    # xs:gYear / gYearMonth style partial dates
    if len(text) in (4, 7) and text.isascii() and text.replace("-", "").isdigit():
        text = (text + "-01-01")[:10] if len(text) == 4 else text + "-01"
    try:
        value = datetime.fromisoformat(text) if "T" in text else datetime.combine(date.fromisoformat(text[:10]),
                                                                                  datetime.min.time())
    except ValueError:
        issues.append(Issue("ERN-DATE-003", el.sourceline, f"cannot read date {el.text.strip()!r}"))
        return None
    return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone().replace(tzinfo=None)


def check_dates(root: etree._Element, issues: list[Issue]) -> None:
    for period in root.iter("ValidityPeriod"):
        start = _when(period.find("StartDateTime"), issues) or _when(period.find("StartDate"), issues)
        end = _when(period.find("EndDateTime"), issues) or _when(period.find("EndDate"), issues)
        if start and end and end < start:
            issues.append(Issue("ERN-DATE-001", period.sourceline, "validity period ends before it starts"))
    for holder in list(root.iter("Release")) + list(root.iter("ReleaseDetailsByTerritory")):
        for rel_tag, orig_tag in (("ReleaseDate", "OriginalReleaseDate"),
                                  ("GlobalReleaseDate", "GlobalOriginalReleaseDate")):
            released = _when(holder.find(rel_tag), issues)
            original = _when(holder.find(orig_tag), issues)
            if released and original and original > released:
                issues.append(Issue("ERN-DATE-002", holder.find(orig_tag).sourceline,
                                    f"{orig_tag} is later than {rel_tag}"))


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def check_single(root: etree._Element, issues: list[Issue]) -> None:
    resources = {el.findtext("ResourceReference", "").strip(): el for el in root.iter("SoundRecording")}
    for release in root.iter("Release"):
        if release.get("IsMainRelease") == "false" or _norm(release.findtext(".//ReleaseType")) != "single":
            continue
        refs = [el.text.strip() for el in release.iter("ReleaseResourceReference") if el.text]
        track = next((resources[r] for r in refs if r in resources), None)
        if track is None:
            continue
        pairs = [("title", _title(release), _title(track)), ("display artist", _artist(release), _artist(track))]
        for what, rel_value, trk_value in pairs:
            if rel_value and trk_value and _norm(rel_value) != _norm(trk_value):
                issues.append(Issue("ERN-SINGLE-001", release.sourceline,
                                    f"single's release {what} {rel_value!r} differs from its track's {trk_value!r}"))


def _title(el: etree._Element) -> str | None:
    for path in ("DisplayTitle/TitleText", "ReferenceTitle/TitleText", "DisplayTitleText"):
        found: str | None = el.findtext(path)
        if found:
            return found
    return None


def _artist(el: etree._Element) -> str | None:
    name: str | None = el.findtext("DisplayArtistName") or el.findtext(".//DisplayArtistName")
    return name


def check_artists(root: etree._Element, issues: list[Issue]) -> None:
    """ERN-ARTIST-001 (warning): a release without a MainArtist (DSPs answer PrimaryArtistNameMissing)."""
    for release in root.iter("Release"):
        if release.get("IsMainRelease") == "false":
            continue
        roles = {(el.text or "").strip() for el in release.iter("DisplayArtistRole", "ArtistRole")}
        names = [el for el in release.iter("DisplayArtistName") if (el.text or "").strip()]
        if "MainArtist" not in roles or not names:
            issues.append(Issue("ERN-ARTIST-001", release.sourceline, "release names no MainArtist "
                                "(DSPs answer PrimaryArtistNameMissing)", "warning"))
    for el in root.iter("DisplayArtistRole", "ArtistRole"):
        if (el.text or "").strip() == "UserDefined":
            issues.append(Issue("ERN-ARTIST-002", el.sourceline, f"artist role {el.get('UserDefinedValue') or '?'!r} "
                                "is user-defined (DSPs may answer ArtistRoleUnknown)", "warning"))


def check_deals(root: etree._Element, issues: list[Issue]) -> None:
    if etree.QName(root).localname != "NewReleaseMessage":
        return
    if root.find("DealList") is None:
        issues.append(Issue("ERN-DEAL-001", root.sourceline, "NewReleaseMessage states no deals (the release is "
                            "not available anywhere)", "warning"))
        return
    dealt = {(r.text or "").strip() for r in root.iter("DealReleaseReference")}
    for tr in root.findall("ReleaseList/TrackRelease"):
        ref = (tr.findtext("ReleaseReference") or "").strip()
        if ref and ref not in dealt:
            issues.append(Issue("ERN-DEAL-002", tr.sourceline, f"track release {ref!r} has no deal "
                                "(DSPs answer NoDealForTrackRelease)", "warning"))
    _check_overlaps(root, issues)


def _territories(terms: etree._Element) -> tuple[bool, frozenset[str]]:
    """(worldwide-minus, codes): Worldwide or exclusions give (True, excluded), a list gives (False, codes)."""
    codes = frozenset((t.text or "").strip() for t in terms.findall("TerritoryCode"))
    excluded = frozenset((t.text or "").strip() for t in terms.findall("ExcludedTerritoryCode"))
    if not codes or "Worldwide" in codes:
        return True, excluded
    return False, codes


def _share_territory(a: tuple[bool, frozenset[str]], b: tuple[bool, frozenset[str]]) -> bool:
    if a[0] and b[0]:
        return True
    if a[0] or b[0]:
        ww, listed = (a, b) if a[0] else (b, a)
        return bool(listed[1] - ww[1])
    return bool(a[1] & b[1])


def _check_overlaps(root: etree._Element, issues: list[Issue]) -> None:
    """ERN-DEAL-003: two deals for the same release, model, use and channel overlap in time and territory."""
    seen: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for rd in root.iter("ReleaseDeal"):
        refs = [(r.text or "").strip() for r in rd.findall("DealReleaseReference")]
        for terms in rd.iter("DealTerms"):
            if terms.findtext("TakeDown") == "true" or terms.findtext("AllDealsCancelled") == "true":
                continue
            period = terms.find("ValidityPeriod")
            if period is None:
                continue
            start = _when(period.find("StartDateTime"), []) or _when(period.find("StartDate"), [])
            end = _when(period.find("EndDateTime"), []) or _when(period.find("EndDate"), [])
            context = tuple(sorted(" ".join(el.itertext()).strip() for tag in (
                "DistributionChannel", "ExcludedDistributionChannel", "UserInterfaceType", "CarrierType",
                "IsPreOrderDeal", "PriceInformation", "IsPromotional", "PromotionalCode", "RightsClaimPolicy")
                for el in terms.iter(tag)))
            models = [m.text for m in terms.iter("CommercialModelType")] or [""]
            uses = [u.text for u in terms.iter("UseType")] or [""]
            where = _territories(terms)
            for ref in refs:
                for model in models:
                    for use in uses:
                        key = (ref, model, use, context)
                        for other_where, other_start, other_end in seen.get(key, []):
                            overlap = (start is None or other_end is None or start < other_end) and \
                                      (other_start is None or end is None or other_start < end)
                            if overlap and _share_territory(where, other_where):
                                issues.append(Issue("ERN-DEAL-003", terms.sourceline,
                                                    f"deals for {ref} ({model or 'any model'}, {use or 'any use'}) "
                                                    "overlap in time and territory (ConflictingAvailabilityPeriods)"))
                                break
                        seen.setdefault(key, []).append((where, start, end))


def _md5(path: Path) -> str:
    digest = hashlib.md5()  # noqa: S324 - DDEX technical details state MD5
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _is_update(root: etree._Element, package: Path) -> bool:
    """The message re-delivers: its own UpdateIndicator (3.8.2) or the batch manifest (ReDelivery, TakeDown)."""
    if (root.findtext("UpdateIndicator") or "").strip() == "UpdateMessage":
        return True
    message_id = (root.findtext("MessageHeader/MessageId") or "").strip()
    if not message_id:
        return False
    from stardust_tui.ern.safe_xml import parse_file

    for manifest in sorted(package.parent.glob("BatchComplete_*.xml"))[:1]:
        try:
            doc = parse_file(manifest).getroot()
        except Exception:  # an unreadable manifest says nothing about this message
            return False
        for entry in doc.iter("MessageInBatch"):
            if (entry.findtext("MessageId") or "").strip() == message_id:
                return (entry.findtext("DeliveryType") or "").strip() in ("ReDelivery", "TakeDown")
    return False


_BATCH = re.compile(r"[A-Za-z_\-]*\d{17}")  # a batch folder: YYYYMMDDhhmmssnnn, maybe a priority prefix
_RBR = re.compile(r"[NP]_(.+)_\d{17}")  # a release-by-release folder: <N|P>_<release id>_<time>


def _earlier_copy(package: Path, uri: str, expected: str) -> Path | None:
    """An earlier package of the same release beside ``package`` holding ``uri`` with the MD5 ``expected``:
    a release-by-release sibling (``N_<id>_<time>/uri`` next to ``N_<id>_<time>/``) or the same release
    folder of another batch (``<batch>/<id>/uri`` next to ``<batch>/``). Only folders named as DDEX
    choreography names them count. None when there is no such copy (or no MD5 is stated)."""
    if not expected:
        return None
    places: list[tuple[str, Path]] = []  # (folder time, file)
    if m := _RBR.fullmatch(package.name):
        same = re.compile(rf"[NP]_{re.escape(m[1])}_\d{{17}}")
        places += [(d.name[-17:], d / uri) for d in _subdirs(package.parent)
                   if d.name != package.name and same.fullmatch(d.name)]
    if _BATCH.fullmatch(package.parent.name):
        places += [(b.name[-17:], b / package.name / uri) for b in _subdirs(package.parent.parent)
                   if b.name != package.parent.name and _BATCH.fullmatch(b.name)]
    for _, candidate in sorted(places, reverse=True):  # the newest earlier package first
        if candidate.is_file() and _md5(candidate).lower() == expected.lower():
            return candidate
    return None


def _subdirs(folder: Path) -> list[Path]:
    try:
        return [d for d in folder.iterdir() if d.is_dir()]
    except OSError:
        return []


def check_package(root: etree._Element, package: Path, issues: list[Issue], *, update: bool | None = None) -> None:
    """Every file the message names is in ``package`` with its MD5; see the module docstring for what an
    update (``update=True``, or found out from the message and its surroundings) may leave out."""
    for file_el in root.iter("File"):
        uri = file_el.findtext("URI") or file_el.findtext("URL")
        if uri is None and file_el.findtext("FileName"):
            uri = (file_el.findtext("FilePath") or "").strip().rstrip("/")
            uri = f"{uri}/{file_el.findtext('FileName').strip()}" if uri else file_el.findtext("FileName").strip()
        if not uri:
            continue
        uri = uri.strip()
        expected = (file_el.findtext("HashSum/HashSumValue") or file_el.findtext("HashSum/HashSum") or "").strip()
        algorithm = (file_el.findtext("HashSum/Algorithm") or file_el.findtext("HashSum/HashSumAlgorithmType")
                     or "").strip().upper()
        candidates = [package / uri, package / Path(uri).name]
        path = next((c for c in candidates if c.is_file()), None)
        if path is None:
            update = _is_update(root, package) if update is None else update
            earlier = None if update or algorithm != "MD5" else _earlier_copy(package, uri, expected)
            if update:
                issues.append(Issue("ERN-PKG-003", file_el.sourceline, f"file {uri!r} is not in this update "
                                    "package: the recipient has it from an earlier delivery", "info"))
            elif earlier is not None:
                issues.append(Issue("ERN-PKG-003", file_el.sourceline, f"file {uri!r} is not in this package: "
                                    f"an earlier package has it with the same MD5 ({earlier})", "info"))
            else:
                issues.append(Issue("ERN-PKG-001", file_el.sourceline,
                                    f"file {uri!r} is not in the package {package} (an update leaving out "
                                    "files the recipient has: validate it with --update)"))
            continue
        if expected and algorithm == "MD5" and _md5(path).lower() != expected.lower():
            issues.append(Issue("ERN-PKG-002", file_el.sourceline,
                                f"MD5 of {uri!r} is {_md5(path)}, the message says {expected}"))


def check_all(root: etree._Element, package: Path | None = None, *, update: bool | None = None) -> list[Issue]:
    """Every business rule over a parsed message; findings in document order per rule family."""
    issues: list[Issue] = []
    check_references(root, issues)
    check_identifiers(root, issues)
    check_codes(root, issues)
    check_dates(root, issues)
    check_single(root, issues)
    check_artists(root, issues)
    check_deals(root, issues)
    if package is not None:
        check_package(root, package, issues, update=update)
    return issues
