"""SQLite through ``invoicing.db.engine``: statements run inline on the event loop's thread, a transaction
commits or rolls back as a whole, a read does not see an open write, writers queue one behind another
and hold the file's write lock from their first statement, and errors reach the caller."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import UTC, datetime
from functools import partial

import pytest
from sqlalchemy import JSON, Boolean, Column, Integer, MetaData, Table, bindparam, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from invoicing.db import Database
from invoicing.db.engine import InlineSqliteConnection, Prepared
from invoicing.db.types import UTCDateTime

pytestmark = pytest.mark.anyio


@pytest.fixture
def path(tmp_path):
    return tmp_path / "folio.db"


@pytest.fixture
async def db(path):
    db = Database(f"sqlite:///{path}")
    async with db.transaction() as session:
        await session.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)"))
        await session.execute(text("INSERT INTO counter VALUES (1, 0)"))
    yield db
    await db.dispose()


async def value(db: Database) -> int:
    async with db.transaction(write=False) as session:
        return (await session.execute(text("SELECT value FROM counter"))).scalar_one()


async def test_statements_run_on_the_event_loops_thread_and_no_other_is_started(path):
    threads = threading.active_count()
    connection = await InlineSqliteConnection(partial(sqlite3.connect, path, isolation_level=None), 64)
    await connection.create_function("thread_id", 0, threading.get_ident)
    async with connection.execute("SELECT thread_id()") as cursor:
        assert await cursor.fetchone() == (threading.get_ident(),)
    assert threading.active_count() == threads
    await connection.close()
    with pytest.raises(ValueError, match="connection"):
        await connection.execute("SELECT 1")


async def test_every_connection_is_in_wal_mode_with_foreign_keys_on(db):
    async with db.transaction(write=False) as session:
        assert (await session.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
        assert (await session.execute(text("PRAGMA foreign_keys"))).scalar_one() == 1


async def test_a_transaction_commits_when_its_block_ends(db):
    async with db.transaction() as session:
        await session.execute(text("UPDATE counter SET value = 5"))
    assert await value(db) == 5


async def test_an_exception_rolls_the_whole_transaction_back(db):
    with pytest.raises(RuntimeError, match="after the write"):
        async with db.transaction() as session:
            await session.execute(text("UPDATE counter SET value = 5"))
            await session.execute(text("INSERT INTO counter VALUES (2, 1)"))
            raise RuntimeError("after the write")
    assert await value(db) == 0
    async with db.transaction(write=False) as session:
        assert (await session.execute(text("SELECT count(*) FROM counter"))).scalar_one() == 1


async def test_a_read_sees_neither_an_open_write_nor_one_committed_after_its_snapshot(db):
    async with db.transaction() as writer:
        await writer.execute(text("UPDATE counter SET value = 7"))
        assert await value(db) == 0

    async with db.transaction(write=False) as reader:
        assert (await reader.execute(text("SELECT value FROM counter"))).scalar_one() == 7
        async with db.transaction() as writer:
            await writer.execute(text("UPDATE counter SET value = 8"))
        assert (await reader.execute(text("SELECT value FROM counter"))).scalar_one() == 7
    assert await value(db) == 8


async def test_concurrent_writers_queue_one_behind_another(db):
    log: list[tuple[str, int]] = []

    async def increment(n: int) -> None:
        async with db.transaction() as session:
            current = (await session.execute(text("SELECT value FROM counter"))).scalar_one()
            log.append(("begin", n))
            await asyncio.sleep(0.01)
            await session.execute(text("UPDATE counter SET value = :value"), {"value": current + 1})
            log.append(("end", n))

    await asyncio.gather(*(increment(n) for n in range(5)))
    assert await value(db) == 5
    assert [kind for kind, _ in log] == ["begin", "end"] * 5
    assert all(log[i][1] == log[i + 1][1] for i in range(0, 10, 2))


async def test_a_write_transaction_holds_the_write_lock_from_its_first_statement(db, path):
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        async with db.transaction() as session:
            await session.execute(text("SELECT value FROM counter"))
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


async def test_sql_errors_reach_the_caller_and_the_connections_stay_usable(db):
    with pytest.raises(IntegrityError) as duplicate:
        async with db.transaction() as session:
            await session.execute(text("INSERT INTO counter VALUES (1, 0)"))
    assert isinstance(duplicate.value.orig, sqlite3.IntegrityError)
    with pytest.raises(OperationalError, match="no such column"):
        async with db.transaction(write=False) as session:
            await session.execute(text("SELECT missing FROM counter"))

    async with db.transaction() as session:
        await session.execute(text("UPDATE counter SET value = 1"))
    assert await value(db) == 1


async def test_connections_go_to_callers_in_the_order_they_asked(db):
    """SQLite's one writer connection: a caller asking just as it is given back waits behind those already
    waiting (SQLAlchemy's own asyncio queue let it go first, and a waiter could be passed over for seconds)."""
    order: list[str] = []

    async def take(name: str) -> None:
        async with db.writer.connect():
            order.append(name)
            await asyncio.sleep(0.01)

    held = await db.writer.connect()
    waiting = []
    for name in "ABC":
        waiting.append(asyncio.create_task(take(name)))
        await asyncio.sleep(0.01)  # each is waiting for the connection before the next asks
    await held.close()  # the connection goes back to the pool …
    async with db.writer.connect():  # … and this caller asks for it at once, without yielding in between
        order.append("D")
    await asyncio.gather(*waiting)
    assert order == ["A", "B", "C", "D"]


async def test_a_caller_that_gives_up_waiting_passes_its_turn_on(db):
    db.writer.pool._timeout = 0.05  # the pool's wait for a connection (pool_timeout)
    held = await db.writer.connect()
    with pytest.raises(Exception, match="QueuePool limit"):
        await db.writer.connect()

    async def next_caller() -> str:
        async with db.writer.connect():
            return "served"

    later = asyncio.create_task(next_caller())
    await asyncio.sleep(0.01)
    await held.close()
    assert await later == "served"  # the timed-out caller left the line; the next one got the connection
    assert db.writer.pool.checkedin() == 1


async def test_a_connection_handed_to_a_cancelled_caller_goes_to_the_next(db):
    async def caller() -> str:
        async with db.writer.connect():
            await asyncio.sleep(0.01)
            return "served"

    held = await db.writer.connect()
    first, second = asyncio.create_task(caller()), asyncio.create_task(caller())
    await asyncio.sleep(0.01)
    await held.close()  # handed to the first caller …
    first.cancel()  # … which is cancelled before it runs again (its request ended)
    assert await second == "served"
    with pytest.raises(asyncio.CancelledError):
        await first
    assert db.writer.pool.checkedin() == 1


async def test_typed_rows_come_back_as_sqlalchemy_gives_them(db):
    """``Prepared(..., typed_rows=True)``: the columns' result processors applied (JSON decoded, SQLite's 0/1 a
    bool, a UTC datetime aware); without, the driver's values as they are."""
    metadata = MetaData()
    things = Table(
        "things",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("data", JSON),
        Column("flag", Boolean),
        Column("at", UTCDateTime),
    )
    at = datetime(2026, 12, 4, 12, 30, tzinfo=UTC)
    async with db.transaction() as session:
        await (await session.connection()).run_sync(metadata.create_all)
        await session.execute(insert(things), [{"id": 1, "data": {"a": [1, "b"]}, "flag": True, "at": at}])
    statement = select(things.c.data, things.c.flag, things.c.at).where(things.c.id == bindparam("id"))
    assert await Prepared(statement, typed_rows=True).fetch_alone(db.reader, {"id": 1}) == [({"a": [1, "b"]}, True, at)]
    ((data, flag, stored),) = await Prepared(statement).fetch_alone(db.reader, {"id": 1})
    assert (data, flag) == ('{"a":[1,"b"]}', 1) and isinstance(stored, str)
    assert await Prepared(statement, typed_rows=True).fetch_alone(db.reader, {"id": 2}) == []


async def test_the_pool_is_quiet_where_the_app_logs_at_info(path, caplog):
    """The app logs at INFO; the pool's lines ("Pool disposed", "Pool recreating") belong to SQLAlchemy's pool
    loggers, quiet unless asked for, and not to ``invoicing``'s: `make run` printed them on every start."""
    with caplog.at_level("INFO"):
        db = Database(f"sqlite:///{path}")
        async with db.transaction() as session:
            await session.execute(text("SELECT 1"))
        await db.dispose()
    assert not [r for r in caplog.records if "Pool" in r.getMessage()], caplog.text
