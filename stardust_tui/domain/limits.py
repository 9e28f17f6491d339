"""The catalog's limits, defined once: text lengths and numeric ranges of every stored field.

The SQLModel tables take their column sizes from here (PostgreSQL enforces them), and the same numbers
bound what the CLI options, the services, the TUI fields and the importers accept — so a value that
passes one entry point passes them all, and a value one refuses, all refuse. Pure data: importing this
module loads nothing else (the CLI reads it at start-up).
"""

from __future__ import annotations

from datetime import date
from typing import Final, NamedTuple


class Span(NamedTuple):
    """An inclusive range ``lo <= x <= hi`` and what one unit is called in messages."""

    lo: float
    hi: float
    unit: str = ""

    def describe(self) -> str:
        """``1 to 9999`` / ``0 to 3600 seconds``, for error messages and help texts."""
        def num(x: float) -> str:
            return str(int(x)) if float(x).is_integer() else f"{x:g}"
        return f"{num(self.lo)} to {num(self.hi)}" + (f" {self.unit}" if self.unit else "")


INT32_MAX: Final = 2**31 - 1
"""PostgreSQL ``integer`` columns (ids, numbers, counters) hold at most this; SQLite would take 2**63-1."""

# --- text: the most characters a stored field may hold -------------------------------------------------
PARTY: Final = {"name": 500, "sort_name": 500, "isni": 16, "ipi": 16, "dpid": 32, "kind": 32}
RELEASE: Final = {
    "upc": 14, "catalog_number": 64, "title": 1000, "version": 500, "display_artist": 1000,
    "release_type": 64, "genre": 100, "subgenre": 100, "p_line": 500, "c_line": 500,
    "parental_advisory": 64, "language": 8, "status": 16, "norm_key": 2000, "grid": 64,
}
TRACK: Final = {
    "isrc": 12, "title": 1000, "version": 500, "display_artist": 1000, "p_line": 500, "language": 8,
    "genre": 100, "parental_advisory": 64, "key": 32, "resource_type": 64,
}
RESOURCE: Final = {
    "key": 32, "kind": 32, "resource_type": 64, "isrc": 12, "title": 1000, "version": 500, "display_artist": 1000,
    "parental_advisory": 64, "p_line": 500, "c_line": 500, "language": 8, "genre": 100,
}
"""A release's resources other than its tracks and cover (videos, images, texts, MIDI...), issue 18."""
ARTIST_LINK: Final = {"role": 32}
CREDIT: Final = {"role": 64, "instrument": 64}
DEAL: Final = {"price_tier": 32}
ASSET: Final = {
    "sha256": 64, "md5": 32, "kind": 16, "original_name": 1000, "container": 32, "codec": 32, "color_mode": 16,
}
TARGET: Final = {
    "name": 100, "url": 2000, "profile": 100, "key_file": 1000, "known_hosts_file": 1000, "host_key": 200,
    "circuit_state": 16,
}
AUDIT: Final = {"actor": 200, "action": 64, "entity": 64, "entity_id": 64}
VOCABULARY_VALUE: Final = 64
"""A DDEX vocabulary value (commercial model, use type, role), also a user-defined one from a message."""
MESSAGE_ID: Final = 100
"""An ERN MessageId as stored with its delivery (ACKs are matched by it)."""
WORKER_ID: Final = 200
"""A worker's name in leases and heartbeats (``Delivery.lease_owner``)."""
SEARCH_QUERY: Final = 1000
"""A catalog search; longer text is not a search anyone types."""
SECRET_VALUE: Final = 10_000
"""A target credential (a password, an API token, a PEM key passed inline)."""
TEXT_OPTION: Final = 1000
"""Any other free text the CLI takes (a theme name, an encoding, a profile name...)."""

# --- numbers ----------------------------------------------------------------------------------------------
ID: Final = Span(1, INT32_MAX)
"""A row id (release, track, asset, delivery)."""
OFFSET: Final = Span(0, INT32_MAX)
"""How many rows a listing skips."""
PAGE_SIZE: Final = Span(1, 10_000)
"""How many rows a listing shows at once."""
REVISION: Final = Span(1, INT32_MAX)
DISC_NUMBER: Final = Span(1, 999)
TRACK_NUMBER: Final = Span(1, 9999)
YEAR: Final = Span(1850, 2100)
"""℗/© years, release and deal dates: the recording era up to a sane planning horizon."""
DURATION_SECONDS: Final = Span(0.001, 360_000, "seconds")
"""A track's length: positive, at most 100 hours."""
PREVIEW_START_SECONDS: Final = Span(0, 360_000, "seconds")
PRIORITY: Final = Span(-1000, 1000)
"""A delivery's priority (higher runs first)."""
CONCURRENCY: Final = Span(1, 256)
"""Parallel deliveries of a worker or to one target."""
MAX_ATTEMPTS: Final = Span(1, 100)
STABLE_SECONDS: Final = Span(0, 3600, "seconds")
"""How long a hot-folder file's size must stay unchanged before it is imported."""
WINDOW_DAYS: Final = Span(0.001, 36_500, "days")
"""A look-back window (metrics, pruning)."""
KEEP_SNAPSHOTS: Final = Span(1, 10_000)
"""Backup snapshots to keep."""
DELIVERY_PAGE: Final = Span(1, 100_000)
"""How many deliveries a listing shows."""
PRUNE_DAYS: Final = Span(1, 36_500, "days")
"""Stored delivery events older than this are deleted."""
LEASE_SECONDS: Final = Span(1, 3600, "seconds")
"""How long a worker's claim on a delivery lasts without a heartbeat."""
GRACE_SECONDS: Final = Span(0, 3600, "seconds")
"""How long a stopping worker lets running deliveries finish."""
ACK_POLL_SECONDS: Final = Span(0, 86_400, "seconds")
"""How often a worker reads ACK folders (0: never)."""
MAX_RUNNING: Final = Span(1, 10_000)
"""Overall limit of running deliveries across all workers."""

DATES: Final = (date(int(YEAR.lo), 1, 1), date(int(YEAR.hi), 12, 31))
"""The first and last day a release, original release or deal date may fall on."""
