"""Alembic environment: migrations run on a connection handed over by ``voting_engine.storage.migrate``."""

from __future__ import annotations

from alembic import context

from voting_engine.storage.models import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through voting_engine.storage.migrate (voting-engine migrate)")
context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
