"""One readiness, proved over a corpus of planted-fault releases (issue 20).

Each case starts from a release with real media that delivers, plants one fault, and checks that:

1. ``stardust check REF --target dsp`` (``services.releases.check``) names the fault with an actionable
   finding of the expected code and severity;
2. ``stardust deliver`` (``services.deliveries.queue``) refuses exactly when check has errors;
3. the delivery executor itself, given the delivery queued behind check's back, fails exactly when check
   has errors (so "check passes" means "the pre-flight passes"), before sending anything;
4. once the fault is fixed, check passes and the delivery succeeds.

The target is a user profile built on the shipped ``spotify`` profile with a real-looking recipient DPID,
delivering to a local folder through the real worker runner.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlmodel import select

from stardust_tui.assets.store import AssetStore
from stardust_tui.delivery.targets import add_target
from stardust_tui.domain.delivery_models import Delivery
from stardust_tui.domain.models import Credit, Deal, Party
from stardust_tui.errors import ValidationError
from stardust_tui.services import Services
from stardust_tui.store.db import session_scope
from stardust_tui.store.releases import create_release, load_release, save_release
from stardust_tui.store.revisions import content_hash
from stardust_tui.worker import queue
from stardust_tui.worker.runner import Runner, RunnerConfig
from tests import qc_media

SENDER = "PADPIDA2014120401D"  # a DPID as DDEX issues them (check character verified)
RECIPIENT = "PADPIDA2013042401U"
SECONDS = 6.0


class World:
    def __init__(self, services: Services, tmp: Path) -> None:
        self.services, self.tmp, self.rid = services, tmp, 0
        self.store = AssetStore(services.settings.paths)

    def media(self, name: str, x: np.ndarray | None = None) -> Path:
        return qc_media.write_flac(self.tmp / name, qc_media.music(SECONDS, seed=len(name)) if x is None else x)

    def cover(self, name: str, img: Any) -> Path:
        path = self.tmp / name
        img.save(path, quality=92) if name.endswith(".jpg") else img.save(path)
        return path

    def edit(self, change: Callable[[Any, Any], None]) -> None:
        with session_scope(self.services.engine) as s:
            release = load_release(s, self.rid)
            change(s, release)
            save_release(s, release, actor="test")

    def attach(self, track_no: int, path: Path) -> None:
        def change(s: Any, release: Any) -> None:
            asset = self.store.add(s, path)
            track = release.tracks[track_no - 1]
            track.audio_asset_id, track.audio = asset.id, asset
        self.edit(change)

    def set_cover(self, path: Path) -> None:
        def change(s: Any, release: Any) -> None:
            release.cover = self.store.add(s, path)
        self.edit(change)

    def party(self, name: str, **values: Any) -> None:
        with session_scope(self.services.engine) as s:  # as an older import left it (no validation on the way)
            party = s.exec(select(Party).where(Party.name == name)).one()
            for k, v in values.items():
                setattr(party, k, v)
            s.add(party)

    def profile(self, recipient: str = RECIPIENT) -> None:
        (self.services.settings.paths.profiles_dir / "dsp.toml").write_text(
            f'name = "dsp"\nextends = "spotify"\nprofile_version = 3\n[[recipients]]\ndpid = "{recipient}"\n'
            'name = "DSP"\n', encoding="utf-8")


@pytest.fixture
def world(settings, sqlite_engine, tmp_path: Path) -> World:
    settings.sender_dpid = SENDER
    settings.paths.profiles_dir.mkdir(parents=True, exist_ok=True)
    services = Services(settings=settings, engine_source=sqlite_engine)
    w = World(services, tmp_path)
    w.profile()
    (tmp_path / "out").mkdir()
    with session_scope(sqlite_engine) as s:
        add_target(s, settings.paths, name="dsp", url=f"file://{tmp_path / 'out'}", profile="dsp")
        one, two = w.store.add(s, w.media("one.flac")), w.store.add(s, w.media("two.flac"))
        cover = w.store.add(s, w.cover("cover.jpg", qc_media.artwork(3000)))
        release = create_release(
            s, actor="test", title="Night Signals", upc="0602445790043", label="Nebula Records",
            artists=["The Stardust Ensemble"], release_type="album", genre="Electronic", p_line_year=2024,
            p_line="Nebula Records", c_line_year=2024, c_line="Nebula Records", release_date=date(2025, 3, 14),
            original_release_date=date(2025, 3, 14), language="en",
            tracks=[dict(track_number=i, isrc=f"GBXYZ24000{i:02d}", title=f"Signal {i}", duration_seconds=SECONDS,
                         audio=a) for i, a in ((1, one), (2, two))],
            deals=[dict(territories=["Worldwide"], commercial_models=["SubscriptionModel"],
                        use_types=["OnDemandStream"], start=datetime(2025, 3, 14, tzinfo=UTC))])
        release.cover = cover
        release.tracks[0].credits.append(Credit(release_id=release.id, party=Party(name="Ann Lee", kind="contributor"),
                                                role="MasteringEngineer", sequence=1))
        save_release(s, release, actor="test")
        w.rid = int(release.id)  # type: ignore[arg-type]
    return w


def _executor_outcome(w: World, message_type: str = "new") -> Delivery:
    """Queue behind check's back (no pre-flight in between) and let the real runner try it."""
    with session_scope(w.services.engine) as s:
        target = s.exec(select(Delivery)).all()
        d = queue.enqueue(s, release_id=w.rid, target_id=1, message_type=message_type,
                          content_hash=content_hash(load_release(s, w.rid)) + f"-{len(target)}")
        did = d.id
    cfg = RunnerConfig(concurrency=1, once=True, ack_poll_s=0, poll_s=0.05, retry_base_s=0.0, heartbeat_s=0.5)
    asyncio.run(Runner(w.services.settings, w.services.engine, config=cfg).run())
    with session_scope(w.services.engine) as s:
        return s.get(Delivery, did)


def _agree(w: World, message_type: str = "new") -> Any:
    """check --target, deliver and the executor agree; returns check's report."""
    report = w.services.releases.check(w.rid, target="dsp", message_type=message_type).report
    if report.ok:
        assert w.services.deliveries.queue([w.rid], "dsp", message_type=message_type, resend=True)
    else:
        with pytest.raises(ValidationError, match="not ready for dsp"):
            w.services.deliveries.queue([w.rid], "dsp", message_type=message_type)
    d = _executor_outcome(w, message_type)
    assert (d.state == "succeeded") == report.ok, (d.state, d.last_error, [str(f) for f in report.errors])
    if not report.ok:
        first = report.errors[0]
        assert first.message[:40] in (d.last_error or ""), (first, d.last_error)
        assert d.attempts == 1  # refused before anything was sent, not retried
    return report


def _preorder_after_release(w: World) -> None:
    def change(s: Any, release: Any) -> None:
        release.deals.append(Deal(territories=["Worldwide"], commercial_models=["PayAsYouGoModel"],
                                  use_types=["PermanentDownload"], start=datetime(2025, 4, 1, tzinfo=UTC),
                                  end=datetime(2025, 5, 1, tzinfo=UTC), is_preorder=True,
                                  instant_gratification=["GBXYZ2400001"]))
        release.deals.append(Deal(territories=["Worldwide"], commercial_models=["PayAsYouGoModel"],
                                  use_types=["PermanentDownload"], start=datetime(2025, 3, 14, tzinfo=UTC)))
    w.edit(change)


def _preorder_fixed(w: World) -> None:
    def change(s: Any, release: Any) -> None:
        pre = next(d for d in release.deals if d.is_preorder)
        pre.start, pre.end = datetime(2025, 2, 14, tzinfo=UTC), datetime(2025, 3, 14, tzinfo=UTC)
    w.edit(change)


def _overlap(w: World) -> None:
    def change(s: Any, release: Any) -> None:
        release.deals.append(Deal(territories=["FR", "DE"], commercial_models=["SubscriptionModel"],
                                  use_types=["OnDemandStream"], start=datetime(2025, 6, 1, tzinfo=UTC)))
    w.edit(change)


def _drop_last_deal(w: World) -> None:
    w.edit(lambda s, release: release.deals.pop())


def _role(w: World, role: str) -> None:
    def change(s: Any, release: Any) -> None:
        release.tracks[0].credits[0].role = role
    w.edit(change)


def _duration(w: World, seconds: float) -> None:
    def change(s: Any, release: Any) -> None:
        release.tracks[1].duration_seconds = seconds
    w.edit(change)


# name: (plant the fault, expected (code, severity), fix it or None when only a warning)
CASES: dict[str, tuple[Callable[[World], None], tuple[str, str], Callable[[World], None] | None]] = {
    "lossy-origin": (lambda w: w.attach(1, w.media("mp3.flac", qc_media.through_codec(
        qc_media.music(SECONDS, seed=8), "mp3-mid"))), ("audio-lossy-origin", "error"),
        lambda w: w.attach(1, w.media("master.flac"))),
    "duration-3m45-file-6s": (lambda w: _duration(w, 225.0), ("audio-duration-mismatch", "error"),
                              lambda w: _duration(w, SECONDS)),
    "mono-file": (lambda w: w.attach(2, w.media("mono.flac", qc_media.music(SECONDS)[:, :1])),
                  ("audio-channels", "error"), lambda w: w.attach(2, w.media("stereo.flac"))),
    "upscaled-cover": (lambda w: w.set_cover(w.cover("up.jpg", qc_media.artwork(3000, drawn_at=600))),
                       ("artwork-upscaled", "error"), lambda w: w.set_cover(w.cover("real.jpg", qc_media.artwork(
                           3000, seed=5)))),
    "bad-isni": (lambda w: w.party("The Stardust Ensemble", isni="0000000121464381"), ("bad-isni", "error"),
                 lambda w: w.party("The Stardust Ensemble", isni="000000012146438X")),
    "bad-label-dpid": (lambda w: w.party("Nebula Records", dpid="PADPIDA2014120401A"), ("bad-dpid", "error"),
                       lambda w: w.party("Nebula Records", dpid="PADPIDA2014120401D")),
    "placeholder-sender": (lambda w: setattr(w.services.settings, "sender_dpid", "PADPIDA0000000000Z"),
                           ("sender-dpid-placeholder", "error"),
                           lambda w: setattr(w.services.settings, "sender_dpid", SENDER)),
    "invalid-recipient": (lambda w: w.profile("PADPIDA2013042401X"), ("recipient-dpid-invalid", "error"),
                          lambda w: w.profile()),
    "preorder-after-release": (_preorder_after_release, ("preorder-after-release", "error"), _preorder_fixed),
    "overlapping-deals": (_overlap, ("deal-overlap", "error"), _drop_last_deal),
    "clipping": (lambda w: w.attach(1, w.media("hot.flac", qc_media.clipped(qc_media.music(SECONDS)))),
                 ("audio-clipping", "warning"), None),
    "leading-silence": (lambda w: w.attach(2, w.media("late.flac", qc_media.with_silence(
        qc_media.music(SECONDS), lead=3.0))), ("audio-leading-silence", "warning"), None),
    "placeholder-cover": (lambda w: w.set_cover(w.cover("card.png", qc_media.placeholder())),
                          ("artwork-placeholder", "warning"), None),
    "user-defined-role": (lambda w: _role(w, "UserDefined:Shaman of vibes"), ("role-user-defined", "warning"), None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_planted_fault_is_caught_and_the_fixed_release_delivers(world: World, case: str) -> None:
    plant, (code, severity), fix = CASES[case]
    assert world.services.releases.check(world.rid, target="dsp").report.ok  # the clean release is ready
    plant(world)
    report = _agree(world)
    found = [f for f in report.errors + report.warnings if f.code == code]
    assert found and found[0].severity == severity, [str(f) for f in report.errors + report.warnings]
    assert len(found[0].message) > 30  # says what is wrong and what to do, not just a code
    if fix is not None:
        fix(world)
        fixed = _agree(world)
        assert fixed.ok and not [f for f in fixed.warnings if f.code == code], [str(f) for f in fixed.errors]


def test_purge_is_refused_where_the_dsp_refuses_it(world: World) -> None:
    report = _agree(world, "purge")
    assert [f.code for f in report.errors] == ["message-type-refused"]
    assert "dsp refuses purge messages; it takes releases down by remove-deals" in report.errors[0].message
    assert _agree(world, "takedown").ok


def test_typed_p_line_is_written_once_in_the_message(world: World) -> None:
    # --p-line "2024 Star Records" (the help's own example) used to go out as "(P) 2024 2024 Star Records"
    rid = world.services.releases.create(title="Solo", artists=["Mira Sol"], p_line="2024 Star Records",
                                         c_line="© 2023 Star Records")
    head = world.services.releases.show(rid)
    assert (head["p_line_year"], head["p_line"], head["c_line_year"], head["c_line"]) == (
        2024, "Star Records", 2023, "Star Records")
    text = world.services.ern.build(rid, "4.3", profile="generic-43", validate=False).data.decode()
    assert "<PLineText>(P) 2024 Star Records</PLineText>" in text and "<Year>2024</Year>" in text
    assert "<CLineText>(C) 2023 Star Records</CLineText>" in text and "2024 2024" not in text


def test_plain_check_and_the_ready_gate_see_the_files_too(world: World) -> None:
    world.attach(1, world.media("mp3.flac", qc_media.through_codec(qc_media.music(SECONDS, seed=8), "mp3-mid")))
    report = world.services.releases.check(world.rid).report  # no target: the catalog's own rules
    assert [f.code for f in report.errors] == ["audio-lossy-origin"]
    assert report.errors[0].field == "tracks[1-1].audio.signal"
    with pytest.raises(ValidationError, match="cannot mark ready.*lossy"):  # measured once, judged from the store
        world.services.releases.set_status(world.rid, "ready")


def test_a_dsp_date_shift_moves_the_deal_dates_in_its_message_only(world: World) -> None:
    from stardust_tui.services.readiness import target_preflight

    profiles = world.services.settings.paths.profiles_dir
    (profiles / "dsp.toml").write_text((profiles / "dsp.toml").read_text() + "[deals]\ndate_shift_days = -1\n")
    with session_scope(world.services.engine) as s:
        release = load_release(s, world.rid)
        shifted = target_preflight(world.services, s, release, world.services.profiles.get("dsp"))
        plain = target_preflight(world.services, s, release, world.services.profiles.get("generic-43"))
    assert shifted.plan is not None and plain.plan is not None
    assert [f.code for f in shifted.report.infos] == ["deal-date-shift"]
    assert b"<StartDateTime>2025-03-13T00:00:00Z</StartDateTime>" in shifted.plan.message.data
    assert b"<StartDateTime>2025-03-14T00:00:00Z</StartDateTime>" in plain.plan.message.data


def test_typed_roles_are_stored_as_ddex_spells_them(world: World) -> None:
    def change(s: Any, release: Any) -> None:
        track = release.tracks[1]
        for seq, role in enumerate(("Mastering Engineer", "Lead Vocals", "Electric guitars"), start=1):
            track.credits.append(Credit(release_id=release.id, party=Party(name=f"P{seq}", kind="contributor"),
                                        role=role, sequence=seq))
        release.artists[0].role = "feat."
    world.edit(change)
    with session_scope(world.services.engine) as s:
        release = load_release(s, world.rid)
        assert [(c.role, c.instrument) for c in release.tracks[1].credits] == [
            ("MasteringEngineer", None), ("LeadVocalist", "Voice"), ("Musician", "ElectricGuitar")]
        assert release.artists[0].role == "FeaturedArtist"
    text = world.services.ern.build(world.rid, "4.3", profile="generic-43", validate=False).data.decode()
    assert "<Role>MasteringEngineer</Role>" in text and "<InstrumentType>ElectricGuitar</InstrumentType>" in text
    with pytest.raises(ValidationError, match="not a DDEX contributor role"):
        _role(world, "Shaman of vibes")  # nothing fits: refused with the UserDefined:<value> hint


def test_preorders_go_to_dsps_that_take_them_and_are_left_out_for_others(world: World) -> None:
    from stardust_tui.services.readiness import target_preflight

    _preorder_after_release(world)
    _preorder_fixed(world)
    profiles = world.services.settings.paths.profiles_dir
    (profiles / "nopre.toml").write_text(f'name = "nopre"\nextends = "generic-43"\nprofile_version = 1\n'
                                         f'[[recipients]]\ndpid = "{RECIPIENT}"\nname = "DSP"\n'
                                         "[deals]\npreorders = false\n", encoding="utf-8")
    with session_scope(world.services.engine) as s:
        release = load_release(s, world.rid)
        taken = target_preflight(world.services, s, release, world.services.profiles.get("dsp"))
        left = target_preflight(world.services, s, release, world.services.profiles.get("nopre"))
    assert taken.plan is not None and left.plan is not None
    assert b"<IsPreOrderDeal>true</IsPreOrderDeal>" in taken.plan.message.data
    assert b"IsPreOrderDeal" not in left.plan.message.data
    assert [f.code for f in left.report.warnings] == ["preorder-not-taken"]
