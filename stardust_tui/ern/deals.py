"""Which deals a message states, by message type and takedown strategy (shared by every ERN version).

- ``new`` / ``update``: every catalog deal, re-stated (ERN 4 is a statement of truth).
- ``takedown`` with ``remove-deals``: no deals (4.x sends the release without its deals; 3.8.2 sends
  each territory with ``TakeDown``, which the returned flag asks the 3.8.2 builder to do).
- ``takedown`` with ``end-validity``: every deal re-stated with its validity ended at the message time;
  deals that would only have started later are dropped, deals already ended are kept as they are.
- ``purge`` (either as message type or takedown strategy) builds a PurgeReleaseMessage instead.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from stardust_tui.ern.common import BuildOptions
from stardust_tui.ern.release_view import DealView


def is_purge(options: BuildOptions) -> bool:
    """True when the message to build is a PurgeReleaseMessage."""
    return options.message_type == "purge" or (
        options.message_type == "takedown" and options.takedown_strategy == "purge")


def effective_deals(deals: tuple[DealView, ...], options: BuildOptions,
                    now: datetime) -> tuple[tuple[DealView, ...], bool]:
    """The deals to state and whether they are to be flagged as taken down (3.8.2 ``TakeDown``)."""
    if options.message_type != "takedown":
        return deals, False
    if options.takedown_strategy == "remove-deals":
        return deals, True
    ended: list[DealView] = []
    for deal in deals:
        if deal.start >= now:
            continue
        if deal.end is not None and deal.end <= now:
            ended.append(deal)
        else:
            ended.append(replace(deal, end=now))
    return tuple(ended), False
