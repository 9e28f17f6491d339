"""Package plans: layouts per choreography, upload order, names and MD5s as in the message, update skips."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy.engine import Engine

from stardust_tui.assets.store import AssetStore
from stardust_tui.config import Settings
from stardust_tui.delivery.manifest import validate_choreography
from stardust_tui.delivery.package import batch_time, new_batch_id, plan_package
from stardust_tui.delivery.profiles import MessageParty, load_profile
from stardust_tui.errors import ValidationError
from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import load_release
from tests.conftest import XSD_DIR
from tests.integration.delivery_release import UPC, make_release

SENDER = MessageParty("PADPIDA0000000000Z", "Stardust Demo Distribution")
BATCH = "20261123221500123"


@pytest.fixture
def release(sqlite_engine: Engine, settings: Settings, tmp_path: Path):  # noqa: ANN201
    rid = make_release(sqlite_engine, settings, tmp_path / "src")
    with session_scope(sqlite_engine) as s:
        return load_release(s, rid)


def _plan(release, settings: Settings, profile: str = "generic-43", message_type: str = "new", **kw):  # noqa: ANN001, ANN202
    store = AssetStore(settings.paths)
    return plan_package(release, load_profile(profile), message_type, sender=SENDER, asset_path=store.path_for,
                        batch_id=BATCH, **kw)


def _files_in_message(xml: bytes) -> dict[str, str]:
    root = etree.fromstring(xml)
    out = {}
    for el in root.iter():
        if isinstance(el.tag, str) and etree.QName(el).localname == "File":
            name = next((c.text for c in el.iter() if isinstance(c.tag, str)
                         and etree.QName(c).localname in ("URI", "FileName")), None)
            md5 = next((c.text for c in el.iter() if isinstance(c.tag, str)
                        and etree.QName(c).localname in ("HashSumValue", "HashSum") and c.text
                        and len(c.text.strip()) == 32), None)
            path = next((c.text for c in el.iter() if isinstance(c.tag, str)
                         and etree.QName(c).localname == "FilePath"), "")
            out[(path or "") + (name or "")] = md5
    return out


def test_batch_layout_order_and_hashes(release, settings: Settings) -> None:  # noqa: ANN001
    plan = _plan(release, settings)
    paths = [f.remote_path for f in plan.files]
    assert paths == [
        f"{BATCH}/{UPC}/resources/{UPC}_01_001.wav",
        f"{BATCH}/{UPC}/resources/{UPC}_01_002.flac",
        f"{BATCH}/{UPC}/resources/{UPC}.jpg",
        f"{BATCH}/{UPC}/{UPC}.xml",
        f"{BATCH}/BatchComplete_{BATCH}.xml",
    ]
    assert [f.kind for f in plan.files] == ["resource"] * 3 + ["message", "manifest"]
    for f in plan.resources:  # every file on disk has the MD5 the message states
        assert hashlib.md5(f.local_path.read_bytes()).hexdigest() == f.md5
    stated = _files_in_message(plan.message.data)
    for f in plan.resources:
        rel = f.remote_path.split(f"{UPC}/", 1)[1]
        assert stated.get(rel) == f.md5, (rel, stated)
    assert validate_choreography(plan.manifest.data, "1.8", XSD_DIR) == []
    assert plan.manifest.data.count(plan.message.md5.encode()) == 1
    assert f"<URL>/{BATCH}/{UPC}/{UPC}.xml</URL>".encode() in plan.manifest.data
    assert plan.bytes_total == sum(f.size for f in plan.files)


def test_release_by_release_layout(release, settings: Settings) -> None:  # noqa: ANN001
    plan = _plan(release, settings, profile="generic-43-rbr", priority=1)
    folder = f"P_{UPC}_{BATCH}"
    assert plan.root == folder and plan.manifest is None
    assert [f.remote_path for f in plan.files][-1] == f"{folder}/{UPC}.xml"
    assert all(f.remote_path.startswith(f"{folder}/resources/") for f in plan.resources)
    assert _plan(release, settings, profile="generic-43-rbr").root.startswith("N_")


def test_update_skips_delivered_files_and_takedown_has_none(release, settings: Settings) -> None:  # noqa: ANN001
    full = _plan(release, settings)
    first = full.resources[0]
    update = _plan(release, settings, message_type="update", already_delivered={first.md5})
    assert [f.remote_path for f in update.skipped] == [first.remote_path]
    assert len(update.resources) == 2
    assert b"<DeliveryType>ReDelivery</DeliveryType>" in update.manifest.data
    takedown = _plan(release, settings, message_type="takedown")
    assert takedown.resources == () and b"<DeliveryType>TakeDown</DeliveryType>" in takedown.manifest.data


def test_same_batch_id_gives_same_bytes(release, settings: Settings) -> None:  # noqa: ANN001
    a, b = _plan(release, settings), _plan(release, settings)
    assert a.message.data == b.message.data and a.manifest.data == b.manifest.data
    assert a.message_id == f"{SENDER.dpid}_{UPC}_{BATCH}"


@pytest.mark.parametrize("profile", ["generic-382", "generic-42", "audius"])
def test_other_versions_and_zero_byte(release, settings: Settings, profile: str, tmp_path: Path) -> None:  # noqa: ANN001
    if profile == "audius":
        user = tmp_path / "profiles"
        user.mkdir()
        (user / "audius.toml").write_text('extends = "audius"\nname = "audius"\nprofile_version = 1\n'
                                          '[[recipients]]\ndpid = "PADPIDA202401120D9"\nname = "Audius"\n'
                                          '[choreography]\nmanifest = "zero-byte"\n', encoding="utf-8")
        prof = load_profile("audius", user)
        plan = plan_package(release, prof, "new", sender=SENDER, asset_path=AssetStore(settings.paths).path_for,
                            batch_id=BATCH)
        assert plan.manifest.data == b"" and plan.manifest.size == 0
        return
    plan = _plan(release, settings, profile=profile)
    assert plan.message.data.startswith(b"<?xml")


def test_placeholder_recipient_and_missing_upc_are_refused(release, settings: Settings) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError, match="recipient DPID not set"):
        _plan(release, settings, profile="spotify")
    release.upc = None
    with pytest.raises(ValidationError, match="UPC"):
        _plan(release, settings)


def test_batch_ids() -> None:
    bid = new_batch_id()
    assert len(bid) == 17 and bid.isdigit()
    assert new_batch_id(unique=123456).endswith("456") and new_batch_id(unique=7).endswith("007")
    assert batch_time(BATCH).microsecond == 123000
    with pytest.raises(ValidationError):
        batch_time("nope")


def test_purge_takedown_for_audius(release, settings: Settings, tmp_path: Path) -> None:  # noqa: ANN001
    user = tmp_path / "profiles"
    user.mkdir()
    (user / "audius.toml").write_text('extends = "audius"\nname = "audius"\nprofile_version = 1\n'
                                      '[[recipients]]\ndpid = "PADPIDA202401120D9"\nname = "Audius"\n',
                                      encoding="utf-8")
    prof = load_profile("audius", user)
    plan = plan_package(release, prof, "takedown", sender=SENDER, asset_path=AssetStore(settings.paths).path_for,
                        batch_id=BATCH)
    assert etree.QName(etree.fromstring(plan.message.data)).localname == "PurgeReleaseMessage"
    assert plan.resources == ()
    assert validate_choreography(plan.manifest.data, "1.6", XSD_DIR) == []
    assert b"<DeliveryType>TakeDown</DeliveryType>" in plan.manifest.data


def test_genre_mapping_from_profile(release, settings: Settings, tmp_path: Path) -> None:  # noqa: ANN001
    user = tmp_path / "profiles"
    user.mkdir()
    (user / "mapped.toml").write_text('extends = "generic-43"\nprofile_version = 1\n'
                                      '[genres]\nElectronic = "Dance"\n', encoding="utf-8")
    prof = load_profile("mapped", user)
    plan = plan_package(release, prof, "new", sender=SENDER, asset_path=AssetStore(settings.paths).path_for,
                        batch_id=BATCH)
    root = etree.fromstring(plan.message.data)
    genres = {el.text for el in root.iter() if isinstance(el.tag, str) and etree.QName(el).localname == "GenreText"}
    assert genres == {"Dance"}
    assert b"Electronic" not in plan.message.data
    (user / "bad.toml").write_text('extends = "generic-43"\nprofile_version = 1\n[genres]\nRock = ""\n',
                                   encoding="utf-8")
    with pytest.raises(ValidationError, match="genre 'Rock'"):
        load_profile("bad", user)
