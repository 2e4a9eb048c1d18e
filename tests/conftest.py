"""Shared fixtures: database URLs for SQLite and for a throw-away PostgreSQL database.

The integration tests run against both backends.  PostgreSQL is expected on 127.0.0.1:5432 with
trust authentication (``scripts/ensure-services.sh`` starts it if it is installed but stopped);
when it cannot be reached, its tests are skipped and the summary says so loudly.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_HOST = os.environ.get("PBVOTE_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("PBVOTE_PG_PORT", "5432"))
PG_USER = os.environ.get("PBVOTE_PG_USER", "postgres")
_PG_PROBLEM: list[str] = []


async def _pg(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, database="postgres", timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def postgres_available() -> bool:
    if _PG_PROBLEM:
        return False
    try:
        asyncio.run(_pg("SELECT 1"))
        return True
    except Exception as exc:  # any failure means "not reachable"
        _PG_PROBLEM.append(f"{type(exc).__name__}: {exc}")
        return False


@pytest.fixture
def postgres_url() -> Iterator[str]:
    if not postgres_available():
        pytest.skip(f"PostgreSQL is not reachable on {PG_HOST}:{PG_PORT}: {_PG_PROBLEM[0]}")
    name = f"pbvote_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        asyncio.run(_pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'engine.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'engine.db'}"
    else:
        yield request.getfixturevalue("postgres_url")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _PG_PROBLEM:
        terminalreporter.write_sep("!", "PostgreSQL NOT AVAILABLE", red=True, bold=True)
        terminalreporter.write_line(f"PostgreSQL integration tests were SKIPPED: {_PG_PROBLEM[0]}", red=True)
