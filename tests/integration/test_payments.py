"""Payments that reconcile: a reference books once, a mistaken payment can be deleted, refunds record
money going back, statuses say what happened, and an invoice can be created already paid."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from tests.integration.conftest import INVOICE, assert_problem, make_entity
from tests.integration.pdf_helpers import decode_qr_codes

TOTAL = "120.78"  # INVOICE: 99.00 + 22 % VAT


def _invoice(api, **extra) -> dict:
    r = api.post("/v1/invoices", json={**INVOICE, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def _pay(api, invoice_id: str, amount: str, **extra):
    return api.post("/v1/payments", json={"invoice_id": invoice_id, "amount": amount, **extra})


def _get(api, invoice: dict) -> dict:
    return api.get(f"/v1/invoices/{invoice['id']}").json()


def test_a_reference_books_once_per_entity_unless_split(server, tenant):
    api = tenant.api
    inv = _invoice(api)
    first = _pay(api, inv["id"], "50.00", type="card", reference="ch_1")
    assert first.status_code == 201, first.text
    assert first.json()["split"] is False
    # the payment event is retried: refused, naming the payment that has the reference
    again = assert_problem(_pay(api, inv["id"], "50.00", reference="ch_1"), 409, words=first.json()["id"])
    assert again["existing_id"] == first.json()["id"]
    assert _get(api, inv)["total_paid"] == "50.00"
    assert [p["id"] for p in api.get("/v1/payments", params={"reference": "ch_1"}).json()["data"]] == [
        first.json()["id"]
    ]
    # a split payment cannot share the reference of one that is not split
    assert_problem(_pay(api, inv["id"], "1.00", reference="ch_1", split=True), 409)

    # one transfer paying two invoices: each part is marked split and shares the reference
    a, b = _invoice(api), _invoice(api)
    parts = [_pay(api, doc["id"], TOTAL, type="bank_transfer", reference="SI00 2026-77", split=True) for doc in (a, b)]
    assert [p.status_code for p in parts] == [201, 201]
    assert {p.json()["invoice_status"] for p in parts} == {"paid"}
    assert len(api.get("/v1/payments", params={"reference": "SI00 2026-77"}).json()["data"]) == 2
    # ... but a payment that is not split cannot take it
    c = _invoice(api)
    taken = assert_problem(_pay(api, c["id"], "1.00", reference="SI00 2026-77"), 409)
    assert taken["existing_id"] in {p.json()["id"] for p in parts}

    # another entity has references of its own
    other = make_entity(tenant.account)
    other_api = server.client(tenant.sandbox_key, other["id"])
    assert _pay(other_api, _invoice(other_api)["id"], "10.00", reference="ch_1").status_code == 201


def test_concurrent_payments_with_one_reference_book_once(server, tenant):
    """Different invoices, so no invoice lock orders them: the database's unique index decides, and the
    loser answers the same 409 with the winner's id (never a 500)."""
    invoices = [_invoice(tenant.api) for _ in range(4)]
    clients = [server.client(tenant.sandbox_key, tenant.entity_id) for _ in invoices]
    with ThreadPoolExecutor(len(invoices)) as pool:
        answers = list(
            pool.map(
                lambda pair: _pay(pair[0], pair[1]["id"], "10.00", reference="evt_retried"),
                zip(clients, invoices, strict=True),
            )
        )
    assert sorted(r.status_code for r in answers) == [201, 409, 409, 409], [r.text for r in answers]
    winner = next(r.json()["id"] for r in answers if r.status_code == 201)
    assert {r.json()["existing_id"] for r in answers if r.status_code == 409} == {winner}
    paid = [_get(tenant.api, inv)["total_paid"] for inv in invoices]
    assert sorted(paid) == ["0.00", "0.00", "0.00", "10.00"]


def test_a_payment_recorded_by_mistake_is_deleted_and_audited(server, tenant):
    api = tenant.api
    inv = _invoice(api)
    keep = _pay(api, inv["id"], "20.78").json()
    wrong = _pay(api, inv["id"], "100.00", reference="typo-1").json()
    assert wrong["invoice_status"] == "paid"

    r = api.delete(f"/v1/payments/{wrong['id']}")
    assert r.status_code == 204, r.text
    after = _get(api, inv)
    assert (after["status"], after["total_paid"], after["total_due"]) == ("partially_paid", "20.78", "100.00")
    assert_problem(api.get(f"/v1/payments/{wrong['id']}"), 404)
    assert_problem(api.delete(f"/v1/payments/{wrong['id']}"), 404)
    assert [p["id"] for p in api.get("/v1/payments", params={"invoice_id": inv["id"]}).json()["data"]] == [keep["id"]]
    # the reference is free again: the right payment can now be recorded with it
    assert _pay(api, inv["id"], "100.00", reference="typo-1").json()["invoice_status"] == "paid"

    deleted = api.get("/v1/audit-log", params={"action": "payment.deleted"}).json()["data"]
    assert [e["object_id"] for e in deleted] == [wrong["id"]]
    assert deleted[0]["object_type"] == "payment" and deleted[0]["actor"]["type"] == "key"
    assert deleted[0]["label"] == inv["number"]  # the payment is gone; the event recorded its invoice's number
    assert deleted[0]["data"] == {
        "invoice_id": inv["id"],
        "number": inv["number"],
        "amount": "100.00",
        "reference": "typo-1",
        "invoice_status": "partially_paid",
    }

    api.delete(f"/v1/payments/{keep['id']}").raise_for_status()
    assert _get(api, inv)["total_paid"] == "100.00"
    # another entity's key does not see it
    other = server.client(tenant.sandbox_key, make_entity(tenant.account)["id"])
    assert_problem(other.delete(f"/v1/payments/{keep['id']}"), 404)


def test_paid_then_credited_in_full_is_credited_and_refunds_say_where_the_money_went(server, tenant):
    api = tenant.api
    inv = _invoice(api)
    pay = _pay(api, inv["id"], TOTAL, type="card", reference="ch_9").json()
    cn = api.post("/v1/credit-notes", json={"invoice_id": inv["id"], "note": "Order cancelled"}).json()
    after = _get(api, inv)
    assert (after["status"], after["total_due"], after["amount_to_refund"]) == ("credited", "0.00", TOTAL)

    assert_problem(api.post("/v1/refunds", json={"amount": "1.00"}), 422, words="credit_note_id")
    assert_problem(
        api.post("/v1/refunds", json={"credit_note_id": cn["id"], "amount": "120.79"}), 422, words="120.78 EUR"
    )
    first = api.post(
        "/v1/refunds", json={"credit_note_id": cn["id"], "amount": "100.00", "type": "card", "reference": "re_1"}
    )
    assert first.status_code == 201, first.text
    refund = first.json()
    assert (refund["object"], refund["invoice_id"], refund["credit_note_id"]) == ("refund", inv["id"], cn["id"])
    assert refund["id"].startswith("rfd_") and refund["invoice_status"] == "credited"
    after = _get(api, inv)
    assert (after["total_refunded"], after["amount_to_refund"], after["total_paid"]) == ("100.00", "20.78", TOTAL)
    assert api.get(f"/v1/credit-notes/{cn['id']}").json()["total_refunded"] == "100.00"
    # a retried refund event books once
    retried = assert_problem(
        api.post("/v1/refunds", json={"credit_note_id": cn["id"], "amount": "20.78", "reference": "re_1"}), 409
    )
    assert retried["existing_id"] == refund["id"]
    # the payment cannot be deleted while its money is (partly) refunded
    assert_problem(api.delete(f"/v1/payments/{pay['id']}"), 409, words="refund")

    rest = api.post("/v1/refunds", json={"credit_note_id": cn["id"], "amount": "20.78", "reference": "re_2"})
    assert rest.status_code == 201, rest.text
    after = _get(api, inv)
    assert (after["status"], after["total_refunded"], after["amount_to_refund"]) == ("credited", TOTAL, "0.00")
    assert_problem(api.post("/v1/refunds", json={"invoice_id": inv["id"], "amount": "1.00"}), 409)

    listed = api.get("/v1/refunds", params={"credit_note_id": cn["id"]}).json()["data"]
    assert [r["amount"] for r in listed] == ["20.78", "100.00"]  # newest first
    assert api.get(f"/v1/refunds/{refund['id']}").json() == {**refund, "invoice_status": "credited"}
    assert api.get("/v1/refunds", params={"reference": "re_2"}).json()["data"][0]["amount"] == "20.78"
    log = api.get("/v1/audit-log", params={"action": "refund.created"}).json()["data"]
    assert {e["object_id"] for e in log} == {refund["id"], rest.json()["id"]}
    assert log[-1]["object_type"] == "refund" and log[-1]["data"]["credit_note_id"] == cn["id"]


def test_a_partial_credit_of_a_paid_invoice_is_owed_back_until_refunded(server, tenant):
    api = tenant.api
    inv = _invoice(api)
    _pay(api, inv["id"], TOTAL).raise_for_status()
    cn = api.post(
        "/v1/credit-notes",
        json={"invoice_id": inv["id"], "items": [{"name": "Goodwill", "price": "50.00", "taxes": [{"rate": 22}]}]},
    ).json()
    after = _get(api, inv)
    assert (after["status"], after["amount_to_refund"], after["total_due"]) == ("paid", "61.00", "0.00")
    # against a credit note, never more than the credit note
    assert_problem(
        api.post("/v1/refunds", json={"credit_note_id": cn["id"], "amount": "61.01"}), 422, words="credit note"
    )
    api.post("/v1/refunds", json={"credit_note_id": cn["id"], "amount": "61.00"}).raise_for_status()
    after = _get(api, inv)
    assert (after["status"], after["amount_to_refund"], after["total_due"]) == ("credited", "0.00", "0.00")


def test_a_chargeback_refunded_against_the_invoice_makes_it_due_again(server, tenant):
    api = tenant.api
    inv = _invoice(api)
    _pay(api, inv["id"], TOTAL, type="card").raise_for_status()
    r = api.post("/v1/refunds", json={"invoice_id": inv["id"], "amount": TOTAL, "type": "card", "note": "Chargeback"})
    assert r.status_code == 201, r.text
    assert r.json()["credit_note_id"] is None and r.json()["invoice_status"] == "issued"
    after = _get(api, inv)
    assert (after["status"], after["total_due"], after["total_refunded"]) == ("issued", TOTAL, TOTAL)
    # paid again by another means
    assert _pay(api, inv["id"], TOTAL, type="bank_transfer").json()["invoice_status"] == "paid"
    # never more than was paid and not yet refunded
    assert_problem(api.post("/v1/refunds", json={"invoice_id": inv["id"], "amount": "120.79"}), 422, words="amount")


def _sequence(number: str) -> int:
    return int(re.findall(r"\d+", number)[-1])


def test_an_invoice_created_paid_never_asks_for_money(server, tenant):
    api = tenant.api
    inv = _invoice(api, paid={"type": "card", "reference": "ch_123"})
    assert (inv["status"], inv["total_paid"], inv["total_due"], inv["paid_on_issue"]) == ("paid", TOTAL, "0.00", TOTAL)
    [payment] = api.get("/v1/payments", params={"reference": "ch_123"}).json()["data"]
    assert (payment["invoice_id"], payment["amount"], payment["type"]) == (inv["id"], TOTAL, "card")
    assert payment["at_issue"] is True and payment["date"] == inv["date"] and payment["invoice_status"] == "paid"
    events = [e["action"] for e in api.get("/v1/audit-log", params={"object_id": inv["id"]}).json()["data"]]
    assert set(events) == {"invoice.created", "invoice.issued", "invoice.paid"}
    assert api.get("/v1/audit-log", params={"object_id": payment["id"]}).json()["data"][0]["action"] == (
        "payment.created"
    )
    # printed on the issued original as paid: not deletable, only refundable
    assert_problem(api.delete(f"/v1/payments/{payment['id']}"), 409, words="refund")

    # the same checkout event again: 409 naming the payment, and no invoice is issued (nor a number taken)
    count = len(api.get("/v1/invoices", params={"limit": 100}).json()["data"])
    again = assert_problem(api.post("/v1/invoices", json={**INVOICE, "paid": {"reference": "ch_123"}}), 409)
    assert again["existing_id"] == payment["id"]
    assert len(api.get("/v1/invoices", params={"limit": 100}).json()["data"]) == count
    assert _sequence(_invoice(api)["number"]) == _sequence(inv["number"]) + 1

    part = _invoice(api, paid={"type": "paypal", "amount": "20.78", "date": "2026-01-05"})
    assert (part["status"], part["paid_on_issue"], part["total_due"]) == ("partially_paid", "20.78", "100.00")
    [p] = api.get("/v1/payments", params={"invoice_id": part["id"]}).json()["data"]
    assert (p["date"], p["type"], p["reference"]) == ("2026-01-05", "paypal", None)

    assert_problem(api.post("/v1/invoices", json={**INVOICE, "is_draft": True, "paid": {}}), 422, words="paid")
    too_much = assert_problem(api.post("/v1/invoices", json={**INVOICE, "paid": {"amount": "120.79"}}), 422)
    assert too_much["errors"][0]["field"] == "paid.amount"
    assert _invoice(api)["paid_on_issue"] is None


def test_the_pdf_of_an_invoice_created_paid_asks_for_no_money(server, tenant):
    """The issued original is rendered from the invoice as issued, which includes the payment it was
    created with: no GiroCode, while an unpaid invoice of the same seller has one. (That later payments
    stay out of the original: tests/unit/test_rules_as_issued.py.)"""
    iban = "SI56191000000123438"
    entity = make_entity(tenant.account, settings={"bank_account": {"iban": iban, "bic": "LJBASI2X"}})
    api = server.client(tenant.sandbox_key, entity["id"])

    def pdf(invoice: dict) -> bytes:
        r = api.get(f"/v1/invoices/{invoice['id']}/pdf")
        assert r.status_code == 200, r.text
        return r.content

    unpaid = _invoice(api)
    assert [code.split("\n")[6] for code in decode_qr_codes(pdf(unpaid))] == [iban]
    paid = _invoice(api, paid={"type": "card", "reference": "ch_pdf"})
    assert decode_qr_codes(pdf(paid)) == []
