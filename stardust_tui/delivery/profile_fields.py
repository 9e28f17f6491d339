"""Typed readers for the fields of a profile table, and the QC/deal rule tables built from them.

Every reader names the file and line of a bad value (``profile.toml:12 [audio]``). Used by
:mod:`stardust_tui.delivery.profiles`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from stardust_tui.delivery.profile_model import (
    QC_SEVERITIES,
    ArtworkRules,
    AudioRules,
    DealRules,
    ProfileError,
    ReleaseTypeRules,
    VideoRules,
)
from stardust_tui.domain.genres import POLICY_KEYS, GenreRules


def at_line(where: str, key: str) -> str:
    """``where`` with the line of ``key = ...`` in its file, so errors point at file:line."""
    path, _, table = where.partition(" [")
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return where
    for number, line in enumerate(lines, 1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return f"{path}:{number}" + (f" [{table}" if table else "")
    return where


def field_value(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str, default: Any = None,
           choices: tuple[Any, ...] | None = None) -> Any:
    if key not in data:
        return default
    value = data[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise ProfileError(f"field {key!r} must be {names}, got {value!r}", where=at_line(where, key))
    if choices is not None and value not in choices:
        raise ProfileError(f"field {key!r} must be one of {', '.join(map(str, choices))}, got {value!r}",
                           where=at_line(where, key))
    return value


def list_of(data: dict[str, Any], key: str, kind: type, where: str, default: list[Any]) -> tuple[Any, ...]:
    values = field_value(data, key, list, where, default)
    for value in values:
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ProfileError(f"field {key!r} must hold only {kind.__name__} values, got {value!r}",
                               where=at_line(where, key))
    return tuple(values)


def positive(data: dict[str, Any], key: str, kind: type, where: str, default: Any) -> Any:
    value = field_value(data, key, kind, where, default)
    if value is not None and value < 0:
        raise ProfileError(f"field {key!r} must not be negative, got {value!r}", where=at_line(where, key))
    return value


def audio_rules(audio: dict[str, Any], aw: str) -> AudioRules:
    d = AudioRules()

    def sev(key: str) -> str:
        value: str = field_value(audio, key, str, aw, getattr(d, key), QC_SEVERITIES)
        return value

    return AudioRules(
        formats=list_of(audio, "formats", str, aw, ["FLAC", "WAV"]),
        bit_depths=list_of(audio, "bit_depths", int, aw, [16, 24]),
        min_sample_rate=field_value(audio, "min_sample_rate", int, aw, 44100),
        channels=field_value(audio, "channels", int, aw, 2, (1, 2)),
        plain_pcm_wav=field_value(audio, "plain_pcm_wav", bool, aw, False),
        same_bit_depth=field_value(audio, "same_bit_depth", bool, aw, True),
        lossy_origin=sev("lossy_origin"), clipping=sev("clipping"), silence=sev("silence"),
        duration_mismatch=sev("duration_mismatch"), dual_mono=sev("dual_mono"),
        max_clipped_runs=positive(audio, "max_clipped_runs", int, aw, d.max_clipped_runs),
        max_leading_silence=positive(audio, "max_leading_silence", float, aw, d.max_leading_silence),
        max_trailing_silence=positive(audio, "max_trailing_silence", float, aw, d.max_trailing_silence),
        duration_tolerance=positive(audio, "duration_tolerance", float, aw, d.duration_tolerance),
    )


def artwork_rules(art: dict[str, Any], tw: str) -> ArtworkRules:
    d = ArtworkRules()
    min_px = positive(art, "min_px", int, tw, 3000)
    return ArtworkRules(
        formats=list_of(art, "formats", str, tw, ["JPEG", "PNG"]),
        min_px=min_px,
        recommended_px=max(min_px, positive(art, "recommended_px", int, tw, 3000)),
        square=field_value(art, "square", bool, tw, True),
        rgb=field_value(art, "rgb", bool, tw, True),
        upscaled=field_value(art, "upscaled", str, tw, d.upscaled, QC_SEVERITIES),
        borders=field_value(art, "borders", str, tw, d.borders, QC_SEVERITIES),
        placeholder=field_value(art, "placeholder", str, tw, d.placeholder, QC_SEVERITIES),
    )


def deal_rules(deals: dict[str, Any], dw: str) -> DealRules:
    share = field_value(deals, "max_instant_grat_share", float, dw, None)
    if share is not None and not 0 <= share <= 1:
        raise ProfileError(f"field 'max_instant_grat_share' must be between 0 and 1, got {share!r}",
                           where=at_line(dw, "max_instant_grat_share"))
    shift = field_value(deals, "date_shift_days", int, dw, 0)
    if abs(shift) > 30:
        raise ProfileError(f"field 'date_shift_days' must be within 30 days, got {shift!r}",
                           where=at_line(dw, "date_shift_days"))
    return DealRules(required_models=list_of(deals, "required_models", str, dw, []),
                     required_use_types=list_of(deals, "required_use_types", str, dw, []),
                     preorders=field_value(deals, "preorders", bool, dw, True), max_instant_grat_share=share,
                     date_shift_days=shift)


def video_rules(video: dict[str, Any], vw: str) -> VideoRules:
    d = VideoRules()
    return VideoRules(
        formats=list_of(video, "formats", str, vw, list(d.formats)),
        codecs=list_of(video, "codecs", str, vw, list(d.codecs)),
        min_width=positive(video, "min_width", int, vw, d.min_width),
        min_height=positive(video, "min_height", int, vw, d.min_height),
        recommended_width=positive(video, "recommended_width", int, vw, d.recommended_width),
        recommended_height=positive(video, "recommended_height", int, vw, d.recommended_height),
        min_frame_rate=positive(video, "min_frame_rate", float, vw, d.min_frame_rate),
        max_frame_rate=positive(video, "max_frame_rate", float, vw, d.max_frame_rate),
    )


def release_type_rules(types: dict[str, Any], rw: str) -> ReleaseTypeRules:
    """``accept = [...]`` and a ``[release_types.map]`` table, every type spelled as DDEX spells it."""
    from stardust_tui.domain.release_types import canonical_release_type

    unknown = sorted(set(types) - {"accept", "map"})
    if unknown:
        raise ProfileError(f"unknown field {unknown[0]!r}", where=rw)
    accept = tuple(canonical_release_type(t) for t in list_of(types, "accept", str, rw, []))
    mapping = field_value(types, "map", dict, rw, {})
    for key, value in mapping.items():
        if not isinstance(value, str) or not value.strip():
            raise ProfileError(f"release type {key!r} must map to a release type name", where=at_line(rw, key))
    return ReleaseTypeRules(accept=accept, map={canonical_release_type(k): canonical_release_type(v)
                                                 for k, v in mapping.items()})


def genre_rules(table: dict[str, Any], gw: str) -> GenreRules:
    """``[genres]``: ``accepted``, ``strict``, ``fallback`` and a ``[genres.map]`` table (issue 16); string
    entries directly under ``[genres]`` are mappings too (the older spelling)."""
    mapping: dict[str, Any] = {k: v for k, v in table.items() if k not in POLICY_KEYS}
    mapping.update(field_value(table, "map", dict, gw, {}))
    for key, value in mapping.items():
        if not isinstance(value, str) or not value.strip():
            raise ProfileError(f"genre {key!r} must map to a non-empty string", where=at_line(gw, key))
    fallback = field_value(table, "fallback", str, gw, None)
    if fallback is not None and not fallback.strip():
        raise ProfileError("field 'fallback' must be a genre name (leave it out to send unmapped genres as they are)",
                           where=at_line(gw, "fallback"))
    accepted = tuple(g.strip() for g in list_of(table, "accepted", str, gw, []))
    if any(not g for g in accepted):
        raise ProfileError("field 'accepted' must hold genre names, not empty strings", where=at_line(gw, "accepted"))
    rules = GenreRules(map={str(k).strip(): v.strip() for k, v in mapping.items()},
                       strict=field_value(table, "strict", bool, gw, False),
                       fallback=fallback.strip() if fallback else None, accepted=accepted)
    problems = rules.problems()
    if problems:
        raise ProfileError(problems[0], where=gw)
    return rules
