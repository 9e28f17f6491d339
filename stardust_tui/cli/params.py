"""Click parameter types built from domain/limits.py and domain/validation.py: the CLI's edge.

Every option and argument is typed here so a bad value stops before anything is opened or written, with
one line naming the option and the limit (``error: --offset: 99999999999999999999 is out of range (0 to
2147483647)``, exit 2). The numbers and vocabularies are the domain's own, shared with the TUI, the
importers and the store, never restated. Each type keeps what it accepts as attributes (``limit``,
``span``, ``choices``...) so the fuzz test can generate values at and beyond them from the declaration.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import click

from stardust_tui.domain import limits as L
from stardust_tui.domain import validation as v


class Text(click.ParamType):
    """Text of at most ``limit`` characters, without control characters; ``nonempty`` refuses ``''``."""

    name = "text"

    def __init__(self, limit: int, *, nonempty: bool = False) -> None:
        self.limit = limit
        self.nonempty = nonempty

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        problem = v.text_problem(value, self.limit, required=self.nonempty)
        if problem:
            self.fail(problem, param, ctx)
        return value


class Number(click.ParamType):
    """A whole or decimal number inside a domain :class:`~stardust_tui.domain.limits.Span`; NaN and
    infinities are refused (click's FloatRange lets NaN through)."""

    def __init__(self, span: L.Span, *, integer: bool = True) -> None:
        self.span = span
        self.integer = integer
        self.name = "integer" if integer else "number"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            number: int | float = value
        else:
            text = str(value).strip()
            try:
                number = int(text) if self.integer else float(text)
            except ValueError:
                shown = repr(text) if len(text) <= 40 else f"{text[:20]!r}… ({len(text)} characters)"
                self.fail(f"{shown} is not a {'whole ' if self.integer else ''}number "
                          f"({self.span.describe()})", param, ctx)
        problem = v.number_problem(number, self.span, integer=self.integer)
        if problem:
            self.fail(problem, param, ctx)
        return number

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "N" if self.integer else "X"


class Day(click.ParamType):
    """A date as YYYY-MM-DD within the catalog's dates (:data:`limits.DATES`); like
    ``click.DateTime(formats=["%Y-%m-%d"])`` it gives a naive ``datetime`` at midnight."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            day = value
        else:
            text = str(value).strip()
            try:
                parsed = date.fromisoformat(text) if len(text) == 10 else None
            except ValueError:
                parsed = None
            if parsed is None:
                shown = repr(text) if len(text) <= 40 else f"{text[:20]!r}…"
                self.fail(f"{shown} is not a date as YYYY-MM-DD", param, ctx)
            day = parsed
        problem = v.date_problem(day)
        if problem:
            self.fail(problem, param, ctx)
        return datetime.combine(day, time())

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "YYYY-MM-DD"


class Vocabulary(click.ParamType):
    """One value of a closed vocabulary (a DDEX allowed-value set, a catalog enum). Case is forgiven
    (``subscriptionmodel`` -> ``SubscriptionModel``); a miss names the closest allowed values. With
    ``user_defined``, an explicit ``UserDefined:<value>`` is taken too (DDEX lets a sender define one)."""

    def __init__(self, choices: Iterable[str], what: str, metavar: str, *, user_defined: bool = False) -> None:
        self.choices = tuple(sorted(choices))
        self.what = what
        self.name = metavar.lower()
        self.metavar = metavar
        self.user_defined = user_defined

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value)
        if text in self.choices:
            return text
        canonical = v.canonical_choice(text.strip(), self.choices) if len(text) <= 200 else None
        if canonical is not None:
            return canonical
        if self.user_defined:
            problem = v.vocabulary_problem(text, self.choices, self.what)
            if problem is None:
                return text
        else:
            problem = v.choice_problem(text, self.choices, self.what)
        self.fail(problem or "not allowed", param, ctx)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return self.metavar

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(c) for c in self.choices if c.lower().startswith(incomplete.lower())]


class Territory(click.ParamType):
    """An ISO 3166-1 alpha-2 code or ``Worldwide`` (``gb`` -> ``GB``, ``worldwide`` -> ``Worldwide``)."""

    name = "territory"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value).strip()
        code = "Worldwide" if text.lower() == "worldwide" else text.upper() if len(text) == 2 else text
        problem = v.territory_problem(code)
        if problem:
            self.fail(problem, param, ctx)
        return code


class Language(click.ParamType):
    """An ISO 639 / BCP-47 language tag as stored (at most 8 characters); ``''`` clears the field."""

    name = "language"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value)
        problem = v.language_problem(text) if text else None
        if problem:
            self.fail(problem, param, ctx)
        return text


class Encoding(click.ParamType):
    """A text encoding Python knows (``utf-8``, ``cp1252``, ``latin-1``...)."""

    name = "encoding"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value).strip()
        try:
            if not text or len(text) > 64:
                raise LookupError(text)
            codecs.lookup(text)
        except (LookupError, ValueError):
            shown = repr(text) if len(text) <= 40 else f"{text[:20]!r}…"
            self.fail(f"{shown} is not a text encoding (e.g. utf-8, cp1252, latin-1)", param, ctx)
        return text


class Ref(click.ParamType):
    """A release (or asset) reference: a row id within :data:`limits.ID` (the store reads up to
    ``id_digits`` digits as an id), or an identifier as text (UPC/EAN, SHA-256 prefix) of at most
    ``limit`` characters. Returned unchanged as a string."""

    def __init__(self, what: str, limit: int, id_digits: int) -> None:
        self.what = what
        self.limit = limit
        self.id_digits = id_digits
        self.name = what

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value)
        stripped = text.strip()
        if stripped.isascii() and stripped.isdigit() and len(stripped) <= self.id_digits:
            problem = v.number_problem(int(stripped), L.ID, integer=True)
            if problem:
                self.fail(f"{self.what} id {problem}", param, ctx)
            return text
        problem = v.text_problem(text, self.limit, required=True)
        if problem:
            self.fail(problem, param, ctx)
        return text

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "ID|UPC" if self.what == "release" else "ID|SHA"


def _shown(path: str) -> str:
    return path if len(path) <= 200 else f"{path[:100]}…({len(path)} characters)"


def _os_problem(exc: OSError) -> str:
    """``no such file``, ``permission denied``... in the words of the other messages."""
    if exc.errno == errno.ENOENT:
        return "no such file"
    return (exc.strerror or "cannot be read").lower()


def _path_problem(path: str) -> str | None:
    """Text that cannot name a file: empty, control characters, longer than the system allows."""
    if not path:
        return "empty path"
    if "\x00" in path:
        return "contains a NUL character"
    try:
        limit = os.pathconf("/", "PC_PATH_MAX")
    except (OSError, ValueError):
        limit = 4096
    if len(os.fsencode(path)) >= limit:
        return f"path too long ({len(os.fsencode(path))} bytes, at most {limit - 1})"
    return None


class InputFile(click.ParamType):
    """An existing, readable regular file (``-`` for standard input when ``stdin_ok``). Devices, FIFOs
    and directories are refused: reading /dev/zero or a FIFO would never end. Gives ``path_type``."""

    name = "file"

    def __init__(self, *, stdin_ok: bool = False, path_type: type = str) -> None:
        self.stdin_ok = stdin_ok
        self.path_type = path_type

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = os.fspath(value)
        if self.stdin_ok and text == "-":
            return self.path_type(text)
        problem = _path_problem(text)
        if problem is None:
            try:
                st = os.stat(text)
            except OSError as exc:
                problem = f"{_shown(text)}: {_os_problem(exc)}"
            else:
                if stat.S_ISDIR(st.st_mode):
                    problem = f"{_shown(text)} is a directory, not a file"
                elif not stat.S_ISREG(st.st_mode):
                    problem = f"{_shown(text)} is not a regular file (a device, FIFO or socket)"
                elif not os.access(text, os.R_OK):
                    problem = f"{_shown(text)}: permission denied"
        if problem:
            self.fail(problem, param, ctx)
        return self.path_type(text)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "FILE"


class FileOrDirectory(click.ParamType):
    """An existing regular file or directory (a device or FIFO could be read forever)."""

    name = "path"

    def __init__(self, *, path_type: type = str) -> None:
        self.path_type = path_type

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = os.fspath(value)
        problem = _path_problem(text)
        if problem is None:
            try:
                mode = os.stat(text).st_mode
            except OSError as exc:
                problem = f"{_shown(text)}: {_os_problem(exc)}"
            else:
                if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                    problem = f"{_shown(text)} is neither a file nor a directory (a device, FIFO or socket)"
        if problem:
            self.fail(problem, param, ctx)
        return self.path_type(text)


class Directory(click.ParamType):
    """A directory. ``must_exist``: it exists; else it may be created, but its parent must exist (no
    silent ``mkdir -p`` of a mistyped path) and it must not be a file. Gives ``path_type``."""

    name = "directory"

    def __init__(self, *, must_exist: bool = True, path_type: type = str) -> None:
        self.must_exist = must_exist
        self.path_type = path_type

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = os.fspath(value)
        problem = _path_problem(text)
        path = Path(text).expanduser()
        if problem is None:
            if path.is_dir():
                return self.path_type(text)
            if path.exists():
                problem = f"{_shown(text)} is not a directory"
            elif self.must_exist:
                problem = f"{_shown(text)}: no such directory"
            elif not path.absolute().parent.is_dir():
                problem = f"{_shown(str(path.absolute().parent))}: no such directory"
        if problem:
            self.fail(problem, param, ctx)
        return self.path_type(text)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "DIR"


class OutputFile(click.ParamType):
    """A file to write: its directory must exist (no silent ``mkdir -p``) and it must not be a directory
    or a device. The file itself is written by the command (temporary name + rename). Gives ``path_type``."""

    name = "file"

    def __init__(self, *, path_type: type = str) -> None:
        self.path_type = path_type

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = os.fspath(value)
        problem = _path_problem(text)
        path = Path(text).expanduser()
        if problem is None:
            parent = path.absolute().parent
            if path.is_dir():
                problem = f"{_shown(text)} is a directory, not a file"
            elif path.exists() and not path.is_file():
                problem = f"{_shown(text)} is not a regular file"
            elif not parent.is_dir():
                problem = f"{_shown(str(parent))}: no such directory"
            elif not os.access(parent, os.W_OK | os.X_OK):
                problem = f"{_shown(str(parent))}: permission denied"
        if problem:
            self.fail(problem, param, ctx)
        return self.path_type(text)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "FILE"


class ExportOutput(OutputFile):
    """``OUT`` of ``stardust export``: a file to write, or an existing folder for a format that writes into
    one (a plugin's package format, issue 16); the command checks which one its format needs."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = os.fspath(value)
        path = Path(text).expanduser()
        if _path_problem(text) is None and path.is_dir():
            if not os.access(path, os.W_OK | os.X_OK):
                self.fail(f"{_shown(text)}: permission denied", param, ctx)
            return self.path_type(text)
        return super().convert(value, param, ctx)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "OUT"


class FormatChoice(click.Choice):
    """A catalog format: a built-in one, or a plugin's (``stardust.importers``/``stardust.exporters``, issue 16),
    looked for only when the value is not built in."""

    def __init__(self, builtin: list[str], direction: str) -> None:
        super().__init__(builtin)
        self.direction = direction

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value in self.choices:
            return value
        from stardust_tui import plugin_points

        plugins = plugin_points.importers() if self.direction == "import" else plugin_points.exporters()
        if isinstance(value, str) and value in plugins:
            return value
        known = ", ".join([*map(str, self.choices), *plugins])
        self.fail(f"{_shown(str(value))} is not a format ({known})", param, ctx)


# Ready-made types for the options many commands share.
RELEASE_REF = Ref("release", 32, id_digits=10)
ASSET_REF = Ref("asset", 64, id_digits=11)
NAME = Text(L.TARGET["name"], nonempty=True)
"""A target or profile name."""
PAGE_SIZE = Number(L.PAGE_SIZE)
OFFSET = Number(L.OFFSET)
ID = Number(L.ID)
DAY = Day()
