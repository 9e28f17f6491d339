"""Moved to :mod:`stardust_tui.importexport.ern_ingest` (ingest writes the catalog, so it is not part of ern/).

A temporary re-export for callers not yet switched; it goes once nothing imports it.
"""

from stardust_tui.importexport.ern_ingest import ImportResult, import_message

__all__ = ["ImportResult", "import_message"]
