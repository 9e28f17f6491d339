"""REST transport against a real HTTP receiver (Starlette on uvicorn, 127.0.0.1) that stores files."""

from __future__ import annotations

from pathlib import Path

import pytest
from servers import RestReceiver, dir_md5
from transport_checks import (
    ServerView,
    cancelled_upload_stops_promptly,
    file_operations,
    interrupted_then_resumed,
    run,
    upload_and_verify,
    upload_peak_memory,
    wrong_credentials,
)

from stardust_tui.delivery.base import (
    TlsVerifyError,
    TransportIntegrityError,
    TransportPermanentError,
    TransportTransientError,
    temp_name,
)
from stardust_tui.delivery.registry import open_transport
from stardust_tui.secrets import Secret


@pytest.fixture
def view(rest_receiver: RestReceiver) -> ServerView:
    return ServerView(
        url=rest_receiver.url,
        secrets={"token": Secret(rest_receiver.token)},
        bad_secrets={"token": Secret("not-the-token")},
        md5=lambda rel: dir_md5(rest_receiver.root, rel),
    )


def test_small_and_big_uploads_verified(view: ServerView, small_file: Path, big_file: Path) -> None:
    run(upload_and_verify(view, small_file, "up/small.txt"))
    run(upload_and_verify(view, big_file, "up/resources/big.bin"))


def test_interrupted_upload_restarts_the_file(view: ServerView, big_file: Path) -> None:
    assert run(interrupted_then_resumed(view, big_file, "r/big.bin")) == 0


def test_file_operations(view: ServerView, small_file: Path) -> None:
    run(file_operations(view, small_file))


def test_wrong_token_is_an_auth_error(view: ServerView) -> None:
    exc = run(wrong_credentials(view))
    assert "401" in str(exc) and "not-the-token" not in str(exc)


def test_hash_mismatch_is_caught_and_nothing_published(view: ServerView, small_file: Path) -> None:
    async def go() -> None:
        async with view.transport() as t:
            with pytest.raises(TransportIntegrityError, match="server MD5"):
                await t.upload(small_file, "bad/small.txt", md5="0" * 32)
            assert await t.stat("bad/small.txt") is None and await t.stat(temp_name("bad/small.txt", "0" * 32)) is None

    run(go())


def test_without_rename_endpoint_uploads_straight_to_final(view: ServerView, small_file: Path) -> None:
    async def go() -> None:
        async with open_transport(f"{view.url}?rename=&mkdir=", view.secrets) as t:
            assert not t.ATOMIC_RENAME
            result = await t.upload(small_file, "direct/small.txt")
            assert result.verified_hash
            with pytest.raises(TransportPermanentError, match="no rename endpoint"):
                await t.rename("direct/small.txt", "direct/x.txt")

    run(go())
    assert view.md5("direct/small.txt") == dir_md5(small_file.parent, small_file.name)


def test_unknown_endpoint_is_permanent_and_refused_connection_transient(view: ServerView) -> None:
    from servers import free_port

    with pytest.raises(TransportPermanentError, match="404"):
        run(open_transport(f"{view.url}?list=/nope", view.secrets).connect())
    with pytest.raises(TransportTransientError):
        run(open_transport(f"http://127.0.0.1:{free_port()}/api", view.secrets).connect())


def test_streams_without_holding_the_file_in_memory(view: ServerView, big_file: Path) -> None:
    peak = upload_peak_memory(view, big_file, "mem/big.bin")
    assert peak < big_file.stat().st_size // 2, f"peak heap growth {peak} bytes for a 20 MiB file"


def test_https_with_a_custom_ca_and_untrusted_refused(
    rest_receiver_tls: RestReceiver, tls_cert: tuple[Path, Path], small_file: Path
) -> None:
    secrets = {"token": Secret(rest_receiver_tls.token)}
    view = ServerView(url=f"{rest_receiver_tls.url}?ca={tls_cert[0]}", secrets=secrets,
                      md5=lambda rel: dir_md5(rest_receiver_tls.root, rel))
    run(upload_and_verify(view, small_file, "tls/small.txt"))
    with pytest.raises(TlsVerifyError, match="not trusted"):
        run(open_transport(rest_receiver_tls.url, secrets).connect())


def test_cancelled_upload_stops_promptly(view: ServerView, big_file: Path, small_file: Path) -> None:
    assert cancelled_upload_stops_promptly(view, big_file, small_file, "cancel/big.bin") < 3.0


def test_basic_auth(rest_receiver: RestReceiver, small_file: Path) -> None:
    url = rest_receiver.url.replace("http://", "http://dsp@")
    view = ServerView(url=url, secrets={"password": Secret(rest_receiver.token)},
                      bad_secrets={"password": Secret("nope")}, md5=lambda rel: dir_md5(rest_receiver.root, rel))
    run(upload_and_verify(view, small_file, "basic/small.txt"))
    run(wrong_credentials(view))


def test_api_key_header(rest_receiver: RestReceiver, small_file: Path) -> None:
    view = ServerView(url=f"{rest_receiver.url}?api_key_header=X-Api-Token",
                      secrets={"api_key": Secret(rest_receiver.token)}, bad_secrets={"api_key": Secret("nope")},
                      md5=lambda rel: dir_md5(rest_receiver.root, rel))
    run(upload_and_verify(view, small_file, "apikey/small.txt"))
    run(wrong_credentials(view))
