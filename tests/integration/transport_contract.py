"""The transport contract, written once: :class:`TransportContract` runs against every real server.

tests/integration/test_transport_contract.py has one subclass per server (local folder, FTP and FTPS
on pyftpdlib, FTPS on vsftpd with ``require_ssl_reuse``, SFTP on OpenSSH, S3 on rclone and moto, the
REST receiver on uvicorn, Azure on Azurite). A subclass gives a ``view`` fixture (a
:class:`ServerView`: URL, secrets and a look at the stored files from the server's side, so checks
never trust the transport under test) and says what its server can do (``CHECKS_HASH``,
``RESUMES``). The per-transport test files keep only what is specific to one protocol.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
import tracemalloc
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest

from stardust_tui.delivery.base import (
    Transport,
    TransportAuthError,
    TransportIntegrityError,
    TransportPermanentError,
    TransportTransientError,
    temp_name,
)
from stardust_tui.delivery.registry import open_transport
from stardust_tui.secrets import Secret


@dataclass
class ServerView:
    """How a test reaches one running server: its URL, secrets and a server-side view of files."""

    url: str
    secrets: dict[str, Secret]
    md5: Callable[[str], str | None]  # relative path → MD5 of the stored object, None if absent
    bad_secrets: dict[str, Secret] | None = None  # credentials the server refuses (None: it checks none)
    bad_url: str | None = None  # the URL to use with bad_secrets, when not ``url``
    on_disk: Callable[[str], Path] | None = None  # where a stored (or staged) file lives, if reachable
    unreachable_url: str | None = None  # the same kind of target on a port nobody listens on

    def transport(self, url: str | None = None) -> Transport:
        return open_transport(url or self.url, self.secrets)


class Abort(Exception):
    """Raised from a progress callback to cut an upload in the middle (fault injection on our side)."""


def with_option(url: str, option: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{option}"


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coro)


def md5_of(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


async def upload_and_verify(view: ServerView, local: Path, remote: str) -> bool:
    """Upload, check the stored bytes from the server's side; returns UploadResult.verified_hash."""
    expected = md5_of(local)
    seen_final_early: list[bool] = []

    def progress(done: int, total: int, rate: float) -> None:
        assert 0 <= done <= total and rate >= 0
        if done < total:
            seen_final_early.append(view.md5(remote) is not None)

    async with view.transport() as t:
        result = await t.upload(local, remote, progress=progress)
        assert (result.size, result.md5, result.remote_path) == (local.stat().st_size, expected, remote)
        assert await t.stat(remote) == local.stat().st_size
        assert await t.stat(temp_name(remote, expected)) is None
    assert view.md5(remote) == expected, "stored bytes differ from the local file"
    assert view.md5(temp_name(remote, expected)) is None, "temporary name left behind"
    assert not any(seen_final_early), "final name was visible before the upload completed"
    return result.verified_hash


def cut_at_half(done: int, total: int, rate: float) -> None:
    if total // 2 <= done < total:
        raise Abort


def upload_peak_memory(view: ServerView, local: Path, remote: str) -> int:
    """Peak Python heap growth (bytes) while uploading ``local``."""
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


async def wrong_credentials(view: ServerView) -> TransportAuthError:
    t = open_transport(view.bad_url or view.url, view.bad_secrets)
    try:
        async with t:
            await t.list("")
    except TransportAuthError as exc:
        return exc
    raise AssertionError("wrong credentials were accepted")


class TransportContract:
    """What every transport does against its real server (see the module docstring)."""

    CHECKS_HASH: ClassVar[bool]  # the server reports or checks a hash: a wrong MD5 is caught
    RESUMES: ClassVar[bool]  # an upload cut at half continues from the bytes already stored
    BUFFERED: ClassVar[int] = 0  # bytes a transport may hold in memory by design, whatever the file size
    NOT_HERE: ClassVar[dict[str, str]] = {}  # test name → why this server cannot take that test

    @pytest.fixture(autouse=True)
    def _server_limits(self, request: pytest.FixtureRequest) -> None:
        reason = self.NOT_HERE.get(request.function.__name__)
        if reason:
            pytest.skip(reason)

    # -- upload, resume, verify ---------------------------------------------------------------------
    def test_upload_small_big_and_empty(self, view: ServerView, small_file: Path, big_file: Path,
                                        tmp_path: Path) -> None:
        assert run(upload_and_verify(view, small_file, "batch/r1/small.txt")) is self.CHECKS_HASH
        assert run(upload_and_verify(view, big_file, "batch/r1/resources/big.bin")) is self.CHECKS_HASH
        empty = tmp_path / "empty.bin"
        empty.write_bytes(b"")
        run(upload_and_verify(view, empty, "batch/empty.bin"))

    def test_interrupted_upload_resumes_or_restarts(self, view: ServerView, big_file: Path) -> None:
        size, remote = big_file.stat().st_size, "r/big.bin"

        async def go() -> int:
            async with view.transport() as t:
                with pytest.raises(Abort):  # the callback's own exception, unchanged
                    await t.upload(big_file, remote, progress=cut_at_half)
                assert await t.stat(remote) is None and view.md5(remote) is None
                partial = await t.stat(temp_name(remote, md5_of(big_file)))
                if self.RESUMES and t.publish == "rename":  # a crash leaves the partial for the next attempt
                    assert partial is not None and 0 < partial < size
                return (await t.upload(big_file, remote)).resumed_from

        resumed = run(go())
        assert view.md5(remote) == md5_of(big_file)
        assert (resumed > 0) is self.RESUMES, resumed

    def test_partial_of_other_content_is_never_resumed(self, view: ServerView, big_file: Path,
                                                       big_file2: Path) -> None:
        assert big_file.stat().st_size == big_file2.stat().st_size

        async def go() -> int:
            async with view.transport() as t:
                with pytest.raises(Abort):
                    await t.upload(big_file, "r/x.bin", progress=cut_at_half)
                return (await t.upload(big_file2, "r/x.bin")).resumed_from

        assert run(go()) == 0
        assert view.md5("r/x.bin") == md5_of(big_file2)

    def test_partial_longer_than_the_file_is_not_resumed(self, view: ServerView, small_file: Path) -> None:
        if view.on_disk is None:
            pytest.skip("this server's stored files cannot be reached from the test")
        stage = view.on_disk(temp_name("long/s.txt", md5_of(small_file)))
        stage.parent.mkdir(parents=True, exist_ok=True)
        stage.write_bytes(small_file.read_bytes() + b"junk beyond the real size")

        async def go() -> int:
            async with view.transport() as t:
                return (await t.upload(small_file, "long/s.txt")).resumed_from

        assert run(go()) == 0
        assert view.md5("long/s.txt") == md5_of(small_file) and not stage.exists()

    def test_wrong_md5_is_caught_where_the_server_tells(self, view: ServerView, small_file: Path) -> None:
        """The delivery's recorded MD5 differs from the bytes (the local file changed, or was corrupt)."""
        claimed = "0" * 32

        async def go() -> None:
            async with view.transport() as t:
                if not self.CHECKS_HASH:  # size is all such a server can check: said so in the result
                    assert not (await t.upload(small_file, "bad/small.txt", md5=claimed)).verified_hash
                    return
                with pytest.raises(TransportIntegrityError):
                    await t.upload(small_file, "bad/small.txt", md5=claimed)
                assert await t.stat("bad/small.txt") is None
                assert await t.stat(temp_name("bad/small.txt", claimed)) is None

        run(go())
        if self.CHECKS_HASH:
            assert view.md5("bad/small.txt") is None and view.md5(temp_name("bad/small.txt", claimed)) is None

    @pytest.mark.parametrize("damage", ["grown", "flipped"])
    def test_damage_at_the_server_is_caught(self, view: ServerView, big_file: Path, damage: str) -> None:
        """The stored copy is changed behind the transport's back just as the last byte is sent: a longer
        file is caught by the size check everywhere, a flipped byte wherever the server reports a hash."""
        if view.on_disk is None:
            pytest.skip("this server's stored files cannot be reached from the test")
        if damage == "flipped" and not self.CHECKS_HASH:
            pytest.skip("a same-size change is invisible to a server that reports no hash")
        on_disk, remote = view.on_disk, f"damaged/{damage}.bin"
        stage = on_disk(temp_name(remote, md5_of(big_file)))

        def tamper(done: int, total: int, rate: float) -> None:
            if done == total:
                with open(stage, "r+b") as fh:
                    if damage == "grown":  # past the end: bytes still in flight cannot overwrite it
                        fh.seek(total + 100)
                        fh.write(b"appended by someone else")
                    else:
                        fh.seek(1000)
                        fh.write(bytes([fh.read(1)[0] ^ 0xFF]))

        async def go() -> None:
            async with view.transport() as t:
                with pytest.raises(TransportIntegrityError):
                    await t.upload(big_file, remote, progress=tamper)

        run(go())
        assert view.md5(remote) is None, "a damaged copy was published"
        assert not stage.exists(), "the damaged copy was left to be resumed"

    def test_upload_streams_from_disk(self, view: ServerView, big_file: Path) -> None:
        peak = upload_peak_memory(view, big_file, "mem/big.bin")
        assert peak < self.BUFFERED + big_file.stat().st_size // 2, f"peak heap growth {peak} bytes for 20 MiB"

    # -- cancel -------------------------------------------------------------------------------------
    def test_cancelled_upload_stops_promptly_and_discard_removes_its_temp(
            self, view: ServerView, big_file: Path, small_file: Path) -> None:
        """A cancelled task stops its transfer thread at the next block (``asyncio.run`` waits for executor
        threads, so the elapsed time proves it) and publishes nothing; what it staged stays (a worker
        stopping: the next attempt resumes) until ``discard_upload`` (a user cancel) removes it."""
        remote, md5 = "cancel/big.bin", md5_of(big_file)

        async def main() -> None:
            loop = asyncio.get_running_loop()
            started = asyncio.Event()

            def slow(done: int, total: int, rate: float) -> None:
                loop.call_soon_threadsafe(started.set)
                time.sleep(0.2)  # every report is slow: the whole 20 MiB would take several seconds

            async with view.transport() as t:
                task = asyncio.create_task(t.upload(big_file, remote, progress=slow))
                await started.wait()
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
                if self.RESUMES and t.publish == "rename":
                    assert await t.stat(temp_name(remote, md5)) is not None
                await t.discard_upload(remote, md5)
                assert await t.stat(temp_name(remote, md5)) is None and await t.stat(remote) is None
                await t.upload(small_file, remote + ".after")  # the transport still works

        t0 = time.monotonic()
        run(main())
        assert time.monotonic() - t0 < 3.0
        assert view.md5(remote) is None and view.md5(temp_name(remote, md5)) is None
        assert view.md5(remote + ".after") == md5_of(small_file)
        assert not [th for th in threading.enumerate() if th.name.startswith("asyncio_")]

    # -- file operations and downloads ------------------------------------------------------------------
    def test_mkdir_list_stat_rename_over_remove(self, view: ServerView, small_file: Path) -> None:
        async def go() -> None:
            async with view.transport() as t:
                await t.mkdir("ops/a/b")
                await t.mkdir("ops/a/b")  # exists: no error
                await t.upload(small_file, "ops/a/b/one.bin")
                names = {e.name: e for e in await t.list("ops/a/b")}
                assert names["one.bin"].size == small_file.stat().st_size and not names["one.bin"].is_dir
                assert {e.name: e for e in await t.list("ops/a")}["b"].is_dir
                assert await t.list("ops/nothing/here") == []
                await t.rename("ops/a/b/one.bin", "ops/a/two.bin")
                assert await t.stat("ops/a/b/one.bin") is None
                assert await t.stat("ops/a/two.bin") == small_file.stat().st_size
                await t.upload(small_file, "ops/a/three.bin")
                await t.rename("ops/a/three.bin", "ops/a/two.bin")  # replaces an existing destination
                assert await t.stat("ops/a/three.bin") is None
                await t.remove("ops/a/two.bin")
                await t.remove("ops/a/two.bin")  # already gone: no error
                assert await t.stat("ops/a/two.bin") is None
                assert await t.stat("ops/never/there.bin") is None

        run(go())
        assert view.md5("ops/a/two.bin") is None and view.md5("ops/a/three.bin") is None

    def test_download_then_cleanup_when_it_fails(self, view: ServerView, big_file: Path, tmp_path: Path) -> None:
        here = tmp_path / "downloads"
        here.mkdir()
        back, missing, later = here / "back.bin", here / "missing.bin", here / "later.bin"
        part = later.with_name(".later.bin.part")

        async def go() -> None:
            async with view.transport() as t:
                await t.upload(big_file, "dl/big.bin")
                assert await t.download("dl/big.bin", back) == big_file.stat().st_size
                with pytest.raises(TransportPermanentError, match="not found"):
                    await t.download("dl/nope.bin", missing)
            # a download cancelled half-way (at 20 MB/s: about a second) leaves neither the file nor its .part
            async with view.transport(with_option(view.url, "max_rate=20")) as t:
                task = asyncio.create_task(t.download("dl/big.bin", later))
                while not (part.exists() and part.stat().st_size > 0):
                    assert not task.done(), "the download ended before it could be cancelled"
                    await asyncio.sleep(0.005)
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
                assert not part.exists() and not later.exists()
                assert await t.download("dl/big.bin", later) == big_file.stat().st_size  # still works

        run(go())
        assert md5_of(back) == md5_of(big_file) == md5_of(later)
        assert sorted(p.name for p in here.iterdir()) == ["back.bin", "later.bin"]

    # -- errors -------------------------------------------------------------------------------------
    def test_errors_are_classified(self, view: ServerView, small_file: Path) -> None:
        if view.bad_secrets is not None:
            exc = run(wrong_credentials(view))
            assert not any(s.reveal() in str(exc) for s in view.bad_secrets.values()), "a secret in the message"
        if view.unreachable_url is not None:
            with pytest.raises(TransportTransientError):
                run(open_transport(view.unreachable_url, view.secrets).connect())

        async def escape() -> None:
            async with view.transport() as t:
                await t.upload(small_file, "../escape.txt")

        with pytest.raises(TransportPermanentError, match=r"\.\."):
            run(escape())
