"""Delivery packages: what files go where, in which order, for one release × target × message type.

:func:`plan_package` turns a loaded release, a delivery profile and a message type into a
:class:`PackagePlan`: the ERN message bytes (built by :mod:`stardust_tui.ern.registry`), the resource
files (asset store path → remote path, named by :func:`stardust_tui.ern.naming.delivered_file_name`
through the release view, so the names and MD5s in the message are those of the files sent), and the
batch manifest. Layouts (DDEX ERN-C):

* batch: ``<prefix><BatchId>/<UPC>/<UPC>.xml``, ``<BatchId>/<UPC>/resources/…`` and
  ``<BatchId>/BatchComplete_<BatchId>.xml`` (uploaded last);
* release-by-release: ``<P|N>_<UPC>_<timestamp>/<UPC>.xml`` and ``…/resources/…``, no manifest.

``<UPC>`` is the release's UPC, or its GRid for a GRid-only release. Every resource the message names
(tracks, cover, videos, images, booklets, MIDI...) is sent with the MD5 the message states; a file the
catalog only knows from an imported message's description (not in the asset store) stops the plan with
one line naming it.

:attr:`PackagePlan.files` is the upload order: resources, then the XML, then the manifest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from stardust_tui.delivery.deal_policy import deals_for_profile
from stardust_tui.delivery.manifest import Manifest, ManifestEntry, manifest_bytes, manifest_file_name
from stardust_tui.delivery.profile_model import MessageParty, Profile
from stardust_tui.domain.delivery_models import Delivery, DeliveryStep
from stardust_tui.errors import ValidationError

RESOURCE_DIR = "resources/"
DELIVERY_TYPES = {"new": "NewReleaseDelivery", "update": "ReDelivery", "takedown": "TakeDown", "purge": "TakeDown"}


@dataclass(frozen=True)
class PackageFile:
    """One file of a package: where it goes, its bytes (message/manifest) or asset path, size and MD5."""

    kind: str  # resource | message | manifest
    remote_path: str
    size: int
    md5: str
    local_path: Any = None  # a Path, or a StoredObject of a bucket asset store (issue 12)
    data: bytes | None = None

    @property
    def step(self) -> str:
        """The DeliveryStep name of this upload."""
        return f"upload {self.remote_path}"


@dataclass(frozen=True)
class PackagePlan:
    batch_id: str
    message_id: str
    created: datetime
    root: str  # the folder the package is written into (batch or release folder)
    release_folder: str
    resources: tuple[PackageFile, ...]
    message: PackageFile
    manifest: PackageFile | None
    skipped: tuple[PackageFile, ...] = field(default_factory=tuple)  # already at the target (update)

    @property
    def files(self) -> list[PackageFile]:
        """Upload order: resources, the XML, then the manifest last."""
        return [*self.resources, self.message, *([self.manifest] if self.manifest else [])]

    @property
    def bytes_total(self) -> int:
        return sum(f.size for f in self.files)


def new_batch_id(now: datetime | None = None, *, unique: int | None = None) -> str:
    """``YYYYMMDDhhmmssnnn`` (UTC), the DDEX batch / folder timestamp.

    With ``unique`` (a delivery id) the last three digits are ``unique % 1000`` instead of the
    milliseconds, so concurrent deliveries to one target never share a batch folder or manifest name
    (unless a thousand of them start in the same second).
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    last = unique % 1000 if unique is not None else now.microsecond // 1000
    return now.strftime("%Y%m%d%H%M%S") + f"{last:03d}"


def batch_time(batch_id: str) -> datetime:
    """The date-time a batch id stands for (used as the message's created time, so resumes rebuild
    byte-identical XML)."""
    try:
        base = datetime.strptime(batch_id[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        return base.replace(microsecond=int(batch_id[14:17] or 0) * 1000)
    except ValueError:
        raise ValidationError(f"batch id {batch_id!r} is not YYYYMMDDhhmmssnnn") from None


def _blob(kind: str, remote_path: str, data: bytes) -> PackageFile:
    return PackageFile(kind=kind, remote_path=remote_path, size=len(data),
                       md5=hashlib.md5(data, usedforsecurity=False).hexdigest(), data=data)


def delivered_hashes(session: Session, target_id: int, release_id: int, md5s: Iterable[str]) -> set[str]:
    """Which of ``md5s`` the target already received for this release in a succeeded delivery."""
    wanted = sorted(set(md5s))
    if not wanted:
        return set()
    stmt = (select(DeliveryStep.md5).join(Delivery, col(Delivery.id) == DeliveryStep.delivery_id)
            .where(Delivery.target_id == target_id, Delivery.release_id == release_id,
                   Delivery.state == "succeeded",
                   DeliveryStep.state == "done", col(DeliveryStep.md5).in_(wanted)))
    return {m for m in session.exec(stmt) if m}


def _parties(profile: Profile, sender: MessageParty) -> tuple[Any, list[Any]]:
    from stardust_tui.ern.common import Party

    placeholders = profile.placeholder_recipients()
    if placeholders:
        names = ", ".join(f"{p.name} ({p.dpid})" for p in placeholders)
        raise ValidationError(f"recipient DPID not set: {names}; set it in a user profile with "
                              f"extends = \"{profile.name}\" (see `stardust profile show {profile.name}`)",
                              where=profile.source)
    return Party(sender.dpid, sender.name), [Party(r.dpid, r.name) for r in profile.recipients]


def _map_release_type(view: Any, profile: Profile) -> Any:
    """The release view with its type as the DSP takes it (the profile's ``[release_types]``: accepted types
    and a mapping); a type the DSP takes in no form stops the plan with one line."""
    from stardust_tui.domain.release_types import deliverable_type

    rules = getattr(profile, "release_types", None)
    if rules is None:
        return view
    kind = view.release.release_type
    sent = deliverable_type(kind, tuple(getattr(rules, "accept", ()) or ()), dict(getattr(rules, "map", {}) or {}))
    if sent is None:
        raise ValidationError(f"{profile.name} does not take {kind} releases (it takes "
                              f"{', '.join(rules.accept)}); map the type in the profile's [release_types]",
                              where=view.release.title)
    return view if sent == kind else replace(view, release=replace(view.release, release_type=sent))


def map_view_genres(view: Any, rules: Any, *, who: str) -> Any:
    """``view`` with every genre (release, resources, track releases) as the DSP takes it (the profile's
    ``[genres]``: map, the DSP's list, strict or fallback; issue 16). A genre a strict profile cannot map stops
    with one line (readiness says so first). Exporters given a ``--profile`` use it too."""
    if rules is None or rules.is_empty:
        return view

    def g(value: str | None) -> str | None:
        if not value:
            return value
        sent: str | None = rules.sent(value)
        if sent is None:
            raise ValidationError(f"genre {value!r} has no mapping in {who}'s [genres] (strict): map it with "
                                  f"`stardust profile genres {who} --import FILE`", where=view.release.title)
        return sent

    return replace(
        view,
        release=replace(view.release, genre=g(view.release.genre)),
        resources=tuple(replace(r, genre=g(r.genre)) for r in view.resources),
        track_releases=tuple(replace(t, genre=g(t.genre)) for t in view.track_releases),
    )


def product_type(view: Any) -> str:
    """The manifest's ProductType: audio, video, or a bundle of both (MixedMediaBundleProduct)."""
    kinds = {r.kind for r in view.resources}
    if "Video" in kinds:
        return "MixedMediaBundleProduct" if "SoundRecording" in kinds else "VideoProduct"
    return "AudioProduct"


def release_assets(release: Any) -> dict[int, Any]:
    """Every asset a release delivers (track audio, the cover, videos, images, booklets...) by id."""
    found = [t.audio for t in release.tracks] + [release.cover]
    found += [r.asset for r in getattr(release, "resources", None) or ()]
    return {a.id: a for a in found if a is not None and a.id is not None}


def _where(found: Any) -> Any:
    """A stored file: a local Path, or an object of the bucket asset store, sent as a stream (issue 12)."""
    return Path(found) if isinstance(found, str) else found


def plan_package(release: Any, profile: Profile, message_type: str, *, sender: MessageParty,
                 asset_path: Any, batch_id: str | None = None, message_id: str | None = None,
                 already_delivered: set[str] | None = None, priority: int = 0,
                 unique: int | None = None) -> PackagePlan:
    """Build the message and lay out every file of one delivery.

    ``asset_path(asset) -> Path`` locates an asset in the store. ``already_delivered`` holds MD5s the
    target has from earlier succeeded deliveries: an ``update`` leaves those files out.
    """
    from stardust_tui.ern.naming import NamingPatterns, delivered_file_name
    from stardust_tui.ern.registry import build_message
    from stardust_tui.ern.release_view import release_code, view_from_release

    if message_type not in DELIVERY_TYPES:
        raise ValidationError(f"unknown message type {message_type!r} (new, update, takedown, purge)")
    upc = release_code(release)
    if not upc:
        raise ValidationError("a release needs a UPC/EAN or a GRid before it can be delivered", where=release.title)
    batch_id = batch_id or new_batch_id(unique=unique)
    created = batch_time(batch_id)
    message_id = message_id or f"{sender.dpid}_{upc}_{batch_id}"
    ern_sender, recipients = _parties(profile, sender)
    patterns = NamingPatterns.from_mapping(profile.naming)
    view = _map_release_type(map_view_genres(view_from_release(release, patterns=patterns, resource_dir=RESOURCE_DIR),
                                             profile.genre_rules, who=profile.name), profile)
    view = deals_for_profile(view, profile)  # the DSP's own date shift ([deals] date_shift_days)
    xml = build_message(view, profile.ern_version, message_type, message_id=message_id, timestamp=created,
                        sender=ern_sender, recipients=recipients, takedown_strategy=profile.takedown,
                        test=profile.test_message, track_releases=profile.release_profile != "single")
    xml_name = delivered_file_name("message", upc=upc, patterns=patterns)
    if profile.choreography == "batch":
        root = f"{profile.batch_priority_prefix}{batch_id}"
        folder = f"{root}/{upc}"
    else:
        root = folder = f"{'P' if priority > 0 else 'N'}_{upc}_{batch_id}"

    resources: list[PackageFile] = []
    skipped: list[PackageFile] = []
    if message_type in ("new", "update"):
        assets = release_assets(release)
        pairs = [(assets.get(res.asset_id), res.file) for res in view.resources if res.asset_id is not None]
        for asset, file in pairs:
            if asset is None or file is None:
                continue
            if asset.sha256.startswith("ddexref-"):
                raise ValidationError(f"{file.name} is only described by an imported message, it is not in the asset "
                                      f"store: add the file (stardust asset add / import audio) before delivering",
                                      where=release.title)
            item = PackageFile(kind="resource", remote_path=f"{folder}/{file.name}", size=asset.size,
                               md5=asset.md5, local_path=_where(asset_path(asset)))
            if file.md5 != asset.md5:  # cannot happen unless the view and the rows disagree
                raise ValidationError(f"MD5 in the message differs from the file for {file.name}")
            if message_type == "update" and already_delivered and asset.md5 in already_delivered:
                skipped.append(item)
            else:
                resources.append(item)
    message = _blob("message", f"{folder}/{xml_name}", xml)

    manifest = None
    if profile.choreography == "batch" and profile.manifest != "none":
        entry = ManifestEntry(message_id=message_id, url=f"/{message.remote_path}", icpn=release.upc or None,
                              grid=getattr(release, "grid", None) or None, product_type=product_type(view),
                              catalog_number=release.catalog_number or None,
                              delivery_type="HighPriorityDelivery" if message_type == "new" and priority > 0
                              else DELIVERY_TYPES[message_type], md5=message.md5)
        data = manifest_bytes(Manifest(batch_id=batch_id, sender=sender, recipient=profile.recipients[0],
                                       created=created, entries=(entry,), is_test=profile.test_message,
                                       root_directory=root),
                              profile.manifest, profile.manifest_version)
        if data is not None:
            manifest = _blob("manifest", f"{root}/{manifest_file_name(batch_id)}", data)
    return PackagePlan(batch_id=batch_id, message_id=message_id, created=created, root=root,
                       release_folder=folder, resources=tuple(resources), message=message, manifest=manifest,
                       skipped=tuple(skipped))
