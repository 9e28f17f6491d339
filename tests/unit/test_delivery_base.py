"""Transport helpers: progress metering (throttle, clamp, sticky aborts) and the error classes."""

from __future__ import annotations

import pytest

from stardust_tui.delivery.base import (
    HostKeyError,
    TlsVerifyError,
    TransportAuthError,
    TransportError,
    TransportIntegrityError,
    TransportPermanentError,
    TransportTransientError,
)
from stardust_tui.delivery.transfer import CHUNK, ProgressMeter
from stardust_tui.errors import StardustError


def test_error_classes_say_whether_to_retry() -> None:
    assert TransportTransientError.retryable and TransportIntegrityError.retryable
    for cls in (TransportPermanentError, TransportAuthError, HostKeyError, TlsVerifyError):
        assert not cls.retryable and cls.permanent
    assert not TransportTransientError.permanent and not TransportIntegrityError.permanent
    assert issubclass(TransportAuthError, TransportPermanentError)
    assert issubclass(TransportError, StardustError)
    assert str(TransportAuthError("login refused", where="ftp://u@h/")) == "ftp://u@h/: login refused"


def test_progress_meter_reports_clamped_and_final() -> None:
    calls: list[tuple[int, int]] = []
    meter = ProgressMeter(lambda d, t, r: calls.append((d, t)), total=100, start=10)
    meter.add(30)
    meter.add(-20)  # a library rewinding for a retry
    meter.add(200)  # and over-counting
    assert calls[0] == (40, 100) and calls[-1] == (100, 100)
    assert all(0 <= d <= 100 for d, _ in calls)


def test_progress_abort_is_sticky() -> None:
    class Stop(Exception):
        pass

    def cb(done: int, total: int, rate: float) -> None:
        if done >= 50 * CHUNK:
            raise Stop

    meter = ProgressMeter(cb, total=100 * CHUNK)
    meter.add(10 * CHUNK)
    with pytest.raises(Stop):
        meter.add(50 * CHUNK)  # ≥ 4 MiB since the last report: reported (and raises)
    with pytest.raises(Stop):  # a library that swallowed it and went on is stopped at the next block
        meter.add(-60 * CHUNK)
    with pytest.raises(Stop):
        meter.check()


def test_the_worker_fails_fast_on_permanent_transport_errors() -> None:
    from stardust_tui.worker.retry import is_permanent

    assert is_permanent(HostKeyError("unknown host key")) and is_permanent(TransportAuthError("no"))
    assert not is_permanent(TransportTransientError("timeout")) and not is_permanent(TransportIntegrityError("x"))
