"""Column → field mappings: the automatic guess and the mapping file (TOML).

A mapping file looks like this (every table is optional)::

    [columns]                    # header in the file = field name (see `stardust import --fields`)
    "Product UPC" = "upc"
    "Song Name" = "track_title"
    "Internal ID" = ""           # an empty field name ignores the column

    [defaults]                   # values for fields that have no column (or an empty cell)
    label = "Moonlight Records"
    release_type = "single"

    [options]
    month_first = false          # 01/02/2024 is 1 February (true: 2 January); decided from the file when absent
    encoding = "utf-8"           # any Python codec name: cp1252, latin-1, utf-16...; detected when absent
    delimiter = ","              # guessed from the header line when absent
    sheet = "Tracks"             # Excel: the sheet to read (default: the first one with a header row)

Columns that the file does not map are planned from their header and values
(:mod:`~stardust_tui.importexport.guess`); columns neither mapped nor guessed are reported as ignored.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stardust_tui.errors import ValidationError
from stardust_tui.importexport.fields import BY_NAME
from stardust_tui.importexport.guess import ColumnGuess, Decisions, plan_source


@dataclass
class Mapping:
    """How to read a file: explicit column names, defaults and reading options."""

    columns: dict[str, str] = field(default_factory=dict)  # header -> field ("" = ignore)
    defaults: dict[str, str] = field(default_factory=dict)
    month_first: bool | None = None  # None: decided from the file
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    source: str | None = None  # the mapping file, for messages

    def to_toml(self) -> str:
        """The mapping as a TOML file (the TUI's mapping step saves it with this)."""
        lines = ["[columns]"] + [f"{_q(k)} = {_q(v)}" for k, v in self.columns.items()]
        if self.defaults:
            lines += ["", "[defaults]"] + [f"{k} = {_q(v)}" for k, v in self.defaults.items()]
        options = []
        if self.month_first is not None:
            options.append(f"month_first = {'true' if self.month_first else 'false'}")
        for key in ("encoding", "delimiter", "sheet"):
            if getattr(self, key):
                options.append(f"{key} = {_q(getattr(self, key))}")
        if options:
            lines += ["", "[options]", *options]
        return "\n".join(lines) + "\n"


def _q(s: str) -> str:
    out = s.replace("\\", "\\\\").replace('"', '\\"')
    for ch, esc in (("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        out = out.replace(ch, esc)
    return '"' + "".join(c if c >= " " or c in "\\" else f"\\u{ord(c):04x}" for c in out) + '"'


def save_mapping(mapping: Mapping, path: str | Path) -> Path:
    """Write ``mapping.to_toml()`` to ``path`` atomically (temp name + rename)."""
    p = Path(path)
    tmp = p.with_name(f".{p.name}.tmp")
    try:
        tmp.write_text(mapping.to_toml(), encoding="utf-8")
        os.replace(tmp, p)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ValidationError(f"cannot write the mapping: {exc.strerror}", where=str(p)) from None
    return p


@dataclass(frozen=True)
class ColumnPlan:
    """The resolved mapping of one file's header: which column index feeds which field, and how."""

    fields: list[tuple[int, str]]  # (column index, field name), in column order, one column per field
    ignored: list[str]  # headers that feed nothing
    guessed: dict[str, str]  # header -> field, for the ones that were guessed (shown in previews)
    columns: list[ColumnGuess] = field(default_factory=list)  # every column, with the reason
    extras: list[tuple[int, str]] = field(default_factory=list)  # second columns of a field (joined/fallback)
    month_first: bool = False
    notes: list[str] = field(default_factory=list)  # decisions, one line each
    date_order_known: bool = False  # month_first was decided by the file or the user (not the default)

    @property
    def field_names(self) -> set[str]:
        return {f for _, f in self.fields}

    def parsers(self) -> dict[int, object]:
        """Cell parsers of the columns read differently from their field's kind (ms, surname first)."""
        from stardust_tui.importexport.guess import column_parser

        return {c.index: column_parser(c, self.month_first) for c in self.columns
                if c.field and (c.kind or c.options)}


def load_mapping(path: str | Path) -> Mapping:
    """Read a mapping TOML file; unknown field names and bad option types are errors naming the key."""
    p = Path(path)
    try:
        data: dict[str, Any] = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationError("mapping file not found", where=str(p)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(f"invalid TOML: {exc}", where=str(p)) from None
    unknown = set(data) - {"columns", "defaults", "options"}
    if unknown:
        raise ValidationError(f"unknown table(s) {sorted(unknown)}; expected columns, defaults, options",
                              where=str(p))
    mapping = Mapping(source=str(p))
    for header, name in _table(data, "columns", p).items():
        if not isinstance(name, str) or (name and name not in BY_NAME):
            raise ValidationError(f"[columns] {header!r}: unknown field {name!r}", where=str(p))
        mapping.columns[str(header)] = name
    for name, value in _table(data, "defaults", p).items():
        if name not in BY_NAME:
            raise ValidationError(f"[defaults] unknown field {name!r}", where=str(p))
        mapping.defaults[name] = value if isinstance(value, str) else str(value)
    options = _table(data, "options", p)
    for key, value in options.items():
        if key == "month_first" and isinstance(value, bool):
            mapping.month_first = value
        elif key in ("encoding", "delimiter", "sheet") and isinstance(value, str) and value:
            if key == "delimiter" and len(value) != 1:
                raise ValidationError("[options] delimiter must be one character", where=str(p))
            setattr(mapping, key, value)
        else:
            raise ValidationError(f"[options] {key}: unknown option or wrong type", where=str(p))
    return mapping


def _table(data: dict[str, Any], name: str, p: Path) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ValidationError(f"[{name}] must be a table", where=str(p))
    return value


def plan_columns(headers: Sequence[str], mapping: Mapping | None = None,
                 rows: Sequence[Sequence[str]] = ()) -> ColumnPlan:
    """Resolve a header row: the explicit mapping first, then the header's meaning and the sample
    ``rows``' values (see :mod:`~stardust_tui.importexport.guess`)."""
    mapping = mapping or Mapping()
    cols, decisions = plan_source(list(headers), rows, explicit=mapping.columns, month_first=mapping.month_first)
    return _plan(cols, decisions)


def _plan(cols: list[ColumnGuess], decisions: Decisions) -> ColumnPlan:
    fields = [(c.index, c.field) for c in cols if c.field and c.role == "main"]
    extras = [(c.index, c.field) for c in cols if c.field and c.role == "extra"]
    ignored = [c.header for c in cols if not c.field]
    guessed = {c.header: c.field for c in cols if c.field and c.origin in ("header", "values")}
    return ColumnPlan(fields, ignored, guessed, cols, extras, decisions.month_first, decisions.notes,
                      decisions.date_order_known)


def guess_mapping(headers: Sequence[str], rows: Sequence[Sequence[str]] = (), mapping: Mapping | None = None
                  ) -> Mapping:
    """A mapping that writes down the plan (explicit + guessed; a starting point the user can edit)."""
    base = mapping or Mapping()
    plan = plan_columns(headers, base, rows)
    columns = {c.header: c.field for c in plan.columns}
    return Mapping(columns=columns, defaults=dict(base.defaults),
                   month_first=plan.month_first if plan.date_order_known else None,
                   encoding=base.encoding, delimiter=base.delimiter, sheet=base.sheet)
