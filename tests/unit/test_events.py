"""Events queued with :func:`invoicing.events.emit` reach the ``events`` table in one statement just
before the commit, and not at all when the transaction rolls back (a real SQLite file)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import create_engine, func, select

from invoicing import events
from invoicing.auth.context import Principal, Scope
from invoicing.db import Base, Database
from invoicing.db.models import Event
from invoicing.events import emit

SCOPE = Scope(Principal("acc_1", "sandbox", "entity", "key_1", frozenset(), entity_id="ent_1"), None)


class Refused(Exception):
    pass


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'events.db'}"
    Base.metadata.create_all(create_engine(url))
    return Database(url)


def _count(db: Database) -> int:
    async def run() -> int:
        async with db.transaction(write=False) as session:
            return (await session.execute(select(func.count()).select_from(Event))).scalar_one()

    return asyncio.run(run())


def test_queued_events_are_inserted_in_one_statement_at_commit(db, monkeypatch):
    calls: list[int] = []
    insert = events._PREPARED_INSERT
    real = insert.execute_many

    async def counted(session, rows):
        calls.append(len(rows))
        await real(session, rows)

    monkeypatch.setattr(insert, "execute_many", counted)

    async def run() -> None:
        async with db.transaction() as session:
            for n in range(3):
                emit(session, SCOPE, "customer.created", f"cus_{n}", {"n": n})
            assert calls == []

    asyncio.run(run())
    assert calls == [3]  # one executemany of the three rows, at the commit
    assert _count(db) == 3


def test_a_rolled_back_transaction_writes_no_events(db):
    async def run() -> None:
        async with db.transaction() as session:
            emit(session, SCOPE, "customer.created", "cus_1")
            raise Refused

    with pytest.raises(Refused):
        asyncio.run(run())
    assert _count(db) == 0
