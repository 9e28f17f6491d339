"""Readiness for a target: the one place the CLI, the TUI and ``deliver`` ask "would this delivery go out?".

:func:`target_preflight` loads nothing itself: given an open session, a loaded release and the target's
profile it runs :func:`stardust_tui.delivery.preflight.preflight` with this installation's sender, asset
store and DDEX schemas, exactly as the delivery executor will (``delivery.execute.build_plan``).
:func:`check_for_target` is ``stardust check REF --target NAME``: that report plus the catalog's
duplicate findings; :func:`check_catalog` is ``stardust check REF`` (the catalog rules, files measured too,
and the ``stardust.rules`` plugins' rules, which also run inside every targeted readiness).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stardust_tui.services.rows import stored_id
from stardust_tui.store.db import session_scope

if TYPE_CHECKING:
    from stardust_tui.delivery.preflight import Preflight
    from stardust_tui.delivery.profile_model import Profile
    from stardust_tui.domain.findings import CheckReport
    from stardust_tui.services import Services


def target_preflight(services: Services, session: Any, release: Any, profile: Profile,
                     message_type: str = "new", *, skip_xsd: bool = False) -> Preflight:
    """The delivery's own pre-flight for ``release`` to a target with ``profile`` (files measured once);
    ``skip_xsd``: the user allows a live message to go out unvalidated when no schemas are installed."""
    from stardust_tui.assets.store import AssetStore
    from stardust_tui.delivery.preflight import preflight, sender_for
    from stardust_tui.schemas.resolve import schema_folder

    settings = services.settings
    return preflight(session, release, profile, message_type,
                     sender=sender_for(profile, settings.sender_dpid, settings.sender_name),
                     asset_path=AssetStore(settings, session.get_bind()).path_for,
                     schema_dir=schema_folder(settings), today=services.now().date(), skip_xsd=skip_xsd)


def check_catalog(services: Services, ref: int | str) -> tuple[int, CheckReport]:
    """(release id, report) of ``stardust check REF``: the catalog's own rules (no target profile), the
    files measured once (lossy origin, clipping, silence, duration, upscaled artwork...) and duplicates."""
    from stardust_tui.assets.qc import ensure_analyses, release_assets
    from stardust_tui.assets.store import AssetStore
    from stardust_tui.domain.rules import check_release
    from stardust_tui.plugin_points import run_rules
    from stardust_tui.store.duplicates import find_duplicates
    from stardust_tui.store.releases import get_release, load_release

    services.authorize("release.read")
    with session_scope(services.engine) as session:
        release = load_release(session, stored_id(get_release(session, ref)))
        store = AssetStore(services.settings, session.get_bind())  # a folder or a bucket (issue 12)
        analyses = ensure_analyses(session, release_assets(release), store.path_for)
        report = check_release(release, today=services.now().date(), analyses=analyses)
        report.extend(run_rules(release, today=services.now().date()))  # issue 16: stardust.rules plugins
        report.extend(find_duplicates(session, release))
        report.extend(_schema_findings(services))
        return stored_id(release), report


def _schema_findings(services: Services) -> list[Any]:
    """Issue 13: without DDEX schemas no message can be XSD-validated (a live delivery is refused): say how."""
    from stardust_tui.domain.findings import Finding
    from stardust_tui.schemas.resolve import NO_SCHEMAS_HINT, schema_folder

    if schema_folder(services.settings) is not None:
        return []
    return [Finding("no-schemas", "schemas", f"{NO_SCHEMAS_HINT}; until then live deliveries are refused",
                    "warning")]


def check_for_target(services: Services, ref: int | str, target: int | str,
                     message_type: str = "new") -> tuple[int, str, CheckReport]:
    """(release id, profile name, report) of ``stardust check REF --target NAME``."""
    from stardust_tui.delivery.targets import get_target
    from stardust_tui.store.duplicates import find_duplicates
    from stardust_tui.store.releases import get_release, load_release

    services.authorize("release.read")
    with session_scope(services.engine) as session:
        release = load_release(session, stored_id(get_release(session, ref)))
        profile = services.profiles.get(get_target(session, target).profile)
        report = target_preflight(services, session, release, profile, message_type).report
        report.extend(find_duplicates(session, release))
        return stored_id(release), profile.name, report
