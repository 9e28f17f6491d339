"""Alembic environment: runs migrations on the connection handed over by ``store.migrate``."""

from alembic import context

from stardust_tui.store.schema import load_all_models

target_metadata = load_all_models().metadata
connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only through store.migrate
    raise RuntimeError("run migrations with `stardust db upgrade`")

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
