"""What is specific to the REST transport: endpoints, direct publishing, TLS with a custom CA, auth schemes
(the shared contract runs on the uvicorn receiver in test_transport_contract.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from servers import RestReceiver, dir_md5
from transport_contract import ServerView, md5_of, run, upload_and_verify, wrong_credentials

from stardust_tui.delivery.base import TlsVerifyError, TransportIntegrityError, TransportPermanentError
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


def test_without_rename_endpoint_uploads_straight_to_final(view: ServerView, small_file: Path) -> None:
    """publish=direct: the file goes to its final path; a hash mismatch deletes it again."""
    async def go() -> None:
        async with open_transport(f"{view.url}?rename=&mkdir=", view.secrets) as t:
            assert t.publish == "direct"
            assert (await t.upload(small_file, "direct/small.txt")).verified_hash
            with pytest.raises(TransportIntegrityError, match="server MD5"):
                await t.upload(small_file, "direct/bad.txt", md5="0" * 32)
            with pytest.raises(TransportPermanentError, match="no rename endpoint"):
                await t.rename("direct/small.txt", "direct/x.txt")

    run(go())
    assert view.md5("direct/small.txt") == md5_of(small_file)
    assert view.md5("direct/bad.txt") is None


def test_unknown_endpoint_is_permanent(view: ServerView) -> None:
    with pytest.raises(TransportPermanentError, match="404"):
        run(open_transport(f"{view.url}?list=/nope", view.secrets).connect())


def test_https_with_a_custom_ca_and_untrusted_refused(
    rest_receiver_tls: RestReceiver, tls_cert: tuple[Path, Path], small_file: Path
) -> None:
    secrets = {"token": Secret(rest_receiver_tls.token)}
    view = ServerView(url=f"{rest_receiver_tls.url}?ca={tls_cert[0]}", secrets=secrets,
                      md5=lambda rel: dir_md5(rest_receiver_tls.root, rel))
    run(upload_and_verify(view, small_file, "tls/small.txt"))
    with pytest.raises(TlsVerifyError, match="not trusted"):
        run(open_transport(rest_receiver_tls.url, secrets).connect())


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
