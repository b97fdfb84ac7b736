"""``among(column)``: a list of ids bound as one parameter (an array on PostgreSQL, JSON text on SQLite), so
a statement is one SQL text whatever the list's length; on both engines, run by SQLAlchemy and by the driver
(:class:`~invoicing.db.engine.Prepared`)."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from invoicing.db import Database
from invoicing.db.engine import Prepared
from invoicing.db.models import Event
from invoicing.db.types import among
from tests.integration.conftest import INVOICE

EVENTS = Event.__table__


def test_the_sql_is_the_same_whatever_the_lists_length():
    statement = select(EVENTS.c.id).where(among(EVENTS.c.id), EVENTS.c.type == "invoice.issued")
    assert str(statement.compile(dialect=sqlite.dialect())).endswith(
        "WHERE events.id IN (SELECT value FROM json_each(?)) AND events.type = ?"
    )
    assert str(statement.compile(dialect=postgresql.asyncpg.dialect())).endswith(
        "WHERE events.id = ANY($1::VARCHAR[]) AND events.type = $2::VARCHAR"
    )
    plan = Prepared(statement).plan(sqlite.dialect())
    assert plan.args({"ids": ["a", 'b"c']}) == ['["a","b\\"c"]', "invoice.issued"]
    assert plan.args({"ids": ["a", "b", "c"]}) == ['["a","b","c"]', "invoice.issued"]  # one parameter, any length


@pytest.fixture
async def ids(server, tenant):
    """The ids of a few events (three invoices issued), and a database to read them."""
    for _ in range(3):
        assert tenant.api.post("/v1/invoices", json=INVOICE).status_code == 201
    db = Database(server.database_url)
    async with db.transaction(write=False) as session:
        found = list((await session.scalars(select(EVENTS.c.id).order_by(EVENTS.c.id).limit(30))).all())
    assert len(found) >= 3
    yield db, found
    await db.dispose()


@pytest.mark.anyio
async def test_among_selects_exactly_the_listed_rows_on_both_engines(ids):
    db, found = ids
    statement = select(EVENTS.c.id).where(among(EVENTS.c.id)).order_by(EVENTS.c.id)
    prepared = Prepared(statement)
    async with db.transaction(write=False) as session:
        for wanted in ([], found[:1], found[::2], [*found, "evt_missing", "x'); DROP TABLE events; --"]):
            expected = sorted(set(wanted) & set(found))
            assert list((await session.scalars(statement, {"ids": wanted})).all()) == expected
            assert [row[0] for row in await prepared.fetch(session, {"ids": wanted})] == expected


@pytest.mark.anyio
async def test_among_in_an_update_touches_only_the_listed_rows(ids):
    db, found = ids
    statement = Prepared(
        update(EVENTS).where(among(EVENTS.c.id)).values(object_id=bindparam("object_id")).returning(EVENTS.c.id)
    )
    async with db.transaction() as session:
        changed = await statement.fetch(session, {"ids": found[1:3], "object_id": "obj_among"})
        assert sorted(row[0] for row in changed) == found[1:3]
        marked = (await session.scalars(select(EVENTS.c.id).where(EVENTS.c.object_id == "obj_among"))).all()
        assert sorted(marked) == found[1:3]
        await session.rollback()
