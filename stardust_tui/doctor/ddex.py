"""DDEX checks: the schemas (installed ones re-hashed) and every ``ready`` release built and validated for each
enabled target's profile, exactly as a delivery would (``services.readiness.target_preflight``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from stardust_tui.doctor.model import Check, failed, passed, skipped
from stardust_tui.errors import StardustError

if TYPE_CHECKING:
    from stardust_tui.services import Services

MAX_READY = 100
"""At most this many ready releases (newest first) are built per target; the line says when there are more."""


def _enabled_targets(services: Services) -> list[tuple[Any, Any]]:
    """(target row, profile or the error loading it) of every enabled target."""
    out: list[tuple[Any, Any]] = []
    for t in services.targets.list():
        if not t.enabled:
            continue
        try:
            out.append((t, services.profiles.get(t.profile)))
        except StardustError as exc:
            out.append((t, exc))
    return out


def schemas(services: Services) -> list[Check]:
    from stardust_tui.schemas.catalog import ERN_SETS, set_by_key
    from stardust_tui.schemas.resolve import origin_of, schema_folder

    try:
        folder = schema_folder(services.settings)
    except StardustError as exc:
        return [failed("ddex", "schemas", str(exc), "point STARDUST_DDEX_SCHEMAS/ddex_schemas at an existing folder, "
                       "or unset it and run stardust schemas fetch")]
    if folder is None:
        return [failed("ddex", "schemas", "no DDEX schemas: messages are not XSD-validated and live deliveries are "
                       "refused", "stardust schemas fetch")]
    origin = origin_of(services.settings)
    needed = {p.ern_version for _, p in _enabled_targets(services) if not isinstance(p, StardustError)}
    have = {s.key for s in ERN_SETS if (folder / s.folder / s.main).is_file()}
    missing = sorted(needed - have)
    if missing:
        return [failed("ddex", "schemas", f"{folder} ({origin}) has no ERN {', '.join(missing)} schema, which enabled "
                       "targets send", f"stardust schemas fetch --version {missing[0]}")]
    if origin != "installed":
        return [passed("ddex", "schemas", f"{folder} ({origin}): ERN {', '.join(sorted(have))}; a configured folder "
                       "is used as it is (no recorded hashes)")]
    checks = services.schemas.verify()
    bad = [c for c in checks if c.state != "ok"]
    if bad:
        return [failed("ddex", "schemas", f"{len(bad)} of {len(checks)} installed schema file(s) changed or missing "
                       f"({bad[0].state}: {bad[0].path})", "stardust schemas fetch")]
    chor = [s.label for s in (set_by_key("ern-c-1.6"), set_by_key("ern-c-1.8"))
            if s is not None and (folder / s.folder / s.main).is_file()]
    return [passed("ddex", "schemas", f"{folder}: ERN {', '.join(sorted(have))}"
                   + (f" + {', '.join(chor)}" if chor else "") + f"; {len(checks)} file(s) match their SHA-256")]


def ready_releases(services: Services) -> list[Check]:
    """Each enabled target: every ready release (newest first, at most :data:`MAX_READY`) passes its pre-flight."""
    from sqlmodel import col, func, select

    from stardust_tui.domain.models import Release
    from stardust_tui.services.readiness import target_preflight
    from stardust_tui.store.db import session_scope
    from stardust_tui.store.releases import load_release

    targets = _enabled_targets(services)
    if not targets:
        return [skipped("ddex", "ready-releases", "no enabled target")]
    with session_scope(services.engine) as s:
        total = s.exec(select(func.count()).select_from(Release).where(Release.status == "ready")).one()
        ids = cast("list[int]", list(  # primary keys of stored releases: never None
            s.exec(select(Release.id).where(Release.status == "ready").order_by(col(Release.id).desc())
                   .limit(MAX_READY))))
    if not ids:
        return [skipped("ddex", "ready-releases", "no release is ready")]
    shown = f"{len(ids)} ready release(s)" + (f" (newest {len(ids)} of {total})" if total > len(ids) else "")
    out = []
    for target, profile in targets:
        name = f"ready-releases {target.name}"
        if isinstance(profile, StardustError):
            out.append(failed("ddex", name, f"profile {target.profile}: {profile}", "stardust profile show "
                              f"{target.profile}"))
            continue
        refused: list[tuple[str, str]] = []
        with session_scope(services.engine) as s:
            for rid in ids:
                release = load_release(s, rid)
                report = target_preflight(services, s, release, profile, "new").report
                if not report.ok:
                    first = report.errors[0]
                    refused.append((release.upc or str(release.id), f"{first.field}: {first.message}"))
        if refused:
            ref, why = refused[0]
            out.append(failed("ddex", name, f"{len(refused)} of {shown} would be refused by {target.name} "
                              f"(ERN {profile.ern_version}); {ref}: {_short(why)}",
                              f"stardust check {ref} --target {target.name}"))
        else:
            out.append(passed("ddex", name, f"{shown} build and validate as ERN {profile.ern_version} "
                              f"for {target.name} ({profile.name})"))
    return out


def _short(text: str, limit: int = 220) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
