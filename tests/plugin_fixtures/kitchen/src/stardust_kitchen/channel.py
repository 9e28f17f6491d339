"""The jsonl notification channel kind: appends each message's JSON body to a file, one per line."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from stardust_tui.plugin import Channel, Outgoing, SendFailed, ValidationError


class JsonLinesChannel(Channel):
    kind = "jsonl"

    @classmethod
    def check_settings(cls, settings: dict[str, Any]) -> dict[str, Any]:
        path = str(settings.get("path") or "")
        if not os.path.isabs(path) or not Path(path).parent.is_dir():
            raise ValidationError("path must be an absolute file path in an existing folder", where="--set path")
        unknown = sorted(set(settings) - {"path"})
        if unknown:
            raise ValidationError(f"unknown option {unknown[0]!r} (jsonl takes path)", where="--set")
        return {"path": path}

    async def send(self, message: Outgoing, step=None) -> str:  # noqa: ANN001
        body = message.json_body()

        def append() -> None:
            with open(self.settings["path"], "ab") as fh:
                fh.write(body.replace(b"\n", b" ") + b"\n")

        try:
            await asyncio.to_thread(append)
        except OSError as exc:
            raise SendFailed(f"cannot append to {self.settings['path']}: {exc.strerror}") from None
        if step is not None:
            step(f"appended {len(body)} bytes to {self.settings['path']}")
        return f"appended to {self.settings['path']}"
