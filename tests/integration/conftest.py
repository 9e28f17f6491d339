"""Session-scoped real servers on 127.0.0.1 for the transport tests, and the files they move."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

BIG = 20 * 1024 * 1024


@pytest.fixture(scope="session")
def payload_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("payload")
    (d / "small.txt").write_bytes(b"stardust delivery test\n" * 40)
    with open(d / "big.bin", "wb") as fh:  # 20 MiB, written in pieces (never one 20 MB string)
        for _ in range(BIG // (1024 * 1024)):
            fh.write(os.urandom(1024 * 1024))
    return d


@pytest.fixture
def small_file(payload_dir: Path) -> Path:
    return payload_dir / "small.txt"


@pytest.fixture
def big_file(payload_dir: Path) -> Path:
    return payload_dir / "big.bin"


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    d = tmp_path / "scratch"
    d.mkdir()
    yield d
