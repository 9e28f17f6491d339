"""The sandbox DSP rejects planted faults with the ACK a DSP would send, and accepts a good delivery.

Each case delivers the same release to its own sandbox target (Spotify's rules, its own inbox folder) with
the real executor, plants one fault in what arrived, lets ``sandbox serve --once`` answer, then reads the ACK
with ``stardust target acks``: the release's status at that target, the DSP's file status, its proposed
action and the affected resource are checked. The faults: a file whose bytes changed (MD5), a missing file,
the manifest written before the message, an XSD-invalid message, and a PurgeReleaseMessage (Spotify takes
releases down by removing deals).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from stardust_tui.delivery.manifest import Manifest, ManifestEntry, build_manifest, validate_choreography
from stardust_tui.delivery.profiles import MessageParty
from stardust_tui.sandbox.identity import sandbox_dpid
from tests.conftest import XSD_DIR
from tests.integration.sandbox_world import UPC, World, batch_folder, make_world

SENDER = "PADPIDA2014120401D"  # a real-looking party ID with a valid check character


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("sandbox-faults")
    with pytest.MonkeyPatch.context() as mp:
        _env(mp, root)
        (root / "home").mkdir()
        (root / "home" / "config.toml").write_text(f'sender_dpid = "{SENDER}"\nsender_name = "Nebula Distribution"\n')
        make_world(root / "home", root / "src")
    yield root


def _env(mp: pytest.MonkeyPatch, root: Path) -> None:
    mp.setenv("STARDUST_HOME", str(root / "home"))
    mp.setenv("STARDUST_CONFIG_FILE", str(root / "home" / "config.toml"))
    mp.setenv("STARDUST_DDEX_SCHEMAS", str(XSD_DIR))


@pytest.fixture
def world(shared: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    _env(monkeypatch, shared)
    from stardust_tui.config import load_settings
    from stardust_tui.services import Services

    services = Services.opening_store(load_settings())
    rid = services.releases.head(UPC).id
    return World(services, int(rid), shared / "home")


def deliver_to(world: World, name: str) -> tuple[Path, Path]:
    """A sandbox target ``name`` with its own inbox; the release delivered there. (inbox, batch folder)"""
    inbox = world.home / "inboxes" / name
    inbox.parent.mkdir(exist_ok=True)
    code, out, err = world.cli("sandbox", "target", name, "--profile", "spotify", "--dir", str(inbox))
    assert code == 0, err
    assert "placeholder" not in err  # the configured sender is a real party ID: no sandbox sender
    code, out, err = world.cli("deliver", UPC, "--target", name, "--wait")
    assert code == 0, out + err
    return inbox, batch_folder(inbox)


def serve(world: World, inbox: Path) -> tuple[int, str]:
    code, out, err = world.cli("sandbox", "serve", "--profile", "spotify", "--inbox", str(inbox), "--once")
    assert "Traceback" not in err, err
    return code, out


def ack_of(inbox: Path) -> etree._Element:
    acks = sorted((inbox / "acks").glob("ACK_*.xml"))
    assert len(acks) == 1, acks
    data = acks[0].read_bytes()
    assert validate_choreography(data, "1.8", XSD_DIR) == []  # a well-formed ERN-C 1.8 acknowledgement
    return etree.fromstring(data)


def statuses(ack: etree._Element) -> list[str]:
    return [s.text for s in ack.iter("Status")]


def acks_read(world: World, target: str) -> tuple[str, str | None, str | None]:
    code, out, err = world.cli("target", "acks", target)
    assert code == 0 and "read 1 new ACK file(s)" in out, out + err
    return world.status(target)


def test_a_good_delivery_is_accepted(world: World) -> None:
    inbox, batch = deliver_to(world, "good")
    code, out = serve(world, inbox)
    assert code == 0 and f"{batch.name}: release {UPC} accepted" in out
    ack = ack_of(inbox)
    assert ack.findtext(".//ReleaseStatus/ReleaseStatus") == "SuccessfullyIngestedByReleaseDistributor"
    assert statuses(ack) == ["FileOK"]
    assert acks_read(world, "good") == ("ack-ok", "SuccessfullyIngestedByReleaseDistributor", None)


def test_a_file_whose_md5_differs_is_rejected(world: World) -> None:
    inbox, batch = deliver_to(world, "md5")
    flac = next(batch.rglob("*.flac"))
    data = bytearray(flac.read_bytes())
    data[-100] ^= 0xFF  # same size, other bytes
    flac.write_bytes(bytes(data))
    code, out = serve(world, inbox)
    assert code == 1 and "REJECTED SignatureOrHashSumWrongOrMissing" in out
    ack = ack_of(inbox)
    assert statuses(ack)[0] == "SignatureOrHashSumWrongOrMissing"
    assert ack.findtext(".//ProposedActionType") == "ResendXmlAndResources"
    assert [i.text for i in ack.iter("ISRC")] == ["GBXYZ2600102"]  # the FLAC's track
    status, detail, action = acks_read(world, "md5")
    assert status == "ack-error" and "SignatureOrHashSumWrongOrMissing" in detail and flac.name in detail
    assert action == "ResendXmlAndResources" and "affected: GBXYZ2600102" in detail


def test_a_missing_file_is_rejected(world: World) -> None:
    inbox, batch = deliver_to(world, "missing")
    wav = next(batch.rglob("*.wav"))
    wav.unlink()
    code, out = serve(world, inbox)
    assert code == 1 and "REJECTED ResourceMissing" in out
    ack = ack_of(inbox)
    assert statuses(ack)[0] == "ResourceMissing" and wav.name in ack.findtext(".//ErrorText")
    assert [i.text for i in ack.iter("ISRC")] == ["GBXYZ2600101"]
    status, detail, action = acks_read(world, "missing")
    assert status == "ack-error" and "ResourceMissing" in detail and action == "ResendXmlAndResources"


def test_a_manifest_written_first_is_rejected(world: World, tmp_path: Path) -> None:
    inbox, batch = deliver_to(world, "first")
    aside = tmp_path / batch.name
    shutil.move(batch, aside)
    manifest = next(aside.glob("BatchComplete_*.xml"))
    batch.mkdir()
    shutil.copy2(manifest, batch / manifest.name)  # the manifest arrives first...
    code, out = serve(world, inbox)
    assert code == 1 and "REJECTED ErnMissing" in out
    shutil.rmtree(batch)
    shutil.move(aside, batch)  # ...the rest after the DSP started ingesting
    code, out = serve(world, inbox)
    assert code == 0 and "nothing complete to answer" in out
    ack = ack_of(inbox)
    assert statuses(ack) == ["ErnMissing"] and "written before the message" in ack.findtext(".//ErrorText")
    status, detail, action = acks_read(world, "first")
    assert status == "ack-error" and "ErnMissing" in detail and action == "ResendXmlOnly"


def test_an_invalid_message_is_rejected(world: World) -> None:
    inbox, batch = deliver_to(world, "invalid")
    xml = next(p for p in batch.rglob("*.xml") if not p.name.startswith("BatchComplete_"))
    broken = xml.read_bytes().replace(b"<DisplayTitleText", b"<DisplayTitleTxt", 1)
    broken = broken.replace(b"</DisplayTitleText>", b"</DisplayTitleTxt>", 1)
    xml.write_bytes(broken)
    manifest = next(batch.glob("BatchComplete_*.xml"))
    text = manifest.read_text()
    md5 = hashlib.md5(broken, usedforsecurity=False).hexdigest()
    manifest.write_text(re.sub(r"<HashSumValue>[0-9a-f]+</HashSumValue>", f"<HashSumValue>{md5}</HashSumValue>", text))
    code, out = serve(world, inbox)
    assert code == 1 and "REJECTED NewReleaseMessageInvalid" in out
    ack = ack_of(inbox)
    assert statuses(ack)[0] == "NewReleaseMessageInvalid" and "DisplayTitleTxt" in ack.findtext(".//ErrorText")
    status, detail, action = acks_read(world, "invalid")
    assert status == "ack-error" and "NewReleaseMessageInvalid" in detail and action == "ResendXmlOnly"


def test_a_purge_to_spotify_is_rejected(world: World, tmp_path: Path) -> None:
    inbox = world.home / "inboxes" / "purge"
    inbox.parent.mkdir(exist_ok=True)
    code, _, err = world.cli("sandbox", "target", "purge", "--profile", "spotify", "--dir", str(inbox))
    assert code == 0, err
    recipient = f"{sandbox_dpid('spotify')}:Spotify (sandbox)"
    built = tmp_path / "purge.xml"
    code, _, err = world.cli("ern", "build", UPC, "--ern", "4.3", "--type", "purge", "--recipient", recipient,
                             "-o", str(built))
    assert code == 0, err
    data = built.read_bytes()
    message_id = etree.fromstring(data).findtext("MessageHeader/MessageId")
    batch_id = "20261204120000001"
    folder = inbox / batch_id / UPC
    folder.mkdir(parents=True)
    (folder / f"{UPC}.xml").write_bytes(data)
    manifest = build_manifest(Manifest(
        batch_id=batch_id, sender=MessageParty(SENDER, "Nebula Distribution"),
        recipient=MessageParty(sandbox_dpid("spotify"), "Spotify (sandbox)"), created=datetime.now(UTC),
        entries=(ManifestEntry(message_id=message_id, url=f"/{batch_id}/{UPC}/{UPC}.xml", icpn=UPC,
                               delivery_type="TakeDown", md5=hashlib.md5(data, usedforsecurity=False).hexdigest()),),
        root_directory=batch_id))
    (inbox / batch_id / f"BatchComplete_{batch_id}.xml").write_bytes(manifest)
    code, out = serve(world, inbox)
    assert code == 1 and "REJECTED UnsupportedUsage" in out, out
    ack = ack_of(inbox)
    assert ack.findtext(".//Acknowledgement/MessageType") == "PurgeReleaseMessage"
    assert statuses(ack) == ["UnsupportedUsage"]
    assert "refuses purge messages" in ack.findtext(".//ErrorText")
    status, detail, action = acks_read(world, "purge")
    assert status == "ack-error" and "UnsupportedUsage" in detail and action == "ResendXmlOnly"


def test_the_dsps_own_audio_rules_judge_what_arrived(world: World, tmp_path: Path) -> None:
    """The sender's profile was loosened (22.05 kHz allowed); Spotify's own rules, run by the sandbox on the
    received file, still refuse it — the same QC code, applied at the DSP."""
    from sqlmodel import select

    from stardust_tui.assets.store import AssetStore
    from stardust_tui.domain.models import Release
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.releases import create_release, save_release
    from tests.integration.sandbox_world import _tone

    upc, isrc = "0602445790135", "GBXYZ2600199"
    store = AssetStore(world.services.settings.paths)
    with session_scope(world.services.store_engine) as s:
        first = s.exec(select(Release).where(Release.id == world.release_id)).one()
        audio = store.add(s, _tone(tmp_path / "low.wav", 5, "WAV", "PCM_16", rate=22050))
        release = create_release(
            s, actor="test", title="Low Tide", upc=upc, label="Nebula Records", artists=["The Stardust Ensemble"],
            release_type="Single", genre="Electronic", p_line_year=2025, p_line="Nebula Records", c_line_year=2025,
            c_line="Nebula Records", release_date=first.release_date, original_release_date=first.release_date,
            language="en", tracks=[dict(track_number=1, isrc=isrc, title="Low Tide", duration_seconds=3.0,
                                        p_line_year=2025, p_line="Nebula Records", genre="Electronic", audio=audio)],
            deals=[dict(territories=["Worldwide"], commercial_models=["SubscriptionModel"],
                        use_types=["OnDemandStream"], start=first.deals[0].start)])
        release.cover = first.cover
        save_release(s, release, actor="test")
    inbox = world.home / "inboxes" / "lenient"
    inbox.parent.mkdir(exist_ok=True)
    assert world.cli("sandbox", "target", "lenient", "--profile", "spotify", "--dir", str(inbox))[0] == 0
    (world.home / "profiles" / "lenient.toml").write_text(
        'name = "lenient"\nextends = "sandbox-spotify"\nprofile_version = 2\n[audio]\nmin_sample_rate = 8000\n')
    assert world.cli("target", "edit", "lenient", "--profile", "lenient")[0] == 0
    code, out, err = world.cli("deliver", upc, "--target", "lenient", "--wait")
    assert code == 0, out + err
    code, out = serve(world, inbox)
    assert code == 1 and "REJECTED ResourceNotMeetingSpecifications" in out, out
    ack = ack_of(inbox)
    assert "22050" in ack.findtext(".//ErrorText") and [i.text for i in ack.iter("ISRC")] == [isrc]
    code, out, _ = world.cli("target", "acks", "lenient")
    assert code == 0
