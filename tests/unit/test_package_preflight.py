"""Profile pre-flight (delivery/preflight.readiness): a profile's file rules and severities, refused message
types, sender/recipient DPIDs, deals the DSP requires, lead time in business days."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from stardust_tui.delivery.preflight import business_days, lead_time_warning, readiness
from stardust_tui.delivery.profiles import MessageParty, load_profile
from stardust_tui.domain.models import Asset, Deal
from tests.unit.test_rules import TODAY, complete_release

SENDER = MessageParty("PADPIDA2014120401D", "Us")
REAL = MessageParty("PADPIDA2013042401U", "A DSP")


def _codes(report) -> dict[str, str]:
    return {f.code: f.severity for f in report.errors + report.warnings}


def _wav(**kw: object) -> Asset:
    base = dict(id=500, sha256="a" * 64, md5="b" * 32, size=1, kind="audio", original_name="x.wav", container="WAV",
                codec="PCM", sample_rate=44100, bit_depth=24, channels=2, wav_format_tag=1, duration_seconds=200.0)
    base.update(kw)
    return Asset(**base)


def _with(profile_name: str, **changes: object):
    p = load_profile(profile_name)
    return replace(p, **changes)


def test_generic_profile_accepts_a_complete_release() -> None:
    generic = _with("generic-43", recipients=(REAL,))
    assert readiness(complete_release(), generic, "new", sender=SENDER, today=TODAY).ok
    assert _codes(readiness(complete_release(), generic, "new", sender=SENDER, today=TODAY)) == {}


def test_spotify_refuses_extensible_wav_but_takes_a_small_cover() -> None:
    spotify = _with("spotify", recipients=(REAL,))
    rel = complete_release()
    rel.tracks[0].audio = _wav(wav_format_tag=0xFFFE)
    rel.cover = replace_cover(rel.cover, 640)
    report = readiness(rel, spotify, "new", sender=SENDER, today=TODAY)
    assert _codes(report) == {"wav-not-plain-pcm": "error", "artwork-small": "warning"}
    assert "tracks[1-1].audio.wav_format_tag" == report.errors[0].field
    generic = readiness(rel, _with("generic-43", recipients=(REAL,)), "new", sender=SENDER, today=TODAY)
    assert _codes(generic) == {"wav-not-plain-pcm": "warning", "artwork-too-small": "error"}
    assert readiness(rel, spotify, "takedown", sender=SENDER, today=TODAY).ok  # no files are sent


def replace_cover(cover: Asset, side: int) -> Asset:
    return Asset(**{**cover.model_dump(), "width": side, "height": side})


def test_refused_types_and_dpids() -> None:
    spotify = _with("spotify", recipients=(REAL,))
    rel = complete_release()
    assert _codes(readiness(rel, spotify, "purge", sender=SENDER, today=TODAY)) == {"message-type-refused": "error"}
    placeholder = MessageParty("PADPIDA0000000000Z", "Demo")
    assert _codes(readiness(rel, spotify, "new", sender=placeholder, today=TODAY)) == {
        "sender-dpid-placeholder": "error"}
    generic = load_profile("generic-43")  # neutral recipient: nothing real would receive it, so warnings
    assert _codes(readiness(rel, generic, "new", sender=placeholder, today=TODAY)) == {
        "sender-dpid-placeholder": "warning", "recipient-dpid-placeholder": "warning"}
    bad = MessageParty("PADPIDA2014120401A", "Typo")
    assert _codes(readiness(rel, _with("generic-43", recipients=(REAL,)), "new", sender=bad, today=TODAY)) == {
        "sender-dpid-invalid": "error"}
    assert _codes(readiness(rel, load_profile("spotify"), "new", sender=SENDER, today=TODAY)) == {
        "recipient-dpid-unset": "error"}
    test_profile = _with("generic-43", recipients=(REAL,), test_message=True)
    assert _codes(readiness(rel, test_profile, "new", sender=bad, today=TODAY)) == {"sender-dpid-invalid": "warning"}


def test_business_days_and_lead_time() -> None:
    friday = date(2026, 11, 20)
    assert business_days(friday, date(2026, 11, 23)) == 1  # over the weekend to Monday
    assert business_days(friday, date(2026, 11, 27)) == 5
    assert business_days(date(2026, 11, 27), friday) == -5
    spotify = load_profile("spotify")  # 5 business days new, 2 update
    near = complete_release()
    near.release_date = date(2026, 11, 25)
    warning = lead_time_warning(near, spotify, "new", friday)
    assert warning and "5 business days" in warning and "3 business day(s) away" in warning
    assert lead_time_warning(near, spotify, "update", friday) is None
    assert lead_time_warning(near, spotify, "new", date(2026, 12, 1)) is None  # already out: back catalogue
    assert lead_time_warning(near, load_profile("generic-43"), "new", friday) is None


def test_required_deal_models() -> None:
    youtube = _with("youtube", recipients=(REAL,))
    assert youtube.required_models == ("SubscriptionModel", "AdvertisementSupportedModel")
    rel = complete_release()
    report = readiness(rel, youtube, "new", sender=SENDER, today=TODAY)
    assert [f.message for f in report.errors] == [
        "no deal offers AdvertisementSupportedModel, which youtube requires"]
    rel.deals.append(Deal(territories=["Worldwide"], commercial_models=["AdvertisementSupportedModel"],
                          use_types=["Stream"], start=rel.deals[0].start))
    assert readiness(rel, youtube, "new", sender=SENDER, today=TODAY).ok


def test_a_dsp_that_takes_no_preorders_is_warned_and_ig_share_is_checked() -> None:
    from datetime import UTC, datetime

    rel = complete_release()
    start = datetime(2024, 4, 1, tzinfo=UTC)
    rel.deals += [Deal(territories=["Worldwide"], commercial_models=["PayAsYouGoModel"],
                       use_types=["PermanentDownload"], start=rel.deals[0].start),
                  Deal(territories=["Worldwide"], commercial_models=["PayAsYouGoModel"],
                       use_types=["PermanentDownload"], start=start, end=rel.deals[0].start, is_preorder=True,
                       instant_gratification=["USS1Z2400001", "USS1Z2400002"])]
    base = _with("generic-43", recipients=(REAL,))
    no_preorders = replace(base, deals=replace(base.deals, preorders=False, max_instant_grat_share=0.5))
    report = readiness(rel, no_preorders, "new", sender=SENDER, today=TODAY)
    assert _codes(report) == {"preorder-not-taken": "warning", "instant-grat-share": "error"}
    assert "67% of the tracks" in next(f.message for f in report.errors if f.code == "instant-grat-share")


def test_release_types_a_dsp_takes_and_video_rules(tmp_path) -> None:
    (tmp_path / "dsp.toml").write_text(
        'extends = "generic-43"\nprofile_version = 1\n[release_types]\naccept = ["album", "Single"]\n'
        '[release_types.map]\n"dj mix" = "Album"\n[video]\nmin_width = 1920\nmin_height = 1080\n', encoding="utf-8")
    dsp = replace(load_profile("dsp", tmp_path), recipients=(REAL,))
    assert dsp.release_types.accept == ("Album", "Single") and dsp.release_types.map == {"DjMix": "Album"}
    rel = complete_release()
    rel.release_type = "DjMix"
    report = readiness(rel, dsp, "new", sender=SENDER, today=TODAY)
    assert report.ok and [f.code for f in report.infos] == ["release-type-mapped"]
    rel.release_type = "RingtoneRelease"
    report = readiness(rel, dsp, "new", sender=SENDER, today=TODAY)
    assert [f.code for f in report.errors] == ["release-type-not-taken"]
    assert "does not take RingtoneRelease releases (it takes Album, Single)" in report.errors[0].message


def test_video_and_document_resources_are_checked() -> None:
    from stardust_tui.domain.qc import check_asset, check_video, file_missing
    from stardust_tui.domain.qc_rules import VideoRules

    video = Asset(sha256="v" * 64, md5="m" * 32, size=1, kind="video", original_name="v.mp4", container="MP4",
                  codec="AVC", width=1280, height=720, frame_rate=25.0)
    assert _codes_of(check_asset(video)) == {"video-small": "warning"}
    assert _codes_of(check_video(video, VideoRules(min_width=1920, min_height=1080))) == {"video-too-small": "error"}
    odd = Asset(**{**video.model_dump(), "codec": "VP9", "frame_rate": 120.0, "container": "WEBM"})
    assert set(_codes_of(check_asset(odd))) == {"video-format", "video-codec", "video-frame-rate", "video-small"}
    booklet = Asset(sha256="b" * 64, md5="m" * 32, size=1, kind="text", original_name="b.pdf", container="PDF")
    assert check_asset(booklet) == []
    ghost = Asset(sha256="ddexref-" + "0" * 56, md5="m" * 32, size=1, kind="video", original_name="clip.mp4")
    assert _codes_of(file_missing(ghost)) == {"file-missing": "error"}


def _codes_of(findings) -> dict[str, str]:
    return {f.code: f.severity for f in findings}
