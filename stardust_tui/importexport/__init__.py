"""Catalog import and export, bulk audio import, the hot folder, backup and restore.

Core API (no Textual; the CLI, the worker and the TUI's import screen call these; front ends can use
:mod:`stardust_tui.importexport.api`, which gathers the import side in one place):

- :func:`stardust_tui.importexport.api.preview_source` — CSV/JSON/DDEX: format, headers, column plan, rows.
- :func:`stardust_tui.importexport.csv_import.preview` — headers, guessed column plan, first rows.
- :func:`stardust_tui.importexport.mapping.plan_columns` / ``guess_mapping`` / ``load_mapping``.
- :func:`stardust_tui.importexport.importer.run_import` (``ImportOptions``, progress callback) → ``ImportReport``.
- :func:`stardust_tui.importexport.export.export_catalog` — streamed JSON/CSV export.
- :func:`stardust_tui.importexport.audio_import.import_audio_dir`.
- :class:`stardust_tui.importexport.hotfolder.HotFolder` (``process_once``, ``watch``) and
  :func:`~stardust_tui.importexport.hotfolder.run_watch_dirs` (worker daemon, ``settings.watch_dirs``).
- :func:`stardust_tui.importexport.backup.create_backup` / ``run_scheduled_backup``;
  :func:`stardust_tui.importexport.restore.restore_backup`.
"""
