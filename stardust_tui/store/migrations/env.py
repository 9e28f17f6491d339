"""Alembic environment: runs migrations on the connection handed over by ``store.migrate``."""

from alembic import context

from stardust_tui.store.schema import load_all_models

target_metadata = load_all_models().metadata
connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only through store.migrate
    raise RuntimeError("run migrations with `stardust db upgrade`")

# The search index (migration 0002) is raw DDL, not in the metadata: keep autogenerate from dropping it.
SEARCH_TABLES = ("release_fts", "release_search")


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    return not (type_ == "table" and name and name.startswith(SEARCH_TABLES))


context.configure(
    connection=connection,
    include_object=include_object,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
