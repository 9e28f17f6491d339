"""The store's last line against bad input: validate what a save would write, nothing else.

:func:`validate_for_save` runs :func:`stardust_tui.domain.release_validation.validate_release` on a
release before it is flushed, judging only new objects and the attributes changed since they were
loaded (SQLAlchemy's attribute history), and never loading a relationship just to look at it (a
collection that was never loaded holds no new input).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
from sqlalchemy.exc import NoInspectionAvailable

from stardust_tui.domain.release_validation import validate_release


def _state(obj: Any) -> Any:
    try:
        return inspect(obj)
    except NoInspectionAvailable:
        return None


def changed(obj: Any, field: str) -> bool:
    """True for a new (transient/pending) object, or a field whose value differs from the loaded one."""
    state = _state(obj)
    if state is None or state.transient or state.pending:
        return True
    attr = state.attrs.get(field)
    return attr is None or bool(attr.history.has_changes())


def related(obj: Any, name: str) -> Any:
    """A relationship's value when it is loaded (or the object is new); None when never loaded."""
    state = _state(obj)
    if state is not None and not (state.transient or state.pending) and name in state.unloaded:
        return None
    return getattr(obj, name, None)


def validate_for_save(release: Any) -> None:
    """Raise ``ValidationError`` for the first new or changed value of ``release`` the catalog refuses."""
    validate_release(release, changed, related)
