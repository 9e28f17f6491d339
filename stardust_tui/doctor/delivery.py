"""Delivery checks: each enabled target probed through its own transport (connect, list, write and remove a
probe file, list the ACK folder — ``services.targets.test``, the same as ``stardust target test``) and its
circuit breaker."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from stardust_tui.doctor.model import Check, failed, passed, warned

if TYPE_CHECKING:
    from stardust_tui.services import Services


def probe(services: Services, name: str) -> list[Check]:
    """One target's probe, one line; the first failing step says what broke."""
    steps: list[tuple[str, bool, str]] = []
    ok = asyncio.run(services.targets.test(name, lambda step, good, detail: steps.append((step, good, detail))))
    check = f"probe {name}"
    if ok:
        connect = next((d for s, _, d in steps if s == "connect"), "")
        return [passed("delivery", check, f"{connect}; " + ", ".join(s for s, _, _ in steps[1:]) + " ok")]
    step, _, detail = next(((s, g, d) for s, g, d in steps if not g), ("connect", False, "no answer"))
    return [failed("delivery", check, f"{step} failed: {detail[:240]}",
                   f"stardust target test {name}; check the URL, credentials and host key (stardust target edit)")]


def circuits(services: Services) -> list[Check]:
    """Targets whose circuit breaker is open (deliveries paused after repeated failures) or half-open."""
    rows = [t for t in services.targets.list() if t.enabled]
    if not rows:
        return [passed("delivery", "circuits", "no enabled target")]
    out = []
    for t in rows:
        if t.circuit_state == "open":
            out.append(failed("delivery", f"circuit {t.name}", f"open after {t.consecutive_failures} failures in a "
                              "row: deliveries to it are paused", f"fix the cause (stardust target test {t.name}), "
                              f"then stardust deliveries targets --reset {t.name}"))
        elif t.circuit_state == "half-open":
            out.append(warned("delivery", f"circuit {t.name}", "half-open: the next delivery decides whether it "
                              "closes or opens again", f"watch stardust deliveries --target {t.name}"))
    return out or [passed("delivery", "circuits", f"{len(rows)} enabled target(s), every circuit closed")]
