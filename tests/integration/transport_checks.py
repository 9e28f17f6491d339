"""The behaviour every transport must show, written once and run against each real server.

A server fixture gives a :class:`ServerView` that looks at the stored files from the server's side
(its folder on disk, or a second client), so checks never trust the transport under test.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stardust_tui.delivery.base import Transport, TransportAuthError, temp_name
from stardust_tui.delivery.registry import open_transport
from stardust_tui.secrets import Secret


@dataclass
class ServerView:
    """How a test reaches one running server: its URL, secrets and a server-side view of files."""

    url: str
    secrets: Mapping[str, Secret]
    md5: Callable[[str], str | None]  # relative path → MD5 of the stored object, None if absent
    bad_secrets: Mapping[str, Secret] = field(default_factory=dict)

    def transport(self, url: str | None = None) -> Transport:
        return open_transport(url or self.url, self.secrets)


class Abort(Exception):
    """Raised from a progress callback to cut an upload in the middle (fault injection on our side)."""


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coro)


def md5_of(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


async def upload_and_verify(view: ServerView, local: Path, remote: str) -> None:
    expected = md5_of(local)
    seen_final_early: list[bool] = []

    def progress(done: int, total: int, rate: float) -> None:
        assert 0 <= done <= total and rate >= 0
        if done < total:
            seen_final_early.append(view.md5(remote) is not None)

    async with view.transport() as t:
        result = await t.upload(local, remote, progress=progress)
        assert result.size == local.stat().st_size
        assert result.md5 == expected
        assert await t.stat(remote) == local.stat().st_size
        assert await t.stat(temp_name(remote, expected)) is None
    assert view.md5(remote) == expected, "stored bytes differ from the local file"
    assert view.md5(temp_name(remote, expected)) is None, "temporary name left behind"
    assert not any(seen_final_early), "final name was visible before the upload completed"


async def interrupted_then_resumed(view: ServerView, local: Path, remote: str) -> int:
    """Abort an upload at half, check nothing is under the final name, upload again; returns resumed offset."""
    size = local.stat().st_size

    def cut(done: int, total: int, rate: float) -> None:
        if done >= total // 2 and done < total:
            raise Abort

    async with view.transport() as t:
        try:
            await t.upload(local, remote, progress=cut)
        except Abort:
            pass
        else:
            raise AssertionError("the progress callback's exception did not abort the upload")
        assert await t.stat(remote) is None
        assert view.md5(remote) is None
        partial = await t.stat(temp_name(remote, md5_of(local)))
        if t.CAN_RESUME and t.ATOMIC_RENAME:
            assert partial is not None and 0 < partial < size
        result = await t.upload(local, remote)
    assert view.md5(remote) == md5_of(local)
    if type(t).CAN_RESUME:
        assert result.resumed_from > 0
    return result.resumed_from


async def other_content_never_resumed(view: ServerView, first: Path, second: Path, remote: str) -> None:
    """A partial upload of one file is never continued with another file's bytes (even of the same size)."""
    assert first.stat().st_size == second.stat().st_size and md5_of(first) != md5_of(second)

    def cut(done: int, total: int, rate: float) -> None:
        if total // 2 <= done < total:
            raise Abort

    async with view.transport() as t:
        try:
            await t.upload(first, remote, progress=cut)
        except Abort:
            pass
        result = await t.upload(second, remote)
        assert result.resumed_from == 0
    assert view.md5(remote) == md5_of(second)


def cancelled_upload_stops_promptly(view: ServerView, local: Path, small: Path, remote: str) -> float:
    """Cancel an upload task mid-file: the transfer thread stops at its next block (``asyncio.run`` waits
    for executor threads, so the elapsed time proves it), nothing is published, and the same transport
    still works afterwards. Returns the seconds ``asyncio.run`` took."""
    import time

    async def main() -> None:
        loop = asyncio.get_running_loop()
        started = asyncio.Event()

        def slow(done: int, total: int, rate: float) -> None:
            loop.call_soon_threadsafe(started.set)
            time.sleep(0.2)  # every report is slow: the whole 20 MiB would take several seconds

        async with view.transport() as t:
            task = asyncio.create_task(t.upload(local, remote, progress=slow))
            await started.wait()
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
            else:
                raise AssertionError("upload finished although it was cancelled")
            await t.upload(small, remote + ".after")

    t0 = time.monotonic()
    asyncio.run(main())
    elapsed = time.monotonic() - t0
    assert view.md5(remote) is None
    assert view.md5(remote + ".after") == md5_of(small)
    return elapsed


def upload_peak_memory(view: ServerView, local: Path, remote: str) -> int:
    """Peak Python heap growth (bytes) while uploading ``local``: streaming keeps it far below the file size."""
    import tracemalloc

    md5 = md5_of(local)

    async def go() -> None:
        async with view.transport() as t:
            await t.upload(local, remote, md5=md5)

    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        run(go())
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert view.md5(remote) == md5
    return peak


async def file_operations(view: ServerView, local: Path) -> None:
    async with view.transport() as t:
        await t.mkdir("ops/a/b")
        await t.mkdir("ops/a/b")  # exists: no error
        await t.upload(local, "ops/a/b/one.bin")
        names = {e.name: e for e in await t.list("ops/a/b")}
        assert names["one.bin"].size == local.stat().st_size and not names["one.bin"].is_dir
        top = {e.name: e for e in await t.list("ops/a")}
        assert top["b"].is_dir
        await t.rename("ops/a/b/one.bin", "ops/a/two.bin")
        assert await t.stat("ops/a/b/one.bin") is None
        assert await t.stat("ops/a/two.bin") == local.stat().st_size
        # rename replaces an existing destination
        await t.upload(local, "ops/a/three.bin")
        await t.rename("ops/a/three.bin", "ops/a/two.bin")
        assert await t.stat("ops/a/three.bin") is None
        back = local.parent / "downloaded.bin"
        assert await t.download("ops/a/two.bin", back) == local.stat().st_size
        assert md5_of(back) == md5_of(local)
        await t.remove("ops/a/two.bin")
        await t.remove("ops/a/two.bin")  # already gone: no error
        assert await t.stat("ops/a/two.bin") is None
        assert await t.stat("ops/never/there.bin") is None
        empty = local.parent / "empty.bin"
        empty.write_bytes(b"")
        assert (await t.upload(empty, "ops/empty.bin")).size == 0
        assert await t.stat("ops/empty.bin") == 0
    assert view.md5("ops/a/two.bin") is None
    assert view.md5("ops/empty.bin") == "d41d8cd98f00b204e9800998ecf8427e"


async def wrong_credentials(view: ServerView) -> TransportAuthError:
    t = open_transport(view.url, view.bad_secrets)
    try:
        async with t:
            await t.list("")
    except TransportAuthError as exc:
        return exc
    raise AssertionError("wrong credentials were accepted")
