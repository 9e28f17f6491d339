"""Azure Blob transport (azure-storage-blob): resumable block uploads with MD5 checked per block.

Primitives for the upload sequence in :mod:`stardust_tui.delivery.base`, in its ``commit`` mode: the
temporary name is Azure's own, blocks staged on the final blob name stay invisible (uncommitted)
until ``Put Block List``, which makes the whole blob appear at once. Each block is sent with its MD5
(``validate_content``), which the service checks; block IDs are derived from the file's MD5, block
size and index, so an interrupted upload resumes by skipping blocks already staged (and never reuses
blocks of another file). Verification, before the commit: the staged blocks add up to the file's
size, and the MD5 of the bytes the service acknowledged block by block (plus the local prefix an
earlier attempt staged) is the file's MD5; the commit sets that as the blob's ``Content-MD5`` (the
service does not check a committed list's MD5 itself). Uncommitted blocks cannot be deleted on their
own; the service drops them when the blob is next committed, or after a week.

Credentials (secrets): ``azure_connection_string``, or ``azure_account_key`` (account name taken from
``account_url``), or ``azure_sas_token``.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable
from typing import Any, BinaryIO, TypeVar
from urllib.parse import urlsplit

from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceResponseError,
)
from azure.storage.blob import (
    BlobBlock,
    BlobPrefix,
    BlobServiceClient,
    ContainerClient,
    ContentSettings,
    ExponentialRetry,
)

from stardust_tui.delivery.base import (
    Inspected,
    RemoteEntry,
    Staged,
    Transport,
    TransportAuthError,
    TransportError,
    TransportIntegrityError,
    TransportPermanentError,
    TransportTransientError,
    Written,
    clean_path,
)
from stardust_tui.delivery.transfer import ProgressMeter, Source

T = TypeVar("T")
BLOCK = 4 * 1024 * 1024


def block_id(md5: str, block_size: int, index: int) -> str:
    return base64.b64encode(f"{md5[:16]}-{block_size:08x}-{index:06d}".encode()).decode()


def _block_ids(src: Source) -> list[str]:
    """The block ids of ``src``'s blocks, in order (the same file gives the same ids: an attempt resumes)."""
    return [block_id(src.md5, BLOCK, i) for i in range(-(-src.size // BLOCK))]


def sdk_retry() -> ExponentialRetry:
    """The SDK's own retries kept short (1 s, then 3 s): its default (15 s, 18 s, 24 s backoffs) held an attempt
    at an unreachable account for over a minute before the delivery's own retry policy could act."""
    return ExponentialRetry(initial_backoff=1, increment_base=2, retry_total=2, random_jitter_range=1)


class AzureTransport(Transport):
    SCHEMES = ("azure",)
    CAN_RESUME = True  # blocks an interrupted upload staged are kept
    PUBLISH = "commit"  # (rename() is a server-side copy + delete; uploads need none)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._container: ContainerClient | None = None

    def _account_name(self, account_url: str) -> str:
        parts = urlsplit(account_url)
        host = parts.hostname or ""
        if host in ("127.0.0.1", "localhost") or host.replace(".", "").isdigit():
            return parts.path.strip("/").split("/")[0]  # emulator: http://127.0.0.1:10000/devstoreaccount1
        return host.split(".")[0]

    def _make_client(self) -> ContainerClient:
        account_url = self.spec.option("account_url") or ""
        kwargs: dict[str, Any] = {"connection_timeout": self.spec.timeout, "read_timeout": self.spec.timeout * 2,
                                  "retry_policy": sdk_retry()}
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
            if self._container is None:  # (calls run one at a time: see Transport._blocking)
                self._container = self._make_client()
            return fn(self._container)

        try:
            return await self._blocking(work)
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

    async def _read_into(self, path: str, sink: BinaryIO) -> None:
        name = self._name(path)

        def _get(c: ContainerClient) -> None:
            try:
                stream = c.get_blob_client(name).download_blob()
            except ResourceNotFoundError:
                raise TransportPermanentError("remote file not found", where=name) from None
            for block in stream.chunks():
                sink.write(block)

        await self._call(_get, name)

    # -- the upload sequence's primitives ------------------------------------------------------------
    @staticmethod
    def _uncommitted(c: ContainerClient, name: str) -> dict[str, int]:
        try:
            _, uncommitted = c.get_blob_client(name).get_block_list("uncommitted")
        except ResourceNotFoundError:
            return {}
        return {b.id: b.size for b in uncommitted}

    async def _staged(self, stage: str, src: Source) -> Staged:
        staged = await self._call(lambda c: self._uncommitted(c, self._name(stage)), self._name(stage))
        first = 0  # the prefix of blocks an earlier attempt already staged
        for i, bid in enumerate(_block_ids(src)):
            if staged.get(bid) != min(BLOCK, src.size - i * BLOCK):
                break
            first = i + 1
        return Staged(min(src.size, first * BLOCK))

    async def _write_stage(self, stage: str, src: Source, staged: Staged, meter: ProgressMeter) -> Written:
        name, ids = self._name(stage), _block_ids(src)

        def _put(c: ContainerClient) -> str:
            blob = c.get_blob_client(name)
            sent = hashlib.md5(usedforsecurity=False)  # of the bytes the service acknowledged, in order
            with src.open(0) as fh:  # a local file or the asset store's object (issue 12)
                left = staged.offset
                while left > 0 and (prefix := fh.read(min(left, BLOCK))):  # staged by an earlier attempt
                    sent.update(prefix)
                    left -= len(prefix)
            first = staged.offset // BLOCK
            for i, data in enumerate(src.blocks(staged.offset, meter, BLOCK), start=first):
                blob.stage_block(ids[i], data, length=len(data), validate_content=True)
                sent.update(data)
            return sent.hexdigest()

        return Written(staged.offset, server_checked=True, state=await self._call(_put, name))

    async def _inspect(self, stage: str, src: Source, written: Written) -> Inspected:
        staged = await self._call(lambda c: self._uncommitted(c, self._name(stage)), self._name(stage))
        size = sum(staged.get(bid, 0) for bid in _block_ids(src))
        return Inspected(size, written.state == src.md5, f"MD5 {written.state} of the blocks the service checked")

    async def _commit(self, stage: str, src: Source, written: Written) -> None:
        name = self._name(stage)

        def _commit(c: ContainerClient) -> None:
            blob = c.get_blob_client(name)
            settings = ContentSettings(content_md5=bytearray(bytes.fromhex(src.md5)))
            blob.commit_block_list([BlobBlock(i) for i in _block_ids(src)], content_settings=settings,
                                   metadata={"md5": src.md5})
            props = blob.get_blob_properties()
            if int(props.size) != src.size:
                raise TransportIntegrityError(f"committed blob is {props.size} bytes, not {src.size}", where=name)

        await self._call(_commit, name)
