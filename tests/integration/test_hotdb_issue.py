"""Issuing's fast path (statements run by the driver, :class:`invoicing.db.engine.Prepared`): what it writes
is what the API reads back, the events carry what GET answers, and it stays inside the request's
transaction."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from invoicing.core.lines import StoredLine
from invoicing.core.totals import TaxTotal
from invoicing.db import Database
from invoicing.db.engine import insert_new
from invoicing.db.models import Customer, Document, Event

BENCH_INVOICE = {
    "customer": {"name": "Bench Buyer d.o.o.", "email": "buyer@example.com", "country": "SI"},
    "items": [
        {"name": "Subscription", "quantity": 1, "price": "99.00", "taxes": [{"rate": 22}]},
        {"name": "Extra seats", "quantity": 3, "price": "12.50", "taxes": [{"rate": 22}]},
        {"name": "Book", "quantity": 1, "price": "20.00", "taxes": [{"rate": 9.5}]},
    ],
    "metadata": {"order_id": "bench"},
}


def _events(api, object_id: str) -> dict[str, dict]:
    body = api.get("/v1/events", params={"limit": 100}).json()
    return {e["type"]: e for e in body["data"] if e["data"]["object"] and e["data"]["object"]["id"] == object_id}


def test_issued_invoice_events_carry_what_get_answers(server, tenant):
    api = tenant.api
    r = api.post("/v1/invoices", json=BENCH_INVOICE)
    assert r.status_code == 201, r.text
    invoice = r.json()
    assert invoice["status"] == "issued" and invoice["number"].endswith("-00001")
    assert (invoice["total"], invoice["total_tax"], invoice["total_with_tax"]) == ("156.50", "31.93", "188.43")
    got = api.get(f"/v1/invoices/{invoice['id']}").json()
    assert got == invoice
    events = _events(api, invoice["id"])
    assert set(events) == {"invoice.created", "invoice.issued"}
    assert all(e["data"]["object"] == got for e in events.values())

    customer_id = invoice["customer"]["id"]
    assert customer_id
    created = _events(api, customer_id)
    assert set(created) == {"customer.created"}
    assert created["customer.created"]["data"]["object"] == api.get(f"/v1/customers/{customer_id}").json()

    # the same customer again (matched by e-mail, case aside): no second customer, the next number
    again = {**BENCH_INVOICE, "customer": {**BENCH_INVOICE["customer"], "email": "BUYER@example.com"}}
    second = api.post("/v1/invoices", json=again).json()
    assert second["customer"]["id"] == customer_id
    assert second["number"].endswith("-00002")
    assert [c["id"] for c in api.get("/v1/customers").json()["data"]] == [customer_id]
    assert set(_events(api, customer_id)) == {"customer.created"}


@pytest.mark.parametrize(
    "customer",
    [
        {"name": "By Details", "address": "Main 1", "city": "Ljubljana", "country": "SI"},
        {"name": "By Number", "tax_number": "SI50223054", "country": "SI"},
        {"name": "By Platform Id", "external_id": "crm-1", "email": "x@example.com", "country": "SI"},
    ],
)
def test_each_kind_of_inline_customer_is_matched_on_the_next_invoice(server, tenant, customer):
    api = tenant.api
    first = api.post("/v1/invoices", json={**BENCH_INVOICE, "customer": customer})
    assert first.status_code == 201, first.text
    second = api.post("/v1/invoices", json={**BENCH_INVOICE, "customer": customer}).json()
    assert second["customer"]["id"] == first.json()["customer"]["id"] is not None
    other = api.post("/v1/invoices", json={**BENCH_INVOICE, "customer": {**customer, "name": "Someone Else"}}).json()
    same_identity = "tax_number" in customer or "external_id" in customer
    assert (other["customer"]["id"] == second["customer"]["id"]) is same_identity


def _document(entity_id: str, doc_id: str) -> Document:
    line = StoredLine(
        name="Thing",
        quantity=Decimal("1.5"),
        price=Decimal("10.10"),
        total=Decimal("15.15"),
        total_tax=Decimal("3.33"),
        total_with_tax=Decimal("18.48"),
    )
    return Document(
        id=doc_id,
        entity_id=entity_id,
        type="invoice",
        status="issued",
        number=f"P-{doc_id}",
        date=date(2026, 1, 31),
        date_due=date(2026, 2, 14),
        currency_code="EUR",
        customer={"id": None, "name": "Čšž Buyer"},
        items=[line],
        taxes=[TaxTotal(name="VAT", rate=Decimal(22), base=Decimal("15.15"), amount=Decimal("3.33"))],
        total=Decimal("15.15"),
        total_discount=Decimal(0),
        total_tax=Decimal("3.33"),
        total_with_tax=Decimal("18.48"),
        metadata_={"k": "v"},
        issued_at=datetime(2026, 1, 31, 12, 30, 15, 123456, tzinfo=UTC),
    )


def test_a_row_written_by_the_driver_reads_back_as_written_and_joins_the_transaction(server, tenant):
    entity_id = tenant.entity_id

    async def run() -> None:
        db = Database(server.database_url)
        try:
            written = _document(entity_id, "inv_hotdb_probe")
            async with db.transaction() as session:
                await insert_new(session, written)
            async with db.transaction(write=False) as session:
                read = await session.get(Document, written.id)
                assert read is not None
                for column in ("number", "date", "date_due", "customer", "items", "taxes", "metadata_", "issued_at"):
                    assert getattr(read, column) == getattr(written, column), column
                assert (read.total, read.total_tax, read.total_with_tax) == (
                    Decimal("15.15"),
                    Decimal("3.33"),
                    Decimal("18.48"),
                )
                assert read.number_folded == "p-inv_hotdb_probe"

            # a failure later in the transaction takes the row back with it
            with pytest.raises(RuntimeError):
                async with db.transaction() as session:
                    await insert_new(session, _document(entity_id, "inv_hotdb_rolled_back"))
                    raise RuntimeError("after the insert")
            # a duplicate is SQLAlchemy's IntegrityError (a 409 for the API), and the row stays as it was
            with pytest.raises(IntegrityError):
                async with db.transaction() as session:
                    await insert_new(session, _document(entity_id, "inv_hotdb_probe"))
            async with db.transaction(write=False) as session:
                ids = (await session.execute(select(Document.id).where(Document.id.like("inv_hotdb_%")))).scalars()
                assert sorted(ids) == ["inv_hotdb_probe"]
                customers = (await session.execute(select(Customer.id).where(Customer.entity_id == entity_id))).all()
                assert customers == []
                assert (await session.execute(select(Event.id).where(Event.object_id.like("inv_hotdb_%")))).all() == []
        finally:
            await db.dispose()

    asyncio.run(run())
