"""Loading plugins: each entry point imported once, its API version checked, failures reported once.

:func:`host` is the process's :class:`PluginHost`; the CLI sets its policy with :func:`configure` (the
``[plugins] disabled`` names of the config file, the global ``--no-plugins``, where warnings go). Nothing is
looked for until something asks for a group (:meth:`PluginHost.loaded`), so commands that need no plugin
never pay for discovery (:mod:`stardust_tui.plugin_scan`).

Each distribution is judged once: a module that raises on import (anything but ``KeyboardInterrupt``) or a
``PLUGIN_API`` other than :data:`stardust_tui.plugin.PLUGIN_API` takes the whole plugin out, with ONE
warning line (``plugin stardust-x 1.0 failed to load (...); skipped``) sent to the reporter and kept in
:attr:`PluginHost.problems`; a bad single entry (missing attribute, wrong kind of object) takes out only that
entry, also with one line. Everything else keeps working. Group-specific checks and adapters live in
:mod:`stardust_tui.plugin_points`.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from stardust_tui.plugin import GROUPS, PLUGIN_API
from stardust_tui.plugin_scan import Distribution, EntryPoint, normalize, scan

ENV_OFF = "STARDUST_NO_PLUGINS"
"""Set (to anything but "" or "0") to start with plugins off, like ``stardust --no-plugins``."""

Reporter = Callable[[str], None]
Names = Iterable[str] | Callable[[], Iterable[str]]


@dataclass
class Loaded:
    """One entry point and what became of it: ``status`` ok, disabled, off, refused or failed."""

    plugin: str
    version: str
    group: str
    name: str
    value: str
    status: str
    detail: str = ""
    obj: Any = field(default=None, repr=False)


@dataclass
class PluginInfo:
    """One plugin (distribution) for ``stardust plugin list``."""

    name: str
    version: str
    path: str
    groups: dict[str, list[str]]
    status: str
    detail: str = ""


class PluginHost:
    """The plugins of one process under one policy (thread-safe; each entry point imported once)."""

    def __init__(self, *, disabled: Names = (), off: bool = False, entries: Iterable[str] | None = None,
                 report: Reporter | None = None) -> None:
        self.off = off
        self._disabled_source = disabled
        self._entries = list(entries) if entries is not None else None
        self._report = report
        self._lock = threading.RLock()
        self._dists: list[Distribution] | None = None
        self._disabled: set[str] | None = None
        self._verdict: dict[str, tuple[str, str] | None] = {}  # dist key -> (status, detail) when it is out
        self._loaded: dict[tuple[str, str, str], Loaded] = {}
        self.problems: list[str] = []
        self.cache: dict[str, Any] = {}
        """What :mod:`stardust_tui.plugin_points` built from the loaded objects, by group."""

    # -- discovery -----------------------------------------------------------------------------------------
    def distributions(self) -> list[Distribution]:
        with self._lock:
            if self._dists is None:
                self._dists = scan(self._entries)
            return self._dists

    @property
    def disabled(self) -> set[str]:
        """The normalized names of plugins turned off by ``[plugins] disabled``."""
        with self._lock:
            if self._disabled is None:
                source = self._disabled_source
                names = source() if callable(source) else source
                self._disabled = {normalize(n) for n in names}
            return self._disabled

    # -- loading ---------------------------------------------------------------------------------------------
    def loaded(self, group: str) -> list[Loaded]:
        """Every entry point of ``group`` and its outcome (imported on the first call)."""
        if group not in GROUPS:
            raise ValueError(f"unknown plugin group {group!r}")
        with self._lock:
            return [self._load(d, ep) for d in self.distributions() for ep in d.entry_points if ep.group == group]

    def objects(self, group: str) -> list[Loaded]:
        """The entry points of ``group`` that loaded (``.obj`` is the object)."""
        return [item for item in self.loaded(group) if item.status == "ok"]

    def problem(self, line: str) -> None:
        """Record one warning line (and pass it to the reporter), once."""
        with self._lock:
            if line in self.problems:
                return
            self.problems.append(line)
        if self._report is not None:
            self._report(line)

    def reject(self, item: Loaded, detail: str) -> None:
        """A group check refused a loaded object (wrong kind, clashing name): that entry is out, one line."""
        if item.status == "ok":
            item.status, item.detail, item.obj = "failed", detail, None
            self.problem(f"plugin {item.plugin} {item.version}: {item.group} {item.name!r} {detail}; skipped")

    def _load(self, dist: Distribution, ep: EntryPoint) -> Loaded:
        key = (dist.key, ep.group, ep.name)
        found = self._loaded.get(key)
        if found is None:
            found = self._loaded[key] = self._import(dist, ep)
        return found

    def _import(self, dist: Distribution, ep: EntryPoint) -> Loaded:
        item = Loaded(dist.name, dist.version, ep.group, ep.name, ep.value, "ok")
        if self.off:
            item.status, item.detail = "off", "--no-plugins"
            return item
        if dist.key in self.disabled:
            item.status, item.detail = "disabled", "[plugins] disabled in config.toml"
            return item
        verdict = self._verdict.get(dist.key)
        if verdict is not None:
            item.status, item.detail = verdict
            return item
        try:
            module = importlib.import_module(ep.module)
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - a plugin's import error is reported, not raised
            return self._out(dist, item, "failed", f"{ep.group} {ep.name!r} ({ep.value}): {_one_line(exc)}",
                             f"failed to load ({ep.group} {ep.name!r}: {_one_line(exc)})")
        api = _declared_api(module)
        if api != PLUGIN_API:
            said = "declares no PLUGIN_API" if api is None else f"is written for plugin API {api!r}"
            return self._out(dist, item, "refused", f"{said}; this Stardust speaks API {PLUGIN_API}",
                             f"{said}, this Stardust speaks API {PLUGIN_API}")
        obj: Any = module
        try:
            for part in filter(None, ep.attr.split(".")):
                obj = getattr(obj, part)
        except AttributeError:
            item.status, item.detail = "failed", f"{ep.value}: no such attribute"
            self.problem(f"plugin {dist.name} {dist.version}: {ep.group} {ep.name!r} names {ep.value}, "
                         "which does not exist; skipped")
            return item
        item.obj = obj
        return item

    def _out(self, dist: Distribution, item: Loaded, status: str, detail: str, line: str) -> Loaded:
        self._verdict[dist.key] = (status, detail)
        item.status, item.detail = status, detail
        self.problem(f"plugin {dist.name} {dist.version} {line}; skipped")
        return item

    # -- reporting -------------------------------------------------------------------------------------------
    def plugins(self) -> list[PluginInfo]:
        """Every plugin found, each entry point loaded, for ``stardust plugin list``."""
        out = []
        for dist in self.distributions():
            groups: dict[str, list[str]] = {}
            worst = None
            for group in GROUPS:
                for item in self.loaded(group):
                    if normalize(item.plugin) != dist.key:
                        continue
                    groups.setdefault(group, []).append(item.name)
                    if item.status != "ok" and worst is None:
                        worst = item
            unknown = sorted({ep.group for ep in dist.entry_points} - set(GROUPS))
            status, detail = (worst.status, worst.detail) if worst is not None else ("ok", "")
            if status == "ok" and unknown:
                detail = f"unknown group(s) ignored: {', '.join(unknown)}"
            out.append(PluginInfo(dist.name, dist.version, str(dist.path), groups, status, detail))
        return out

    def unknown_disabled(self) -> list[str]:
        """Names in ``[plugins] disabled`` that match no installed plugin (a typo?)."""
        installed = {d.key for d in self.distributions()}
        return sorted(n for n in self.disabled if n not in installed)


def _declared_api(module: Any) -> Any:
    api = getattr(module, "PLUGIN_API", None)
    if api is None and "." in module.__name__:
        top = sys.modules.get(module.__name__.split(".")[0])
        api = getattr(top, "PLUGIN_API", None)
    return api


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or "(no message)"
    return f"{type(exc).__name__}: {text[:300]}"


# --- the process's host ---------------------------------------------------------------------------------------

_lock = threading.Lock()
_host: PluginHost | None = None
_policy: dict[str, Any] = {}


def configure(*, disabled: Names = (), off: bool | None = None, report: Reporter | None = None,
              entries: Iterable[str] | None = None) -> None:
    """Set the process's policy (the CLI does, per invocation); the next :func:`host` call starts afresh."""
    global _host
    with _lock:
        _policy.clear()
        _policy.update(disabled=disabled, off=off, report=report, entries=entries)
        _host = None


def reset() -> None:
    """Forget the policy and everything loaded (tests)."""
    configure()


def off_by_environment() -> bool:
    return os.environ.get(ENV_OFF, "") not in ("", "0")


def host() -> PluginHost:
    """The process's plugin host (made on first use with the configured policy)."""
    global _host
    with _lock:
        if _host is None:
            off = _policy.get("off")
            _host = PluginHost(disabled=_policy.get("disabled", ()),
                               off=off_by_environment() if off is None else off,
                               entries=_policy.get("entries"), report=_policy.get("report"))
        return _host
