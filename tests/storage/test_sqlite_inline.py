"""The inline SQLite driver: SQLAlchemy's asyncio engine over sqlite3 calls on the loop's thread."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from sqlalchemy import Integer, String, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from voting_engine.storage.db import async_url, make_engine, sessionmaker, transaction


class _Base(DeclarativeBase):
    pass


class Row(_Base):
    __tablename__ = "rows"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)


async def _database(path: Path) -> tuple[AsyncEngine, async_sessionmaker[AsyncSession]]:
    engine = make_engine(f"sqlite:///{path}")
    async with engine.begin() as conn:
        await conn.run_sync(_Base.metadata.create_all)
    return engine, sessionmaker(engine)


def test_sqlite_urls_pick_the_inline_driver() -> None:
    assert async_url("sqlite:///x.db") == "sqlite+pbinline:///x.db"
    assert async_url("postgresql://u@h/db") == "postgresql+asyncpg://u@h/db"


def test_commit_rollback_and_errors_without_a_worker_thread(tmp_path: Path) -> None:
    async def run() -> None:
        engine, factory = await _database(tmp_path / "x.db")
        before = set(threading.enumerate())
        async with transaction(factory) as session:
            session.add(Row(id=1, name="a"))
        with pytest.raises(RuntimeError):
            async with transaction(factory) as session:
                session.add(Row(id=2, name="b"))
                await session.flush()
                raise RuntimeError("the use case failed after writing")
        with pytest.raises(IntegrityError):  # sqlite3's error arrives as SQLAlchemy's DB-API wrapper
            async with transaction(factory) as session:
                session.add(Row(id=3, name="a"))
        async with factory() as session:
            names = (await session.execute(select(Row.name).order_by(Row.id))).scalars().all()
            mode = (await session.execute(text("PRAGMA journal_mode"))).scalar_one()
        assert names == ["a"]  # nothing half-written survived either failure
        assert mode == "wal"
        # no thread per connection, unlike aiosqlite: at most the loop's executor, which runs COMMIT
        assert all(t.name.startswith("asyncio_") for t in set(threading.enumerate()) - before)
        await engine.dispose()

    asyncio.run(run())


def test_concurrent_writers_serialise(tmp_path: Path) -> None:
    async def run() -> list[int]:
        engine, factory = await _database(tmp_path / "y.db")

        async def next_row(i: int) -> None:
            async with transaction(factory) as session:
                top = (await session.execute(select(Row.id).order_by(Row.id.desc()).limit(1))).scalar()
                await asyncio.sleep(0)  # let the other writers run: the write lock must keep this serial
                session.add(Row(id=(top or 0) + 1, name=f"n{i}"))

        await asyncio.gather(*(next_row(i) for i in range(20)))
        async with factory() as session:
            ids = list((await session.execute(select(Row.id).order_by(Row.id))).scalars())
        await engine.dispose()
        return ids

    assert asyncio.run(run()) == list(range(1, 21))


def test_only_non_durable_transactions_skip_the_fsync(tmp_path: Path) -> None:
    async def run() -> list[int]:
        engine, factory = await _database(tmp_path / "z.db")
        modes = []
        for i, durable in enumerate((True, False, False, True)):
            async with transaction(factory, durable) as session:
                session.add(Row(id=i, name=f"d{i}"))
                modes.append((await session.execute(text("PRAGMA synchronous"))).scalar_one())
        await engine.dispose()
        return modes

    assert asyncio.run(run()) == [2, 1, 1, 2]  # FULL, NORMAL, NORMAL, FULL again


def test_only_durable_commits_leave_the_loop_thread(tmp_path: Path) -> None:
    """An fsyncing COMMIT runs on a worker thread; a NORMAL one (no fsync) stays on the loop's thread."""
    import sqlite3

    from voting_engine.storage import sqlite_inline

    threads: list[tuple[bool, bool]] = []
    original = sqlite_inline.Connection.commit

    async def run() -> None:
        engine, factory = await _database(tmp_path / "t.db")
        threads.clear()
        seen.clear()
        for i, durable in enumerate((True, False, True, False)):
            async with transaction(factory, durable) as session:
                session.add(Row(id=i, name=f"t{i}"))
        async with factory() as session:
            assert (await session.execute(select(Row.id).order_by(Row.id))).scalars().all() == [0, 1, 2, 3]
        await engine.dispose()

    seen: list[int] = []
    real_commit = sqlite3.Connection.commit

    class Probe(sqlite3.Connection):
        def commit(self) -> None:
            seen.append(threading.get_ident())
            real_commit(self)

    async def commit(self: sqlite_inline.Connection) -> None:
        threads.append((self.durable, False))
        await original(self)

    loop_thread = threading.get_ident()
    sqlite_inline.Connection.commit = commit  # type: ignore[method-assign]
    real_connect = sqlite3.connect
    sqlite3.connect = lambda *a, **k: real_connect(*a, factory=Probe, **k)  # type: ignore[assignment]
    try:
        asyncio.run(run())
    finally:
        sqlite_inline.Connection.commit = original  # type: ignore[method-assign]
        sqlite3.connect = real_connect
    durable_flags = [d for d, _ in threads]
    assert durable_flags == [True, False, True, False]
    assert [t != loop_thread for t in seen] == [True, False, True, False]
