"""Test fixture: a ``stardust.transports`` plugin, ``spool:///absolute/folder[?sync=0]``.

The primitives of the upload sequence written with plain ``os`` calls (no code shared with the built-in
file:// transport): uploads go to a hidden temporary name, are checked by size, then renamed. ``sync=0`` skips
the fsync. A folder that is not there is a permanent error, as it is for a DSP's missing inbox.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from stardust_tui.plugin import (
    RemoteEntry,
    Staged,
    TargetSpec,
    Transport,
    TransportPermanentError,
    ValidationError,
    Written,
)

PLUGIN_API = 1


class SpoolTransport(Transport):
    SCHEMES = ("spool",)
    URL_OPTIONS = frozenset({"sync"})

    @classmethod
    def check_spec(cls, spec: TargetSpec) -> TargetSpec:
        if spec.host or not spec.path.startswith("/") or spec.path == "/":
            raise ValidationError("spool:// needs an absolute folder: spool:///srv/spool", where=spec.url)
        if spec.option("sync", "1") not in ("0", "1"):
            raise ValidationError("option sync must be 0 or 1", where=spec.url)
        return spec

    def _p(self, path: str) -> Path:
        return Path(self.spec.path) / path.lstrip("/")

    async def connect(self) -> None:
        if not Path(self.spec.path).is_dir():
            raise TransportPermanentError("spool folder does not exist", where=self.spec.path)

    async def close(self) -> None:
        return None

    async def list(self, path: str = "") -> list[RemoteEntry]:
        folder = self._p(path)
        if not folder.is_dir():
            return []
        return sorted((RemoteEntry(p.name, p.is_dir(), None if p.is_dir() else p.stat().st_size)
                       for p in folder.iterdir()), key=lambda e: e.name)

    async def stat(self, path: str) -> int | None:
        p = self._p(path)
        return p.stat().st_size if p.is_file() else None

    async def mkdir(self, path: str) -> None:
        self._p(path).mkdir(parents=True, exist_ok=True)

    async def remove(self, path: str) -> None:
        p = self._p(path)
        if p.is_dir():
            p.rmdir()
        else:
            p.unlink(missing_ok=True)

    async def rename(self, src: str, dst: str) -> None:
        os.replace(self._p(src), self._p(dst))

    async def _write_stage(self, stage, src, staged: Staged, meter) -> Written:  # noqa: ANN001
        target = self._p(stage)
        sync = self.spec.option("sync", "1") == "1"

        def copy() -> None:
            with open(target, "wb") as out:
                for block in src.blocks(0, meter):
                    out.write(block)
                out.flush()
                if sync:
                    os.fsync(out.fileno())

        await self._blocking(copy)
        return Written(0)

    async def _read_into(self, path: str, sink: BinaryIO) -> None:
        p = self._p(path)
        if not p.is_file():
            raise TransportPermanentError("remote file not found", where=str(p))
        sink.write(p.read_bytes())
