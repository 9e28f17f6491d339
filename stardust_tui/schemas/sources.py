"""Where schema files come from: DDEX's service or a mirror over HTTP(S), a folder, or a zip.

Every source answers three questions: where is the main file of a :class:`SchemaSet` (:meth:`locate`), what
are a file's bytes (:meth:`get`, checked by :func:`.checks.check_xsd`), and where does an import point
(:meth:`resolve`). Over HTTP the body must be complete (``Content-Length``) and not an HTML page; ``http://``
imports of DDEX's and W3C's hosts are fetched over HTTPS with the certificate verified. In a folder or a zip
an import by absolute URL (``http://ddex.net/xml/avs/avs.xsd``) is looked up by file name, as DDEX's zips
ship the imported files next to the main one.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from abc import ABC, abstractmethod
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree

from stardust_tui.schemas.catalog import SECURE_HOSTS, USER_AGENT, SchemaSet
from stardust_tui.schemas.checks import MAX_FILE_BYTES, SchemaFetchError, check_xsd, declares_element

TIMEOUT_S = 60.0
MAX_TREE_FILES = 5000
_NS_RE = re.compile(rb"""targetNamespace\s*=\s*["']([^"']+)["']""")


class Source(ABC):
    """A place schema files are read from; ``description`` is what the manifest records."""

    description: str
    notes: list[str]

    @abstractmethod
    def locate(self, s: SchemaSet) -> str | None:
        """The location of ``s``'s main file, or None when this source does not have it."""

    @abstractmethod
    def get(self, location: str) -> tuple[bytes, etree._Element]:
        """The file's bytes and parsed ``xs:schema`` root (:class:`SchemaFetchError` when it is not one)."""

    @abstractmethod
    def resolve(self, base: str, ref: str) -> str:
        """The location ``ref`` (a ``schemaLocation`` in the file at ``base``) points at."""

    def display(self, location: str) -> str:
        """A location as the user reads it (a URL, a file path, ``archive.zip!path``)."""
        return location

    def close(self) -> None:  # noqa: B027 - optional
        """Release what the source holds open."""


def secure_url(url: str) -> str:
    """``http://ddex.net/...`` (and W3C) as ``https://``: schemas import by http URLs, we fetch with TLS."""
    parts = urlsplit(url)
    if parts.scheme == "http" and (parts.hostname or "").lower() in SECURE_HOSTS:
        return urlunsplit(("https", parts.netloc, parts.path, parts.query, ""))
    return url


class HttpSource(Source):
    """DDEX's schema service or a mirror: ``base`` is the URL of the folder holding ``ern/43/...``."""

    def __init__(self, base: str, *, timeout: float = TIMEOUT_S) -> None:
        import httpx

        self.base = base if base.endswith("/") else base + "/"
        self.description = self.base
        self.notes = []
        self._cache: dict[str, tuple[bytes, etree._Element]] = {}
        self._client = httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=5,
                                    headers={"User-Agent": USER_AGENT})

    def _download(self, url: str) -> tuple[int, bytes, str | None]:
        import httpx

        try:
            with self._client.stream("GET", url) as resp:
                if resp.status_code != 200:
                    return resp.status_code, b"", None
                declared = resp.headers.get("content-length")
                if declared and declared.isascii() and declared.isdigit() and int(declared) > MAX_FILE_BYTES:
                    raise SchemaFetchError(f"{int(declared):,} bytes: larger than any DDEX schema", where=url)
                chunks, size = [], 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > MAX_FILE_BYTES:
                        raise SchemaFetchError("larger than any DDEX schema; stopped reading", where=url)
                    chunks.append(chunk)
                if (declared and declared.isascii() and declared.isdigit()
                        and resp.num_bytes_downloaded != int(declared)):
                    raise SchemaFetchError(f"truncated: got {resp.num_bytes_downloaded:,} of {int(declared):,} bytes",
                                           where=url)
                return 200, b"".join(chunks), resp.headers.get("content-type")
        except httpx.RemoteProtocolError as exc:
            raise SchemaFetchError(f"truncated: the server closed the connection early ({exc})", where=url) from None
        except httpx.TimeoutException:
            raise SchemaFetchError(f"timed out after {self._client.timeout.read:g} s", where=url) from None
        except httpx.HTTPError as exc:
            raise SchemaFetchError(f"cannot fetch: {exc}", where=url) from None

    def _fetch(self, url: str) -> tuple[bytes, etree._Element] | int:
        """The checked file, or the HTTP status when it is not 200."""
        if url in self._cache:
            return self._cache[url]
        status, data, content_type = self._download(url)
        if status != 200:
            return status
        found = (data, check_xsd(data, url, content_type))
        self._cache[url] = found
        return found

    def locate(self, s: SchemaSet) -> str | None:
        refused: SchemaFetchError | None = None
        for path in s.candidates():
            url = urljoin(self.base, path)
            try:
                got = self._fetch(url)
            except SchemaFetchError as exc:
                refused = refused or exc  # e.g. a "not found" page served with status 200: try the next layout
                continue
            if isinstance(got, int):
                if got in (404, 410):
                    continue
                raise SchemaFetchError(f"HTTP {got}", where=url)
            return url
        if refused is not None:
            raise refused
        return None

    def get(self, location: str) -> tuple[bytes, etree._Element]:
        got = self._fetch(location)
        if isinstance(got, int):
            raise SchemaFetchError(f"HTTP {got}", where=location)
        return got

    def resolve(self, base: str, ref: str) -> str:
        return secure_url(urljoin(base, ref))

    def close(self) -> None:
        self._client.close()


class _TreeSource(Source):
    """A folder or zip: files by relative POSIX path; main files found by layout, else by namespace."""

    names: list[str]

    @abstractmethod
    def _raw(self, name: str) -> bytes: ...

    def _where(self, name: str) -> str:
        return f"{self.description}/{name}"

    def display(self, location: str) -> str:
        return self._where(location)

    def get(self, location: str) -> tuple[bytes, etree._Element]:
        data = self._raw(location)
        return data, check_xsd(data, self._where(location))

    def locate(self, s: SchemaSet) -> str | None:
        for cand in s.candidates():
            if cand in self.names:
                return cand
        found = []
        for name in self.names:
            head = self._raw(name)[:16384]
            match = _NS_RE.search(head)
            if match and match.group(1).decode("utf-8", "replace") == s.namespace:
                try:
                    _, root = self.get(name)
                except SchemaFetchError:
                    continue
                if declares_element(root, s.root_element):
                    found.append(name)
        if not found:
            return None
        found.sort(key=lambda n: (n.count("/"), len(n), n))
        if len(found) > 1:
            self.notes.append(f"{s.label}: took {found[0]}; also found {', '.join(found[1:])}")
        return found[0]

    def resolve(self, base: str, ref: str) -> str:
        if urlsplit(ref).scheme:  # an absolute URL: the file of that name shipped alongside
            name = posixpath.basename(urlsplit(ref).path)
            here = posixpath.join(posixpath.dirname(base), name)
            if here in self.names:
                return here
            anywhere = sorted((n for n in self.names if posixpath.basename(n) == name),
                              key=lambda n: (n.count("/"), n))
            if anywhere:
                return anywhere[0]
            raise SchemaFetchError(f"imports {ref}, which is not in {self.description}", where=self._where(base))
        path = posixpath.normpath(posixpath.join(posixpath.dirname(base), ref))
        if path.startswith("../") or path == ".." or path.startswith("/"):
            raise SchemaFetchError(f"imports {ref}, outside {self.description}", where=self._where(base))
        if path not in self.names:
            raise SchemaFetchError(f"imports {ref}, which is not in {self.description}", where=self._where(base))
        return path


class DirSource(_TreeSource):
    """A folder holding the XSDs (e.g. ``../shared/ddex/xsd`` or an unpacked DDEX zip)."""

    def __init__(self, root: Path) -> None:
        self.root = root.expanduser().resolve()
        self.description = str(self.root)
        self.notes = []
        if not self.root.is_dir():
            raise SchemaFetchError("not a folder", where=str(root))
        self.names = []
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and path.suffix.lower() == ".xsd":
                self.names.append(path.relative_to(self.root).as_posix())
                if len(self.names) > MAX_TREE_FILES:
                    raise SchemaFetchError(f"more than {MAX_TREE_FILES} .xsd files: not a schema folder",
                                           where=str(self.root))

    def _raw(self, name: str) -> bytes:
        path = self.root / name
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise SchemaFetchError("larger than any DDEX schema", where=str(path))
            return path.read_bytes()
        except OSError as exc:
            raise SchemaFetchError(f"cannot read: {exc.strerror or exc}", where=str(path)) from None


class ZipSource(_TreeSource):
    """A zip of XSDs, such as the one each DDEX standard's download page offers."""

    def __init__(self, path: Path) -> None:
        self.path = path.expanduser().resolve()
        self.description = str(self.path)
        self.notes = []
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, EOFError):
            raise SchemaFetchError("not a zip file, or a truncated one", where=str(path)) from None
        except OSError as exc:
            raise SchemaFetchError(f"cannot read: {exc.strerror or exc}", where=str(path)) from None
        self._infos = {i.filename: i for i in self._zip.infolist()
                       if not i.is_dir() and i.filename.lower().endswith(".xsd") and not i.filename.startswith("/")}
        self.names = sorted(self._infos)
        if len(self.names) > MAX_TREE_FILES:
            raise SchemaFetchError(f"more than {MAX_TREE_FILES} .xsd files: not a schema zip", where=str(path))

    def _where(self, name: str) -> str:
        return f"{self.description}!{name}"

    def _raw(self, name: str) -> bytes:
        info = self._infos[name]
        if info.file_size > MAX_FILE_BYTES:
            raise SchemaFetchError("larger than any DDEX schema", where=self._where(name))
        try:
            return self._zip.read(info)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise SchemaFetchError(f"corrupt or truncated zip entry ({exc})", where=self._where(name)) from None

    def close(self) -> None:
        self._zip.close()


def open_source(spec: str | None) -> Source:
    """A source from ``--from``: None (DDEX's service), an http(s) URL, a folder, or a ``.zip`` file."""
    from stardust_tui.schemas.catalog import DEFAULT_SOURCE

    text = DEFAULT_SOURCE if spec is None else spec.strip()
    scheme = urlsplit(text).scheme.lower()
    if scheme in ("http", "https"):
        return HttpSource(text)
    if scheme == "file":
        text = urlsplit(text).path
    elif scheme and len(scheme) > 1:
        raise SchemaFetchError(f"unsupported source {text!r}: an http(s) URL, a folder or a .zip file",
                               where="--from")
    path = Path(text).expanduser()
    shown = text if len(text) <= 80 else f"{text[:60]}… ({len(text)} characters)"
    try:
        if path.is_dir():
            return DirSource(path)
        if path.is_file():
            return ZipSource(path)
    except OSError as exc:  # a name too long for the file system, a folder we may not read
        raise SchemaFetchError(f"cannot read: {exc.strerror or exc}", where=shown) from None
    raise SchemaFetchError("no such folder or zip file", where=shown)
