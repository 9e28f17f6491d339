"""Real servers on 127.0.0.1 for the transport tests (and the delivery bench).

Each helper starts one server on an OS-chosen (or freshly probed) loopback port and stops it by its
own handle or process id. Start failures raise :class:`ServerUnavailable`; the fixtures turn that
into ``need_server`` (skip locally, fail under CI=true). This module has the FTP and SSH servers and
re-exports the rest (:mod:`servers_util`, :mod:`servers_cloud`), so ``from servers import X`` works for all.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from servers_cloud import (  # noqa: F401 - re-exported
    AZURITE_ACCOUNT,
    AZURITE_KEY,
    S3_KEY,
    S3_SECRET,
    Azurite,
    RestReceiver,
    S3Server,
    rest_app,
    start_azurite,
    start_moto,
    start_rclone_s3,
    start_rest,
)
from servers_util import (  # noqa: F401 - re-exported
    REPO,
    ServerUnavailable,
    dir_md5,
    free_port,
    make_cert,
    stop_process,
    wait_port,
)


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
    class Handler(TLS_FTPHandler):
        """pyftpdlib plus ``XMD5`` (as ProFTPD mod_digest, Serv-U and FileZilla Server offer it)."""

        proto_cmds = {**TLS_FTPHandler.proto_cmds,
                      "XMD5": {"perm": "r", "auth": True, "arg": True, "help": "Syntax: XMD5 <SP> file-name"}}

        def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
            super().__init__(*args, **kwargs)
            self._extra_feats.append("XMD5")

        def ftp_XMD5(self, path: str) -> None:
            real = self.fs.realpath(path)
            if not self.fs.isfile(real):
                self.respond("550 Not a file.")
                return
            self.respond(f"250 {dir_md5(Path(real).parent, Path(real).name)}")

    handler = Handler
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
