"""Migration 0015 on a database that already holds invoices: each gets the amount due now (``total_due``)
that its status and aggregates imply, exactly (SQLite keeps money as text: computed with Decimal)."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from sqlalchemy import text

from invoicing.db.migrate import upgrade
from tests.integration.test_payments_migration import _run

INSERT = text(
    "INSERT INTO documents (id, entity_id, type, status, date, currency_code, customer, items, taxes, total,"
    " total_discount, total_tax, total_with_tax, total_paid, total_credited, total_refunded, credit_note_ids,"
    " metadata, created_at, prices_include_tax) VALUES (:id, 'ent_1', :type, :status, '2026-01-01', 'EUR', '{}',"
    " '[]', '[]', '0', '0', '0', :total, :paid, :credited, :refunded, '[]', '{}', '2026-01-01 00:00:00+00:00',"
    " false)"
)
ROWS = [
    # id, type, status, total_with_tax, paid, credited, refunded → total_due
    ("inv_1", "invoice", "issued", "1220.10", "0", "0", "0", "1220.10"),
    ("inv_2", "invoice", "partially_paid", "12345678901234.57", "0.01", "0", "0", "12345678901234.56"),
    ("inv_3", "invoice", "paid", "100.00", "100.00", "0", "0", "0"),
    ("inv_4", "invoice", "partially_paid", "100.00", "100.00", "0", "30.05", "30.05"),
    ("inv_5", "invoice", "credited", "100.00", "0", "100.00", "0", "0"),
    ("inv_6", "invoice", "voided", "100.00", "0", "0", "0", "0"),
    ("inv_7", "invoice", "draft", "99.99", "0", "0", "0", "99.99"),
    ("cre_1", "credit_note", "issued", "100.00", "0", "0", "0", "0"),
]


def test_invoices_get_their_total_due(database_url):
    upgrade(database_url, "0014")
    params = [
        {"id": i, "type": t, "status": s, "total": w, "paid": p, "credited": c, "refunded": r}
        for i, t, s, w, p, c, r, _ in ROWS
    ]
    asyncio.run(_run(database_url, [(INSERT, p) for p in params]))
    upgrade(database_url)
    [found] = asyncio.run(_run(database_url, [(text("SELECT id, total_due FROM documents"), {})]))
    assert {i: Decimal(str(due)) for i, due in found} == {row[0]: Decimal(row[-1]) for row in ROWS}
