"""Alembic's entry point for the store's migrations (run from geo.store.Store.upgrade, which
hands over an open connection; `alembic` on the command line is not needed)."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the store's migrations through geo.store (python -m geo.store upgrade)")
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
