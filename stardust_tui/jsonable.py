"""Service results as plain JSON values, the same for every front end (``--json`` output and the HTTP API).

Service results are dataclasses, SQLModel/pydantic rows, NamedTuples, dicts and lists of them; dates and
times become ISO 8601, paths text, enums their values, bytes UTF-8 text.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from enum import Enum
from pathlib import PurePath
from typing import Any

_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data (dict, list, str, int, float, bool, None)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, tuple) and hasattr(value, "_asdict"):  # a NamedTuple result
        return jsonable(value._asdict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES.get(type(value))
        if names is None:  # dataclasses.fields() per object was a third of a 50-row API page's cost
            names = _FIELD_NAMES[type(value)] = tuple(f.name for f in dataclasses.fields(value))
        return {name: jsonable(getattr(value, name)) for name in names}
    if hasattr(value, "model_dump"):  # SQLModel / pydantic
        return jsonable(value.model_dump())
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return str(value)
