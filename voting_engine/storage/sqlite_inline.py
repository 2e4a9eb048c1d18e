"""SQLite on the event loop's own thread: an aiosqlite-shaped driver for SQLAlchemy's asyncio engine.

Why: SQLite is a library inside this process, and its calls take microseconds (a primary-key read
is ~15 µs here; a commit is one WAL fsync).  aiosqlite runs every call on a worker thread and wakes
the event loop for each result: SQLAlchemy's adapter makes four such hand-offs per statement
(cursor, execute, fetch, close), which measured ~1 ms per statement under load: more than the
database work itself, and the reason a sign-in cost 15 ms of CPU.  This module offers the same
coroutine interface but runs the sqlite3 call directly, so SQLAlchemy's own aiosqlite adapter
(``AsyncAdapt_aiosqlite_dbapi``) drives it unchanged.  URL: ``sqlite+pbinline:///path.db``.

What it costs: a call blocks the loop while SQLite works, which is what the work is (no await can
overlap with it on one core anyway); only a durable ``COMMIT``, which waits for the disk (``synchronous=FULL``
fsyncs the WAL), goes to a thread so the loop serves other requests meanwhile; a ``synchronous=NORMAL``
commit writes to the WAL without an fsync and runs inline (the thread hand-off cost more than it).  Writers in this
process queue on an asyncio lock before ``BEGIN IMMEDIATE`` (``voting_engine.storage.db.transaction``),
so the busy handler only ever waits for a writer in *another* process; several server processes
belong on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_dbapi,
    SQLiteDialect_aiosqlite,
)
from sqlalchemy.util.concurrency import await_

__version__ = "1.0"
DRIVER = "pbinline"

# The DB-API names SQLAlchemy's adapter copies from the driver module.
DatabaseError = sqlite3.DatabaseError
Error = sqlite3.Error
IntegrityError = sqlite3.IntegrityError
NotSupportedError = sqlite3.NotSupportedError
OperationalError = sqlite3.OperationalError
ProgrammingError = sqlite3.ProgrammingError
sqlite_version = sqlite3.sqlite_version
sqlite_version_info = sqlite3.sqlite_version_info


class Cursor:
    """An awaitable view of a ``sqlite3.Cursor``; every method completes without suspending."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Any = None) -> Cursor:
        if parameters is None:
            self._cursor.execute(sql)
        else:
            self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> Cursor:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> Sequence[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    async def nextset(self) -> None:
        return None

    async def setinputsizes(self, *sizes: Any) -> None:
        return None


class Connection:
    """An awaitable view of a ``sqlite3.Connection`` (the shape SQLAlchemy's aiosqlite adapter uses)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn: sqlite3.Connection | None = conn
        self.durable = True
        """Whether the open transaction's COMMIT fsyncs (``synchronous=FULL``); set by ``db.transaction``."""

    @property
    def _connection(self) -> sqlite3.Connection | None:  # the adapter tests this before commit/rollback
        return self._conn

    def _live(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ValueError("Connection closed")
        return self._conn

    @property
    def isolation_level(self) -> str | None:
        return self._live().isolation_level

    def cursor(self) -> Cursor:
        return Cursor(self._live().cursor())

    async def commit(self) -> None:
        conn = self._live()
        if not conn.in_transaction:
            return
        if self.durable:  # the fsync of a durable commit runs off the loop; nothing else waits on it
            await asyncio.get_running_loop().run_in_executor(None, conn.commit)
        else:  # synchronous=NORMAL: COMMIT appends to the WAL without an fsync, microseconds on this thread
            conn.commit()

    async def rollback(self) -> None:
        self._live().rollback()

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def stop(self) -> None:
        """Terminate (SQLAlchemy's ``terminate``): there is no thread to stop, only the handle to close."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    async def create_function(self, name: str, num_params: int, func: Callable[..., Any], **kw: Any) -> None:
        self._live().create_function(name, num_params, func, **kw)


async def _open(database: str, **kwargs: Any) -> Connection:
    # isolation_level=None: SQLAlchemy's listener in ``db.py`` issues BEGIN itself.
    kwargs.setdefault("isolation_level", None)
    kwargs["check_same_thread"] = False  # the pool may close a connection from the garbage collector
    return Connection(sqlite3.connect(database, **kwargs))


class InlineDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The adapter's DB-API module, opening this module's connections (there is no thread to mark daemon)."""

    def connect(self, *args: Any, **kwargs: Any) -> AsyncAdapt_aiosqlite_connection:
        creator = kwargs.pop("async_creator_fn", None)
        connection = await_(creator(*args, **kwargs) if creator else _open(*args, **kwargs))
        return AsyncAdapt_aiosqlite_connection(self, connection)


class InlineSQLiteDialect(SQLiteDialect_aiosqlite):
    """SQLAlchemy's aiosqlite dialect with this module in aiosqlite's place."""

    driver = DRIVER
    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls) -> InlineDBAPI:
        import sys

        return InlineDBAPI(sys.modules[__name__], sqlite3)


registry.register(f"sqlite.{DRIVER}", __name__, "InlineSQLiteDialect")
