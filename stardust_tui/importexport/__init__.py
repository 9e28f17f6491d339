"""Catalog import and export, bulk audio import, the hot folder, backup and restore.

Core API (no Textual; the CLI, the worker and the TUI's import screen call these):

- :func:`stardust_tui.importexport.csv_import.preview` — headers, guessed column plan, first rows.
- :func:`stardust_tui.importexport.mapping.plan_columns` / ``guess_mapping`` / ``load_mapping``.
- :func:`stardust_tui.importexport.importer.run_import` (``ImportOptions``, progress callback) → ``ImportReport``.
- :func:`stardust_tui.importexport.export.export_catalog` — streamed JSON/CSV export.
- :func:`stardust_tui.importexport.audio_import.import_audio_dir`.
- :func:`stardust_tui.importexport.hotfolder.process_folder_once` / ``watch_folder``.
- :func:`stardust_tui.importexport.backup.create_backup` / ``run_scheduled_backup``;
  :func:`stardust_tui.importexport.restore.restore_backup`.
"""
