"""Money sums are exact on SQLite, where money is TEXT: ``money_sum`` compiles to the ``decimal_sum``
aggregate registered on every connection (floats would lose the cents), and ``month_of``/``money_order``
read the same as on PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import column, select, table, text
from sqlalchemy.dialects import postgresql

from invoicing.db import Database
from invoicing.reports.sql import as_money, money_order, money_sum, month_of

pytestmark = pytest.mark.anyio

AMOUNTS = ["12345678901234567.89", "0.01", "-0.10", "0.1", "0.2"]


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def test_decimal_sum_is_exact_where_floats_are_not(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'sum.db'}")
    try:
        async with db.transaction() as session:
            await session.execute(text("CREATE TABLE t (amount VARCHAR(40), day DATE)"))
            for amount in AMOUNTS:
                await session.execute(text("INSERT INTO t VALUES (:a, '2026-11-30')"), {"a": amount})
            t = table("t", column("amount"), column("day"))
            total = (await session.execute(select(money_sum(t.c.amount)))).scalar_one()
            floats = (await session.execute(text("SELECT sum(amount) FROM t"))).scalar_one()
            none = (await session.execute(select(money_sum(t.c.amount)).where(t.c.amount == "x"))).scalar_one()
            month = (await session.execute(select(month_of(t.c.day)).limit(1))).scalar_one()
            ordered = (
                (await session.execute(select(t.c.amount).order_by(money_order(t.c.amount).desc()))).scalars().all()
            )
    finally:
        await db.dispose()
    assert total == Decimal("12345678901234568.10")
    assert Decimal(str(floats)) != total  # what SUM would have said
    assert none is None
    assert month == "2026-11"
    assert ordered == ["12345678901234567.89", "0.2", "0.1", "0.01", "-0.10"]  # "0.2" > "0.1" > "0.01" as numbers


def test_on_postgresql_they_are_sum_cast_and_to_char():
    t = table("t", column("amount"), column("day"))
    sql = str(
        select(money_sum(as_money(t.c.amount)), month_of(t.c.day), money_order(t.c.amount)).compile(
            dialect=postgresql.dialect()
        )
    )
    assert "sum(CAST(t.amount AS NUMERIC))" in sql
    assert "to_char(t.day, 'YYYY-MM')" in sql
    assert ", t.amount" in sql
