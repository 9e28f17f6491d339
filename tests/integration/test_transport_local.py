"""The local-folder transport against a real folder."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from transport_checks import (
    ServerView,
    cancelled_upload_stops_promptly,
    file_operations,
    interrupted_then_resumed,
    md5_of,
    other_content_never_resumed,
    run,
    upload_and_verify,
)

from stardust_tui.delivery.base import TransportIntegrityError, TransportPermanentError, temp_name
from stardust_tui.delivery.registry import open_transport


@pytest.fixture
def view(tmp_path: Path) -> ServerView:
    root = tmp_path / "out"
    root.mkdir()

    def md5(rel: str) -> str | None:
        p = root / rel
        return hashlib.md5(p.read_bytes(), usedforsecurity=False).hexdigest() if p.is_file() else None

    return ServerView(url=f"file://{root}", secrets={}, md5=md5)


def test_small_and_big_uploads_verified(view: ServerView, small_file: Path, big_file: Path) -> None:
    run(upload_and_verify(view, small_file, "batch/r1/small.txt"))
    run(upload_and_verify(view, big_file, "batch/r1/resources/big.bin"))


def test_resume_after_interrupted_upload(view: ServerView, big_file: Path) -> None:
    assert run(interrupted_then_resumed(view, big_file, "r/big.bin")) >= big_file.stat().st_size // 2


def test_other_content_never_resumed(view: ServerView, big_file: Path, big_file2: Path) -> None:
    run(other_content_never_resumed(view, big_file, big_file2, "r/x.bin"))


def test_file_operations(view: ServerView, small_file: Path) -> None:
    run(file_operations(view, small_file))


def test_wrong_md5_is_an_integrity_error_and_leaves_nothing(view: ServerView, small_file: Path) -> None:
    async def go() -> None:
        async with view.transport() as t:
            with pytest.raises(TransportIntegrityError):
                await t.upload(small_file, "x.txt", md5="0" * 32)
            assert await t.stat("x.txt") is None
            assert await t.stat(temp_name("x.txt", "0" * 32)) is None

    run(go())


def test_missing_folder_and_dotdot_are_permanent_errors(tmp_path: Path, small_file: Path) -> None:
    async def go() -> None:
        with pytest.raises(TransportPermanentError, match="does not exist"):
            async with open_transport(f"file://{tmp_path}/nope"):
                pass
        async with open_transport(f"file://{tmp_path}") as t:
            with pytest.raises(TransportPermanentError, match=r"\.\."):
                await t.upload(small_file, "../escape.txt")

    run(go())


def test_corrupt_partial_temp_larger_than_file_restarts(view: ServerView, small_file: Path, tmp_path: Path) -> None:
    root = Path(view.url[len("file://"):])
    partial = root / temp_name("s.txt", md5_of(small_file))
    shutil.copyfile(small_file, partial)
    with open(partial, "ab") as fh:
        fh.write(b"junk beyond the real size")
    run(upload_and_verify(view, small_file, "s.txt"))
    assert md5_of(root / "s.txt") == md5_of(small_file)


def test_probe_reports_each_step(view: ServerView, tmp_path: Path) -> None:
    from stardust_tui.delivery.probe import probe

    seen: list[str] = []
    steps = run(probe(view.transport(), lambda step, ok, detail: seen.append(step)))
    assert [s for s, ok, _ in steps if ok] == ["connect", "list", "write", "remove"] == seen
    assert list((tmp_path / "out").iterdir()) == []
    failed = run(probe(open_transport(f"file://{tmp_path}/missing")))
    assert failed[0][:2] == ("connect", False) and len(failed) == 1


def test_cancelled_upload_stops_promptly(view: ServerView, big_file: Path, small_file: Path) -> None:
    assert cancelled_upload_stops_promptly(view, big_file, small_file, "cancel/big.bin") < 3.0


def test_bandwidth_cap(view: ServerView, big_file: Path, tmp_path: Path) -> None:
    import time

    four = tmp_path / "four.bin"
    with open(big_file, "rb") as src:
        four.write_bytes(src.read(4 * 1024 * 1024))

    async def go() -> float:
        async with open_transport(view.url + "?max_rate=10") as t:  # 10 MB/s
            t0 = time.monotonic()
            await t.upload(four, "capped.bin")
            return time.monotonic() - t0

    assert run(go()) >= 0.35  # 4.19 MB at 10 MB/s ≈ 0.42 s (uncapped: a few ms)
    assert view.md5("capped.bin") == md5_of(four)
