"""kill -9 at ≥ 20 points with the project's REAL executor (package, validated ERN, resources, XML,
manifest, verify) through the local-folder transport; restarted workers finish every delivery once.

Releases carry real WAV audio (~5 MB each, so kills land inside a file) and a 3000×3000 JPEG cover.
Afterwards the remote tree must be complete and correct: every file named in each XML exists with
the MD5 and size the XML states, every batch has its manifest, and no temporary name is left.
"""

from __future__ import annotations

import hashlib
import os
import random
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from lxml import etree
from PIL import Image
from sqlalchemy import select
from sqlalchemy.engine import Engine

from stardust_tui.assets.store import AssetStore
from stardust_tui.config import Settings
from stardust_tui.delivery.targets import add_target
from stardust_tui.domain.delivery_models import Delivery
from stardust_tui.domain.identifiers import gtin_check_digit
from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import create_release, load_release, save_release
from stardust_tui.store.revisions import content_hash
from stardust_tui.worker import queue
from tests.integration.test_crash_workers import Crasher, _all_done, _crash_loop, _exactly_once

N_RELEASES = 14
SECONDS = 45.0  # 45 s of 44.1 kHz stereo 16-bit PCM ≈ 8 MB per track


def _wav(path: Path, seed: int) -> Path:
    rate = 44100
    t = np.arange(int(SECONDS * rate)) / rate
    f = 180.0 + 7.0 * seed
    data = 0.2 * np.stack([np.sin(2 * np.pi * f * t), np.sin(2 * np.pi * f * 1.25 * t)], axis=1)
    sf.write(path, data.astype(np.float32), rate, format="WAV", subtype="PCM_16")
    return path


def make_releases(engine: Engine, settings: Settings, src: Path, n: int, first: int = 0) -> list[int]:
    src.mkdir(parents=True, exist_ok=True)
    cover = src / "cover.jpg"
    Image.new("RGB", (3000, 3000), (30, 90, 160)).save(cover, "JPEG", quality=80)
    store = AssetStore(settings.paths.ensure())
    ids = []
    for i in range(first, first + n):
        body = f"19{i:09d}"
        upc = body + str(gtin_check_digit(body))
        with session_scope(engine) as s:
            audio = [store.add(s, _wav(src / f"r{i}t{k}.wav", 2 * i + k)) for k in (1, 2)]
            release = create_release(
                s, actor="test", title=f"Crash Test {i}", upc=upc, label="Nebula Records",
                artists=["The Stardust Ensemble"], release_type="ep", genre="Electronic", p_line_year=2024,
                p_line="Nebula Records", c_line_year=2024, c_line="Nebula Records", release_date=date(2025, 3, 14),
                original_release_date=date(2025, 3, 14), language="en",
                tracks=[dict(track_number=k, isrc=f"GBXYZ24{i:03d}{k:02d}", title=f"Take {k}", duration_seconds=SECONDS,
                             p_line_year=2024, p_line="Nebula Records", genre="Electronic", audio=a)
                        for k, a in ((1, audio[0]), (2, audio[1]))],
                deals=[dict(territories=["Worldwide"], commercial_models=["SubscriptionModel"],
                            use_types=["OnDemandStream"], start=datetime(2025, 3, 14, tzinfo=UTC))])
            release.cover = store.add(s, cover)
            save_release(s, release, actor="test")
            ids.append(release.id)
    return ids


def _local_name(el: etree._Element) -> str:
    return etree.QName(el).localname


def check_tree(out: Path, deliveries: list[Delivery]) -> None:
    """Every XML's files exist with its MD5 and size; each batch has its manifest; no temp names."""
    expected: set[Path] = set()
    for d in deliveries:
        folder = out / d.remote_path
        xmls = [p for p in folder.rglob("*.xml") if not p.name.startswith("BatchComplete_")]
        assert len(xmls) == 1, (d.id, xmls)
        doc = etree.fromstring(xmls[0].read_bytes(), etree.XMLParser(resolve_entities=False, no_network=True))
        files = [el for el in doc.iter() if isinstance(el.tag, str) and _local_name(el) == "File"]
        assert len(files) == 3
        for el in files:
            delivered = xmls[0].parent / el.findtext("URI")
            assert hashlib.md5(delivered.read_bytes(), usedforsecurity=False).hexdigest() == \
                el.findtext("HashSum/HashSumValue"), delivered
            assert delivered.stat().st_size == int(el.findtext("FileSize"))
            expected.add(delivered)
        manifest = folder / f"BatchComplete_{d.batch_id}.xml"
        assert hashlib.md5(xmls[0].read_bytes(), usedforsecurity=False).hexdigest().encode() in manifest.read_bytes()
        expected |= {xmls[0], manifest}
    found = {p for p in out.rglob("*") if p.is_file()}
    assert not [p for p in found if p.name.endswith(".part")], "temporary names left behind"
    assert found == expected, sorted(str(p) for p in found ^ expected)[:5]


@pytest.mark.timeout(600)  # the loop's caps below, plus making the releases, on a loaded machine
def test_kill_minus_nine_with_the_real_executor(sqlite_engine: Engine, settings: Settings, tmp_path: Path) -> None:
    rng = random.Random(int(os.environ.get("STARDUST_CRASH_SEED", "77")))
    out = tmp_path / "dsp"
    out.mkdir()
    release_ids = make_releases(sqlite_engine, settings, tmp_path / "src", N_RELEASES)
    with session_scope(sqlite_engine) as s:
        tid = add_target(s, settings.paths, name="local", url=f"file://{out}", profile="generic-43",
                         max_concurrency=4).id
        ids = [queue.enqueue(s, release_id=r, target_id=tid, content_hash=content_hash(load_release(s, r)),
                             max_attempts=100).id for r in release_ids]

    def refill() -> None:
        for r in make_releases(sqlite_engine, settings, tmp_path / "src", 4, first=len(ids)):
            with session_scope(sqlite_engine) as s:
                ids.append(queue.enqueue(s, release_id=r, target_id=tid, max_attempts=100,
                                         content_hash=content_hash(load_release(s, r))).id)

    crasher = Crasher(sqlite_engine, out, ["--executor", "real"])
    # Caps, not targets: a loaded CI machine (load 12-16 on 2 cores) needs well over 90 s for 20 kills, and the
    # pre-fix code reached only 8 there; an idle one is done in about a minute, as before.
    kinds = _crash_loop(crasher, sqlite_engine, rng, 240, refill, workers=3, finish_s=120)
    assert sum(kinds.values()) >= 20, kinds
    assert kinds["mid-file"] >= 1 and kinds["xml-manifest"] >= 1, kinds
    assert _all_done(sqlite_engine)
    assert _exactly_once(sqlite_engine, ids) > len(ids)
    with session_scope(sqlite_engine) as s:
        deliveries = list(s.execute(select(Delivery)).scalars())
    assert len({d.batch_id for d in deliveries}) == len(deliveries)
    check_tree(out, deliveries)
