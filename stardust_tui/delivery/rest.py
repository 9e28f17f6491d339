"""REST API transport (httpx): streamed multipart uploads, bearer or basic auth, configurable endpoints.

The base URL is the API root (``https://host/api/v1``). Endpoints are relative to it and can be
changed per target with URL options (an empty value disables that operation):

=========  ===========  ===================================================================
option     default      request
=========  ===========  ===================================================================
upload     ``/files``   ``POST`` multipart/form-data: ``path`` field + ``file`` part; the server
                        answers JSON ``{"size": N, "md5": "hex"}`` (checked against ours)
download   ``/files``   ``GET ?path=``;  remove: ``DELETE /files?path=``
list       ``/list``    ``GET ?path=`` → ``[{"name", "size", "is_dir"}]``
stat       ``/stat``    ``GET ?path=`` → ``{"size": N}`` or 404
rename     ``/rename``  ``POST {"from": a, "to": b}`` (empty: upload straight to the final path)
mkdir      ``/mkdir``   ``POST {"path": p}`` (empty: the server makes folders itself)
=========  ===========  ===================================================================

Primitives for the upload sequence in :mod:`stardust_tui.delivery.base`: the file is POSTed to its
temporary name (no resume: a multipart POST cannot continue), the receiver's answer gives the size and
MD5 it stored (the remote hash), and the rename endpoint publishes it. Without a rename endpoint the
file goes straight to its final path and a mismatch deletes it again.

Auth (``auth=bearer|apikey|basic|none``; default: bearer when a ``token`` secret is set, apikey when an
``api_key`` secret is set (header ``X-API-Key`` or ``?api_key_header=NAME``), basic when the URL has a
user and a ``password`` secret). The body is streamed from disk in 1 MiB pieces.
"""

from __future__ import annotations

import ssl
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import httpx

from stardust_tui.delivery.base import (
    Inspected,
    Publish,
    RemoteEntry,
    Staged,
    TlsVerifyError,
    Transport,
    TransportAuthError,
    TransportError,
    TransportPermanentError,
    TransportTransientError,
    Written,
    clean_path,
    final_name,
)
from stardust_tui.delivery.transfer import CHUNK, ProgressMeter, Source

T = TypeVar("T")
ENDPOINTS = {"upload": "/files", "download": "/files", "remove": "/files", "list": "/list", "stat": "/stat",
             "rename": "/rename", "mkdir": "/mkdir"}


class RestTransport(Transport):
    SCHEMES = ("https", "http")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._client: httpx.Client | None = None
        spec = self.spec
        self.base = f"{spec.scheme}://{spec.host}:{spec.port}{spec.path.rstrip('/')}"
        self.endpoints = {k: spec.option(k, v) or "" for k, v in ENDPOINTS.items()}

    @property
    def publish(self) -> Publish:
        return "rename" if self.endpoints["rename"] else "direct"

    def _url(self, op: str) -> str:
        ep = self.endpoints[op]
        if not ep:
            raise TransportPermanentError(f"this REST target has no {op} endpoint", where=self.spec.display)
        return self.base + "/" + ep.lstrip("/")

    def _make_client(self) -> httpx.Client:
        auth_kind = self.spec.option("auth") or (
            "bearer" if self.secret("token") else "apikey" if self.secret("api_key") else
            "basic" if self.spec.user and self.secret("password") else "none")
        headers = {"User-Agent": "stardust-tui"}
        auth: httpx.Auth | None = None
        if auth_kind == "bearer":
            token = self.secret("token")
            if not token:
                raise TransportAuthError("auth=bearer but no token secret is set", where=self.spec.display)
            headers["Authorization"] = f"Bearer {token}"
        elif auth_kind == "apikey":
            key = self.secret("api_key")
            if not key:
                raise TransportAuthError("auth=apikey but no api_key secret is set", where=self.spec.display)
            headers[self.spec.option("api_key_header") or "X-API-Key"] = key
        elif auth_kind == "basic":
            auth = httpx.BasicAuth(self.spec.user or "", self.secret("password") or "")
        elif auth_kind != "none":
            raise TransportPermanentError(f"unknown auth={auth_kind!r} (bearer, apikey, basic, none)",
                                          where=self.spec.display)
        ca = self.spec.option("ca")
        if ca and not Path(ca).is_file():
            raise TransportPermanentError("CA file not found", where=ca)
        verify: Any = ssl.create_default_context(cafile=ca) if ca else True
        timeout = httpx.Timeout(self.spec.timeout, write=self.spec.timeout * 2)
        return httpx.Client(headers=headers, auth=auth, verify=verify, timeout=timeout, follow_redirects=False)

    def _check(self, resp: httpx.Response, where: str) -> httpx.Response:
        if resp.status_code < 400:
            return resp
        try:
            text = resp.text[:200].strip()
        except httpx.ResponseNotRead:
            text = ""
        msg = f"HTTP {resp.status_code} {resp.reason_phrase}" + (f": {text}" if text else "")
        if resp.status_code in (401, 403):
            raise TransportAuthError(msg, where=where)
        if resp.status_code in (408, 425, 429) or resp.status_code >= 500:
            raise TransportTransientError(msg, where=where)
        raise TransportPermanentError(msg, where=where)

    def _map(self, exc: BaseException, where: str) -> TransportError:
        if isinstance(exc, TransportError):
            return exc
        if "CERTIFICATE_VERIFY_FAILED" in str(exc):
            return TlsVerifyError(f"TLS certificate not trusted: {exc}", where=where)
        return TransportTransientError(f"{type(exc).__name__}: {exc}", where=where)

    async def _call(self, fn: Callable[[httpx.Client], T], where: str = "") -> T:
        def work() -> T:
            if self._client is None:  # (calls run one at a time: see Transport._blocking)
                self._client = self._make_client()
            return fn(self._client)

        try:
            return await self._blocking(work)
        except httpx.HTTPError as exc:
            raise self._map(exc, where or self.spec.display) from exc

    async def connect(self) -> None:
        await self._call(lambda c: self._check(c.get(self._url("list"), params={"path": ""}), self.base)
                         if self.endpoints["list"] else None)

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()

    def _get_json(self, client: httpx.Client, op: str, path: str) -> Any:
        resp = client.get(self._url(op), params={"path": clean_path(path)})
        if resp.status_code == 404:
            return None
        return self._check(resp, f"{self.base} {op} {path}").json()

    async def list(self, path: str = "") -> list[RemoteEntry]:
        data = await self._call(lambda c: self._get_json(c, "list", path)) or []
        return sorted((RemoteEntry(d["name"], bool(d.get("is_dir")), d.get("size")) for d in data),
                      key=lambda e: e.name)

    async def stat(self, path: str) -> int | None:
        data = await self._call(lambda c: self._get_json(c, "stat", path))
        return None if data is None or data.get("is_dir") else int(data["size"])

    async def mkdir(self, path: str) -> None:
        if self.endpoints["mkdir"]:
            await self._call(lambda c: self._check(c.post(self._url("mkdir"), json={"path": clean_path(path)}), path))

    async def remove(self, path: str) -> None:
        def _rm(c: httpx.Client) -> None:
            resp = c.delete(self._url("remove"), params={"path": clean_path(path)})
            if resp.status_code != 404:
                self._check(resp, path)

        await self._call(_rm, path)

    async def rename(self, src: str, dst: str) -> None:
        body = {"from": clean_path(src), "to": clean_path(dst)}
        await self._call(lambda c: self._check(c.post(self._url("rename"), json=body), src))

    async def _read_into(self, path: str, sink: BinaryIO) -> None:
        def _get(c: httpx.Client) -> None:
            with c.stream("GET", self._url("download"), params={"path": clean_path(path)}) as resp:
                if resp.status_code == 404:
                    raise TransportPermanentError("remote file not found", where=path)
                if resp.status_code >= 400:
                    resp.read()
                self._check(resp, path)
                for block in resp.iter_bytes(CHUNK):
                    sink.write(block)

        await self._call(_get, path)

    async def _write_stage(self, stage: str, src: Source, staged: Staged, meter: ProgressMeter) -> Written:
        boundary = uuid.uuid4().hex
        name = final_name(stage, src.md5).replace('"', "_")  # the form's filename is the file's real name
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="path"\r\n\r\n{stage}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n").encode()
        tail = f"\r\n--{boundary}--\r\n".encode()

        def body() -> Iterator[bytes]:
            yield head
            yield from src.blocks(0, meter)
            yield tail

        def _post(c: httpx.Client) -> dict[str, Any]:
            headers = {"Content-Type": f"multipart/form-data; boundary={boundary}",
                       "Content-Length": str(len(head) + src.size + len(tail))}
            resp = self._check(c.post(self._url("upload"), content=body(), headers=headers), stage)
            try:
                answer = resp.json()
                return {"size": int(answer["size"]), "md5": str(answer.get("md5", "")).lower()}
            except (ValueError, KeyError, TypeError):
                raise TransportPermanentError("upload answer is not JSON with size and md5", where=stage) from None

        return Written(0, state=await self._call(_post, stage))

    async def _inspect(self, stage: str, src: Source, written: Written) -> Inspected:
        answer = written.state  # what the receiver says it stored
        return Inspected(answer["size"], answer["md5"] == src.md5, f"server MD5 {answer['md5'] or '(none)'}")
