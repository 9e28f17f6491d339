"""A delivery profile's own rules, checked before anything is sent: deals, audio, artwork and lead time.

The catalog's readiness rules (:mod:`stardust_tui.domain.rules`, :mod:`stardust_tui.assets.qc`) say
what any DSP needs; a profile can be stricter (Spotify: plain PCM WAV only; a 3000 px minimum...).
:func:`asset_problems` lists what breaks the profile (the executor refuses to deliver), and
:func:`lead_time_warning` says when a release date is closer than the profile's lead time.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from stardust_tui.delivery.profiles import Profile

WAVE_FORMAT_PCM = 1


def _audio(where: str, asset: Any, profile: Profile) -> list[str]:
    rules = profile.audio
    out = []
    container = (asset.container or "?").upper()
    if container not in {f.upper() for f in rules.formats}:
        out.append(f"{where}: {container} audio is not accepted (formats: {', '.join(rules.formats)})")
    if asset.bit_depth is not None and container != "MP3" and asset.bit_depth not in rules.bit_depths:
        out.append(f"{where}: {asset.bit_depth}-bit audio (accepted: {'/'.join(map(str, rules.bit_depths))})")
    if asset.sample_rate is not None and asset.sample_rate < rules.min_sample_rate:
        out.append(f"{where}: sample rate {asset.sample_rate} Hz is below {rules.min_sample_rate} Hz")
    if asset.channels is not None and asset.channels != rules.channels:
        out.append(f"{where}: {asset.channels} channel(s), {rules.channels} required")
    if rules.plain_pcm_wav and container == "WAV" and asset.wav_format_tag not in (None, WAVE_FORMAT_PCM):
        out.append(f"{where}: WAV must be plain PCM (format tag 1), this one has tag {asset.wav_format_tag:#06x}")
    return out


def _artwork(asset: Any, profile: Profile) -> list[str]:
    rules = profile.artwork
    out = []
    container = (asset.container or "?").upper()
    if container not in {f.upper() for f in rules.formats}:
        out.append(f"cover: {container} is not accepted (formats: {', '.join(rules.formats)})")
    w, h = asset.width, asset.height
    if w is not None and h is not None:
        if min(w, h) < rules.min_px:
            out.append(f"cover: {w}x{h} px is below the {rules.min_px} px minimum")
        if rules.square and w != h:
            out.append(f"cover: {w}x{h} px is not square")
    if rules.rgb and asset.color_mode and asset.color_mode.upper() != "RGB":
        out.append(f"cover: colour mode {asset.color_mode} (RGB required)")
    return out


def deal_problems(release: Any, profile: Profile) -> list[str]:
    """Commercial models / use types the profile requires that no deal of the release offers."""
    models = {m for d in release.deals for m in (d.commercial_models or [])}
    uses = {u for d in release.deals for u in (d.use_types or [])}
    out = [f"deals: no deal offers {m}, which {profile.name} requires" for m in profile.required_models
           if m not in models]
    out += [f"deals: no deal offers use type {u}, which {profile.name} requires" for u in profile.required_use_types
            if u not in uses]
    return out


def asset_problems(release: Any, profile: Profile, message_type: str) -> list[str]:
    """Why ``release`` (its deals and files) cannot go to a recipient with ``profile`` (empty: it can)."""
    if message_type not in ("new", "update"):
        return []  # takedowns and purges send no files
    out: list[str] = deal_problems(release, profile)
    depths = set()
    for track in sorted(release.tracks, key=lambda t: (t.disc_number, t.track_number)):
        where = f"track {track.disc_number}-{track.track_number}"
        if track.audio is None:
            out.append(f"{where}: no audio file")
            continue
        out += _audio(where, track.audio, profile)
        if track.audio.bit_depth:
            depths.add(track.audio.bit_depth)
    if profile.audio.same_bit_depth and len(depths) > 1:
        out.append(f"release mixes bit depths {sorted(depths)}; {profile.name} wants one per release")
    if release.cover is None:
        out.append("cover: no front cover image")
    else:
        out += _artwork(release.cover, profile)
    return out


def business_days(start: date, end: date) -> int:
    """Weekdays from ``start`` (exclusive) to ``end`` (inclusive); negative when ``end`` is earlier."""
    if end < start:
        return -business_days(end, start)
    days, d = 0, start
    while d < end:
        d += timedelta(days=1)
        if d.weekday() < 5:
            days += 1
    return days


def lead_time_warning(release: Any, profile: Profile, message_type: str, today: date) -> str | None:
    """A warning when the release date is closer than the profile's lead time (business days)."""
    need = profile.lead_time_days if message_type == "new" else profile.update_lead_time_days
    if not need or release.release_date is None:
        return None
    have = business_days(today, release.release_date)
    if have >= need:
        return None
    return (f"{profile.name} asks for {need} business days before the release date for a {message_type} "
            f"delivery; {release.release_date.isoformat()} is {max(have, 0)} business day(s) away")
