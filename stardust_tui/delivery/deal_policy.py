"""A DSP's view of a release's deals: what its profile says about them, applied to the message it receives.

``[deals] preorders = false`` leaves pre-order deals out (readiness warns); ``[deals] date_shift_days``
moves every deal start and end (and a pre-order's release and preview days) in that DSP's messages (for
example one day earlier, so a release goes live at midnight in the first time zone). The catalog keeps the
deals as entered and every other target gets them unchanged. Pure: a new :class:`ReleaseView`, nothing stored.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from stardust_tui.delivery.profile_model import Profile


def deals_for_profile(view: Any, profile: Profile) -> Any:
    """The release view with its deals as ``profile``'s DSP is to receive them."""
    deals = view.deals if profile.deals.preorders else tuple(d for d in view.deals if not d.is_preorder)
    shift = timedelta(days=profile.deals.date_shift_days)
    if shift:
        deals = tuple(replace(d, start=d.start + shift, end=d.end + shift if d.end is not None else None,
                              preorder_release_date=_moved(d.preorder_release_date, shift),
                              preorder_preview_date=_moved(d.preorder_preview_date, shift))
                      for d in deals)
    return view if deals == view.deals else replace(view, deals=deals)


def _moved(day: date | None, shift: timedelta) -> date | None:
    return day + shift if day is not None else None
