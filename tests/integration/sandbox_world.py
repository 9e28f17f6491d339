"""A store with one small release every shipped DSP profile takes, and helpers to rehearse with the sandbox.

The release has two real 24-bit tracks (a plain-PCM WAV and a FLAC, 3 s each), a 3000 px textured JPEG
cover, and a worldwide deal offering subscription and ad-supported streaming (YouTube needs both). The
helpers run the CLI in-process, as a user would type it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import soundfile as sf
from click.testing import CliRunner
from PIL import Image

from stardust_tui.assets.store import AssetStore
from stardust_tui.cli import cli
from stardust_tui.config import load_settings
from stardust_tui.services import Services
from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import create_release, save_release

UPC = "0602445790128"
DSP_PROFILES = ("spotify", "youtube", "meta", "audius", "amazon-music", "deezer", "tidal", "beatport")


def _tone(path: Path, seed: int, fmt: str, subtype: str, seconds: float = 3.0, rate: int = 44100) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    rng = np.random.default_rng(seed)
    left = 0.25 * np.sin(2 * np.pi * (220 + 40 * seed) * t) + 0.02 * rng.standard_normal(t.size)
    right = 0.25 * np.sin(2 * np.pi * (330 + 40 * seed) * t) + 0.02 * rng.standard_normal(t.size)
    sf.write(path, np.stack([left, right], axis=1).astype(np.float32), rate, format=fmt, subtype=subtype)
    return path


def _cover(path: Path) -> Path:
    y, x = np.mgrid[0:3000, 0:3000]
    rng = np.random.default_rng(7)
    img = np.stack([(x * 255 // 3000), (y * 255 // 3000), ((x + y) * 127 // 3000)], axis=2).astype(np.int16)
    img = np.clip(img + rng.integers(-40, 40, img.shape), 0, 255).astype(np.uint8)
    Image.fromarray(img, "RGB").save(path, "JPEG", quality=88)
    return path


@dataclass
class World:
    services: Services
    release_id: int
    home: Path

    def cli(self, *args: str, input: str | None = None) -> tuple[int, str, str]:
        result = CliRunner().invoke(cli, list(args), input=input)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        return result.exit_code, result.stdout, result.stderr

    def status(self, target: str) -> tuple[str, str | None, str | None]:
        """(status, detail, proposed action) of the release at ``target`` (release × DSP)."""
        from sqlmodel import select

        from stardust_tui.delivery.targets import get_target
        from stardust_tui.domain.delivery_models import ReleaseTargetStatus

        with session_scope(self.services.store_engine) as s:
            t = get_target(s, target)
            row = s.exec(select(ReleaseTargetStatus).where(ReleaseTargetStatus.release_id == self.release_id,
                                                           ReleaseTargetStatus.target_id == t.id)).first()
            assert row is not None, f"no status at {target}"
            return row.status, row.detail, row.proposed_action


def make_world(home: Path, src: Path) -> World:
    settings = load_settings()
    services = Services.opening_store(settings)
    engine = services.store_engine
    src.mkdir(parents=True, exist_ok=True)
    store = AssetStore(settings.paths.ensure())
    with session_scope(engine) as s:
        a1 = store.add(s, _tone(src / "one.wav", 1, "WAV", "PCM_24"))
        a2 = store.add(s, _tone(src / "two.flac", 2, "FLAC", "PCM_24"))
        cover = store.add(s, _cover(src / "cover.jpg"))
        release = create_release(
            s, actor="test", title="Harbour Lights", upc=UPC, catalog_number="NEB0101", label="Nebula Records",
            artists=["The Stardust Ensemble"], release_type="Single", genre="Electronic", p_line_year=2025,
            p_line="Nebula Records", c_line_year=2025, c_line="Nebula Records", release_date=date(2026, 3, 13),
            original_release_date=date(2026, 3, 13), language="en",
            tracks=[
                dict(track_number=1, isrc="GBXYZ2600101", title="Harbour Lights", duration_seconds=3.0,
                     p_line_year=2025, p_line="Nebula Records", genre="Electronic", audio=a1),
                dict(track_number=2, isrc="GBXYZ2600102", title="Harbour Lights (Night Mix)", duration_seconds=3.0,
                     p_line_year=2025, p_line="Nebula Records", genre="Electronic", audio=a2),
            ],
            deals=[dict(territories=["Worldwide"], commercial_models=["SubscriptionModel",
                                                                      "AdvertisementSupportedModel"],
                        use_types=["OnDemandStream"], start=datetime(2026, 3, 13, tzinfo=UTC))],
        )
        release.cover = cover
        save_release(s, release, actor="test")
        rid = int(release.id)  # type: ignore[arg-type]
    return World(services, rid, home)


def batch_folder(inbox: Path) -> Path:
    """The one delivery folder in a sandbox inbox (not the ACK folder)."""
    found = [p for p in inbox.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name not in
             ("acks", "acknowledgements")]
    assert len(found) == 1, found
    return found[0]
