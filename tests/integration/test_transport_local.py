"""What is specific to the local-folder transport (the shared contract: test_transport_contract.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from transport_contract import ServerView, md5_of, run

from stardust_tui.delivery.base import TransportPermanentError
from stardust_tui.delivery.registry import open_transport


@pytest.fixture
def view(tmp_path: Path) -> ServerView:
    root = tmp_path / "out"
    root.mkdir()

    def md5(rel: str) -> str | None:
        p = root / rel
        return hashlib.md5(p.read_bytes(), usedforsecurity=False).hexdigest() if p.is_file() else None

    return ServerView(url=f"file://{root}", secrets={}, md5=md5)


def test_missing_folder_is_a_permanent_error(tmp_path: Path) -> None:
    async def go() -> None:
        async with open_transport(f"file://{tmp_path}/nope"):
            pass

    with pytest.raises(TransportPermanentError, match="does not exist"):
        run(go())


def test_probe_reports_each_step(view: ServerView, tmp_path: Path) -> None:
    from stardust_tui.delivery.probe import probe

    seen: list[str] = []
    steps = run(probe(view.transport(), lambda step, ok, detail: seen.append(step)))
    assert [s for s, ok, _ in steps if ok] == ["connect", "list", "write", "remove"] == seen
    assert list((tmp_path / "out").iterdir()) == []
    failed = run(probe(open_transport(f"file://{tmp_path}/missing")))
    assert failed[0][:2] == ("connect", False) and len(failed) == 1


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
