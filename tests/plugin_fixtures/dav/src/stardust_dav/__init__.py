"""Test fixture: a ``stardust.transports`` plugin over the network, ``dav://[user@]host:port/inbox[?tls=1]``.

A WebDAV inbox (RFC 4918) spoken with httpx, written only against the plugin API: ``PROPFIND`` lists and
stats, ``MKCOL`` makes folders, ``PUT`` streams a stage, ``MOVE`` publishes it under its final name,
``DELETE`` removes, ``GET`` downloads. The password is the target's ``password`` secret (``stardust target
add ... --password-stdin``), sent as HTTP basic auth and never put in a message. Refused logins are
:class:`TransportAuthError`, a missing inbox or a 4xx is permanent, a dropped connection or a 5xx transient
(the worker retries those).
"""

from __future__ import annotations

from typing import BinaryIO
from urllib.parse import quote, unquote, urlsplit
from xml.etree import ElementTree

import httpx

from stardust_tui.plugin import (
    RemoteEntry,
    Staged,
    TargetSpec,
    Transport,
    TransportAuthError,
    TransportError,
    TransportPermanentError,
    TransportTransientError,
    ValidationError,
    Written,
)

PLUGIN_API = 1
DAV = "{DAV:}"


class DavTransport(Transport):
    SCHEMES = ("dav",)
    URL_OPTIONS = frozenset({"tls"})

    @classmethod
    def check_spec(cls, spec: TargetSpec) -> TargetSpec:
        if not spec.host:
            raise ValidationError("dav:// needs a host: dav://user@host:port/inbox", where=spec.url)
        if spec.option("tls", "0") not in ("0", "1"):
            raise ValidationError("option tls must be 0 or 1", where=spec.url)
        return spec

    def __init__(self, spec: TargetSpec, secrets=None) -> None:  # noqa: ANN001
        super().__init__(spec, secrets)
        self._client: httpx.Client | None = None

    # -- HTTP ------------------------------------------------------------------------------------------------
    def _url(self, path: str) -> str:
        parts = [p for p in f"{self.spec.path}/{path}".split("/") if p]
        return "/" + "/".join(quote(p) for p in parts)

    def _call(self, method: str, path: str, *, ok: tuple[int, ...], **kw) -> httpx.Response:  # noqa: ANN003
        assert self._client is not None, "not connected"
        where = self._url(path)
        try:
            response = self._client.request(method, where, **kw)
        except httpx.TransportError as exc:
            raise TransportTransientError(f"{method} failed: {type(exc).__name__}", where=where) from None
        if response.status_code in ok:
            return response
        if response.status_code in (401, 403):
            raise TransportAuthError(f"{method} refused ({response.status_code})", where=where)
        kind = TransportTransientError if response.status_code >= 500 else TransportPermanentError
        raise kind(f"{method} answered {response.status_code}", where=where)

    def _propfind(self, path: str, depth: str) -> list[tuple[str, bool, int | None]] | None:
        response = self._call("PROPFIND", path, ok=(207, 404), headers={"Depth": depth})
        if response.status_code == 404:
            return None
        out = []
        for item in ElementTree.fromstring(response.content).iter(f"{DAV}response"):
            href = unquote(urlsplit(item.findtext(f"{DAV}href") or "").path).rstrip("/")
            is_dir = item.find(f".//{DAV}resourcetype/{DAV}collection") is not None
            length = item.findtext(f".//{DAV}getcontentlength")
            out.append((href.rsplit("/", 1)[-1], is_dir, None if is_dir or not length else int(length)))
        return out

    # -- the primitives ----------------------------------------------------------------------------------------
    async def connect(self) -> None:
        scheme = "https" if self.spec.option("tls", "0") == "1" else "http"
        port = f":{self.spec.port}" if self.spec.port else ""
        password = self.secret("password")
        auth = (self.spec.user or "", password) if self.spec.user and password is not None else None
        self._client = httpx.Client(base_url=f"{scheme}://{self.spec.host}{port}", auth=auth, timeout=30.0)

        def check() -> None:
            if self._propfind("", "0") is None:
                raise TransportPermanentError("the inbox folder does not exist", where=self._url(""))

        try:
            await self._blocking(check)
        except TransportError:
            await self.close()
            raise

    async def close(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await self._blocking(client.close)

    async def list(self, path: str = "") -> list[RemoteEntry]:
        found = await self._blocking(lambda: self._propfind(path, "1"))
        return sorted((RemoteEntry(n, d, s) for n, d, s in (found or [])[1:]), key=lambda e: e.name)

    async def stat(self, path: str) -> int | None:
        found = await self._blocking(lambda: self._propfind(path, "0"))
        return None if not found or found[0][1] else found[0][2]

    async def mkdir(self, path: str) -> None:
        def make() -> None:
            done = ""
            for part in [p for p in path.split("/") if p]:
                done = f"{done}/{part}"
                self._call("MKCOL", done, ok=(201, 405))  # 405: it exists

        await self._blocking(make)

    async def remove(self, path: str) -> None:
        await self._blocking(lambda: self._call("DELETE", path, ok=(200, 204, 404)))

    async def rename(self, src: str, dst: str) -> None:
        assert self._client is not None, "not connected"
        target = str(self._client.base_url).rstrip("/") + self._url(dst)
        await self._blocking(lambda: self._call("MOVE", src, ok=(201, 204),
                                                headers={"Destination": target, "Overwrite": "T"}))

    async def _write_stage(self, stage, src, staged: Staged, meter) -> Written:  # noqa: ANN001
        headers = {"Content-Length": str(src.size)}
        await self._blocking(lambda: self._call("PUT", stage, ok=(200, 201, 204), headers=headers,
                                                content=src.blocks(0, meter)))
        return Written(0)

    async def _read_into(self, path: str, sink: BinaryIO) -> None:
        def fetch() -> None:
            assert self._client is not None, "not connected"
            with self._client.stream("GET", self._url(path)) as response:
                if response.status_code == 404:
                    raise TransportPermanentError("remote file not found", where=self._url(path))
                if response.status_code != 200:
                    raise TransportTransientError(f"GET answered {response.status_code}", where=self._url(path))
                for block in response.iter_bytes(1 << 16):
                    sink.write(block)

        await self._blocking(fetch)
