"""What the dashboard reads from the API to speak plainly: audit entries that name their object (a number, a
name, an e-mail) with the currency of their amounts, and locales limited to the languages documents speak."""

from __future__ import annotations

import pytest

from tests.integration.conftest import INVOICE


def test_audit_entries_name_their_object_and_the_currency_of_their_amounts(tenant):
    api = tenant.api
    customer = api.post("/v1/customers", json={"name": "Kupec d.o.o.", "email": "kupec@example.com"}).json()
    item = api.post("/v1/items", json={"name": "Svetovanje", "price": "80.00"}).json()
    draft = api.post(
        "/v1/invoices", json={"items": INVOICE["items"], "customer_id": customer["id"], "is_draft": True}
    ).json()
    inv = api.post("/v1/invoices", json=INVOICE).json()
    api.post("/v1/payments", json={"invoice_id": inv["id"], "amount": "10.00"}).raise_for_status()
    note = api.post("/v1/credit-notes", json={"invoice_id": inv["id"]}).json()
    user = api.post("/v1/entity-users", json={"email": "bookkeeper@example.com", "role": "editor"}).json()
    api.delete(f"/v1/entity-users/{user['id']}").raise_for_status()

    log = api.get("/v1/audit-log", params={"limit": 100}).json()["data"]
    labels = {(e["action"], e["object_id"]): (e["label"], e["currency"]) for e in log}
    assert labels[("customer.created", customer["id"])] == ("Kupec d.o.o.", None)
    assert labels[("item.created", item["id"])] == ("Svetovanje", None)
    assert labels[("invoice.created", draft["id"])] == ("Kupec d.o.o.", "EUR")  # a draft has no number yet
    assert labels[("invoice.issued", inv["id"])] == (inv["number"], "EUR")
    assert labels[("credit_note.issued", note["id"])] == (note["number"], "EUR")
    payment = next(e for e in log if e["action"] == "payment.created")
    assert (payment["label"], payment["currency"], payment["data"]["amount"]) == (inv["number"], "EUR", "10.00")
    # a removed member's row is gone: the e-mail the event recorded names them
    assert labels[("entity_user.removed", user["id"])] == ("bookkeeper@example.com", None)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/v1/entities", {"name": "Loja", "country": "PT", "locale": "pt"}),
        ("PATCH", "/v1/entities/{entity}", {"locale": "pt-BR"}),
        ("POST", "/v1/invoices", {**INVOICE, "locale": "pt"}),
    ],
)
def test_a_locale_documents_cannot_be_written_in_is_refused(tenant, method, path, body):
    client = tenant.account if path.startswith("/v1/entities") else tenant.api
    r = client.request(method, path.format(entity=tenant.entity_id), json=body)
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert error["field"] == "locale"
    assert "en, de, sl, fr, it, es, hr" in error["message"]


def test_a_supported_locale_is_kept_with_its_region(tenant):
    r = tenant.api.post("/v1/invoices", json={**INVOICE, "locale": "de_at"})
    assert r.status_code == 201, r.text
    assert r.json()["locale"] == "de-AT"
    # a Portuguese-speaking country gets English by default, as before
    entity = tenant.account.post("/v1/entities", json={"name": "Loja", "country": "PT"}).json()
    assert entity["locale"] == "en"
