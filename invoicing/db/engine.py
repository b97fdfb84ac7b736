"""Engines and transactions.

SQLite (WAL) serialises writers: write transactions go through a one-connection engine and start
with ``BEGIN IMMEDIATE``, so concurrent issues queue in-process (on the pool) instead of racing for
the file lock; reads use a small pool of their own. A local SQLite statement takes microseconds
(WAL with ``synchronous=NORMAL`` does not fsync on commit), far less than handing it to a worker
thread and back, so SQLite connections run aiosqlite's API *inline* on the event loop
(:class:`InlineSqliteConnection`). One ``folio serve`` process per SQLite file; use PostgreSQL to
run several.

Both engines' pools hand connections out first come, first served (:class:`FairPool`): under load no
request is passed over while later ones get a connection.

PostgreSQL uses one pooled engine and row locks (``INSERT … ON CONFLICT DO UPDATE … RETURNING`` on
the counter row).

The statements of issuing (the inline customer's match, the number counter, the document, the outbox rows)
and the credential read of every call are :class:`Prepared`: compiled once per dialect and handed to the
driver (sqlite3, asyncpg) on the session's own connection and transaction (the credential read: on a reader
connection of its own), with the columns' bind processors applied as SQLAlchemy would; SQLAlchemy's
per-statement work cost more CPU than the statements themselves. So are the webhook worker's statements.
Everything else goes through the session as usual.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from decimal import Decimal
from functools import cache
from typing import Any
from weakref import WeakKeyDictionary

import aiosqlite
import asyncpg  # type: ignore[import-untyped]
import msgspec
from sqlalchemy import ClauseElement, Insert, Table, event, exc, insert, inspect
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapper
from sqlalchemy.pool import AsyncAdaptedQueuePool
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.util import await_only
from sqlalchemy.util.queue import AsyncAdaptedQueue, Empty, Full

_MISSING = object()
_DRIVER = "folio.driver"


class _Plan:
    """A statement compiled for one dialect: its SQL, and per positional parameter its name, the type's bind
    processor and the literal value compiled into the statement (used when the caller gives none); with
    ``typed``, per result column the type's result processor (None where the driver's value is the one)."""

    __slots__ = ("results", "sql", "steps")

    def __init__(
        self, statement: ClauseElement, dialect: Dialect, column_keys: Sequence[str] | None, typed: bool = False
    ) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(column_keys) if column_keys else None)
        assert isinstance(compiled, SQLCompiler)  # a DML or SELECT statement
        if compiled.literal_execute_params or compiled.post_compile_params or compiled.escaped_bind_names:
            raise ValueError("Prepared statements take plain parameters (no expanding IN, no escaped names)")
        processors = compiled._bind_processors
        binds = compiled.binds
        self.sql = compiled.string
        steps: list[tuple[str, Callable[[Any], Any] | None, Any]] = []
        for name in compiled.positiontup or ():
            process = processors.get(name)
            if process is not None and not callable(process):
                raise ValueError(f"the parameter {name!r} is a tuple; Prepared statements take plain parameters")
            bind = binds[name]
            steps.append((name, process, _MISSING if bind.required or bind.callable else bind.value))
        self.steps = tuple(steps)
        results = [column[3]._cached_result_processor(dialect, None) for column in compiled._result_columns]
        self.results = tuple(results) if typed and any(results) else None

    def rows(self, raw: list[Sequence[Any]]) -> list[Sequence[Any]]:
        """The driver's rows, each value through its column's result processor when the plan is typed."""
        results = self.results
        if results is None:
            return raw
        return [
            tuple(
                value if process is None or value is None else process(value)
                for process, value in zip(results, row, strict=True)
            )
            for row in raw
        ]

    def args(self, params: dict[str, Any]) -> list[Any]:
        out = []
        for name, process, fixed in self.steps:
            value = params.get(name, fixed)
            if value is _MISSING:
                raise KeyError(f"no value for the parameter {name!r}")
            out.append(value if process is None else process(value))
        return out


class Prepared:
    """A Core statement compiled once per dialect and run by the driver itself (sqlite3, asyncpg) on the
    session's connection, inside its transaction: none of SQLAlchemy's per-statement work (ORM context,
    cache key, compiled-cache lookup, result metadata, greenlet hop). The parameters go through the
    columns' own bind processors (JSON, money, dates), so rows are written exactly as through SQLAlchemy;
    rows come back as the driver gives them (on SQLite: dates and JSON as text), or with ``typed_rows`` as
    SQLAlchemy would give them (the columns' result processors applied). Driver errors are raised as
    SQLAlchemy's (``IntegrityError`` …). For the few statements of the hot paths (issuing, the credential
    read of every call, the webhook worker's)."""

    def __init__(
        self, statement: ClauseElement, column_keys: Sequence[str] | None = None, *, typed_rows: bool = False
    ) -> None:
        self.statement = statement
        self.column_keys = column_keys
        self.typed_rows = typed_rows
        self._plans: WeakKeyDictionary[Dialect, _Plan] = WeakKeyDictionary()

    def plan(self, dialect: Dialect) -> _Plan:
        plan = self._plans.get(dialect)
        if plan is None:
            plan = self._plans[dialect] = _Plan(self.statement, dialect, self.column_keys, self.typed_rows)
        return plan

    async def fetch(self, session: AsyncSession, params: dict[str, Any]) -> list[Sequence[Any]]:
        """Execute with one row of ``params``; the rows it returns (SELECT, RETURNING), else []."""
        dialect, driver = await _driver(session)
        return await self._fetch(dialect, driver, params)

    async def fetch_alone(self, engine: AsyncEngine, params: dict[str, Any]) -> list[Sequence[Any]]:
        """Execute on a connection of ``engine``'s pool taken for this one statement, outside any transaction
        (a read that needs no other statement's view: the credential of a call)."""
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            return await self._fetch(connection.dialect, _driver_of(raw.driver_connection), params)

    async def _fetch(self, dialect: Dialect, driver: Any, params: dict[str, Any]) -> list[Sequence[Any]]:
        plan = self.plan(dialect)
        args = plan.args(params)
        try:
            if isinstance(driver, sqlite3.Connection):
                return plan.rows(driver.execute(plan.sql, args).fetchall())
            return plan.rows(await driver.fetch(plan.sql, *args))
        except (sqlite3.Error, asyncpg.PostgresError) as error:
            raise _translated(plan.sql, args, error) from error

    async def execute_many(self, session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
        """Execute once per row of ``rows`` (one driver call)."""
        dialect, driver = await _driver(session)
        plan = self.plan(dialect)
        args = [plan.args(row) for row in rows]
        try:
            if isinstance(driver, sqlite3.Connection):
                driver.executemany(plan.sql, args)
            else:
                await driver.executemany(plan.sql, args)
        except (sqlite3.Error, asyncpg.PostgresError) as error:
            raise _translated(plan.sql, args, error) from error


def _translated(sql: str, args: Any, error: Exception) -> exc.DBAPIError:
    integrity = isinstance(error, (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError))
    operational = isinstance(error, sqlite3.OperationalError)
    kind = exc.IntegrityError if integrity else exc.OperationalError if operational else exc.DBAPIError
    return kind(sql, args, error)


async def _driver(session: AsyncSession) -> tuple[Dialect, Any]:
    """The session's dialect and driver connection (a ``sqlite3.Connection`` or an ``asyncpg.Connection``)
    inside the session's transaction, begun here if need be (``BEGIN IMMEDIATE`` on SQLite's writer;
    asyncpg's transaction, which SQLAlchemy otherwise starts at its first statement)."""
    transaction = session.sync_session.get_transaction()
    found = session.info.get(_DRIVER)
    if found is not None and transaction is not None and found[0] is transaction:
        return found[1], found[2]
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    adapter: Any = raw.dbapi_connection
    driver = _driver_of(raw.driver_connection)
    if isinstance(driver, asyncpg.Connection) and adapter._transaction is None:
        await adapter._start_transaction()
    dialect = connection.dialect
    session.info[_DRIVER] = (session.sync_session.get_transaction(), dialect, driver)
    return dialect, driver


def _driver_of(connection: Any) -> Any:
    """The driver's own connection under SQLAlchemy's: the ``sqlite3.Connection`` an inline aiosqlite
    connection wraps, or the ``asyncpg.Connection``."""
    if isinstance(connection, InlineSqliteConnection):
        assert connection._connection is not None
        return connection._connection
    if isinstance(connection, asyncpg.Connection):
        return connection
    raise TypeError(f"Prepared statements do not support the driver {type(connection).__name__}")


@cache
def _insert_plan(cls: type[DeclarativeBase]) -> tuple[Prepared, list[tuple[str, str]]]:
    mapper: Mapper[Any] = inspect(cls)
    table = mapper.local_table
    assert isinstance(table, Table)  # a declarative class maps one Table
    columns = [(prop.columns[0].name, prop.key) for prop in mapper.column_attrs]
    statement: Insert = insert(table)
    return Prepared(statement, [column for column, _ in columns]), columns


async def insert_new(session: AsyncSession, obj: DeclarativeBase) -> None:
    """Insert a new ORM object with one cached statement run by the driver (:class:`Prepared`; no
    unit-of-work bookkeeping): the hot path of issuing a document. The object stays transient; build
    responses from it as usual."""
    prepared, columns = _insert_plan(type(obj))
    await prepared.fetch(session, {column: getattr(obj, key) for column, key in columns})


class _FairQueue(AsyncAdaptedQueue[Any]):
    """The pool's idle connections, handed out first come, first served.

    SQLAlchemy's asyncio queue lets a caller that asks while a connection is being handed back take it
    before the callers already waiting (``get_nowait`` first; a woken waiter that finds the queue empty again
    joins the end of the line). Under load on SQLite's one writer connection, that let a few requests wait
    for seconds while later ones went first. Here a connection given back goes straight to the longest
    waiter, and nobody takes one while others wait."""

    def __init__(self, maxsize: int = 0, use_lifo: bool = False) -> None:
        super().__init__(maxsize, use_lifo)
        self._items: deque[Any] = deque()
        self._waiters: deque[asyncio.Future[Any]] = deque()

    def empty(self) -> bool:
        return not self._items

    def full(self) -> bool:
        return 0 < self.maxsize <= len(self._items)

    def qsize(self) -> int:
        return len(self._items)

    def put_nowait(self, item: Any) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(item)
                return
        if self.full():
            raise Full()
        self._items.append(item)

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        self.put_nowait(item)  # the pool gives connections back without blocking

    def get_nowait(self) -> Any:
        if not self._items:
            raise Empty()
        return self._items.pop() if self.use_lifo else self._items.popleft()

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        if self._items or not block:
            return self.get_nowait()
        waiter: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            return await_only(_wait(waiter, timeout))
        except BaseException as error:
            if waiter.done() and not waiter.cancelled():
                self.put_nowait(waiter.result())  # handed over as the wait ended: to the next in line
            waiter.cancel()
            if isinstance(error, TimeoutError):
                raise Empty() from None
            raise


async def _wait(waiter: asyncio.Future[Any], timeout: float | None) -> Any:
    async with asyncio.timeout(timeout):
        return await waiter


class FairPool(AsyncAdaptedQueuePool):
    """SQLAlchemy's asyncio pool with :class:`_FairQueue`: callers get connections in the order they asked."""

    _queue_class = _FairQueue
    _sqla_logger_namespace = "sqlalchemy.pool.impl.FairPool"
    """Its log under SQLAlchemy's pool loggers (quiet unless ``echo_pool``), not under ``invoicing`` (whose
    INFO level would print "Pool disposed … Pool recreating" on every start)."""


def _json_dumps(value: Any) -> str:
    return msgspec.json.encode(value).decode()


# JSON columns are encoded and decoded by msgspec on both engines: several times faster than the standard
# library's json (on PostgreSQL, asyncpg's json and jsonb codecs call these too)
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
        url,
        echo=echo,
        poolclass=FairPool,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=60,
        async_creator=connect,
        **JSON_CODEC,
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

    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn):
        # straight to sqlite3 (the connection runs inline): SQLAlchemy's statement path costs more than BEGIN
        try:
            conn.connection.driver_connection._connection.execute(begin)
        except sqlite3.Error as error:
            raise _translated(begin, (), error) from error

    return engine


BEFORE_COMMIT: list[Callable[[AsyncSession], Awaitable[None]]] = []
"""Async hooks :meth:`Database.transaction` awaits, in order, just before it commits (not when the body
failed): work that must join the transaction at its end, done through the driver
(:mod:`invoicing.events` writes its queued rows so)."""


_NO_FLUSH_WAIT = "SET LOCAL synchronous_commit TO off"


class Database:
    def __init__(self, url: str, *, echo: bool = False, connections: int = 30):
        """``connections``: PostgreSQL's pool, two thirds kept open and the rest opened under load."""
        self.url = normalize_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            self.writer = _sqlite_engine(self.url, immediate=True, pool_size=1, echo=echo)
            self.reader = _sqlite_engine(self.url, immediate=False, pool_size=4, echo=echo)
        else:
            self.writer = self.reader = create_async_engine(
                self.url,
                echo=echo,
                poolclass=FairPool,
                pool_size=max(1, connections * 2 // 3),
                max_overflow=connections - max(1, connections * 2 // 3),
                pool_timeout=60,
                pool_pre_ping=False,
                **JSON_CODEC,
            )
        self._write_sessions = async_sessionmaker(self.writer, expire_on_commit=False, autoflush=False)
        self._read_sessions = async_sessionmaker(self.reader, expire_on_commit=False, autoflush=False)

    @asynccontextmanager
    async def transaction(self, *, write: bool = True, wait_for_flush: bool = True) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on any error. The
        connection is taken at the first statement, not here.

        ``wait_for_flush=False`` (PostgreSQL): the commit does not wait for its WAL to reach the disk
        (``synchronous_commit`` off for this transaction): still atomic and never seen half done, but a crash
        of the database server in the next few hundred milliseconds may undo it whole. For bookkeeping that is
        safe to redo (the webhook worker's: an undone fan-out or outcome only means an event is delivered
        again), so that its large commits do not make the requests' commits wait behind their flush."""
        maker = self._write_sessions if write else self._read_sessions
        async with maker() as session, session.begin():
            if not wait_for_flush and not self.is_sqlite:
                await (await _driver(session))[1].execute(_NO_FLUSH_WAIT)  # by the driver: no ORM path
            yield session
            for hook in BEFORE_COMMIT:
                await hook(session)

    async def dispose(self) -> None:
        await self.writer.dispose()
        if self.reader is not self.writer:
            await self.reader.dispose()
