"""The bulk import's revision snapshots are exactly the catalog store's: same dict, same JSON, same hash.

``snapshot_json_and_hash`` (one serialisation for the stored JSON and the content hash) is checked against
``canonical_json`` / ``hash_snapshot``; a CSV using every kind of child (featured artists, remixers,
credits, deals, disc numbers, track ℗ lines) is imported and its stored revision compared with
``snapshot_release(load_release(...))``.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select, text
from sqlmodel import Session

from stardust_tui.domain.models import AuditEntry, ReleaseRevision
from stardust_tui.importexport.importer import run_import
from stardust_tui.store.releases import get_release, load_release
from stardust_tui.store.revisions import (
    canonical_json,
    content_hash,
    hash_snapshot,
    snapshot_json_and_hash,
    snapshot_release,
)

HEADER = ("UPC,Catalog Number,Release Title,Release Version,Artist,Release Featured Artist,Label,Release Date,"
          "P Line,C Line,Genre,Subgenre,Territories,Excluded Territories,Price Tier,Release Credits,Status,"
          "Disc,Track Number,Track Title,Version,Track Artist,Featuring,Remixer,ISRC,Duration,Explicit,"
          "Track P Line,Track Language,Composer,Producer,Track Credits\n")
ROWS = (
    '012345678905,CAT-1,"Nuit, Vol. 1",Deluxe,"Zoë; Ålf",Guest,Étoile Records,2024-01-31,℗ 2024 Étoile,'
    "© 2023 Étoile,Pop,Synthpop,GB;FR,,Mid,Mastering: Ann,ready,"
    '2,1,"Song ""B""",Live,,,DJ X,USABC2400002,4:00,yes,℗ 2021 Other,fr,Ann; Bo,Cy,Arranger: Dee\n'
    '012345678905,CAT-1,"Nuit, Vol. 1",Deluxe,"Zoë; Ålf",Guest,Étoile Records,2024-01-31,℗ 2024 Étoile,'
    "© 2023 Étoile,Pop,Synthpop,GB;FR,,Mid,Mastering: Ann,ready,"
    "1,1,Intro,,Solo Act,Feat One; Feat Two,,USABC2400001,3:45,no,,,,,\n"
    "4006381333931,,Other,,Someone,,,31/01/2024,,,,,Worldwide,US,,,,"
    "1,1,Only,,,,,GBXYZ2400001,120,,,,,,\n"
)


def test_one_serialisation_equals_the_store_functions() -> None:
    snaps = [
        {"title": "Ünïcode \"q\"", "status": "draft", "tracks": [{"b": 1, "a": [1.5, None, True]}], "upc": None},
        {"status": "ready"},
        {"artists": [], "zz": {"k": "v"}},
        {"a": [{"isni": None, "name": "n", "role": "r"}], "status": "x", "z": 1.5},
        {},
    ]
    for snap in snaps:
        assert snapshot_json_and_hash(snap) == (canonical_json(snap), hash_snapshot(snap))
        if list(snap) == sorted(snap):
            assert snapshot_json_and_hash(snap, presorted=True) == (canonical_json(snap), hash_snapshot(snap))


def test_bulk_revision_is_the_store_snapshot(tmp_path: Path, engine) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "cat.csv"
    src.write_text(HEADER + ROWS, encoding="utf-8")
    report = run_import(engine, src)
    assert report.ok, report.render()
    assert report.created == 2
    with Session(engine) as s:
        for upc in ("012345678905", "4006381333931"):
            r = load_release(s, get_release(s, upc).id)
            expected = snapshot_release(r)
            rev = s.execute(select(ReleaseRevision).where(ReleaseRevision.release_id == r.id)).scalars().one()
            stored = rev.snapshot if isinstance(rev.snapshot, dict) else json.loads(rev.snapshot)
            assert stored == expected
            assert rev.content_hash == content_hash(r) == hash_snapshot(expected)
            audit = s.execute(select(AuditEntry).where(AuditEntry.entity_id == str(r.id))).scalars().one()
            assert audit.after == expected
            raw = s.execute(text("SELECT snapshot FROM release_revision WHERE release_id = :i"), {"i": r.id}).scalar()
            if isinstance(raw, str):  # SQLite keeps the text: canonical (sorted keys, compact)
                assert raw == canonical_json(expected)
        first = snapshot_release(load_release(s, get_release(s, "012345678905").id))
        assert [t["title"] for t in first["tracks"]] == ["Intro", 'Song "B"']
        assert first["status"] == "ready" and first["deals"][0]["territories"] == ["GB", "FR"]
        assert [a["role"] for a in first["tracks"][1]["artists"]] == ["MainArtist", "MainArtist", "Remixer"]
        assert {c["role"] for c in first["tracks"][1]["credits"]} >= {"Composer", "Producer", "Arranger"}
