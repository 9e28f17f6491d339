"""Property: any valid catalog release builds XSD-valid messages in every version and message type."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy.engine import Engine
from sqlmodel import Session

from stardust_tui.domain.identifiers import gtin_check_digit
from stardust_tui.domain.models import Asset, Credit, TrackArtist
from stardust_tui.ern.common import Party
from stardust_tui.ern.registry import build_message
from stardust_tui.ern.rules import check_all
from stardust_tui.ern.schemas import schema_for
from stardust_tui.store.parties import get_or_create_party
from stardust_tui.store.releases import create_release, load_release, save_release
from tests.conftest import XSD_DIR

COUNTER = itertools.count(1)
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(str.strip)
TERRITORIES = ["US", "GB", "DE", "JP", "FR", "BR", "IN"]
MODELS = ["SubscriptionModel", "AdvertisementSupportedModel", "PayAsYouGoModel", "FreeOfChargeModel"]
USES = ["OnDemandStream", "NonInteractiveStream", "PermanentDownload", "ConditionalDownload", "Stream"]
ROLES = ["Composer", "Lyricist", "Producer", "Mixer", "Guitarist", "Publisher", "Arranger"]

deal_strategy = st.fixed_dictionaries({
    "territories": st.one_of(st.just(["Worldwide"]), st.lists(st.sampled_from(TERRITORIES), min_size=1, max_size=4,
                                                              unique=True)),
    "excluded_territories": st.lists(st.sampled_from(TERRITORIES), max_size=2, unique=True),
    "commercial_models": st.lists(st.sampled_from(MODELS), min_size=1, max_size=3, unique=True),
    "use_types": st.lists(st.sampled_from(USES), min_size=1, max_size=3, unique=True),
    "start": st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)),
    "days": st.one_of(st.none(), st.integers(1, 4000)),
    "price_tier": st.one_of(st.none(), st.sampled_from(["FRONT", "MID", "BUDGET"])),
    "applies_to_tracks": st.booleans(),
})
track_strategy = st.fixed_dictionaries({
    "title": TEXT, "version": st.one_of(st.none(), TEXT), "explicit": st.booleans(),
    "duration_seconds": st.one_of(st.none(), st.floats(1, 7200, allow_nan=False)),
    "language": st.sampled_from([None, "en", "fr", "ja", "pt-BR"]),
    "audio": st.booleans(), "featured": st.booleans(), "roles": st.lists(st.sampled_from(ROLES), max_size=3),
    "preview": st.one_of(st.none(), st.floats(0, 60, allow_nan=False)),
})
release_strategy = st.fixed_dictionaries({
    "title": TEXT, "version": st.one_of(st.none(), TEXT), "artist": TEXT, "label": st.one_of(st.none(), TEXT),
    "release_type": st.sampled_from(["album", "ep", "single", "compilation"]),
    "genre": st.one_of(st.none(), TEXT), "p_line": st.one_of(st.none(), TEXT), "c_line": st.one_of(st.none(), TEXT),
    "parental_advisory": st.sampled_from(["explicit", "not-explicit", "edited", "unknown"]),
    "tracks": st.lists(track_strategy, min_size=1, max_size=8), "discs": st.integers(1, 3),
    "deals": st.lists(deal_strategy, max_size=3), "cover": st.booleans(),
})


def _create(session: Session, spec: dict) -> int:
    n = next(COUNTER)
    body = f"{n:011d}"
    asset_no = itertools.count(1)

    def asset(kind: str) -> Asset:
        i = next(asset_no)
        facts = dict(container="FLAC", codec="FLAC", sample_rate=48000, bit_depth=24, channels=2,
                     duration_seconds=200.0) if kind == "audio" else dict(container="JPEG", width=3000, height=3000)
        row = Asset(sha256=f"{n:032d}{i:032d}", md5=f"{n:016x}{i:016x}", size=1000 + i, kind=kind,
                    original_name=f"f{i}.{'flac' if kind == 'audio' else 'jpg'}", **facts)  # type: ignore[arg-type]
        session.add(row)
        return row

    per_disc = -(-len(spec["tracks"]) // spec["discs"])
    prefix = f"QZ{(n // 100) % 1000:03d}{n % 100:02d}"
    tracks = [dict(disc_number=i // per_disc + 1, track_number=i % per_disc + 1, isrc=f"{prefix}{i:05d}",
                   title=t["title"], version=t["version"], explicit=t["explicit"],
                   duration_seconds=t["duration_seconds"], language=t["language"],
                   preview_start_seconds=t["preview"] if t["preview"] is None or t["duration_seconds"] is None
                   or t["preview"] < t["duration_seconds"] else 0.0,
                   audio=asset("audio") if t["audio"] else None)
              for i, t in enumerate(spec["tracks"])]
    deals = [dict(territories=d["territories"], excluded_territories=d["excluded_territories"],
                  commercial_models=d["commercial_models"], use_types=d["use_types"], start=d["start"],
                  end=d["start"] + timedelta(days=d["days"]) if d["days"] else None, price_tier=d["price_tier"],
                  applies_to_tracks=d["applies_to_tracks"]) for d in spec["deals"]]
    release = create_release(
        session, actor="prop", title=spec["title"], version=spec["version"], upc=body + str(gtin_check_digit(body)),
        artists=[spec["artist"]], label=spec["label"], release_type=spec["release_type"], genre=spec["genre"],
        p_line=spec["p_line"], p_line_year=2020, c_line=spec["c_line"], parental_advisory=spec["parental_advisory"],
        tracks=tracks, deals=deals,
    )
    if spec["cover"]:
        release.cover = asset("image")
    guest = get_or_create_party(session, f"Guest {n}", "artist")
    for t, ts in zip(sorted(release.tracks, key=lambda x: (x.disc_number, x.track_number)), spec["tracks"],
                     strict=True):
        if ts["featured"]:
            t.artists = [TrackArtist(party=guest, role="FeaturedArtist", sequence=1)]
        t.credits = [Credit(release_id=release.id, party=get_or_create_party(session, f"{r} {n}", "contributor"),
                            role=r, sequence=k) for k, r in enumerate(ts["roles"], start=1)]
    save_release(session, release, actor="prop")
    return release.id  # type: ignore[return-value]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(spec=release_strategy)
def test_random_valid_releases_build_valid_messages(sqlite_engine: Engine, spec: dict) -> None:
    with Session(sqlite_engine) as session:
        rid = _create(session, spec)
        session.commit()
        release = load_release(session, rid)
    for version in ("3.8.2", "4.2", "4.3"):
        schema = schema_for(version, XSD_DIR)
        for message_type in ("new", "takedown", "purge"):
            data = build_message(release, version, message_type, message_id="P",
                                 sender=Party("PADPIDA0000000000Z", "S"),
                                 timestamp=datetime(2026, 1, 1, tzinfo=UTC), takedown_strategy="end-validity",
                                 recipients=[Party("PADPIDA2011072101T", "R")])
            root = etree.fromstring(data)
            assert schema.validate(root), (version, message_type, [e.message for e in schema.error_log][:3])
            # Random titles make singles disagree and random deals may overlap: both are catalog content
            # the rules rightly report, not builder faults.
            errors = [i for i in check_all(root) if i.severity == "error"
                      and i.rule not in ("ERN-SINGLE-001", "ERN-DEAL-003")]
            assert errors == [], (version, message_type, [str(e) for e in errors])
