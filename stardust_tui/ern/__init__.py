"""The DDEX ERN engine: version-neutral release view, builders for ERN 3.8.2 / 4.2 / 4.3, file naming,
offline validation (XSD + business rules) and reading NewReleaseMessages.

Entry points: :func:`stardust_tui.ern.registry.build_message`,
:func:`stardust_tui.ern.release_view.view_from_release`, :func:`stardust_tui.ern.naming.delivered_file_name`,
:func:`stardust_tui.ern.validate.validate_file` and :func:`stardust_tui.ern.parse.parse_release`
(ingest into the catalog is :func:`stardust_tui.importexport.ern_ingest.import_message`).
Nothing is imported here, so ``import stardust_tui.ern`` stays cheap.
"""
