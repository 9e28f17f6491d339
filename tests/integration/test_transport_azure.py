"""What is specific to Azure Blob: staged blocks resumed, credentials (connection string, SAS), the committed
Content-MD5 (the shared contract runs on Azurite in test_transport_contract.py)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from servers import AZURITE_ACCOUNT, AZURITE_KEY, Azurite
from test_transport_contract import azure_view
from transport_contract import Abort, ServerView, cut_at_half, md5_of, run, upload_and_verify

from stardust_tui.delivery.base import TransportPermanentError
from stardust_tui.delivery.registry import open_transport
from stardust_tui.secrets import Secret


@pytest.fixture
def view(azurite: Azurite) -> ServerView:
    return azure_view(azurite)


def test_resume_skips_the_blocks_already_staged(view: ServerView, big_file: Path) -> None:
    """Cut when the count passes half (10 MiB of 20, i.e. once the third 4 MiB block is staged): those three
    blocks are not sent again."""
    async def go() -> int:
        async with view.transport() as t:
            with pytest.raises(Abort):
                await t.upload(big_file, "r/big.bin", progress=cut_at_half)
            return (await t.upload(big_file, "r/big.bin")).resumed_from

    assert run(go()) == 3 * 4 * 1024 * 1024
    assert view.md5("r/big.bin") == md5_of(big_file)


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


