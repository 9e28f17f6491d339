"""One readiness: what ``stardust check --target`` prints is exactly what a delivery checks before it sends.

:func:`readiness` (pure) runs the catalog's rules (:mod:`stardust_tui.domain.rules`) with the target
profile's audio/artwork rules and severities, then the profile's own: message types the DSP refuses
(Spotify: purge), sender and recipient DPIDs (a live message to a real recipient with a placeholder or
invalid DPID is refused), genres the DSP cannot take (its ``[genres]`` mapping), deals the DSP requires or
leaves out, instant-gratification share, lead time; then the installed ``stardust.rules`` plugins' rules.
:func:`preflight` adds the I/O: it measures the release's files once (:func:`stardust_tui.assets.qc.ensure_analyses`),
and, when nothing blocks, builds the package as the delivery will and validates the message with the ERN
engine. The executor (``delivery.execute.build_plan``), ``stardust deliver`` and ``stardust check --target``
all call :func:`preflight`; a test over a corpus of broken releases proves they agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from stardust_tui.delivery.profile_model import MessageParty, Profile
from stardust_tui.domain.findings import CheckReport, Finding
from stardust_tui.domain.genres import genre_findings
from stardust_tui.domain.identifiers import is_placeholder_dpid, is_valid_dpid
from stardust_tui.domain.rules import check_release
from stardust_tui.errors import ValidationError


@dataclass
class Preflight:
    """The findings and, when nothing blocks, the package the delivery would send."""

    report: CheckReport
    plan: Any | None = None


def sender_for(profile: Profile, dpid: str, name: str) -> MessageParty:
    """The message sender: the profile's own, else the configured ``sender_dpid`` / ``sender_name``."""
    return profile.sender if profile.sender is not None else MessageParty(dpid, name)


def _party_findings(profile: Profile, sender: MessageParty | None) -> list[Finding]:
    live = not profile.test_message
    real_recipient = any(not r.is_neutral and is_valid_dpid(r.dpid) for r in profile.recipients)
    strict = live and (profile.real_dpids or real_recipient)
    out = []
    for r in profile.recipients:
        where = f"profile {profile.name}: recipient {r.name}"
        if r.is_placeholder:
            out.append(Finding("recipient-dpid-unset", "recipients",
                               f"recipient DPID not set: {r.name} ({r.dpid}); set it in a user profile with "
                               f"extends = \"{profile.name}\" (see `stardust profile show {profile.name}`)"))
        elif r.is_neutral:
            out.append(Finding("recipient-dpid-placeholder", "recipients",
                               f"{where}: {r.dpid} is a neutral placeholder, not the recipient's DPID",
                               "error" if live and profile.real_dpids else "warning"))
        elif not is_valid_dpid(r.dpid):
            out.append(Finding("recipient-dpid-invalid", "recipients",
                               f"{where}: {r.dpid!r} is not a DDEX party ID (check character)",
                               "error" if live else "warning"))
    if sender is not None:
        if is_placeholder_dpid(sender.dpid):
            out.append(Finding("sender-dpid-placeholder", "sender",
                               f"sender DPID {sender.dpid} is a placeholder: set sender_dpid in config.toml to "
                               "your DDEX party ID" + ("" if strict else " before delivering to a real recipient"),
                               "error" if strict else "warning"))
        elif not is_valid_dpid(sender.dpid):
            out.append(Finding("sender-dpid-invalid", "sender",
                               f"sender DPID {sender.dpid!r} is not a DDEX party ID (wrong check character?)",
                               "error" if live else "warning"))
    return out


def _deal_findings(release: Any, profile: Profile) -> list[Finding]:
    rules = profile.deals
    models = {m for d in release.deals for m in (d.commercial_models or [])}
    uses = {u for d in release.deals for u in (d.use_types or [])}
    out = [Finding("deal-required-model", "deals", f"no deal offers {m}, which {profile.name} requires")
           for m in rules.required_models if m not in models]
    out += [Finding("deal-required-use", "deals", f"no deal offers use type {u}, which {profile.name} requires")
            for u in rules.required_use_types if u not in uses]
    if rules.date_shift_days:
        out.append(Finding("deal-date-shift", "deals", f"{profile.name} receives every deal date moved by "
                           f"{rules.date_shift_days:+d} day(s) ([deals] date_shift_days)", "info"))
    preorders = [i for i, d in enumerate(release.deals, start=1) if d.is_preorder]
    if preorders and not rules.preorders:
        out.append(Finding("preorder-not-taken", "deals", f"{profile.name} does not take pre-orders: deal(s) "
                           f"{', '.join(map(str, preorders))} are left out of its messages", "warning"))
    if rules.max_instant_grat_share is not None and release.tracks:
        for i in preorders:
            share = len(set(release.deals[i - 1].instant_gratification or [])) / len(release.tracks)
            if share > rules.max_instant_grat_share:
                out.append(Finding("instant-grat-share", f"deals[{i}].instant_gratification",
                                   f"{share:.0%} of the tracks are instant gratification; {profile.name} allows "
                                   f"at most {rules.max_instant_grat_share:.0%}"))
    return out


def _type_findings(release: Any, profile: Profile) -> list[Finding]:
    """A release type the DSP takes in no form ([release_types] accept/map) blocks; a mapped one is a note."""
    from stardust_tui.domain.release_types import deliverable_type

    rules = profile.release_types
    kind = release.release_type
    sent = deliverable_type(kind, rules.accept, rules.map)
    if sent is None:
        return [Finding("release-type-not-taken", "release_type",
                        f"{profile.name} does not take {kind} releases (it takes {', '.join(rules.accept)}): change "
                        "the type or map it in the profile's [release_types]")]
    if sent != kind:
        return [Finding("release-type-mapped", "release_type", f"sent to {profile.name} as {sent}", "info")]
    return []


def _plugin_findings(release: Any, profile: Profile, message_type: str, today: date) -> list[Finding]:
    """The findings of the installed ``stardust.rules`` plugins (issue 16): they run here, in THE readiness."""
    from stardust_tui.plugin_points import run_rules

    return run_rules(release, today=today, message_type=message_type, profile=profile)


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
    """A warning when the (future) release date is closer than the profile's lead time (business days).

    A release already out (back catalogue) has no lead time, nor has a purge."""
    need = profile.lead_time_days if message_type == "new" else profile.update_lead_time_days
    if not need or release.release_date is None or release.release_date < today or message_type == "purge":
        return None
    have = business_days(today, release.release_date)
    if have >= need:
        return None
    return (f"{profile.name} asks for {need} business days before the release date for a {message_type} "
            f"delivery; {release.release_date.isoformat()} is {max(have, 0)} business day(s) away")


def readiness(release: Any, profile: Profile, message_type: str = "new", *, sender: MessageParty | None,
              analyses: Mapping[int, Mapping[str, Any]] | None = None, today: date | None = None) -> CheckReport:
    """Every finding a delivery of ``release`` to a target with ``profile`` runs into (pure)."""
    today = today or date.today()
    report = CheckReport()  # what the target refuses first: no edit of the release fixes those
    if profile.refuses(message_type):
        report.add(Finding("message-type-refused", "type",
                           f"{profile.name} refuses {message_type} messages"
                           + (f"; it takes releases down by {profile.takedown}" if message_type == "purge" else "")))
    report.extend(_party_findings(profile, sender))
    if message_type in ("new", "update"):
        report.extend(check_release(release, today=today, audio_rules=profile.audio, artwork_rules=profile.artwork,
                                    video_rules=profile.video, analyses=analyses).all())
        report.extend(_type_findings(release, profile))
        report.extend(genre_findings(release, profile.genre_rules, profile.name))  # issue 16: genres per DSP
        report.extend(_deal_findings(release, profile))
        report.extend(_plugin_findings(release, profile, message_type, today))
    elif not release.upc:
        report.add(Finding("missing", "upc", f"a {message_type} names the release by its UPC/EAN: it has none"))
    late = lead_time_warning(release, profile, message_type, today)
    if late:
        report.add(Finding("lead-time", "release_date", late, "warning"))
    return report


def preflight(session: Any, release: Any, profile: Profile, message_type: str, *, sender: MessageParty,
              asset_path: Callable[[Any], Path], schema_dir: Path | None, today: date | None = None,
              plan_args: Mapping[str, Any] | None = None, skip_xsd: bool = False) -> Preflight:
    """Measure the files, run :func:`readiness`, and when nothing blocks build and validate the package.

    ``plan_args`` go to :func:`stardust_tui.delivery.package.plan_package` (batch id, message id, files
    the target already has...); the executor passes its own so the plan it gets back is the one it sends.
    ``skip_xsd`` (``deliver --skip-xsd``) lets a live message go out without XSD validation (see
    :func:`xsd_finding`).
    """
    from stardust_tui.assets.qc import ensure_analyses, release_assets

    analyses = ensure_analyses(session, release_assets(release), asset_path) \
        if message_type in ("new", "update") else {}
    report = readiness(release, profile, message_type, sender=sender, analyses=analyses, today=today)
    if not report.ok:
        return Preflight(report)
    from stardust_tui.delivery.package import plan_package

    try:
        plan = plan_package(release, profile, message_type, sender=sender, asset_path=asset_path,
                            **dict(plan_args or {}))
    except ValidationError as exc:
        report.add(Finding("package", "message", exc.message))
        return Preflight(report)
    report.extend(validate_message(plan, profile, schema_dir, skip_xsd=skip_xsd))
    return Preflight(report, plan if report.ok else None)


def validate_message(plan: Any, profile: Profile, schema_dir: Path | None, *, skip_xsd: bool = False) -> list[Finding]:
    """The ERN engine's verdict on the planned message (XSD when schemas are found, business rules), and
    whether a message that could not be XSD-validated may go out (:func:`xsd_finding`)."""
    from stardust_tui.ern.validate import validate_bytes

    result = validate_bytes(plan.message.data or b"", path=plan.message.remote_path, schema_dir=schema_dir)
    out = [Finding("ern-invalid", f"message:{e.line or 0}", f"not valid ERN {profile.ern_version}: [{e.rule}] "
                   f"{e.message}") for e in result.errors]
    if not result.schema_checked:
        out.append(xsd_finding(profile, skip_xsd))
    return out + [Finding("ern-warning", f"message:{w.line or 0}", f"[{w.rule}] {w.message}", "warning")
                  for w in result.warnings if w.rule != "ERN-ID-004"]  # DPIDs: said by readiness already


XSD_SKIPPED = "xsd-skipped"
"""The finding code of a message that goes out without XSD validation (the executor logs it)."""


def xsd_finding(profile: Profile, skip_xsd: bool) -> Finding:
    """A message no DDEX schema checked (issue 13): a live one is refused unless the user allowed it
    (``deliver --skip-xsd`` or the profile's ``skip_xsd = true``); a TestMessage may go (a warning)."""
    from stardust_tui.schemas.resolve import NO_SCHEMAS_HINT

    if profile.test_message:
        why = "a test message"
    elif skip_xsd:
        why = "allowed by deliver --skip-xsd"
    elif profile.skip_xsd:
        why = f"allowed by profile {profile.name} (skip_xsd = true)"
    else:
        return Finding("xsd-required", "message", f"a live message to {profile.name} must be XSD-validated, but no "
                       "DDEX schemas are installed: run `stardust schemas fetch` (or `stardust deliver --skip-xsd` "
                       "to send it unvalidated)")
    return Finding(XSD_SKIPPED, "message", f"sent WITHOUT XSD validation ({why}): {NO_SCHEMAS_HINT}", "warning")


def refusal(report: CheckReport, profile: Profile, where: str) -> ValidationError:
    """The one-line error a refused delivery gives: the first blocking findings and how many more."""
    problems = [f"{f.field}: {f.message}" for f in report.errors]
    more = f" (+{len(problems) - 3} more; see `stardust check {where} --target ...`)" if len(problems) > 3 else ""
    return ValidationError(f"not ready for {profile.name}: {'; '.join(problems[:3])}{more}", where=f"release {where}")

