"""``stardust target test``: connect, list, write a probe file, read its size back, remove it.

Each step is reported through ``on_step(step, ok, detail)`` as soon as it finishes, and the whole
list is returned; the first failing step stops the probe (later steps are not attempted).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from stardust_tui.delivery.base import Transport, TransportError

StepResult = tuple[str, bool, str]
PROBE_NAME = ".stardust-probe-{stamp}.txt"


async def probe(transport: Transport, on_step: Callable[[str, bool, str], None] | None = None) -> list[StepResult]:
    results: list[StepResult] = []

    def report(step: str, ok: bool, detail: str) -> bool:
        results.append((step, ok, detail))
        if on_step is not None:
            on_step(step, ok, detail)
        return ok

    stamp = f"{int(time.time() * 1000)}-{os.getpid()}"
    name = PROBE_NAME.format(stamp=stamp)
    body = f"stardust probe {stamp}\n".encode()
    t0 = time.monotonic()
    try:
        await transport.connect()
    except (TransportError, OSError) as exc:
        report("connect", False, str(exc))
        return results
    try:
        report("connect", True, f"{transport.spec.display} in {time.monotonic() - t0:.2f} s")
        try:
            entries = await transport.list("")
        except (TransportError, OSError) as exc:
            report("list", False, str(exc))
            return results
        report("list", True, f"{len(entries)} entries")
        with tempfile.TemporaryDirectory(prefix="stardust-probe-") as tmp:
            local = Path(tmp) / name
            local.write_bytes(body)
            try:
                result = await transport.upload(local, name)
                size = await transport.stat(name)
                if size != len(body):
                    raise TransportError(f"probe file reads back as {size} bytes, wrote {len(body)}")
            except (TransportError, OSError) as exc:
                report("write", False, str(exc))
                return results
            check = "hash verified" if result.verified_hash else "size verified"
            report("write", True, f"{name} ({len(body)} bytes, {check})")
        try:
            await transport.remove(name)
            if await transport.stat(name) is not None:
                raise TransportError("probe file is still there after delete")
        except (TransportError, OSError) as exc:
            report("remove", False, str(exc))
            return results
        report("remove", True, name)
    finally:
        await transport.close()
    return results
