"""The DDEX ERN engine: version-neutral release view, builders for ERN 3.8.2 / 4.2 / 4.3, file naming,
offline validation (XSD + business rules) and ingest of NewReleaseMessages into the catalog.

Entry points: :func:`stardust_tui.ern.registry.build_message`,
:func:`stardust_tui.ern.release_view.view_from_release`, :func:`stardust_tui.ern.naming.delivered_file_name`,
:func:`stardust_tui.ern.validate.validate_file` and :func:`stardust_tui.ern.ingest.import_message`.
Nothing is imported here, so ``import stardust_tui.ern`` stays cheap.
"""
