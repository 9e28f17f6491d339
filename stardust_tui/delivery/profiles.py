"""Delivery profiles: per-DSP delivery settings read from versioned TOML data files.

A profile says how a release goes to one recipient: ERN version, release profile, sender and
recipient DPIDs, choreography (batch or release-by-release), manifest rules, takedown strategy,
ACK folder and format, audio/artwork rules, file naming, retries and lead time.

Shipped profiles live in ``stardust_tui/profiles/*.toml``; plugins' profile folders (``stardust.profiles``,
issue 16) replace a shipped one of the same name, and user profiles in ``Paths.profiles_dir`` replace both;
``extends = "NAME"`` merges a user file over another profile (tables merge key by key, lists and scalars
replace).
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from stardust_tui.delivery.profile_fields import (
    artwork_rules,
    at_line,
    audio_rules,
    deal_rules,
    field_value,
    genre_rules,
    list_of,
    release_type_rules,
    video_rules,
)
from stardust_tui.delivery.profile_model import (  # noqa: F401 - re-exported: the public profile API
    ACK_FORMATS,
    CHOREOGRAPHIES,
    ERN_VERSIONS,
    MANIFEST_RULES,
    MANIFEST_VERSIONS,
    MESSAGE_TYPES,
    NAMING_ROLES,
    PLACEHOLDER_MARK,
    QC_SEVERITIES,
    RELEASE_PROFILES,
    TAKEDOWN_STRATEGIES,
    ArtworkRules,
    AudioRules,
    DealRules,
    MessageParty,
    Profile,
    ProfileError,
)
from stardust_tui.errors import NotFoundError, ValidationError

# --- reading -----------------------------------------------------------------------------------

_TOP = {"name", "profile_version", "description", "ern_version", "release_profile", "extends", "sender",
        "recipients", "choreography", "takedown", "audio", "artwork", "naming", "retry", "lead_time",
        "genres", "deals", "test_message", "real_dpids", "video", "release_types", "skip_xsd"}
_AUDIO_KEYS = {"formats", "bit_depths", "min_sample_rate", "channels", "plain_pcm_wav", "same_bit_depth",
               "lossy_origin", "clipping", "max_clipped_runs", "silence", "max_leading_silence",
               "max_trailing_silence", "duration_mismatch", "duration_tolerance", "dual_mono"}
_VIDEO_KEYS = {"formats", "codecs", "min_width", "min_height", "recommended_width", "recommended_height",
               "min_frame_rate", "max_frame_rate"}
_ARTWORK_KEYS = {"formats", "min_px", "recommended_px", "square", "rgb", "upscaled", "borders", "placeholder"}
_DEAL_KEYS = {"required_models", "required_use_types", "preorders", "max_instant_grat_share", "date_shift_days"}


def _shipped_dir() -> Path:
    return Path(str(resources.files("stardust_tui") / "profiles"))


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"cannot read profile ({exc.strerror})", where=str(path)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib messages end with "(at line N, column M)"
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        where = f"{path}:{match.group(1)}" if match else str(path)
        raise ProfileError(f"invalid TOML: {str(exc).split(' (at line')[0]}", where=where) from None


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _naming(data: dict[str, Any], where: str) -> dict[str, str]:
    unknown = sorted(set(data) - set(NAMING_ROLES))
    if unknown:
        raise ProfileError(f"unknown naming role {unknown[0]!r} (audio, image, message)", where=where)
    out = {role: field_value(data, role, str, where) for role in NAMING_ROLES if role in data}
    from stardust_tui.ern.naming import NamingPatterns

    try:
        NamingPatterns.from_mapping(out)
    except ValidationError as exc:
        raise ProfileError(exc.message, where=at_line(where, next(iter(out), "naming"))) from None
    return out


def _party(data: Any, where: str) -> MessageParty:
    if not isinstance(data, dict):
        raise ProfileError("a party must be a table with dpid and name", where=where)
    dpid = field_value(data, "dpid", str, where)
    name = field_value(data, "name", str, where)
    if not dpid or not name:
        raise ProfileError("a party needs both 'dpid' and 'name'", where=where)
    if not re.fullmatch(r"PADPIDA[A-Za-z0-9]+", dpid):
        raise ProfileError(f"field 'dpid' is not a DDEX Party ID (PADPIDA...): {dpid!r}", where=where)
    return MessageParty(dpid=dpid, name=name)


def _table(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ProfileError(f"[{key}] must be a table", where=where)
    return value


def profile_from_dict(data: dict[str, Any], source: str) -> Profile:
    """Check every field of a (merged) profile table and build the :class:`Profile`."""
    unknown = sorted(set(data) - _TOP)
    if unknown:
        raise ProfileError(f"unknown field {unknown[0]!r}", where=source)
    name = field_value(data, "name", str, source)
    if not name or not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name):
        raise ProfileError("field 'name' must be a lower-case slug (a-z, 0-9, . _ -)", where=source)
    version = field_value(data, "profile_version", int, source)
    if version is None or version < 1:
        raise ProfileError("field 'profile_version' must be an integer >= 1", where=source)
    ern = field_value(data, "ern_version", str, source, choices=ERN_VERSIONS)
    if ern is None:
        raise ProfileError("field 'ern_version' is required", where=source)
    recipients_raw = data.get("recipients", [])
    if not isinstance(recipients_raw, list) or not recipients_raw:
        raise ProfileError("at least one [[recipients]] entry (dpid, name) is required", where=source)
    chor = _table(data, "choreography", source)
    cw = f"{source} [choreography]"
    audio = _table(data, "audio", source)
    aw = f"{source} [audio]"
    art = _table(data, "artwork", source)
    tw = f"{source} [artwork]"
    naming = _table(data, "naming", source)
    genres = genre_rules(_table(data, "genres", source), f"{source} [genres]")  # issue 16
    deals = _table(data, "deals", source)
    dw = f"{source} [deals]"
    video = _table(data, "video", source)
    vw = f"{source} [video]"
    for table, known, where in ((deals, _DEAL_KEYS, dw), (audio, _AUDIO_KEYS, aw), (art, _ARTWORK_KEYS, tw),
                                (video, _VIDEO_KEYS, vw)):
        unknown_key = sorted(set(table) - known)
        if unknown_key:
            raise ProfileError(f"unknown field {unknown_key[0]!r}", where=where)
    retry = _table(data, "retry", source)
    lead = _table(data, "lead_time", source)
    takedown = _table(data, "takedown", source)
    kw = f"{source} [takedown]"
    strategy = field_value(takedown, "strategy", str, kw, "remove-deals", TAKEDOWN_STRATEGIES)
    refused = list_of(takedown, "refuses", str, kw, [])
    for value in refused:
        if value not in MESSAGE_TYPES:
            raise ProfileError(f"field 'refuses' must hold message types ({', '.join(MESSAGE_TYPES)}), got {value!r}",
                               where=at_line(kw, "refuses"))
    if strategy == "purge" and "purge" in refused:
        raise ProfileError("the takedown strategy is purge but the profile refuses purge messages",
                           where=at_line(kw, "strategy"))
    return Profile(
        name=name,
        profile_version=version,
        description=field_value(data, "description", str, source, ""),
        ern_version=ern,
        release_profile=field_value(data, "release_profile", str, source, "auto", RELEASE_PROFILES),
        sender=_party(data["sender"], f"{source} [sender]") if "sender" in data else None,
        recipients=tuple(_party(r, f"{source} [[recipients]] #{i + 1}") for i, r in enumerate(recipients_raw)),
        choreography=field_value(chor, "mode", str, cw, "batch", CHOREOGRAPHIES),
        manifest=field_value(chor, "manifest", str, cw, "non-empty", MANIFEST_RULES),
        manifest_version=field_value(chor, "manifest_version", str, cw, "1.8", MANIFEST_VERSIONS),
        batch_priority_prefix=field_value(chor, "batch_priority_prefix", str, cw, ""),
        ack_folder=field_value(chor, "ack_folder", str, cw, None) or None,
        ack_format=field_value(chor, "ack_format", str, cw, "auto", ACK_FORMATS),
        takedown=strategy,
        refused_types=refused,
        real_dpids=field_value(data, "real_dpids", bool, source, False),
        test_message=field_value(data, "test_message", bool, source, False),
        skip_xsd=field_value(data, "skip_xsd", bool, source, False),
        audio=audio_rules(audio, aw),
        artwork=artwork_rules(art, tw),
        video=video_rules(video, vw),
        release_types=release_type_rules(_table(data, "release_types", source), f"{source} [release_types]"),
        naming=_naming(naming, f"{source} [naming]"),
        genres=dict(genres.map),
        genre_rules=genres,
        deals=deal_rules(deals, dw),
        max_attempts=field_value(retry, "max_attempts", int, f"{source} [retry]", 5),
        backoff_seconds=field_value(retry, "backoff_seconds", float, f"{source} [retry]", 30.0),
        lead_time_days=field_value(lead, "new_days", int, f"{source} [lead_time]", 0),
        update_lead_time_days=field_value(lead, "update_days", int, f"{source} [lead_time]", 0),
        source=source,
    )


_Raw = dict[str, tuple[dict[str, Any], str]]
_Broken = dict[str, ProfileError]  # user files that cannot be parsed, by file stem
_cache: dict[tuple[Any, ...], tuple[_Raw, _Raw, _Broken]] = {}


def _files(folder: Path | None) -> list[Path]:
    if folder is None or not folder.is_dir():
        return []
    return sorted(folder.glob("*.toml"))


def _plugin_dirs() -> list[Path]:
    """Profile folders of ``stardust.profiles`` plugins (issue 16)."""
    from stardust_tui.plugin_points import profile_dirs

    return profile_dirs()


def _raw_profiles(user_dir: Path | None) -> tuple[_Raw, _Raw, _Broken]:
    """Every profile file as parsed TOML, re-read only when a file changed (the worker asks per delivery).

    A user file that is not valid TOML only breaks the profile of that name, not the others."""
    shipped_files, user_files = _files(_shipped_dir()), _files(user_dir)
    plugin_files = [f for folder in _plugin_dirs() for f in _files(folder)]
    key_parts = []
    for path in (*shipped_files, *plugin_files, *user_files):
        try:
            st = path.stat()
        except OSError:
            continue
        key_parts.append((str(path), st.st_mtime_ns, st.st_size))
    key = (str(user_dir), tuple(key_parts))
    cached = _cache.get(key)
    if cached is not None:
        return cached
    shipped: _Raw = {path.stem: (_load_toml(path), str(path)) for path in shipped_files}
    user: _Raw = {}
    broken: _Broken = {}
    for path in plugin_files:  # issue 16: a plugin's profile replaces a shipped one of its name; a broken
        try:                   # plugin file breaks only its own profile
            data = _load_toml(path)
        except ProfileError as exc:
            broken[path.stem] = exc
            continue
        data.setdefault("name", path.stem)
        shipped[str(data["name"])] = (data, str(path))
    for path in user_files:
        try:
            data = _load_toml(path)
        except ProfileError as exc:
            broken[path.stem] = exc
            continue
        data.setdefault("name", path.stem)
        user[str(data["name"])] = (data, str(path))
    if len(_cache) > 16:
        _cache.clear()
    _cache[key] = (shipped, user, broken)
    return shipped, user, broken


def _resolve(name: str, shipped: _Raw, user: _Raw, seen: tuple[tuple[str, str], ...] = (),
             broken: _Broken | None = None) -> tuple[dict[str, Any], str]:
    if broken and name in broken and name not in user and ("user", name) not in seen:
        raise broken[name]
    if name in user and ("user", name) in seen and name not in shipped:
        raise ProfileError(f"profile {name!r} extends itself in a cycle", where=user[name][1])
    if name in user and ("user", name) not in seen:
        data, source = user[name]
        key: tuple[str, str] = ("user", name)
    elif name in shipped:
        data, source = shipped[name]
        key = ("shipped", name)
    else:
        raise NotFoundError(f"no delivery profile named {name!r} (see `stardust profile list`)")
    if key in seen:
        raise ProfileError(f"profile {name!r} extends itself in a cycle", where=source)
    base_name = data.get("extends")
    if base_name is None:
        return {k: v for k, v in data.items() if k != "extends"}, source
    if not isinstance(base_name, str):
        raise ProfileError("field 'extends' must be a profile name", where=source)
    base, _ = _resolve(base_name, shipped, user, (*seen, key), broken)
    merged = _merge(base, {k: v for k, v in data.items() if k != "extends"})
    return merged, source


def load_profile(name: str, user_dir: Path | None = None) -> Profile:
    """The profile called ``name`` (a user profile first, then the shipped one)."""
    shipped, user, broken = _raw_profiles(user_dir)
    data, source = _resolve(name, shipped, user, broken=broken)
    return profile_from_dict(data, source)


def list_profiles(user_dir: Path | None = None, errors: list[ProfileError] | None = None) -> list[Profile]:
    """Every profile (user ones override shipped ones of the same name), sorted by name.

    With ``errors``, profiles that cannot be read are left out and their errors appended there;
    without it the first error is raised."""
    shipped, user, broken = _raw_profiles(user_dir)
    out = []
    for name in sorted(set(shipped) | set(user) | set(broken)):
        try:
            out.append(profile_from_dict(*_resolve(name, shipped, user, broken=broken)))
        except ProfileError as exc:
            if errors is None:
                raise
            errors.append(exc)
    return out
