"""systemd's notify protocol without a dependency: ``READY=1``, ``WATCHDOG=1``, ``STOPPING=1``, ``STATUS=…``.

With ``Type=notify`` systemd passes ``NOTIFY_SOCKET`` (a path, or ``@name`` for the abstract namespace) and,
with ``WatchdogSec=``, ``WATCHDOG_USEC`` (and ``WATCHDOG_PID``). A datagram per message is all it takes
(sd_notify(3)). Outside systemd every call is a no-op.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Callable


def _address() -> str | None:
    addr = os.environ.get("NOTIFY_SOCKET")
    if not addr or not (addr.startswith("/") or addr.startswith("@")):
        return None
    return "\0" + addr[1:] if addr.startswith("@") else addr


def notify(*lines: str) -> bool:
    """Send ``KEY=VALUE`` lines to systemd; False when not under systemd (or the socket is gone)."""
    addr = _address()
    if addr is None:
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(addr)
            sock.sendall("\n".join(lines).encode("utf-8"))
        return True
    except OSError:
        return False


def watchdog_interval() -> float | None:
    """Seconds between watchdog pings (half of ``WATCHDOG_USEC``), or None when no watchdog is asked for."""
    usec = os.environ.get("WATCHDOG_USEC", "")
    pid = os.environ.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) <= 0 or (pid.isdigit() and int(pid) != os.getpid()):
        return None
    return int(usec) / 2e6


async def watchdog_loop(alive: Callable[[], bool] = lambda: True) -> None:
    """Ping the watchdog every half interval while ``alive()`` holds (a stuck event loop stops the pings, and
    systemd restarts the service). Returns at once when there is no watchdog."""
    interval = watchdog_interval()
    if interval is None:
        return
    while True:
        if alive():
            notify("WATCHDOG=1")
        await asyncio.sleep(interval)
