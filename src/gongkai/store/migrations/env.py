"""Alembic environment: migrations run on the connection gongkai.store.engine passes in."""

from __future__ import annotations

from alembic import context

from gongkai.store.schema import metadata

connection = context.config.attributes["connection"]
# batch mode: SQLite cannot ALTER most things in place; Alembic copies the table instead.
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
