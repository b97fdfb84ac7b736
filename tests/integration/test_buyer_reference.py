"""A customer's buyer reference (EN 16931 BT-10: purchase order, cost centre, Leitweg-ID) is kept on the
customer, copied into each document's customer snapshot and printed on the PDF in the document's language."""

from __future__ import annotations

from tests.integration.conftest import assert_problem
from tests.integration.pdf_helpers import pdf_text

LINE = {"name": "Audit", "quantity": 1, "price": "100.00", "taxes": [{"rate": 22}]}


def test_the_buyer_reference_is_stored_copied_to_the_document_and_printed(tenant):
    api = tenant.api
    r = api.post("/v1/customers", json={"name": "Stadt Köln", "country": "DE", "buyer_reference": "05315-12345-67"})
    assert r.status_code == 201, r.text
    customer = r.json()
    assert customer["buyer_reference"] == "05315-12345-67"
    inv = api.post("/v1/invoices", json={"customer_id": customer["id"], "items": [LINE], "locale": "de"}).json()
    assert inv["customer"]["buyer_reference"] == "05315-12345-67"
    text = " ".join(pdf_text(api.get(f"/v1/invoices/{inv['id']}/pdf").content).split())  # the column may wrap
    assert "Ihre Referenz: 05315-12345-67" in text

    changed = api.patch(f"/v1/customers/{customer['id']}", json={"buyer_reference": "PO-2"}).json()
    assert changed["buyer_reference"] == "PO-2"
    assert api.get(f"/v1/invoices/{inv['id']}").json()["customer"]["buyer_reference"] == "05315-12345-67"

    inline = api.post(
        "/v1/invoices", json={"customer": {"name": "Acme", "buyer_reference": "PO-77"}, "items": [LINE]}
    ).json()
    assert inline["customer"]["buyer_reference"] == "PO-77"
    assert "Vaša referenca: PO-77" in " ".join(pdf_text(api.get(f"/v1/invoices/{inline['id']}/pdf").content).split())


def test_a_too_long_buyer_reference_is_refused_naming_the_field(tenant):
    r = tenant.api.post("/v1/customers", json={"name": "Acme", "buyer_reference": "x" * 201})
    body = assert_problem(r, 422)
    assert [e["field"] for e in body["errors"]] == ["buyer_reference"]
