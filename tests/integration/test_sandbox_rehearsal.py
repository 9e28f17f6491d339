"""The offline rehearsal, for every shipped DSP profile: deliver → sandbox → ACK → release × DSP status.

For each of spotify, youtube, meta, audius, amazon-music, deezer, tidal and beatport, as a user types it:
``stardust sandbox target``, ``stardust deliver --wait`` (the real executor, local transport),
``stardust sandbox serve --once`` (the sandbox DSP judges the batch with that profile's rules) and
``stardust target acks`` (the project's ACK reader). The ACK the sandbox wrote is valid against the ERN-C
XSD of the profile's version, and the release's status at that target becomes ``ack-ok``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from stardust_tui.delivery.manifest import validate_choreography
from tests.conftest import XSD_DIR
from tests.integration.sandbox_world import DSP_PROFILES, World, batch_folder, make_world


@pytest.fixture
def world(tmp_path: Path, isolated_home: Path) -> World:
    return make_world(isolated_home, tmp_path / "src")


@pytest.mark.parametrize("profile", DSP_PROFILES)
def test_rehearsal_for_every_shipped_dsp_profile(world: World, profile: str) -> None:
    target = f"rehearse-{profile}"
    code, out, err = world.cli("sandbox", "target", target, "--profile", profile)
    assert code == 0, err
    assert f"profile sandbox-{profile}" in out
    code, out, err = world.cli("deliver", str(world.release_id), "--target", target, "--wait")
    assert code == 0, out + err
    inbox = world.home / "sandbox" / profile
    batch = batch_folder(inbox)
    code, out, err = world.cli("sandbox", "serve", "--profile", profile, "--once")
    assert code == 0, out + err
    assert f"{batch.name}: release {world.services.releases.head(world.release_id).upc} accepted" in out
    profile_obj = world.services.profiles.get(f"sandbox-{profile}")
    acks = sorted((inbox / profile_obj.ack_folder.strip("/")).glob("ACK_*.xml"))
    assert len(acks) == 1
    data = acks[0].read_bytes()
    root = etree.fromstring(data)
    version = "1.6" if root.tag.endswith("FtpAcknowledgementMessage") else "1.8"
    assert version == ("1.6" if profile == "audius" else "1.8")  # audius speaks ERN-C 1.6, the others 1.8
    assert validate_choreography(data, version, XSD_DIR) == []
    report = next((inbox / profile_obj.ack_folder.strip("/")).glob("SANDBOX-REPORT_*.txt")).read_text()
    assert "ACCEPTED" in report
    # a second poll answers nothing new
    code, out, _ = world.cli("sandbox", "serve", "--profile", profile, "--once")
    assert code == 0 and "nothing complete to answer" in out
    code, out, err = world.cli("target", "acks", target)
    assert code == 0 and "read 1 new ACK file(s)" in out, out + err
    status, detail, action = world.status(target)
    assert status == "ack-ok", detail
    assert action is None
