"""Profile pre-flight: audio/artwork rules of a profile and lead time in business days."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import SimpleNamespace

from stardust_tui.delivery.preflight import asset_problems, business_days, lead_time_warning
from stardust_tui.delivery.profiles import load_profile
from stardust_tui.domain.models import Asset


def _audio(**kw: object) -> Asset:
    base = dict(sha256="a" * 64, md5="b" * 32, size=1, kind="audio", original_name="x.wav", container="WAV",
                codec="PCM", sample_rate=44100, bit_depth=16, channels=2, wav_format_tag=1)
    base.update(kw)
    return Asset(**base)


def _cover(**kw: object) -> Asset:
    base = dict(sha256="c" * 64, md5="d" * 32, size=1, kind="image", original_name="c.jpg", container="JPEG",
                width=3000, height=3000, color_mode="RGB")
    base.update(kw)
    return Asset(**base)


def _release(*audios: Asset | None, cover: Asset | None = None, release_date: date | None = None) -> SimpleNamespace:
    tracks = [SimpleNamespace(disc_number=1, track_number=i, audio=a) for i, a in enumerate(audios, 1)]
    return SimpleNamespace(tracks=tracks, cover=cover, release_date=release_date, deals=[])


def test_generic_profile_accepts_good_files() -> None:
    assert asset_problems(_release(_audio(), _audio(container="FLAC", bit_depth=24), cover=_cover()),
                          load_profile("generic-43"), "new") == []


def test_spotify_refuses_extensible_wav_but_takes_small_cover() -> None:
    spotify = load_profile("spotify")
    rel = _release(_audio(wav_format_tag=0xFFFE), cover=_cover(width=640, height=640))
    problems = asset_problems(rel, spotify, "new")
    assert len(problems) == 1 and "plain PCM" in problems[0] and "0xfffe" in problems[0]
    assert asset_problems(rel, load_profile("generic-43"), "new")[0].startswith("cover: 640x640 px")
    assert asset_problems(rel, spotify, "takedown") == []  # no files are sent


def test_every_rule_names_the_track_or_cover() -> None:
    profile = replace(load_profile("generic-43"), audio=replace(load_profile("generic-43").audio, same_bit_depth=True))
    rel = _release(_audio(container="MP3", bit_depth=None), _audio(sample_rate=22050, channels=1, bit_depth=8),
                   _audio(bit_depth=24), None, cover=_cover(width=3000, height=2000, color_mode="CMYK"))
    text = "\n".join(asset_problems(rel, profile, "new"))
    for needle in ("track 1-1: MP3 audio is not accepted", "track 1-2: 8-bit", "below 44100 Hz",
                   "1 channel(s)", "track 1-4: no audio file", "mixes bit depths [8, 24]",
                   "not square", "colour mode CMYK"):
        assert needle in text
    assert "no front cover" in asset_problems(_release(_audio()), profile, "new")[-1]


def test_business_days_and_lead_time() -> None:
    friday = date(2026, 11, 20)
    assert business_days(friday, date(2026, 11, 23)) == 1  # over the weekend to Monday
    assert business_days(friday, date(2026, 11, 27)) == 5
    assert business_days(date(2026, 11, 27), friday) == -5
    spotify = load_profile("spotify")  # 5 business days new, 2 update
    near = _release(release_date=date(2026, 11, 25))
    warning = lead_time_warning(near, spotify, "new", friday)
    assert warning and "5 business days" in warning and "3 business day(s) away" in warning
    assert lead_time_warning(near, spotify, "update", friday) is None
    assert lead_time_warning(_release(release_date=date(2026, 12, 31)), spotify, "new", friday) is None
    assert lead_time_warning(near, load_profile("generic-43"), "new", friday) is None


def test_required_deal_models() -> None:
    youtube = load_profile("youtube")
    assert youtube.required_models == ("SubscriptionModel", "AdvertisementSupportedModel")
    rel = _release(_audio(), cover=_cover())
    rel.deals = [SimpleNamespace(commercial_models=["SubscriptionModel"], use_types=["OnDemandStream"])]
    problems = asset_problems(rel, youtube, "new")
    assert problems == ["deals: no deal offers AdvertisementSupportedModel, which youtube requires"]
    rel.deals.append(SimpleNamespace(commercial_models=["AdvertisementSupportedModel"], use_types=["Stream"]))
    assert asset_problems(rel, youtube, "new") == []
