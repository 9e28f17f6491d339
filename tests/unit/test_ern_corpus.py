"""Property (issue 18): releases of every type with every resource kind survive build -> validate -> parse -> equal.

Hypothesis makes catalog releases: a release type (the common ones, any other DDEX type, a user-defined one),
identifiers (UPC, GRid or both, catalog number), tracks on one or two discs with ISRCs, artists,
multi-role contributors and every parental warning, a cover, and other resources of each kind (videos,
images of several types, a PDF booklet, MIDI, a DJ mix's source recordings with their timing), P/C lines and
deals stated for the release, its tracks or both. For each ERN version:

1. the message built from the catalog is XSD-valid (or, for a part the version cannot carry such as MIDI in
   4.x, the build is refused with one line naming it);
2. the message read back and built again states the same facts (:mod:`tests.unit.ern_facts`);
3. the message imported into another catalog and built from there states the same facts.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy.engine import Engine
from sqlmodel import Session

from stardust_tui.domain.identifiers import gtin_check_digit
from stardust_tui.domain.models import Asset, Credit, TrackArtist
from stardust_tui.domain.release_types import COMMON_RELEASE_TYPES, RELEASE_TYPES
from stardust_tui.ern.common import Party
from stardust_tui.ern.parse import parse_release
from stardust_tui.ern.registry import build_message
from stardust_tui.ern.schemas import schema_for
from stardust_tui.errors import ValidationError
from stardust_tui.importexport.ern_ingest import import_message
from stardust_tui.store.db import make_engine
from stardust_tui.store.migrate import upgrade
from stardust_tui.store.parties import get_or_create_party
from stardust_tui.store.releases import create_release, load_release, save_release
from stardust_tui.store.resources import add_resource
from tests.conftest import XSD_DIR
from tests.unit.ern_facts import differences, message_facts

COUNTER = itertools.count(1)
SENDER, RECIPIENT = Party("PADPIDA0000000000Z", "S"), Party("PADPIDA2011072101T", "R")
WHEN = datetime(2026, 1, 1, tzinfo=UTC)
TEXT = st.text(st.characters(whitelist_categories=("L", "N", "Zs"), max_codepoint=0x2FFF), min_size=1,
               max_size=20).map(lambda s: " ".join(s.split()) or "x")
WARNINGS = ["explicit", "not-explicit", "edited", "unknown", "no-advice"]
ROLES = ["Composer", "Lyricist", "Producer", "MasteringEngineer", "Arranger"]
RESOURCES = [("Video", "ShortFormMusicalWorkVideo"), ("Video", "LongFormMusicalWorkVideo"),
             ("Image", "VideoScreenCapture"), ("Image", "BookletFrontImage"), ("Image", "Poster"),
             ("Text", "NonInteractiveBooklet"), ("MIDI", "PolyphonicMidi"), ("SoundRecording", "DjMixSource")]

track_spec = st.fixed_dictionaries({
    "title": TEXT, "isrc": st.booleans(), "warning": st.sampled_from(WARNINGS), "featured": st.booleans(),
    "roles": st.lists(st.sampled_from(ROLES), max_size=3, unique=True), "duration": st.floats(30, 600),
})
release_spec = st.fixed_dictionaries({
    "type": st.one_of(st.sampled_from(COMMON_RELEASE_TYPES), st.sampled_from(RELEASE_TYPES),
                      st.just("UserDefined:Mixtape")),
    "ids": st.sampled_from(["upc", "grid", "both"]), "catalog": st.booleans(), "compilation": st.booleans(),
    "title": TEXT, "artist": TEXT, "warning": st.sampled_from(WARNINGS), "p_line": st.booleans(),
    "tracks": st.lists(track_spec, min_size=1, max_size=4), "discs": st.integers(1, 2), "cover": st.booleans(),
    "resources": st.lists(st.sampled_from(RESOURCES), max_size=4),
    "deal_scope": st.sampled_from(["both", "release", "tracks"]),
})


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Engine]]:
    """A catalog the releases are made in and one the messages are imported into."""
    base = tmp_path_factory.mktemp("corpus")
    template = base / "template.db"
    engine = make_engine(f"sqlite:///{template}")
    upgrade(engine)
    engine.dispose()
    shutil.copyfile(template, base / "made.db")
    shutil.copyfile(template, base / "imported.db")
    made, imported = make_engine(f"sqlite:///{base / 'made.db'}"), make_engine(f"sqlite:///{base / 'imported.db'}")
    yield made, imported
    made.dispose()
    imported.dispose()


def _asset(session: Session, kind: str, n: int, i: int) -> Asset:
    facts = {"audio": dict(container="FLAC", codec="FLAC", sample_rate=48000, bit_depth=24, channels=2,
                           duration_seconds=200.0),
             "image": dict(container="JPEG", codec="JPEG", width=1920, height=1080),
             "video": dict(container="MP4", codec="AVC", width=1920, height=1080, frame_rate=25.0, bit_rate=8000,
                           duration_seconds=215.0, channels=2, sample_rate=48000),
             "text": dict(container="PDF", codec="PDF"), "midi": dict(container="MIDI", duration_seconds=60.0)}[kind]
    ext = {"audio": "flac", "image": "jpg", "video": "mp4", "text": "pdf", "midi": "mid"}[kind]
    row = Asset(sha256=f"{n:032d}{i:032d}", md5=f"{n:016x}{i:016x}", size=1000 + i, kind=kind,
                original_name=f"f{i}.{ext}", **facts)  # type: ignore[arg-type]
    session.add(row)
    return row


def make_release(session: Session, spec: dict) -> int:
    n = next(COUNTER)
    count = itertools.count(1)
    body = f"{n:011d}"
    upc = body + str(gtin_check_digit(body)) if spec["ids"] in ("upc", "both") else None
    grid = f"A1ZZTST{n:010d}X" if spec["ids"] in ("grid", "both") else None
    per_disc = -(-len(spec["tracks"]) // spec["discs"])
    tracks = [dict(disc_number=i // per_disc + 1, track_number=i % per_disc + 1,
                   isrc=f"QZ{n % 1000:03d}{(n // 1000) % 100:02d}{i:05d}" if t["isrc"] else None, title=t["title"],
                   duration_seconds=round(t["duration"], 3), parental_advisory=t["warning"],
                   explicit=t["warning"] == "explicit", audio=_asset(session, "audio", n, next(count)))
              for i, t in enumerate(spec["tracks"])]
    scope = spec["deal_scope"]
    deals = [dict(territories=["Worldwide"], commercial_models=["SubscriptionModel"], use_types=["OnDemandStream"],
                  start=datetime(2025, 1, 1, tzinfo=UTC), applies_to_release=scope != "tracks",
                  applies_to_tracks=scope != "release")]
    release = create_release(
        session, actor="corpus", title=spec["title"], upc=upc, grid=grid,
        catalog_number=f"CAT{n}" if spec["catalog"] else None, artists=[spec["artist"]], label="Corpus Label",
        release_type=spec["type"], is_compilation=spec["compilation"], genre="Electronic",
        parental_advisory=spec["warning"], p_line_year=2024 if spec["p_line"] else None,
        p_line="Corpus Label" if spec["p_line"] else None, tracks=tracks, deals=deals)
    composer = get_or_create_party(session, "Corpus Composer", "contributor")
    guest = get_or_create_party(session, "Corpus Guest", "artist")
    for t, s in zip(release.tracks, spec["tracks"], strict=True):
        t.credits = [Credit(release_id=release.id, party=composer, party_id=composer.id, role=role, sequence=1)
                     for role in s["roles"]]
        if s["featured"]:
            t.artists = [TrackArtist(party=release.artists[0].party, role="MainArtist", sequence=1),
                         TrackArtist(party=guest, role="FeaturedArtist", sequence=2)]
    if spec["cover"]:
        release.cover = _asset(session, "image", n, next(count))
    sources = []
    for kind, kind_type in spec["resources"]:
        asset_kind = {"SoundRecording": "audio", "Image": "image", "Video": "video", "Text": "text",
                      "MIDI": "midi"}[kind]
        row = add_resource(session, release, kind=kind, asset=_asset(session, asset_kind, n, next(count)),
                           resource_type="MusicalWorkSoundRecording" if kind == "SoundRecording" else kind_type,
                           title=f"{kind_type} {n}", display_artist=spec["artist"],
                           duration_seconds=120.0 if kind in ("Video", "SoundRecording", "MIDI") else None,
                           parental_advisory="not-explicit" if kind in ("Video", "SoundRecording") else None,
                           c_line_year=2024 if kind in ("Video", "Image") else None,
                           c_line="Corpus Label" if kind in ("Video", "Image") else None,
                           isrc=f"QZ{n % 1000:03d}{(n // 1000) % 100:02d}{90 + next(count):05d}"
                           if kind in ("Video", "SoundRecording") else None)
        if kind == "SoundRecording":
            sources.append(row)
    if sources:  # a DJ mix: the first track holds content from the sources, in sequence
        first = release.tracks[0]
        first.details = {"related": [{"type": "HasContentFrom", "key": s.key, "start": 60.0 * i, "duration": 55.0}
                                     for i, s in enumerate(sources)]}
    save_release(session, release, actor="corpus")
    return release.id or 0


def _build(release_or_view: object, version: str) -> bytes:
    return build_message(release_or_view, version, message_id="CORPUS", timestamp=WHEN, sender=SENDER,
                         recipients=[RECIPIENT])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(spec=release_spec, version=st.sampled_from(["3.8.2", "4.2", "4.3"]))
def test_every_release_type_and_resource_kind_round_trips(engines: tuple[Engine, Engine], spec: dict,
                                                          version: str) -> None:
    made, imported = engines
    with Session(made) as session:
        rid = make_release(session, spec)
        session.commit()
        release = load_release(session, rid)
    has_midi = any(kind == "MIDI" for kind, _ in spec["resources"])
    if has_midi and version != "3.8.2":
        with pytest.raises(ValidationError, match=f"cannot build ERN {version}: MIDI resource"):
            _build(release, version)
        return
    data = _build(release, version)
    root = etree.fromstring(data)
    schema = schema_for(version, XSD_DIR)
    assert schema.validate(root), [f"line {e.line}: {e.message}" for e in schema.error_log][:3]
    facts = message_facts(root)
    reread = etree.fromstring(_build(parse_release(root).view, version))
    assert not differences(facts, message_facts(reread)), differences(facts, message_facts(reread))[:10]
    with Session(imported) as session:
        result = import_message(session, data, actor="corpus", schema_dir=XSD_DIR)
        session.commit()
        assert result.status == "created"
        again = load_release(session, result.release_id)
    rebuilt = etree.fromstring(_build(again, version))
    assert schema.validate(rebuilt), [f"line {e.line}: {e.message}" for e in schema.error_log][:3]
    assert not differences(facts, message_facts(rebuilt)), differences(facts, message_facts(rebuilt))[:10]
    assert again.release_type == release.release_type and again.grid == release.grid
    assert sorted(r.kind for r in again.resources) == sorted(r.kind for r in release.resources)


def test_a_corpus_release_has_each_kind(engines: tuple[Engine, Engine], tmp_path: Path) -> None:
    """One hand-made release with every kind (a sanity anchor for the property above)."""
    made, _ = engines
    spec = {"type": "Bundle", "ids": "grid", "catalog": True, "compilation": False, "title": "All kinds",
            "artist": "Anyone", "warning": "no-advice", "p_line": True, "discs": 2, "cover": True,
            "tracks": [{"title": f"T{i}", "isrc": True, "warning": "explicit", "featured": i == 0,
                        "roles": ["Composer", "Lyricist"], "duration": 100.0} for i in range(3)],
            "resources": [k for k in RESOURCES if k[0] != "MIDI"], "deal_scope": "both"}
    with Session(made) as session:
        rid = make_release(session, spec)
        session.commit()
        release = load_release(session, rid)
    root = etree.fromstring(_build(release, "4.3"))
    kinds = [etree.QName(el).localname for el in root.find("ResourceList")]
    assert kinds.count("SoundRecording") == 4 and kinds.count("Video") == 2 and kinds.count("Image") == 4
    assert kinds.count("Text") == 1 and root.findtext("ReleaseList/Release/ReleaseId/GRid")
    assert root.find("ReleaseList/Release/ReleaseId/ICPN") is None
    assert root.findtext("ReleaseList/Release/ParentalWarningType") == "NoAdviceAvailable"
    assert root.findtext("ResourceList/SoundRecording/ParentalWarningType") == "Explicit"
    assert root.find("ResourceList/SoundRecording/RelatedResource/Timing/DurationUsed") is not None
