"""Retry policy: exponential backoff with jitter, bounded attempts, and permanent-error detection.

A delivery that fails with a transient error (network, timeout, remote busy) waits
``base * 2**(attempt-1)`` seconds (capped, with "equal jitter": half fixed, half random) and is
retried until ``max_attempts``. Permanent errors (refused credentials, an invalid message, a missing
file) fail at once: retrying them would only hammer the DSP.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from stardust_tui.errors import ValidationError
from stardust_tui.worker.protocols import PermanentDeliveryError

PERMANENT_CLASS_NAMES = frozenset({"TransportPermanentError", "TransportAuthError", "PermanentDeliveryError",
                                   "ValidationError",
                                   "ErnValidationError", "PackageError"})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a delivery is retried."""

    max_attempts: int = 5
    base_s: float = 10.0
    cap_s: float = 30 * 60.0

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        raw = min(self.cap_s, self.base_s * 2.0 ** max(0, attempt - 1))
        jitter = rng.uniform(0, raw / 2) if rng is not None else random.uniform(0, raw / 2)
        return raw / 2 + jitter


def is_permanent(exc: BaseException) -> bool:
    """True for errors a retry cannot fix: auth refused, invalid message, bad input."""
    if isinstance(exc, PermanentDeliveryError | ValidationError):
        return True
    if getattr(exc, "permanent", False) is True:
        return True
    return bool({cls.__name__ for cls in type(exc).__mro__} & PERMANENT_CLASS_NAMES)


def counts_against_target(exc: BaseException) -> bool:
    """Whether a failure says something about the target (feeds its circuit breaker).

    An invalid message is our fault, not the DSP's; refused credentials and network errors are the
    target's.
    """
    names = {cls.__name__ for cls in type(exc).__mro__}
    if "TransportAuthError" in names:
        return True
    return not (isinstance(exc, ValidationError) or names & {"ErnValidationError", "PackageError"})


def describe(exc: BaseException) -> str:
    """One line for ``last_error``: the class name and the first line of the message, secrets scrubbed."""
    from stardust_tui.worker.events import scrub

    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    name = type(exc).__name__
    return scrub(f"{name}: {text}" if text else name)[:2000]
