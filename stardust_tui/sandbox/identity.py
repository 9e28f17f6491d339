"""Who the sandbox DSP is: its party IDs, its inbox folder, and the rehearsal profile a sandbox target uses.

A real DSP gives each distributor its DPID during onboarding; the sandbox makes its own, valid (MOD 37,36
check character) and stable per profile, so a rehearsal needs no real DPID. ``sandbox-<P>`` is a user
profile written next to the user's others: ``extends = "<P>"`` (every rule of the DSP), the sandbox's
recipient DPIDs, an ACK folder when the DSP's profile names none, and — only while ``sender_dpid`` in the
config is still a placeholder — a sandbox sender, so the rehearsal runs before onboarding (it says so).
"""

from __future__ import annotations

import zlib
from dataclasses import replace
from pathlib import Path

from stardust_tui.delivery.profile_model import MessageParty, Profile
from stardust_tui.domain.identifiers import is_placeholder_dpid, is_valid_dpid, mod37_36_check_char
from stardust_tui.paths import Paths

PREFIX = "sandbox-"
DEFAULT_ACK_FOLDER = "acks"
SANDBOX_SENDER = MessageParty("PADPIDASBXSENDER1" + mod37_36_check_char("PADPIDASBXSENDER1"),
                              "Stardust sandbox sender")


def sandbox_dpid(profile_name: str, index: int = 0) -> str:
    """A valid DPID for recipient ``index`` of the sandbox of ``profile_name`` (stable across runs)."""
    body = f"PADPIDASBX{zlib.crc32(f'{profile_name}#{index}'.encode()) % 10**7:07d}"
    return body + mod37_36_check_char(body)


def base_name(profile: Profile | str) -> str:
    """``spotify`` for ``sandbox-spotify`` (and for ``spotify``)."""
    name = profile if isinstance(profile, str) else profile.name
    return name[len(PREFIX):] if name.startswith(PREFIX) else name


def sandbox_recipients(profile: Profile) -> tuple[MessageParty, ...]:
    """The sandbox's own recipient parties, one per recipient of the DSP's profile (YouTube has three)."""
    base = base_name(profile)
    return tuple(MessageParty(sandbox_dpid(base, i), f"{r.name.split(' (')[0]} (sandbox)")
                 for i, r in enumerate(profile.recipients or (MessageParty("", base),)))


def accepted_dpids(profile: Profile) -> set[str]:
    """Recipient DPIDs the sandbox answers to: its own, and the profile's real ones (not placeholders)."""
    own = {p.dpid for p in sandbox_recipients(profile)}
    return own | {r.dpid for r in profile.recipients if not is_placeholder_dpid(r.dpid) and is_valid_dpid(r.dpid)}


def rules_profile(profile: Profile) -> Profile:
    """The profile the sandbox judges with: the DSP's rules, addressed to the sandbox's DPIDs."""
    return replace(profile, recipients=sandbox_recipients(profile), sender=None)


def inbox_dir(paths: Paths, profile_name: str) -> Path:
    """The default local inbox of the sandbox of a profile: ``<data dir>/sandbox/<profile>``."""
    return paths.data_dir / "sandbox" / base_name(profile_name)


def ack_folder(profile: Profile) -> str:
    return profile.ack_folder or DEFAULT_ACK_FOLDER


def profile_toml(base: Profile, *, sender: MessageParty | None) -> str:
    """The ``sandbox-<P>`` user profile: the DSP's rules, the sandbox's DPIDs, an ACK folder."""
    lines = [
        f"# Written by `stardust sandbox target --profile {base.name}` (issue 13). Every rule of {base.name!r},",
        f"# addressed to the sandbox DSP of `stardust sandbox serve --profile {base.name}`. Rewritten by the next",
        "# `stardust sandbox target` for this profile: put your own changes in another profile.",
        f'name = "{PREFIX}{base.name}"',
        f'extends = "{base.name}"',
        f"profile_version = {base.profile_version}",
        f'description = "Sandbox rehearsal of {base.name}: its rules, the sandbox\'s DPIDs"',
        "",
    ]
    for party in sandbox_recipients(base):
        lines += ["[[recipients]]", f'dpid = "{party.dpid}"', f'name = "{party.name}"', ""]
    if sender is not None:
        lines += ["# sender_dpid in config.toml is still a placeholder: the rehearsal sends as the sandbox's sender.",
                  "[sender]", f'dpid = "{sender.dpid}"', f'name = "{sender.name}"', ""]
    lines += ["[choreography]", f'ack_folder = "{ack_folder(base)}"', ""]
    return "\n".join(lines)
