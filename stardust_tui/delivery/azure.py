"""Azure Blob transport (azure-storage-blob): resumable block uploads with MD5 checked per block.

The temporary name is Azure's own: blocks are staged on the final blob name but stay invisible
(uncommitted) until ``Put Block List``, which makes the whole blob appear at once. Each block is sent
with its MD5 (``validate_content``), which the service checks; block IDs are derived from the file's
MD5, block size and index, so an interrupted upload resumes by skipping blocks already staged
(and never reuses blocks of another file). The commit sets ``Content-MD5`` to the MD5 we computed
(the service does not check a committed list's MD5), then size and MD5 are read back.

Credentials (secrets): ``azure_connection_string``, or ``azure_account_key`` (account name taken from
``account_url``), or ``azure_sas_token``.
"""

from __future__ import annotations

import asyncio
import base64
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceResponseError,
)
from azure.storage.blob import BlobPrefix, BlobServiceClient, ContainerClient, ContentSettings

from stardust_tui.delivery.base import (
    ProgressCallback,
    ProgressMeter,
    RemoteEntry,
    Transport,
    TransportAuthError,
    TransportError,
    TransportIntegrityError,
    TransportPermanentError,
    TransportTransientError,
    UploadResult,
    check_size,
    clean_path,
)

T = TypeVar("T")
BLOCK = 4 * 1024 * 1024


def block_id(md5: str, block_size: int, index: int) -> str:
    return base64.b64encode(f"{md5[:16]}-{block_size:08x}-{index:06d}".encode()).decode()


class AzureTransport(Transport):
    SCHEMES = ("azure",)
    CAN_RESUME = True
    HAS_REMOTE_HASH = True
    ATOMIC_RENAME = False  # rename is copy + delete; uploads need none (uncommitted blocks)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._client_lock = threading.Lock()
        self._container: ContainerClient | None = None

    def _account_name(self, account_url: str) -> str:
        parts = urlsplit(account_url)
        host = parts.hostname or ""
        if host in ("127.0.0.1", "localhost") or host.replace(".", "").isdigit():
            return parts.path.strip("/").split("/")[0]  # emulator: http://127.0.0.1:10000/devstoreaccount1
        return host.split(".")[0]

    def _make_client(self) -> ContainerClient:
        account_url = self.spec.option("account_url") or ""
        kwargs: dict[str, Any] = {"connection_timeout": self.spec.timeout, "read_timeout": self.spec.timeout * 2}
        if self.spec.option("ca"):
            kwargs["connection_verify"] = self.spec.option("ca")
        conn = self.secret("azure_connection_string")
        if conn:
            service = BlobServiceClient.from_connection_string(conn, **kwargs)
        else:
            credential: Any = None
            if self.secret("azure_account_key"):
                credential = {"account_name": self._account_name(account_url),
                              "account_key": self.secret("azure_account_key")}
            elif self.secret("azure_sas_token"):
                credential = self.secret("azure_sas_token")
            service = BlobServiceClient(account_url, credential=credential, **kwargs)
        return service.get_container_client(self.spec.bucket or "")

    def _map(self, exc: BaseException, where: str) -> TransportError:
        if isinstance(exc, TransportError):
            return exc
        code = getattr(exc, "error_code", None) or ""
        status = getattr(exc, "status_code", None)
        if isinstance(exc, ClientAuthenticationError) or status == 403 or "AuthenticationFailed" in str(code):
            return TransportAuthError(f"Azure refused the credentials ({code or status})", where=where)
        if "Md5Mismatch" in str(code) or "InvalidMd5" in str(code):
            return TransportIntegrityError(f"Azure rejected the data MD5 ({code})", where=where)
        if isinstance(exc, ServiceRequestError | ServiceResponseError) or (status or 500) >= 500 or status == 429:
            return TransportTransientError(f"{type(exc).__name__}: {exc}".splitlines()[0], where=where)
        return TransportPermanentError(f"Azure error {code or status}: {exc}".splitlines()[0], where=where)

    async def _call(self, fn: Callable[[ContainerClient], T], where: str = "") -> T:
        def work() -> T:
            with self._client_lock:  # concurrent first calls must not build two clients
                if self._container is None:
                    self._container = self._make_client()
            return fn(self._container)

        try:
            return await asyncio.to_thread(work)
        except (HttpResponseError, ServiceRequestError, ServiceResponseError, ValueError) as exc:
            if isinstance(exc, ValueError) and not isinstance(exc, HttpResponseError):
                raise TransportPermanentError(f"Azure configuration: {exc}", where=self.spec.display) from exc
            raise self._map(exc, where or self.spec.display) from exc

    async def connect(self) -> None:
        await self._call(lambda c: c.get_container_properties())

    async def close(self) -> None:
        client, self._container = self._container, None
        if client is not None:
            client.close()

    def _name(self, path: str) -> str:
        return self.spec.path + clean_path(path)

    @staticmethod
    def _props(c: ContainerClient, name: str) -> Any:
        try:
            return c.get_blob_client(name).get_blob_properties()
        except ResourceNotFoundError:
            return None

    async def list(self, path: str = "") -> list[RemoteEntry]:
        prefix = self._name(path)
        prefix = prefix + "/" if prefix and not prefix.endswith("/") else prefix

        def _list(c: ContainerClient) -> list[RemoteEntry]:
            out = []
            for item in c.walk_blobs(name_starts_with=prefix or None, delimiter="/"):
                name = item.name[len(prefix):]
                if isinstance(item, BlobPrefix):
                    out.append(RemoteEntry(name.rstrip("/"), True, None))
                elif name:
                    out.append(RemoteEntry(name, False, item.size))
            return sorted(out, key=lambda e: e.name)

        return await self._call(_list, prefix)

    async def stat(self, path: str) -> int | None:
        props = await self._call(lambda c: self._props(c, self._name(path)), self._name(path))
        return None if props is None else int(props.size)

    async def mkdir(self, path: str) -> None:
        return None  # blob names carry the folders

    async def remove(self, path: str) -> None:
        def _rm(c: ContainerClient) -> None:
            try:
                c.delete_blob(self._name(path))
            except ResourceNotFoundError:
                pass

        await self._call(_rm, self._name(path))

    async def rename(self, src: str, dst: str) -> None:
        a, b = self._name(src), self._name(dst)

        def _rename(c: ContainerClient) -> None:
            source, target = c.get_blob_client(a), c.get_blob_client(b)
            target.start_copy_from_url(source.url)
            deadline = time.monotonic() + 600
            while (props := target.get_blob_properties()).copy.status == "pending":
                if time.monotonic() > deadline:
                    raise TransportTransientError("server-side copy did not finish in 10 minutes", where=b)
                time.sleep(0.2)
            if props.copy.status != "success":
                raise TransportTransientError(f"server-side copy {props.copy.status}", where=b)
            source.delete_blob()

        await self._call(_rename, a)

    async def download(self, remote_path: str, local_path: str | Path) -> int:
        local = Path(local_path)
        tmp = local.with_name(f".{local.name}.part")

        def _get(c: ContainerClient) -> None:
            with open(tmp, "wb") as fh:
                c.get_blob_client(self._name(remote_path)).download_blob().readinto(fh)

        await self._call(_get, self._name(remote_path))
        os.replace(tmp, local)
        return local.stat().st_size

    async def upload(
        self,
        local_path: str | Path,
        remote_path: str,
        *,
        md5: str | None = None,
        size: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> UploadResult:
        local, md5, size = await self._prepare(local_path, md5, size)
        name = self._name(remote_path)
        t0 = time.monotonic()
        cancel = threading.Event()
        count = max(1, -(-size // BLOCK))
        ids = [block_id(md5, BLOCK, i) for i in range(count)]

        def _put(c: ContainerClient) -> int:
            blob = c.get_blob_client(name)
            settings = ContentSettings(content_md5=bytearray(bytes.fromhex(md5)))
            if size == 0:  # no blocks to stage: a single (MD5-checked) put
                blob.upload_blob(b"", overwrite=True, content_settings=settings, metadata={"md5": md5})
                return 0
            try:
                _, uncommitted = blob.get_block_list("uncommitted")
                staged = {b.id: b.size for b in uncommitted}
            except ResourceNotFoundError:
                staged = {}
            first = 0  # the prefix of blocks an earlier attempt already staged
            while first < count and staged.get(ids[first]) == min(BLOCK, size - first * BLOCK):
                first += 1
            resumed = min(size, first * BLOCK)
            meter = ProgressMeter(progress, size, resumed, cancel, self.max_rate)
            with open(local, "rb") as fh:
                fh.seek(resumed)
                for i in range(first, count):
                    length = min(BLOCK, size - i * BLOCK)
                    data = fh.read(length)
                    blob.stage_block(ids[i], data, length=len(data), validate_content=True)
                    meter.add(len(data))
            blob.commit_block_list(ids, content_settings=settings, metadata={"md5": md5})
            props = blob.get_blob_properties()
            stored = bytes(props.content_settings.content_md5 or b"").hex()
            check_size(int(props.size), size, name)
            if stored != md5:
                raise TransportIntegrityError(f"stored Content-MD5 {stored} != {md5}", where=name)
            return resumed

        resumed = await self._cancellable(self._call(_put, name), cancel)
        return UploadResult(clean_path(remote_path), size, md5, True, resumed, time.monotonic() - t0)
