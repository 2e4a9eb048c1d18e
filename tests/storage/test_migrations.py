"""Alembic migrations build exactly the schema the models declare, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from voting_engine.storage.db import make_engine
from voting_engine.storage.migrate import upgrade
from voting_engine.storage.models import Base


async def _differences(url: str) -> list[Any]:
    await upgrade(url)
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return list(await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)))
    finally:
        await engine.dispose()


def test_migrations_match_models_sqlite(tmp_path: Path) -> None:
    assert asyncio.run(_differences(f"sqlite:///{tmp_path / 'm.db'}")) == []


@pytest.mark.postgres
def test_migrations_match_models_postgres(postgres_url: str) -> None:
    assert asyncio.run(_differences(postgres_url)) == []


def test_upgrade_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'twice.db'}"
    asyncio.run(upgrade(url))
    assert asyncio.run(_differences(url)) == []
