"""Database engines and sessions for SQLite (embedded default) and PostgreSQL.

``database_url`` accepts ``sqlite:///path.db`` or ``postgresql://…`` and picks the async driver:
SQLite runs on the event loop's thread (``sqlite_inline``: its calls take microseconds, and a
worker-thread hand-off per call cost more than the work), PostgreSQL goes through asyncpg.
SQLite runs with WAL and a busy timeout so a writer waits rather than fails; ``transaction``
takes the write lock at the start of a write transaction on SQLite (``BEGIN IMMEDIATE``) so that
read-then-write sequences such as "next board position" are safe, while reads run in autocommit
mode and never wait for writers (WAL).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from voting_engine.storage import sqlite_inline
from voting_engine.storage.models import Base

DEFAULT_URL = "sqlite:///voting-engine.db"
_WRITE_LOCKS: dict[int, asyncio.Lock] = {}


def async_url(url: str) -> str:
    if url.startswith("sqlite:///") or url == "sqlite://":
        return f"sqlite+{sqlite_inline.DRIVER}:" + url[len("sqlite:") :]
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    return url


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> AsyncEngine:
    full = async_url(url)
    kwargs: dict[str, Any] = {}
    if full.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
        kwargs["pool_reset_on_return"] = None  # sessions roll back themselves; skip the second round trip
    else:
        kwargs["pool_size"] = 10
        kwargs["max_overflow"] = 20
    engine = create_async_engine(full, **kwargs)
    if full.startswith("sqlite"):

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")  # an acknowledged ballot survives a power cut too
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn: Any) -> None:
            # Writers take SQLite's write lock up front, so read-then-write stays serial.  Readers run
            # in autocommit mode (the driver opens connections with isolation_level=None): each
            # SELECT sees a committed state (WAL) and no BEGIN/ROLLBACK is spent on them.
            options = conn.get_execution_options()
            if options.get("immediate"):
                # FULL fsyncs the WAL at every commit (a power cut keeps what was acknowledged);
                # NORMAL fsyncs at checkpoints only (a crash of the process loses nothing, a power
                # cut may lose the last moments; the database stays consistent either way).
                durable = bool(options.get("durable", True))
                wanted = "FULL" if durable else "NORMAL"
                info = conn.connection.info
                if info.get("synchronous", "FULL") != wanted:
                    conn.exec_driver_sql(f"PRAGMA synchronous={wanted}")
                    info["synchronous"] = wanted
                driver = conn.connection.driver_connection
                if isinstance(driver, sqlite_inline.Connection):
                    driver.durable = durable  # where its COMMIT runs: a thread for an fsync, else inline
                conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


async def create_schema(engine: AsyncEngine) -> None:
    """Create all tables (used for the embedded default and tests; production runs Alembic)."""
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)


def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def _write_lock(engine: AsyncEngine) -> asyncio.Lock | None:
    """The in-process lock SQLite writers queue on (shared by ORM and Core transactions); None elsewhere."""
    return _WRITE_LOCKS.setdefault(id(engine), asyncio.Lock()) if is_sqlite(engine) else None


@asynccontextmanager
async def transaction(factory: async_sessionmaker[AsyncSession], durable: bool = True) -> AsyncIterator[AsyncSession]:
    """One write transaction: committed on success, rolled back on any error (no half-written rows).

    On SQLite it starts with ``BEGIN IMMEDIATE``; on PostgreSQL, rows that a use case reads before
    writing are locked with ``SELECT … FOR UPDATE``.  ``durable=False`` is for a voter's own
    progress (sign-in, budget-school steps), which a voter can simply repeat: on SQLite its commit
    skips the fsync, so the write lock is not held through a disk flush.  Ballots, credentials,
    trustee messages, tallies and the audit log are always durable.
    """
    bind = factory.kw.get("bind")
    lock = _write_lock(bind) if bind is not None else None
    if lock is None:
        async with factory() as session, session.begin():
            yield session
        return
    # SQLite has one writer at a time; queue writers in-process instead of letting SQLite's busy
    # handler poll with sleeps (other processes still wait on the lock through busy_timeout).
    async with lock, factory() as session, session.begin():
        await session.connection(execution_options={"immediate": True, "durable": durable})
        yield session


@asynccontextmanager
async def core_transaction(engine: AsyncEngine, durable: bool = True) -> AsyncIterator[AsyncConnection]:
    """``transaction`` on a bare connection, for the voter's hot paths (sign-in, budget school, casting).

    Same guarantees (one write lock on SQLite, commit on success, rollback on any error), without
    the ORM session: those paths run prebuilt Core statements, and the session's unit of work,
    identity map and statement coercions cost more there than the database work.
    """
    lock = _write_lock(engine)
    if lock is None:
        async with engine.begin() as conn:
            yield conn
        return
    async with lock, engine.connect() as conn:
        await conn.execution_options(immediate=True, durable=durable)
        async with conn.begin():
            yield conn


@asynccontextmanager
async def core_reader(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection for reads that need no write lock: each read sees committed rows.

    On SQLite the driver runs in autocommit mode already; on PostgreSQL the connection is switched
    to autocommit, which spares a BEGIN and a ROLLBACK round trip around every voter's read.
    """
    async with engine.connect() as conn:
        if not is_sqlite(engine):
            await conn.execution_options(isolation_level="AUTOCOMMIT")
        yield conn
