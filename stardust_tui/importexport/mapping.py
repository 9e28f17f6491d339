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
    month_first = false          # 01/02/2024 is 1 February (true: 2 January)
    encoding = "utf-8"           # any Python codec name: cp1252, latin-1, utf-16...
    delimiter = ","              # guessed from the header line when absent

Columns that the file does not map are guessed from their header; columns neither mapped nor guessed are
reported as ignored.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stardust_tui.errors import ValidationError
from stardust_tui.importexport.fields import BY_NAME, guess_field, normalize_header


@dataclass
class Mapping:
    """How to read a file: explicit column names, defaults and reading options."""

    columns: dict[str, str] = field(default_factory=dict)  # header -> field ("" = ignore)
    defaults: dict[str, str] = field(default_factory=dict)
    month_first: bool = False
    encoding: str | None = None
    delimiter: str | None = None
    source: str | None = None  # the mapping file, for messages

    def to_toml(self) -> str:
        """The mapping as a TOML file (the TUI's mapping step saves it with this)."""
        def q(s: str) -> str:
            return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

        lines = ["[columns]"] + [f"{q(k)} = {q(v)}" for k, v in self.columns.items()]
        if self.defaults:
            lines += ["", "[defaults]"] + [f"{k} = {q(v)}" for k, v in self.defaults.items()]
        lines += ["", "[options]", f"month_first = {'true' if self.month_first else 'false'}"]
        if self.encoding:
            lines.append(f"encoding = {q(self.encoding)}")
        if self.delimiter:
            lines.append(f"delimiter = {q(self.delimiter)}")
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class ColumnPlan:
    """The resolved mapping of one file's header: which column index feeds which field."""

    fields: list[tuple[int, str]]  # (column index, field name), in column order
    ignored: list[str]  # headers that feed nothing
    guessed: dict[str, str]  # header -> field, for the ones that were guessed (shown in previews)

    @property
    def field_names(self) -> set[str]:
        return {f for _, f in self.fields}


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
        elif key in ("encoding", "delimiter") and isinstance(value, str) and value:
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


def plan_columns(headers: list[str], mapping: Mapping | None = None) -> ColumnPlan:
    """Resolve a header row with the explicit mapping first, then automatic guesses.

    A field fed by two columns keeps the first and reports the second as ignored.
    """
    mapping = mapping or Mapping()
    explicit = {normalize_header(k): v for k, v in mapping.columns.items()}
    fields: list[tuple[int, str]] = []
    ignored: list[str] = []
    guessed: dict[str, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        key = normalize_header(header)
        if key in explicit:
            name = explicit[key]
        else:
            name = guess_field(header) or ""
            if name and name not in taken:
                guessed[header] = name
        if not name or name in taken:
            ignored.append(header)
            continue
        taken.add(name)
        fields.append((index, name))
    return ColumnPlan(fields=fields, ignored=ignored, guessed=guessed)


def guess_mapping(headers: list[str]) -> Mapping:
    """A mapping that writes down the automatic guesses (a starting point the user can edit)."""
    plan = plan_columns(headers)
    columns = {headers[i]: name for i, name in plan.fields}
    columns.update({h: "" for h in plan.ignored})
    return Mapping(columns=columns)
