"""Azure Blob transport against Azurite on 127.0.0.1."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from servers import AZURITE_ACCOUNT, AZURITE_KEY, Azurite
from transport_checks import (
    ServerView,
    cancelled_upload_stops_promptly,
    file_operations,
    interrupted_then_resumed,
    md5_of,
    other_content_never_resumed,
    run,
    upload_and_verify,
    upload_peak_memory,
    wrong_credentials,
)

from stardust_tui.delivery.base import TransportPermanentError
from stardust_tui.delivery.registry import open_transport
from stardust_tui.secrets import Secret


@pytest.fixture
def view(azurite: Azurite) -> ServerView:
    prefix = f"in/{uuid.uuid4().hex[:8]}"
    return ServerView(
        url=f"azure://{azurite.container}/{prefix}?account_url={azurite.account_url}",
        secrets={"azure_account_key": Secret(AZURITE_KEY)},
        bad_secrets={"azure_account_key": Secret("d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXk=")},
        md5=lambda rel: azurite.md5(f"{prefix}/{rel}"),
    )


def test_small_and_big_uploads_verified(view: ServerView, small_file: Path, big_file: Path) -> None:
    run(upload_and_verify(view, small_file, "batch/r1/small.txt"))
    run(upload_and_verify(view, big_file, "batch/r1/resources/big.bin"))


def test_resume_skips_staged_blocks(view: ServerView, big_file: Path) -> None:
    assert run(interrupted_then_resumed(view, big_file, "r/big.bin")) >= 8 * 1024 * 1024


def test_other_content_never_resumed(view: ServerView, big_file: Path, big_file2: Path) -> None:
    run(other_content_never_resumed(view, big_file, big_file2, "r/x.bin"))


def test_file_operations(view: ServerView, small_file: Path) -> None:
    run(file_operations(view, small_file))


def test_wrong_key_is_an_auth_error(view: ServerView) -> None:
    run(wrong_credentials(view))


def test_connection_string_and_content_md5(azurite: Azurite, small_file: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.bin"
    empty.write_bytes(b"")

    async def go() -> None:
        url = f"azure://{azurite.container}/cs?account_url={azurite.account_url}"
        async with open_transport(url, {"azure_connection_string": Secret(azurite.connection_string)}) as t:
            await t.upload(small_file, "small.txt")
            await t.upload(empty, "empty.bin")
            assert await t.stat("empty.bin") == 0

    run(go())
    props = azurite.container_client().get_blob_client("cs/small.txt").get_blob_properties()
    assert bytes(props.content_settings.content_md5).hex() == md5_of(small_file)


def test_missing_container_is_permanent(azurite: Azurite) -> None:
    url = f"azure://no-such-container?account_url={azurite.account_url}"
    with pytest.raises(TransportPermanentError):
        run(open_transport(url, {"azure_account_key": Secret(AZURITE_KEY)}).connect())


def test_streams_without_holding_the_file_in_memory(view: ServerView, big_file: Path) -> None:
    peak = upload_peak_memory(view, big_file, "mem/big.bin")
    assert peak < big_file.stat().st_size // 2, f"peak heap growth {peak} bytes for a 20 MiB file"


def test_sas_token_credential(azurite: Azurite, small_file: Path) -> None:
    import datetime as dt

    from azure.storage.blob import AccountSasPermissions, ResourceTypes, generate_account_sas

    sas = generate_account_sas(
        AZURITE_ACCOUNT, AZURITE_KEY, ResourceTypes(container=True, object=True),
        AccountSasPermissions(read=True, write=True, delete=True, list=True, create=True, add=True),
        expiry=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
    )
    prefix = f"sas/{uuid.uuid4().hex[:8]}"
    view = ServerView(
        url=f"azure://{azurite.container}/{prefix}?account_url={azurite.account_url}",
        secrets={"azure_sas_token": Secret(sas)},
        md5=lambda rel: azurite.md5(f"{prefix}/{rel}"),
    )
    run(upload_and_verify(view, small_file, "small.txt"))
    run(file_operations(view, small_file))


def test_cancelled_upload_stops_promptly(view: ServerView, big_file: Path, small_file: Path) -> None:
    assert cancelled_upload_stops_promptly(view, big_file, small_file, "cancel/big.bin") < 3.0
