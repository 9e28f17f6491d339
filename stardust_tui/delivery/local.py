"""Local-folder transport (``file:///srv/out``): a mounted share, a spool folder, or tests.

Primitives for the upload sequence in :mod:`stardust_tui.delivery.base`: the temporary file is written
from its current size (resume), fsynced and its MD5 read back from disk (the remote hash), all in one
thread hop; ``os.replace`` publishes it. ``stat``, ``mkdir`` and ``rename`` run inline: metadata calls
quicker than a hop to a thread and back.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

from stardust_tui.delivery.base import (
    Inspected,
    RemoteEntry,
    Staged,
    Transport,
    TransportPermanentError,
    TransportTransientError,
    Written,
    clean_path,
)
from stardust_tui.delivery.transfer import ProgressMeter, Source, file_md5

T = TypeVar("T")


def _os_error(exc: OSError, where: str) -> Exception:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return TransportPermanentError(f"permission denied ({exc.strerror})", where=where)
    return TransportTransientError(exc.strerror or str(exc), where=where)


class LocalTransport(Transport):
    SCHEMES = ("file",)
    CAN_RESUME = True

    @property
    def root(self) -> Path:
        return Path(self.spec.path)

    def _p(self, path: str) -> Path:
        rel = clean_path(path)
        return self.root / rel if rel else self.root

    async def _run(self, fn: Callable[[], T], where: Path) -> T:
        try:
            return await self._blocking(fn)
        except OSError as exc:
            raise _os_error(exc, str(where)) from exc

    async def connect(self) -> None:
        if not self.root.is_dir():
            raise TransportPermanentError("target folder does not exist", where=str(self.root))
        if not os.access(self.root, os.W_OK):
            raise TransportPermanentError("target folder is not writable", where=str(self.root))

    async def close(self) -> None:
        return None

    async def list(self, path: str = "") -> list[RemoteEntry]:
        def _list() -> list[RemoteEntry]:
            out = []
            try:
                with os.scandir(self._p(path)) as it:
                    for e in it:
                        is_dir = e.is_dir()
                        out.append(RemoteEntry(e.name, is_dir, None if is_dir else e.stat().st_size))
            except FileNotFoundError:
                return []
            return sorted(out, key=lambda e: e.name)

        return await self._run(_list, self._p(path))

    async def stat(self, path: str) -> int | None:
        p = self._p(path)
        try:
            st = p.stat()
        except FileNotFoundError:
            return None
        return None if p.is_dir() else st.st_size

    async def mkdir(self, path: str) -> None:
        try:  # a metadata call as quick as stat(): not worth a thread
            self._p(path).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _os_error(exc, str(self._p(path))) from exc

    async def remove(self, path: str) -> None:
        p = self._p(path)
        await self._run(lambda: p.rmdir() if p.is_dir() else p.unlink(missing_ok=True), p)

    async def rename(self, src: str, dst: str) -> None:
        try:  # a metadata call, like mkdir
            os.replace(self._p(src), self._p(dst))
        except OSError as exc:
            raise _os_error(exc, str(self._p(src))) from exc

    async def _write_stage(self, stage: str, src: Source, staged: Staged, meter: ProgressMeter) -> Written:
        tmp = self._p(stage)

        def _copy() -> str:
            with open(tmp, "r+b" if staged.offset else "wb") as dst:
                dst.seek(staged.offset)
                dst.truncate()
                for block in src.blocks(staged.offset, meter):
                    dst.write(block)
                dst.flush()
                os.fsync(dst.fileno())
            return file_md5(tmp)  # read back from disk once it is there (in the same thread: one hop)

        return Written(staged.offset, state=await self._run(_copy, tmp))

    async def _inspect(self, stage: str, src: Source, written: Written) -> Inspected:
        got = written.state
        return Inspected(await self.stat(stage), got == src.md5, f"MD5 {got} of the written file")

    async def _read_into(self, path: str, sink: BinaryIO) -> None:
        source = self._p(path)

        def _copy() -> None:
            try:
                fh = open(source, "rb")
            except FileNotFoundError:
                raise TransportPermanentError("remote file not found", where=str(source)) from None
            with fh:
                shutil.copyfileobj(fh, sink, 1024 * 1024)

        await self._run(_copy, source)
