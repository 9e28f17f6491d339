"""A demo-like release with REAL media for delivery tests: a 24-bit plain-PCM WAV, a 24-bit FLAC and a JPEG
cover, added through the asset store and saved through the catalog store."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import soundfile as sf
from PIL import Image
from sqlalchemy.engine import Engine

from stardust_tui.assets.store import AssetStore
from stardust_tui.config import Settings
from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import create_release, save_release

UPC = "0602445790043"


def _tone(path: Path, seed: int, fmt: str, subtype: str, seconds: float = 1.0, rate: int = 44100) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    freq = 220.0 + 55.0 * seed
    data = 0.2 * np.stack([np.sin(2 * np.pi * freq * t), np.sin(2 * np.pi * freq * 1.5 * t)], axis=1)
    sf.write(path, data.astype(np.float32), rate, format=fmt, subtype=subtype)
    return path


def make_release(engine: Engine, settings: Settings, src: Path, *, upc: str = UPC, n: int = 0) -> int:
    """Create the release; returns its id. Media files are written into ``src`` first."""
    src.mkdir(parents=True, exist_ok=True)
    wav = _tone(src / "one.wav", 1 + 2 * n, "WAV", "PCM_24")
    flac = _tone(src / "two.flac", 2 + 2 * n, "FLAC", "PCM_24")
    cover = src / "cover.jpg"
    Image.new("RGB", (3000, 3000), (40, 60, 200)).save(cover, "JPEG", quality=85)
    store = AssetStore(settings.paths.ensure())
    with session_scope(engine) as s:
        a1, a2, img = store.add(s, wav), store.add(s, flac), store.add(s, cover)
        release = create_release(
            s, actor="test", title="Night Signals", upc=upc, catalog_number="NEB0001", label="Nebula Records",
            artists=["The Stardust Ensemble"], release_type="album", genre="Electronic", p_line_year=2024,
            p_line="Nebula Records", c_line_year=2024, c_line="Nebula Records", release_date=date(2025, 3, 14),
            original_release_date=date(2025, 3, 14), language="en",
            tracks=[
                dict(track_number=1, isrc=f"GBXYZ24{n:03d}01", title="Signal One", duration_seconds=1.0,
                     p_line_year=2024, p_line="Nebula Records", genre="Electronic", audio=a1),
                dict(track_number=2, isrc=f"GBXYZ24{n:03d}02", title="Signal Two", duration_seconds=1.0,
                     p_line_year=2024, p_line="Nebula Records", genre="Electronic", audio=a2),
            ],
            deals=[dict(territories=["Worldwide"], commercial_models=["SubscriptionModel"],
                        use_types=["OnDemandStream"], start=datetime(2025, 3, 14, tzinfo=UTC))],
        )
        release.cover = img
        save_release(s, release, actor="test")
        return release.id
