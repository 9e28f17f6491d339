"""Catalog import and export, bulk audio import, the hot folder, backup and restore.

Core API (no Textual; the CLI, the worker and the TUI's import screen call these; front ends can use
:mod:`stardust_tui.importexport.api`, which gathers the import side in one place):

- :func:`stardust_tui.importexport.api.preview_source` — CSV/Excel/JSON/DDEX: format, headers, the column
  plan (field, level, reason per column), first rows and their values as stored, decisions, the mapping.
- :func:`stardust_tui.importexport.mapping.plan_columns` / ``guess_mapping`` / ``load_mapping`` / ``save_mapping``.

How a file is read: :mod:`.encoding` (which encoding), :mod:`.tables` (header row, Excel sheets),
:mod:`.headers` (what a header means), :mod:`.guess` (columns planned from headers and values: levels, date
order...), :mod:`.cells` (the one table of cell parsers, over :mod:`.values`), :mod:`.records` and
:mod:`.grouping` (rows → release drafts), :mod:`.bulk` / :mod:`.matching` (drafts → the catalog).
- :func:`stardust_tui.importexport.importer.run_import` (``ImportOptions``, progress callback) → ``ImportReport``.
- :func:`stardust_tui.importexport.export.export_catalog` — streamed JSON/CSV export.
- :func:`stardust_tui.importexport.audio_import.import_audio_dir`.
- :class:`stardust_tui.importexport.hotfolder.HotFolder` (``process_once``, ``watch``) and
  :func:`~stardust_tui.importexport.hotfolder.run_watch_dirs` (worker daemon, ``settings.watch_dirs``).
- :func:`stardust_tui.importexport.backup.create_backup` / ``run_scheduled_backup``;
  :func:`stardust_tui.importexport.restore.restore_backup`.
"""
