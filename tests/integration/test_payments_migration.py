"""Migration 0007 on a database that already holds payments sharing a reference: they are kept and
marked split, and from then on the database refuses a second unsplit payment with a reference."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine

from invoicing.db.engine import normalize_url
from invoicing.db.migrate import upgrade

INSERT = text(
    "INSERT INTO payments (id, entity_id, invoice_id, amount, currency_code, date, type, reference, metadata,"
    " created_at) VALUES (:id, 'ent_1', 'inv_1', '1', 'EUR', '2026-01-01', 'card', :reference, '{}',"
    " '2026-01-01 00:00:00+00:00')"
)


async def _run(url: str, statements) -> list:
    engine = create_async_engine(normalize_url(url))
    try:
        async with engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # rows without their entity and invoice
                await conn.execute(text("SET session_replication_role = replica"))
            else:
                await conn.execute(text("PRAGMA foreign_keys = OFF"))
            out = []
            for statement, params in statements:
                result = await conn.execute(statement, params)
                out.append(result.all() if result.returns_rows else None)
            return out
    finally:
        await engine.dispose()


def test_payments_sharing_a_reference_become_split(database_url):
    upgrade(database_url, "0006")
    rows = [("pay_1", "ch_1"), ("pay_2", "ch_1"), ("pay_3", "ch_2"), ("pay_4", None), ("pay_5", None)]
    asyncio.run(_run(database_url, [(INSERT, {"id": i, "reference": r}) for i, r in rows]))
    upgrade(database_url)
    [found] = asyncio.run(_run(database_url, [(text("SELECT id, split, at_issue FROM payments ORDER BY id"), {})]))
    assert [(i, bool(s), bool(a)) for i, s, a in found] == [
        ("pay_1", True, False),
        ("pay_2", True, False),
        ("pay_3", False, False),
        ("pay_4", False, False),
        ("pay_5", False, False),
    ]
    with pytest.raises(IntegrityError):
        asyncio.run(_run(database_url, [(INSERT, {"id": "pay_6", "reference": "ch_2"})]))
    asyncio.run(_run(database_url, [(INSERT, {"id": "pay_7", "reference": None})]))
