"""Target URLs → :class:`TargetSpec`: one typed, validated description of where a delivery goes.

Accepted forms::

    file:///srv/out
    ftp://user@host:21/path            ftps://user@host/path?ca=/etc/ssl/dsp-ca.pem
    sftp://user@host:22/path?known_hosts=FILE&host_key=SHA256:...&key=FILE
    s3://bucket/prefix?endpoint=http://127.0.0.1:9000&region=us-east-1
    azure://container/prefix?account_url=https://acct.blob.core.windows.net
    https://host/api/path?auth=bearer  (http:// only for loopback hosts)

Every scheme also takes ``?timeout=SECONDS`` (default 30) and ``?max_rate=MB/s`` (a bandwidth cap per
upload). Per scheme: ftp/ftps ``passive``, ``ca``; sftp ``key``, ``known_hosts``, ``host_key``,
``trust_unknown_host``; s3 ``endpoint``, ``region``, ``addressing``, ``ca``, ``publish=copy|direct``;
azure ``account_url``, ``ca``; http(s) ``auth``, ``api_key_header``, endpoint paths, ``ca``.

A scheme a plugin transport serves (``stardust.transports``, issue 16) takes the common options plus the
class's ``URL_OPTIONS``; its classmethod ``check_spec(spec)``, if any, checks the rest.

Passwords never go in a URL: they are refused with a pointer to ``--password-stdin``. Secrets travel
separately (see :data:`stardust_tui.delivery.base.SECRET_KEYS`). Unknown query options are refused
so a typo never silently changes behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, unquote, urlsplit

from stardust_tui.errors import ValidationError

DEFAULT_PORTS = {"ftp": 21, "ftps": 21, "sftp": 22, "http": 80, "https": 443}
COMMON_OPTIONS = {"timeout", "max_rate"}  # seconds; MB/s per upload
OPTIONS: dict[str, set[str]] = {
    "file": set(),
    "ftp": {"passive"},
    "ftps": {"passive", "ca"},
    "sftp": {"key", "known_hosts", "host_key", "trust_unknown_host"},
    "s3": {"endpoint", "region", "addressing", "ca", "publish"},
    "azure": {"account_url", "ca"},
    "http": {"auth", "api_key_header", "upload", "list", "stat", "download", "remove", "rename", "mkdir", "ca"},
    "https": {"auth", "api_key_header", "upload", "list", "stat", "download", "remove", "rename", "mkdir", "ca"},
}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class TargetSpec:
    """A parsed target URL. ``path`` is the base folder (absolute) or the bucket/container prefix."""

    scheme: str
    url: str
    host: str = ""
    port: int | None = None
    user: str | None = None
    path: str = ""
    bucket: str | None = None  # S3 bucket or Azure container
    options: dict[str, str] = field(default_factory=dict)
    key_file: str | None = None
    known_hosts: str | None = None
    host_key: str | None = None
    trust_unknown_host: bool = False

    @property
    def display(self) -> str:
        """The URL as shown to users (never contains a secret: passwords are refused at parse time)."""
        return self.url

    def option(self, name: str, default: str | None = None) -> str | None:
        return self.options.get(name, default)

    @property
    def timeout(self) -> float:
        return float(self.options.get("timeout", "30"))

    def with_options(self, **changes: object) -> TargetSpec:
        return replace(self, **changes)  # type: ignore[arg-type]


def _bool(value: str, name: str, url: str) -> bool:
    low = value.lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off"):
        return False
    raise ValidationError(f"option {name}={value!r} must be true or false", where=url)


def parse_target_url(
    url: str,
    *,
    key_file: str | None = None,
    known_hosts: str | None = None,
    host_key: str | None = None,
    trust_unknown_host: bool | None = None,
) -> TargetSpec:
    """Parse and validate a target URL; keyword arguments (from the target row) override URL options."""
    raw = url.strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise ValidationError(f"invalid target URL: {exc}", where=raw) from None
    scheme = parts.scheme.lower()
    plugin = None
    if scheme not in OPTIONS:  # issue 16: a scheme a plugin transport serves (stardust.transports)
        from stardust_tui.plugin_points import scheme_unavailable, transport_for, transports

        plugin = transport_for(scheme) if scheme else None
        if plugin is None:
            why = scheme_unavailable(scheme) if scheme else None
            if why is not None:  # a plugin's scheme while that plugin is off, disabled or broken
                raise ValidationError(why, where=raw)
            known = ", ".join(f"{s}://" for s in (*OPTIONS, *transports()))
            raise ValidationError(f"unsupported scheme {scheme or '(none)'!r}; use one of {known}", where=raw)
    allowed_options = OPTIONS[scheme] if plugin is None else set(getattr(plugin, "URL_OPTIONS", ()))
    if parts.password is not None:
        raise ValidationError(
            "passwords are not allowed in target URLs (they would be stored and shown in clear); "
            "remove it and pass it with --password-stdin",
            where=raw.replace(f":{parts.password}@", ":***@"),
        )
    if parts.fragment:
        raise ValidationError("target URLs take no #fragment", where=raw)
    options: dict[str, str] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name not in allowed_options | COMMON_OPTIONS:
            allowed = ", ".join(sorted(allowed_options | COMMON_OPTIONS))
            raise ValidationError(f"unknown option {name!r} for {scheme}:// (allowed: {allowed})", where=raw)
        options[name] = value
    for name, unit in (("timeout", "seconds"), ("max_rate", "MB/s")):
        if name in options:
            try:
                ok = float(options[name]) > 0
            except ValueError:
                ok = False
            if not ok:
                raise ValidationError(f"option {name}={options[name]!r} must be a positive number ({unit})", where=raw)
    host = (parts.hostname or "").lower()
    user = unquote(parts.username) if parts.username else None
    path = unquote(parts.path)
    spec = TargetSpec(scheme=scheme, url=raw, host=host, port=port, user=user, path=path, options=options)
    if plugin is not None:  # the plugin checks the rest of its own URLs (host, path...)
        check = getattr(plugin, "check_spec", None)
        return check(spec) if check is not None else spec

    if scheme == "file":
        if host not in ("", "localhost"):
            raise ValidationError("file:// URLs take no host: use file:///absolute/path", where=raw)
        if not path.startswith("/") or path == "/":
            raise ValidationError("file:// needs an absolute folder other than /, e.g. file:///srv/out", where=raw)
        return replace(spec, host="")
    if scheme in ("s3", "azure"):
        if not host:
            noun = "bucket" if scheme == "s3" else "container"
            raise ValidationError(f"{scheme}:// needs a {noun}: {scheme}://{noun}/prefix", where=raw)
        if scheme == "azure" and not options.get("account_url"):
            raise ValidationError("azure:// needs ?account_url=https://ACCOUNT.blob.core.windows.net", where=raw)
        if scheme == "azure" and "sig=" in options["account_url"].lower():
            raise ValidationError("a SAS token does not go in the URL (it would be stored in clear); "
                                  "pass it with --secret azure_sas_token=...",
                                  where=raw.split("?")[0] + "?account_url=***")
        if scheme == "s3" and options.get("addressing", "path") not in ("path", "virtual", "auto"):
            raise ValidationError("option addressing must be path, virtual or auto", where=raw)
        if scheme == "s3" and options.get("publish", "copy") not in ("copy", "direct"):
            raise ValidationError("option publish must be copy (temp key, verify, copy) or direct", where=raw)
        prefix = path.strip("/")
        return replace(spec, bucket=parts.hostname, host="", path=prefix + "/" if prefix else "")
    if not host:
        raise ValidationError(f"{scheme}:// needs a host", where=raw)
    if scheme == "http" and host not in LOOPBACK:
        raise ValidationError("plain http:// is only allowed for loopback test hosts; use https://", where=raw)
    if scheme in ("ftp", "ftps", "sftp") and not user:
        raise ValidationError(f"{scheme}:// needs a user name: {scheme}://USER@{host}/path", where=raw)
    if "passive" in options:
        _bool(options["passive"], "passive", raw)
    spec = replace(spec, port=port or DEFAULT_PORTS[scheme], path=path or "/")
    if scheme == "sftp":
        pinned = host_key or options.get("host_key")
        if pinned:
            pinned = pinned.replace(" ", "+")  # '+' in a query string decodes to a space
            if not pinned.startswith("SHA256:"):
                raise ValidationError("host key must be a 'SHA256:...' fingerprint (ssh-keygen -lf)", where=raw)
        trust = trust_unknown_host
        if trust is None:
            trust = _bool(options.get("trust_unknown_host", "false"), "trust_unknown_host", raw)
        spec = replace(
            spec,
            key_file=key_file or options.get("key"),
            known_hosts=known_hosts or options.get("known_hosts"),
            host_key=pinned,
            trust_unknown_host=trust,
        )
    return spec
