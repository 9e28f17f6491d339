"""The sandbox DSP's loop: poll the inbox, check each complete batch once, answer with ACKs and a report.

:class:`SandboxDsp` works on any connected transport. Each poll lists the inbox's top-level folders (the
ACK folder and folders already answered are skipped), downloads each folder that is complete
(:mod:`.inbox`) to a temporary local folder, runs :func:`.checks.check_batch` in a thread, then writes one
ACK per message and ``SANDBOX-REPORT_<folder>.txt`` into the profile's ACK folder through the same
transport (temporary name, then rename). Answered folders are remembered in a small JSON state file, so
a restarted sandbox does not answer twice; a folder is recorded only after its ACKs are written.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from stardust_tui.delivery.profile_model import Profile
from stardust_tui.sandbox import inbox
from stardust_tui.sandbox.ack_writer import ack_file_name, ack_version, build_ack, report_text
from stardust_tui.sandbox.checks import Received, check_batch
from stardust_tui.sandbox.identity import ack_folder, sandbox_recipients
from stardust_tui.sandbox.verdict import Verdict

REPORT_PREFIX = "SANDBOX-REPORT_"


@dataclass
class BatchResult:
    """One answered folder: the verdicts, the ACK files written and the report."""

    folder: str
    verdicts: list[Verdict]
    acks: list[str]
    report_path: str
    report: str
    notes: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return sum(v.accepted for v in self.verdicts)


class SandboxDsp:
    """A DSP on an inbox: ``await poll()`` answers every complete folder not answered yet."""

    def __init__(self, profile: Profile, transport: Any, *, state_path: Path, schema_dir: Path | None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.profile = profile
        self.transport = transport
        self.state_path = state_path
        self.schema_dir = schema_dir
        self.clock = clock or (lambda: datetime.now(UTC))
        self.ack_dir = ack_folder(profile).strip("/")
        self.version = ack_version(profile.ack_format, profile.manifest_version)
        self.dsp = sandbox_recipients(profile)[0]
        self._previous: dict[str, tuple] = {}

    # -- state -------------------------------------------------------------------------------------------
    def answered(self) -> dict[str, str]:
        try:
            data = json.loads(self.state_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            return {}  # an unreadable state file: answer again rather than never
        return dict(data.get("answered", {})) if isinstance(data, dict) else {}

    def _remember(self, folder: str, when: datetime) -> None:
        from stardust_tui.atomic import write_text_atomic
        from stardust_tui.privacy import make_private_dir

        make_private_dir(self.state_path.parent)
        state = self.answered()
        state[folder] = when.isoformat(timespec="seconds")
        write_text_atomic(self.state_path, json.dumps({"answered": state}, indent=1))

    # -- polling -----------------------------------------------------------------------------------------
    async def poll(self, *, settle: bool = True) -> list[BatchResult]:
        """Answer every complete folder not answered yet; ``settle=False`` takes a batch without a manifest
        as complete at once (``--once``) instead of waiting for one unchanged listing."""
        done = self.answered()
        skip = {self.ack_dir.split("/")[0]}
        results = []
        for entry in await self.transport.list(""):
            if not entry.is_dir or entry.name in skip or entry.name in done or entry.name.startswith("."):
                continue
            files, partial = await inbox.walk(self.transport, entry.name)
            previous = self._previous.get(entry.name)
            self._previous[entry.name] = inbox.signature(files)
            if inbox.is_complete(files, self.profile, previous, settle):
                results.append(await self._answer(entry.name, files, partial))
        return results

    async def _answer(self, folder: str, files: dict[str, int], partial: list[str]) -> BatchResult:
        now = self.clock()
        with tempfile.TemporaryDirectory(prefix="stardust-sandbox-inbox-") as tmp:
            await inbox.download(self.transport, files, Path(tmp))
            got = Received(Path(tmp), folder, files, partial)
            verdicts, notes = await asyncio.to_thread(check_batch, got, self.profile, self.schema_dir, now.date())
            acks = []
            for i, verdict in enumerate(verdicts):
                when = now + timedelta(milliseconds=i)
                name = ack_file_name(verdict, when)
                data = build_ack(verdict, dsp=self.dsp, version=self.version, when=when, file_name=name)
                await self._write(Path(tmp), f"{self.ack_dir}/{name}" if self.ack_dir else name, data)
                acks.append(name)
            text = report_text(self.profile.name, folder, verdicts, notes, acks, now)
            report = f"{self.ack_dir}/{REPORT_PREFIX}{folder}.txt" if self.ack_dir else f"{REPORT_PREFIX}{folder}.txt"
            await self._write(Path(tmp), report, text.encode("utf-8"))
        self._remember(folder, now)
        return BatchResult(folder, verdicts, acks, report, text, notes)

    async def _write(self, scratch: Path, remote: str, data: bytes) -> None:
        local = scratch / ".out" / Path(remote).name
        await asyncio.to_thread(local.parent.mkdir, parents=True, exist_ok=True)
        await asyncio.to_thread(local.write_bytes, data)
        await self.transport.upload(local, remote)

    async def run(self, interval: float, stop: Callable[[], bool],
                  on_result: Callable[[BatchResult], None] | None = None) -> None:
        """Poll every ``interval`` seconds until ``stop()`` is true."""
        while not stop():
            for result in await self.poll():
                if on_result is not None:
                    on_result(result)
            waited = 0.0
            while waited < interval and not stop():
                await asyncio.sleep(min(0.25, interval))
                waited += 0.25
