"""Engines and transactions.

SQLite (WAL) serialises writers: write transactions go through a one-connection engine and start
with ``BEGIN IMMEDIATE``, so concurrent issues queue in-process (on the pool) instead of racing for
the file lock; reads use a small pool of their own. A local SQLite statement takes microseconds
(WAL with ``synchronous=NORMAL`` does not fsync on commit), far less than handing it to a worker
thread and back, so SQLite connections run aiosqlite's API *inline* on the event loop
(:class:`InlineSqliteConnection`). One ``folio serve`` process per SQLite file; use PostgreSQL to
run several.

PostgreSQL uses one pooled engine and row locks (``INSERT … ON CONFLICT DO UPDATE … RETURNING`` on
the counter row).
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from functools import cache
from typing import Any

import aiosqlite
import msgspec
from sqlalchemy import Insert, Table, event, insert, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapper


@cache
def _insert_plan(cls: type[DeclarativeBase]) -> tuple[Insert, list[tuple[str, str]]]:
    mapper: Mapper[Any] = inspect(cls)
    table = mapper.local_table
    assert isinstance(table, Table)  # a declarative class maps one Table
    return insert(table), [(prop.columns[0].name, prop.key) for prop in mapper.column_attrs]


async def insert_new(session: AsyncSession, obj: DeclarativeBase) -> None:
    """Insert a new ORM object with one cached Core statement (no unit-of-work bookkeeping): the
    hot path of issuing a document. The object stays transient; build responses from it as usual."""
    statement, columns = _insert_plan(type(obj))
    await session.execute(statement, {column: getattr(obj, key) for column, key in columns})


def _json_dumps(value: Any) -> str:
    return msgspec.json.encode(value).decode()


# JSON columns are encoded by msgspec: several times faster than the standard library's json
JSON_CODEC = {"json_serializer": _json_dumps, "json_deserializer": msgspec.json.decode}


class InlineSqliteConnection(aiosqlite.Connection):
    """aiosqlite's connection API with every call executed directly on the event loop's thread."""

    def __await__(self):
        return self._connect().__await__()

    async def _connect(self) -> InlineSqliteConnection:
        if self._connection is None:
            self._connection = self._connector()
        return self

    async def _execute(self, fn, *args, **kwargs):
        if self._connection is None:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    def stop(self) -> None:
        self._running = False
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def close(self) -> None:
        self.stop()


def normalize_url(url: str) -> str:
    if url.startswith("sqlite:"):
        return "sqlite+aiosqlite:" + url[len("sqlite:") :]
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    return url


def sync_url(url: str) -> str:
    """The same database for a synchronous driver (Alembic, CLI)."""
    url = normalize_url(url)
    return url.replace("sqlite+aiosqlite:", "sqlite:").replace("postgresql+asyncpg:", "postgresql+asyncpg:")


class DecimalSum:
    """``decimal_sum(x)``: an exact SUM for SQLite, where money is TEXT (:class:`~invoicing.db.types.Money`)
    and the built-in SUM would add floats. Answers a decimal string, or NULL over no rows like SUM;
    :func:`invoicing.reports.sql.money_sum` uses it on SQLite and SUM on PostgreSQL (NUMERIC is exact)."""

    def __init__(self) -> None:
        self.total: Decimal | None = None

    def step(self, value: object) -> None:
        if value is not None:
            self.total = (self.total or Decimal(0)) + Decimal(str(value))

    def finalize(self) -> str | None:
        return None if self.total is None else format(self.total, "f")


def _sqlite_engine(url: str, *, immediate: bool, pool_size: int, echo: bool) -> AsyncEngine:
    path = make_url(url).database or ":memory:"

    def open_sqlite() -> sqlite3.Connection:
        connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        connection.create_aggregate("decimal_sum", 1, DecimalSum)  # type: ignore[arg-type]  # typeshed: ints only
        return connection

    async def connect() -> InlineSqliteConnection:
        return await InlineSqliteConnection(open_sqlite, 64)

    engine = create_async_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=0, pool_timeout=60, async_creator=connect, **JSON_CODEC
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection, _record):
        # the connection is in autocommit mode (isolation_level=None): we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    def __init__(self, url: str, *, echo: bool = False):
        self.url = normalize_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            self.writer = _sqlite_engine(self.url, immediate=True, pool_size=1, echo=echo)
            self.reader = _sqlite_engine(self.url, immediate=False, pool_size=4, echo=echo)
        else:
            self.writer = self.reader = create_async_engine(
                self.url, echo=echo, pool_size=20, max_overflow=10, pool_timeout=60, pool_pre_ping=False
            )
        self._write_sessions = async_sessionmaker(self.writer, expire_on_commit=False, autoflush=False)
        self._read_sessions = async_sessionmaker(self.reader, expire_on_commit=False, autoflush=False)

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on any error. The
        connection is taken at the first statement, not here."""
        maker = self._write_sessions if write else self._read_sessions
        async with maker() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.writer.dispose()
        if self.reader is not self.writer:
            await self.reader.dispose()
