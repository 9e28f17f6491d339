"""Alembic migration scripts for the Stardust schema (run through ``stardust_tui.store.migrate``)."""
