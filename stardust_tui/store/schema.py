"""Imports every table module so ``SQLModel.metadata`` knows the whole schema (for Alembic and tests)."""

from sqlmodel import SQLModel

import stardust_tui.domain.models  # noqa: F401


def load_all_models() -> type[SQLModel]:
    """Import optional table modules added by other parts (delivery, import) if present."""
    import importlib

    for name in ("stardust_tui.domain.delivery_models", "stardust_tui.domain.import_models",
                 "stardust_tui.domain.qc_models", "stardust_tui.domain.api_models",
                 "stardust_tui.domain.access_models", "stardust_tui.domain.notify_models",
                 "stardust_tui.domain.store_models"):  # multihost (issue 12): asset store credentials
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return SQLModel
