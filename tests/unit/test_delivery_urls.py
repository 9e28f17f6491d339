"""Target URL parsing: every accepted form, and clear refusals (passwords, typos, plain http)."""

from __future__ import annotations

import pytest

from stardust_tui.delivery.base import (
    TransportPermanentError,
    clean_path,
    final_name,
    join,
    login_relative,
    temp_name,
)
from stardust_tui.delivery.registry import open_transport, transport_class
from stardust_tui.delivery.urls import parse_target_url
from stardust_tui.errors import ValidationError
from stardust_tui.secrets import Secret


def test_accepted_forms() -> None:
    f = parse_target_url("file:///srv/out")
    assert (f.scheme, f.path) == ("file", "/srv/out")
    ftp = parse_target_url("ftp://dsp@ftp.example.com:2121/incoming")
    assert (ftp.user, ftp.host, ftp.port, ftp.path) == ("dsp", "ftp.example.com", 2121, "/incoming")
    assert parse_target_url("ftps://dsp@h/x?ca=/etc/ca.pem").option("ca") == "/etc/ca.pem"
    assert parse_target_url("ftp://dsp@h").port == 21
    sftp = parse_target_url("sftp://u@h/in?host_key=SHA256:ab+cd/ef&known_hosts=/k")
    assert sftp.port == 22 and sftp.host_key == "SHA256:ab+cd/ef" and sftp.known_hosts == "/k"
    assert not sftp.trust_unknown_host
    s3 = parse_target_url("s3://bucket/pre/fix?endpoint=http://127.0.0.1:9000&region=us-east-1")
    assert (s3.bucket, s3.path, s3.option("endpoint")) == ("bucket", "pre/fix/", "http://127.0.0.1:9000")
    assert parse_target_url("s3://bucket").path == ""
    az = parse_target_url("azure://cont/in?account_url=https://a.blob.core.windows.net")
    assert (az.bucket, az.path) == ("cont", "in/")
    rest = parse_target_url("https://api.example.com/v1/deliveries?auth=bearer&upload=/files")
    assert (rest.host, rest.path, rest.option("upload")) == ("api.example.com", "/v1/deliveries", "/files")
    assert parse_target_url("http://127.0.0.1:8080/api").port == 8080


def test_keyword_overrides_from_the_target_row() -> None:
    spec = parse_target_url("sftp://u@h/in", key_file="/id", host_key="SHA256:x", trust_unknown_host=True)
    assert (spec.key_file, spec.host_key, spec.trust_unknown_host) == ("/id", "SHA256:x", True)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sftp://u:hunter2@h/in", "--password-stdin"),
        ("gopher://h/x", "unsupported scheme"),
        ("ftp://u@h/x?pasive=1", "unknown option 'pasive'"),
        ("http://example.com/api", "only allowed for loopback"),
        ("file://host/x", "no host"),
        ("file:///", "absolute folder"),
        ("s3:///prefix", "needs a bucket"),
        ("azure://c/p", "account_url"),
        ("ftp://h/x", "user name"),
        ("sftp://u@h/x?host_key=MD5:aa", "SHA256"),
        ("ftp://u@h:99999/x", "invalid target URL"),
        ("ftp://u@h/x?timeout=soon", "seconds"),
        ("ftp://u@h/x?max_rate=-1", "MB/s"),
        ("s3://b/p?publish=yolo", "publish must be"),
        ("azure://c/p?account_url=https://a.blob.core.windows.net/%3Fsv%3D1%26sig%3Dhunter2", "azure_sas_token"),
    ],
)
def test_refusals(url: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as err:
        parse_target_url(url)
    assert "hunter2" not in str(err.value)


def test_paths() -> None:
    assert temp_name("a/b/track.flac") == "a/b/.track.flac.part"
    assert temp_name("x.xml") == ".x.xml.part"
    md5 = "0123456789abcdef0123456789abcdef"
    assert temp_name("r/x.xml", md5) == "r/.x.xml.0123456789ab.part"
    assert final_name(temp_name("r/.x.xml", md5), md5) == ".x.xml" and final_name("r/x.xml", md5) == "x.xml"
    assert clean_path("/a//b/./c/") == "a/b/c"
    assert join("/srv/out", "a/b") == "/srv/out/a/b" and join("/", "a") == "/a" and join("/srv", "") == "/srv"
    assert join("pre/", "a") == "pre/a" and join("", "a") == "a" and join("", "") == ""
    assert login_relative("/~/in") == "in" and login_relative("/~") == "" and login_relative("/srv") == "/srv"
    assert join(login_relative("/~/in"), "a/b") == "in/a/b" and join(login_relative("/~"), "a") == "a"
    with pytest.raises(TransportPermanentError):
        clean_path("a/../../etc")


def test_registry_and_secret_hiding() -> None:
    assert transport_class("file").__name__ == "LocalTransport"
    t = open_transport("file:///srv/out", {"password": Secret("hunter2")})
    assert "hunter2" not in repr(t) and "hunter2" not in repr(t.spec)
    assert t.secret("password") == "hunter2"
    with pytest.raises(TransportPermanentError):
        transport_class("gopher")


def test_registry_names_the_missing_library(monkeypatch: pytest.MonkeyPatch) -> None:
    from stardust_tui.delivery import registry

    monkeypatch.setitem(registry.TRANSPORTS, "file", ("stardust_tui.delivery.no_such_module", "X", "some-extra"))
    with pytest.raises(TransportPermanentError, match="pip install some-extra"):
        transport_class("file")
