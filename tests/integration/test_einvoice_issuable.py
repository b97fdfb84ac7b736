"""A customer that declares the e-invoice format it requires (``einvoice_format``) gets no document that
cannot be produced in it: the issue is refused (422 naming each missing field and its business term) before
a number is taken, and succeeds once the data is there."""

from __future__ import annotations

from tests.integration.conftest import assert_problem

LINE = {"name": "Beratung", "quantity": 1, "price": "100.00"}


def test_issuing_for_a_customer_that_requires_xrechnung_needs_its_data_first(tenant):
    api = tenant.api
    customer = api.post(
        "/v1/customers", json={"name": "Stadt Köln", "country": "DE", "einvoice_format": "xrechnung"}
    ).json()
    body = assert_problem(api.post("/v1/invoices", json={"customer_id": customer["id"], "items": [LINE]}), 422)
    fields = {e["field"]: e.get("business_term") for e in body["errors"]}
    assert fields["customer.buyer_reference"] == "BT-10"
    assert fields["entity.contact.email"] == "BT-43"
    assert "xrechnung" in body["detail"]

    # a draft may be kept; finalizing it is refused the same way, and no number was taken
    draft = api.post("/v1/invoices", json={"customer_id": customer["id"], "items": [LINE], "is_draft": True}).json()
    assert_problem(api.post(f"/v1/invoices/{draft['id']}/finalize"), 422)
    assert api.get(f"/v1/invoices/{draft['id']}").json()["number"] is None

    api.patch(
        f"/v1/customers/{customer['id']}",
        json={"buyer_reference": "05315-12345-67", "city": "Köln", "post_code": "50667"},
    )
    api.patch(
        f"/v1/entities/{tenant.entity_id}",
        json={
            "tax_number": "SI10000003",
            "contact": {"name": "Ana Novak", "phone": "+386 1 234 56 78", "email": "ana@seller.example"},
            "settings": {"bank_account": {"iban": "SI56 1910 0000 0123 438"}},
        },
    )
    issued = api.post("/v1/invoices", json={"customer_id": customer["id"], "items": [LINE]})
    assert issued.status_code == 201, issued.text
    assert issued.json()["number"].endswith("00001")  # the refused attempts took no number
