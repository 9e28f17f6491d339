"""A DSP's view of a release's deals: the profile's per-DSP date shift, applied to the message it receives.

``[deals] date_shift_days`` moves every deal start and end in that DSP's messages (for example one day
earlier, so a release goes live at midnight in the first time zone); the catalog keeps the dates as
entered and every other target gets them unchanged. Pure: a new :class:`ReleaseView`, nothing stored.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from stardust_tui.delivery.profile_model import Profile


def deals_for_profile(view: Any, profile: Profile) -> Any:
    """The release view with its deals as ``profile``'s DSP is to receive them."""
    shift = timedelta(days=profile.deals.date_shift_days)
    if not shift:
        return view
    return replace(view, deals=tuple(
        replace(d, start=d.start + shift, end=d.end + shift if d.end is not None else None) for d in view.deals))
