"""The store: engine factory, unit of work, migrations and the catalog's queries."""
