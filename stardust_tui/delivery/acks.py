"""DDEX acknowledgements: parse ACK files and record per release × target status.

Reads ``FtpAcknowledgementMessage`` (ERN-C 1.4–1.6), ``ErnAcknowledgementStatusMessage`` (1.7) and
``AcknowledgementMessage`` (1.8) into one :class:`AckResult`. :func:`poll_target_acks` lists a target's
ACK folder, fetches each new file once (``Acknowledgement`` is unique per target and file name) and
sets :class:`ReleaseTargetStatus` to ``ack-ok`` / ``ack-error`` / ``ack-pending`` with the DSP's text and
proposed action. Files are applied oldest first, so a later ACK (FileOK, then an error) wins.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from stardust_tui.config import Settings
from stardust_tui.delivery.base import Transport
from stardust_tui.delivery.manifest import parse_xml
from stardust_tui.domain.delivery_models import Acknowledgement, Delivery, ReleaseTargetStatus, Target
from stardust_tui.domain.models import Release, utcnow
from stardust_tui.errors import ValidationError
from stardust_tui.notify import emit as notify_emit
from stardust_tui.store.db import session_scope

MAX_ACK_BYTES = 10 * 1024 * 1024
OK_FILE_STATUS = {"FileOK"}
OK_SUPPLY_CHAIN = {"SuccessfullyIngestedByReleaseDistributor", "ReleaseMadeAvailableToConsumers",
                   "ReleaseStagedForPublication", "ReleaseReceivedByReleaseDistributor",
                   "DeliveredToReleaseDistributor"}
PENDING_SUPPLY_CHAIN = {"InDeliveryToReleaseDistributor", "InPreparationForDeliveryToReleaseDistributor",
                        "OrderPlacedForReleaseDistributor"}
_ACK_NAME = re.compile(r"^ACK_(?P<mid>.+)_(?P<ts>\d{14,17})\.xml$", re.I)


@dataclass(frozen=True)
class AckRelease:
    """What an ACK says about one release (1.6 has exactly one)."""

    release_ids: tuple[str, ...]  # ICPN / GRid / catalog number / proprietary ids / the path's ReleaseId
    status: str  # FileOK, an ErncFileStatus error, or a SupplyChainStatus (1.8)
    outcome: str  # ack-ok | ack-error | ack-pending
    error_text: str | None = None
    proposed_action: str | None = None
    manual_check: bool | None = None
    affected_resources: tuple[str, ...] = ()
    message_ids: tuple[str, ...] = ()  # acknowledged NewRelease/Purge message ids (1.8)


@dataclass(frozen=True)
class AckResult:
    """A parsed acknowledgement file."""

    version: str  # "1.4" .. "1.8"
    message_id: str | None  # the ACK's own id (1.8 header) or the id in its file name
    created: str | None
    releases: tuple[AckRelease, ...] = field(default_factory=tuple)

    @property
    def release_ids(self) -> list[str]:
        return [rid for r in self.releases for rid in r.release_ids]


def _local(el: etree._Element) -> str:
    name: str = etree.QName(el).localname
    return name


def _text(el: etree._Element | None, path: str) -> str | None:
    if el is None:
        return None
    found = el.find(path)
    return found.text.strip() if found is not None and found.text else None


def _bool(value: str | None) -> bool | None:
    return None if value is None else value.strip().lower() in ("true", "1")


def _ids(el: etree._Element | None) -> tuple[str, ...]:
    if el is None:
        return ()
    return tuple(c.text.strip() for c in el if isinstance(c.tag, str) and c.text and c.text.strip())


def _version(root: etree._Element) -> str:
    ns = etree.QName(root).namespace or ""
    match = re.search(r"/ern-c(?:-sftp)?/(\d)(\d)$", ns)
    return f"{match.group(1)}.{match.group(2)}" if match else "unknown"


def _release(status_el: etree._Element, ids: tuple[str, ...], status: str, ok: set[str],
             pending: set[str] = frozenset()) -> AckRelease:  # type: ignore[assignment]
    acked = []
    file_errors = []
    for ack in status_el.iterfind("Acknowledgement"):
        if mid := _text(ack, "MessageId"):
            acked.append(mid)
        for ms in ack.iterfind("MessageStatus"):
            st = _text(ms, "Status")
            if st and st not in OK_FILE_STATUS:
                file_errors.append((st, _text(ms, "Information")))
    outcome = "ack-ok" if status in ok else "ack-pending" if status in pending else "ack-error"
    error_text = _text(status_el, "ErrorText")
    if file_errors and outcome != "ack-error":
        outcome = "ack-error"
    if file_errors and not error_text:
        error_text = "; ".join(f"{s}: {i}" if i else s for s, i in file_errors)
    affected = tuple(rid for res in status_el.iterfind("AffectedResource") for rid in _ids(res))
    return AckRelease(release_ids=ids, status=status, outcome=outcome, error_text=error_text,
                      proposed_action=_text(status_el, "ProposedActionType"),
                      manual_check=_bool(_text(status_el, "ManualCheckRequired")),
                      affected_resources=affected, message_ids=tuple(acked))


def parse_ack(data: bytes, file_name: str = "ACK.xml") -> AckResult:
    """Parse one ACK file (safely: no entities, no network) into an :class:`AckResult`."""
    if len(data) > MAX_ACK_BYTES:
        raise ValidationError(f"ACK file larger than {MAX_ACK_BYTES} bytes", where=file_name)
    root = parse_xml(data, file_name)
    kind = _local(root)
    version = _version(root)
    header = root.find("MessageHeader")
    name_match = _ACK_NAME.match(Path(file_name).name)
    name_mid = name_match.group("mid") if name_match else None
    created = _text(header, "MessageCreatedDateTime")
    if kind == "FtpAcknowledgementMessage" or (kind == "ErnAcknowledgementStatusMessage"
                                               and root.find("FileStatus") is not None):
        status = _text(root, "FileStatus")
        if not status:
            raise ValidationError("ACK has no FileStatus", where=file_name)
        path_id = _text(root, "AcknowledgedFile/ReleaseId")
        rel = _release(root, (path_id,) if path_id else (), status, OK_FILE_STATUS)
        return AckResult(version=version, message_id=name_mid, created=created, releases=(rel,))
    if kind in ("AcknowledgementMessage", "ErnAcknowledgementStatusMessage"):
        releases = []
        for rs in root.iterfind("ReleaseStatus"):
            status = _text(rs, "ReleaseStatus") or "UserDefined"
            releases.append(_release(rs, _ids(rs.find("ReleaseId")), status, OK_SUPPLY_CHAIN | OK_FILE_STATUS,
                                     PENDING_SUPPLY_CHAIN))
        return AckResult(version=version, message_id=_text(header, "MessageId") or name_mid, created=created,
                         releases=tuple(releases))
    raise ValidationError(f"not a DDEX acknowledgement (root element {kind})", where=file_name)


def ack_sort_key(file_name: str) -> tuple[str, str]:
    """Order ACK files by the timestamp in ``ACK_<MessageId>_<timestamp>.xml`` (then by name)."""
    match = _ACK_NAME.match(Path(file_name).name)
    return (match.group("ts").ljust(17, "0") if match else "", file_name)


async def fetch_bytes(transport: object, remote_path: str) -> bytes:
    """Download a (small) remote file through a transport into memory via a temporary file."""
    with tempfile.TemporaryDirectory(prefix="stardust-ack-") as tmp:
        local = Path(tmp) / "ack.xml"
        await transport.download(remote_path, local)  # type: ignore[attr-defined]
        if local.stat().st_size > MAX_ACK_BYTES:
            raise ValidationError(f"ACK file larger than {MAX_ACK_BYTES} bytes", where=remote_path)
        return local.read_bytes()


# --- recording ---------------------------------------------------------------------------------

def _upc_candidates(value: str) -> list[str]:
    """Forms a release id may take in our catalog (ICPN 13 digits vs a stored UPC-A 12, folder names)."""
    out = [value]
    match = re.fullmatch(r"[PN]_(.+)_\d{14,17}", value)
    if match:
        out.append(match.group(1))
    for v in list(out):
        if v.isdigit() and len(v) == 12:
            out.append("0" + v)
        if v.isdigit() and len(v) == 13 and v.startswith("0"):
            out.append(v[1:])
    return out


def _find_release(session: Session, target_id: int, rel: AckRelease, name_mid: str | None) -> tuple[int | None,
                                                                                                      int | None]:
    """(release id, delivery id) an ACK entry is about: by acknowledged message id, then by UPC."""
    for mid in (*rel.message_ids, *([name_mid] if name_mid else [])):
        delivery = session.exec(select(Delivery).where(Delivery.target_id == target_id, Delivery.message_id == mid)
                                .order_by(col(Delivery.id).desc())).first()
        if delivery is not None:
            return delivery.release_id, delivery.id
    for rid in rel.release_ids:
        for candidate in _upc_candidates(rid):
            release = session.exec(select(Release).where(Release.upc == candidate)).first()
            if release is not None:
                return release.id, None
    return None, None


def _superseded(session: Session, target_id: int, release_id: int, ack_id: int, file_name: str) -> bool:
    """Whether a recorded ACK of this release at this target is newer (by the time in both names) than
    ``file_name``: e.g. an old ACK file read again after retention pruned its record (issue 15)."""
    stamp = ack_sort_key(file_name)[0]
    if not stamp:
        return False
    names = session.exec(select(Acknowledgement.file_name).where(
        Acknowledgement.release_id == release_id, Acknowledgement.target_id == target_id,
        Acknowledgement.id != ack_id)).all()
    return any(ack_sort_key(n)[0] > stamp for n in names)


def record_ack(engine: Engine, target_id: int, file_name: str, result: AckResult | None,
               error: str | None = None) -> bool:
    """Store one ACK file and apply it to ReleaseTargetStatus in one transaction.

    Returns False when the file was already processed (by this or another worker).
    """
    name_match = _ACK_NAME.match(Path(file_name).name)
    name_mid = name_match.group("mid") if name_match else None
    try:
        with session_scope(engine) as session:
            first = result.releases[0] if result and result.releases else None
            ack = Acknowledgement(target_id=target_id, file_name=file_name,
                                  message_id=result.message_id if result else name_mid,
                                  file_status=first.status if first else ("unreadable" if result is None else None),
                                  error_text="; ".join(t for t in ((first.error_text if first else None), error)
                                                       if t) or None,
                                  proposed_action=first.proposed_action if first else None)
            session.add(ack)
            session.flush()  # the unique (target, file) row is the "processed once" lock
            for rel in (result.releases if result else ()):
                release_id, delivery_id = _find_release(session, target_id, rel, name_mid)
                if release_id is None:
                    continue
                if ack.release_id is None:
                    ack.release_id = release_id
                if _superseded(session, target_id, release_id, int(ack.id), file_name):  # type: ignore[arg-type]
                    continue  # an older ACK than one already applied: recorded, but the status stays
                status = session.exec(select(ReleaseTargetStatus).where(
                    ReleaseTargetStatus.release_id == release_id,
                    ReleaseTargetStatus.target_id == target_id)).first()
                if status is None:
                    status = ReleaseTargetStatus(release_id=release_id, target_id=target_id)
                detail = rel.status if rel.outcome == "ack-ok" else f"{rel.status}: {rel.error_text or ''}".rstrip(": ")
                if rel.manual_check:
                    detail += " (manual check required before redelivery)"
                if rel.affected_resources:
                    detail += f" [affected: {', '.join(rel.affected_resources)}]"
                status.status = rel.outcome
                status.detail = detail
                status.proposed_action = rel.proposed_action
                status.message_id = (rel.message_ids[0] if rel.message_ids else name_mid) or status.message_id
                status.delivery_id = delivery_id or status.delivery_id
                status.updated_at = utcnow()
                session.add(status)
                notify_emit.ack_applied(session, target_id=target_id, release_id=release_id,  # notify (issue 10)
                                        outcome=rel.outcome, status=rel.status, error_text=rel.error_text,
                                        proposed_action=rel.proposed_action, file_name=file_name,
                                        message_id=status.message_id)
    except IntegrityError:
        return False
    return True


async def poll_target_acks(engine: Engine, target: Target, transport: Transport, ack_folder: str,
                           ack_format: str = "auto") -> list[tuple[str, AckResult | None]]:
    """Process every new ACK file in ``ack_folder`` of a connected transport, oldest first.

    ``ack_format`` ("1.6" / "1.8") is the version the profile expects: an ACK in another version is
    still applied (recipients change versions), and the difference is noted on its record."""
    folder = ack_folder.strip("/")
    entries = await transport.list(folder)
    names = sorted((e.name for e in entries if not e.is_dir and e.name.lower().endswith(".xml")), key=ack_sort_key)
    with session_scope(engine) as session:
        seen = set(session.exec(select(Acknowledgement.file_name).where(Acknowledgement.target_id == target.id)))
    done: list[tuple[str, AckResult | None]] = []
    for name in names:
        if name in seen:
            continue
        data = await fetch_bytes(transport, f"{folder}/{name}" if folder else name)
        try:
            result: AckResult | None = parse_ack(data, name)
            error = None
        except ValidationError as exc:
            result, error = None, str(exc)
        if result is not None and ack_format != "auto" and result.version != ack_format:
            error = f"ERN-C {result.version} acknowledgement; the profile expects {ack_format}"
        if record_ack(engine, target.id, name, result, error):  # type: ignore[arg-type]
            done.append((name, result))
    with session_scope(engine) as session:
        row = session.get(Target, target.id)
        if row is not None:
            row.last_ack_poll_at = utcnow()
            session.add(row)
    return done


async def poll_acks(settings: Settings, engine: Engine) -> list[tuple[str, AckResult | None]]:
    """Poll the ACK folder of every enabled target whose profile has one; per-target errors are collected
    and raised together after the other targets were polled."""
    from stardust_tui.delivery.profiles import load_profile
    from stardust_tui.delivery.targets import open_target_transport

    with session_scope(engine) as session:
        targets = list(session.exec(select(Target).where(Target.enabled == True)))  # noqa: E712
    processed: list[tuple[str, AckResult | None]] = []
    errors: list[str] = []
    for target in targets:
        try:
            profile = load_profile(target.profile, settings.paths.profiles_dir)
            if not profile.ack_folder:
                continue
            async with open_target_transport(settings.paths, target) as transport:
                processed += await poll_target_acks(engine, target, transport, profile.ack_folder,
                                                    profile.ack_format)
        except Exception as exc:  # noqa: BLE001 - one unreachable target must not stop the others
            errors.append(f"{target.name}: {exc}")
    if errors:
        raise ValidationError("ACK poll failed for " + "; ".join(errors))
    return processed
