"""The four flows a platform starts with, through HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from tests.integration.conftest import make_entity


def _invoice(client, **body):
    r = client.post("/v1/invoices", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def test_saas_tenant_invoicing(server, tenant):
    """One entity per tenant, branded, with its own number format; the first invoice is INV-yyyy-0001."""
    r = tenant.account.patch(
        f"/v1/entities/{tenant.entity_id}",
        json={
            "tax_number": "SI 5022 3054",
            "settings": {
                "branding": {"primary_color": "#3B82F6", "logo_url": "https://example.com/logo.png"},
                "number_formats": {"invoice": "INV-{yyyy}-{nnnn}"},
                "payment_terms_days": 30,
            },
            "metadata": {"tenant_id": "t_981"},
        },
    )
    assert r.status_code == 200, r.text
    entity = r.json()
    assert entity["tax_number"] == "SI50223054"
    assert entity["settings"]["branding"]["primary_color"] == "#3B82F6"
    assert entity["currency_code"] == "EUR" and entity["locale"] == "sl"

    inv = _invoice(
        tenant.api,
        customer={"name": "End Client", "email": "client@example.com"},
        items=[{"name": "Monthly subscription", "quantity": 1, "price": 99, "taxes": []}],
        date="2026-05-04",
    )
    year = 2026
    assert inv["number"] == f"INV-{year}-0001"
    assert inv["status"] == "issued"
    assert inv["date_due"] == "2026-06-03"  # 30 days of payment terms from the settings
    assert inv["total"] == "99.00" and inv["total_tax"] == "0.00" and inv["total_with_tax"] == "99.00"
    assert inv["total_due"] == "99.00" and inv["total_paid"] == "0.00"
    assert inv["customer"]["name"] == "End Client"
    assert inv["object"] == "invoice" and inv["entity_id"] == tenant.entity_id
    again = tenant.api.get(f"/v1/invoices/{inv['id']}").json()
    assert again == inv


def test_marketplace_seller_per_entity_with_order_id_in_metadata(server, tenant):
    seller_b = make_entity(tenant.account, name="Artisan Crafts GmbH", country="DE", tax_number="DE136695976")
    assert seller_b["currency_code"] == "EUR" and seller_b["locale"] == "de"
    b = server.client(tenant.sandbox_key, seller_b["id"])
    first_a = _invoice(
        tenant.api,
        customer={"name": "Ann"},
        items=[{"name": "Vase", "price": "89", "taxes": [{"rate": 22}]}],
        metadata={"order_id": "ORD-4521"},
    )
    first_b = _invoice(
        b,
        customer={"name": "Bob"},
        items=[{"name": "Board", "price": "124", "quantity": 2, "taxes": [{"rate": 19}]}],
        metadata={"order_id": "ORD-4520"},
    )
    _invoice(b, customer={"name": "Cid"}, items=[{"name": "Spoon", "price": "5"}], metadata={"order_id": "ORD-4522"})
    # each seller numbers on its own
    assert first_a["number"].endswith("00001") and first_b["number"].endswith("00001")
    assert first_b["total"] == "248.00" and first_b["total_tax"] == "47.12" and first_b["total_with_tax"] == "295.12"
    found = b.get("/v1/invoices", params={"metadata[order_id]": "ORD-4520"}).json()
    assert [i["id"] for i in found["data"]] == [first_b["id"]]
    # the other seller's order is not visible through seller B
    assert b.get("/v1/invoices", params={"metadata[order_id]": "ORD-4521"}).json()["data"] == []
    assert len(b.get("/v1/invoices").json()["data"]) == 2


def test_fintech_payment_event_to_invoice_payment_and_reversal(server, tenant):
    """payment succeeded → invoice (idempotent on the payment id) → payment recorded → reversed by credit note."""
    event = {
        "customer": {"name": "Acme d.o.o.", "country": "SI", "tax_number": "SI50223054"},
        "items": [{"name": "Card processing fees", "price": "250.00", "taxes": [{"rate": 22}]}],
        "metadata": {"payment_id": "pi_3PqX"},
    }
    r1 = tenant.api.post("/v1/invoices", json=event, headers={"Idempotency-Key": "pi_3PqX"})
    r2 = tenant.api.post("/v1/invoices", json=event, headers={"Idempotency-Key": "pi_3PqX"})
    assert r1.status_code == r2.status_code == 201
    assert r1.json() == r2.json()
    assert r2.headers.get("idempotent-replayed") == "true"
    inv = r1.json()
    assert inv["total_with_tax"] == "305.00"

    pay = tenant.api.post(
        "/v1/payments",
        json={
            "invoice_id": inv["id"],
            "amount": "305.00",
            "type": "card",
            "reference": "ch_1Nx",
            "metadata": {"payment_id": "pi_3PqX"},
        },
    )
    assert pay.status_code == 201, pay.text
    assert pay.json()["invoice_status"] == "paid"
    assert [p["id"] for p in tenant.api.get("/v1/payments", params={"reference": "ch_1Nx"}).json()["data"]] == [
        pay.json()["id"]
    ]
    assert len(tenant.api.get("/v1/payments", params={"metadata[payment_id]": "pi_3PqX"}).json()["data"]) == 1

    # the payment is reversed (chargeback): credit the whole invoice
    cn = tenant.api.post("/v1/credit-notes", json={"invoice_id": inv["id"], "note": "Chargeback ch_1Nx"})
    assert cn.status_code == 201, cn.text
    cn = cn.json()
    assert cn["object"] == "credit_note" and cn["invoice_id"] == inv["id"] and cn["invoice_number"] == inv["number"]
    assert cn["total_with_tax"] == "305.00" and cn["number"].startswith("CN-")
    after = tenant.api.get(f"/v1/invoices/{inv['id']}").json()
    assert after["credit_note_ids"] == [cn["id"]]
    assert after["total_credited"] == "305.00"
    # issued documents are never rewritten: lines and totals are unchanged
    assert after["items"] == inv["items"] and after["total_with_tax"] == inv["total_with_tax"]
    # nothing left to credit
    again = tenant.api.post("/v1/credit-notes", json={"invoice_id": inv["id"]})
    assert again.status_code == 409


def test_fintech_failed_payment_credited_without_full_payment(server, tenant):
    inv = _invoice(
        tenant.api, customer={"name": "Acme"}, items=[{"name": "Transfer fee", "price": "100", "taxes": [{"rate": 22}]}]
    )
    tenant.api.post("/v1/payments", json={"invoice_id": inv["id"], "amount": "22.00"}).raise_for_status()
    cn = tenant.api.post("/v1/credit-notes", json={"invoice_id": inv["id"]}).json()
    # what remained to credit is the whole invoice (credit is independent of payment)
    assert cn["total_with_tax"] == "122.00"
    after = tenant.api.get(f"/v1/invoices/{inv['id']}").json()
    assert after["status"] == "credited" and after["total_due"] == "0.00" and after["total_paid"] == "22.00"


def test_ecommerce_order_refund_partial_credit_note(server, tenant):
    order = {
        "customer": {
            "name": "Jane Doe",
            "email": "jane@example.com",
            "address": "Main St 1",
            "city": "Maribor",
            "post_code": "2000",
            "country": "SI",
        },
        "items": [
            {"name": "Sneakers", "quantity": 1, "price": "79.90", "taxes": [{"rate": 22}]},
            {"name": "Socks", "quantity": 3, "price": "4.99", "taxes": [{"rate": 22}]},
            {"name": "Book", "quantity": 1, "price": "20.00", "taxes": [{"rate": 9.5}]},
        ],
        "note": "Order #1042",
        "metadata": {"order_id": "1042"},
        "prices_include_tax": True,
    }
    inv = _invoice(tenant.api, **order)
    # gross prices: the invoice total is exactly what the shopper paid
    assert inv["total_with_tax"] == "114.87"
    assert [(t["rate"], t["base"], t["amount"]) for t in inv["taxes"]] == [
        ("22", "77.76", "17.11"),
        ("9.5", "18.26", "1.74"),
    ]
    assert inv["total"] == "96.02" and inv["total_tax"] == "18.85"

    tenant.api.post(
        "/v1/payments", json={"invoice_id": inv["id"], "amount": "114.87", "type": "card", "reference": "order-1042"}
    ).raise_for_status()
    assert tenant.api.get(f"/v1/invoices/{inv['id']}").json()["status"] == "paid"

    # the socks come back: a partial credit note for two pairs
    cn = tenant.api.post(
        "/v1/credit-notes",
        json={
            "invoice_id": inv["id"],
            "items": [{"name": "Socks", "quantity": 2, "price": "4.99", "taxes": [{"rate": 22}]}],
        },
    )
    assert cn.status_code == 201, cn.text
    cn = cn.json()
    assert cn["prices_include_tax"] is True and cn["total_with_tax"] == "9.98"
    assert cn["total"] == "8.18" and cn["total_tax"] == "1.80"
    after = tenant.api.get(f"/v1/invoices/{inv['id']}").json()
    assert after["total_credited"] == "9.98" and after["status"] == "paid"

    # the rest is refunded too: without items the credit note takes exactly what remains
    rest = tenant.api.post("/v1/credit-notes", json={"invoice_id": inv["id"]}).json()
    assert rest["total_with_tax"] == "104.89"
    final = tenant.api.get(f"/v1/invoices/{inv['id']}").json()
    assert final["total_credited"] == "114.87"
    listed = tenant.api.get("/v1/credit-notes", params={"invoice_id": inv["id"]}).json()["data"]
    assert {c["id"] for c in listed} == {cn["id"], rest["id"]}


def test_draft_lifecycle(server, tenant):
    draft = _invoice(tenant.api, customer={"name": "Draft Co"}, items=[{"name": "A", "price": 10}], is_draft=True)
    assert draft["status"] == "draft" and draft["number"] is None
    r = tenant.api.patch(
        f"/v1/invoices/{draft['id']}", json={"items": [{"name": "B", "price": "12.50", "quantity": 2}]}
    )
    assert r.status_code == 200 and r.json()["total"] == "25.00" and r.json()["number"] is None
    fin = tenant.api.post(f"/v1/invoices/{draft['id']}/finalize").json()
    assert fin["status"] == "issued" and fin["number"].endswith("00001")
    r = tenant.api.patch(f"/v1/invoices/{draft['id']}", json={"note": "too late"})
    assert r.status_code == 409 and r.headers["content-type"].startswith("application/problem+json")
    assert tenant.api.post(f"/v1/invoices/{draft['id']}/finalize").status_code == 409
    assert tenant.api.delete(f"/v1/invoices/{draft['id']}").status_code == 409


def test_void_only_unpaid(server, tenant):
    a = _invoice(tenant.api, customer={"name": "X"}, items=[{"name": "A", "price": 10}])
    b = _invoice(tenant.api, customer={"name": "Y"}, items=[{"name": "B", "price": 10}])
    tenant.api.post("/v1/payments", json={"invoice_id": b["id"], "amount": 5}).raise_for_status()
    r = tenant.api.post(f"/v1/invoices/{a['id']}/void", json={"reason": "duplicate order"})
    assert r.status_code == 200 and r.json()["status"] == "voided" and r.json()["total_due"] == "0.00"
    assert r.json()["void_reason"] == "duplicate order"
    r = tenant.api.post(f"/v1/invoices/{b['id']}/void", json={})
    assert r.status_code == 409 and "credit note" in r.json()["detail"]
    # a voided invoice takes no payment and no credit note
    assert tenant.api.post("/v1/payments", json={"invoice_id": a["id"], "amount": 1}).status_code == 409
    assert tenant.api.post("/v1/credit-notes", json={"invoice_id": a["id"]}).status_code == 409


def test_payments_partial_full_and_overpayment(server, tenant):
    inv = _invoice(
        tenant.api, customer={"name": "P"}, items=[{"name": "A", "price": "100.00", "taxes": [{"rate": 22}]}]
    )
    r = tenant.api.post("/v1/payments", json={"invoice_id": inv["id"], "amount": "22.00", "date": "2026-05-01"})
    assert r.json()["invoice_status"] == "partially_paid"
    over = tenant.api.post("/v1/payments", json={"invoice_id": inv["id"], "amount": "100.01"})
    assert over.status_code == 422
    assert over.json()["errors"][0]["field"] == "amount" and "100.00 EUR due" in over.json()["detail"]
    tenant.api.post("/v1/payments", json={"invoice_id": inv["id"], "amount": 100}).raise_for_status()
    after = tenant.api.get(f"/v1/invoices/{inv['id']}").json()
    assert after["status"] == "paid" and after["total_paid"] == "122.00" and after["total_due"] == "0.00"
    assert tenant.api.post("/v1/payments", json={"invoice_id": inv["id"], "amount": "0.01"}).status_code == 422
    draft = _invoice(tenant.api, customer={"name": "D"}, items=[{"name": "A", "price": 1}], is_draft=True)
    assert tenant.api.post("/v1/payments", json={"invoice_id": draft["id"], "amount": 1}).status_code == 409


def test_credit_notes_never_exceed_the_invoice(server, tenant):
    inv = _invoice(
        tenant.api,
        customer={"name": "C"},
        items=[{"name": "A", "price": "50", "taxes": [{"rate": 22}]}, {"name": "B", "price": "10", "taxes": []}],
    )
    assert inv["total_with_tax"] == "71.00"
    line = {"name": "A", "price": "72", "taxes": [{"rate": 22}]}
    too_much = tenant.api.post("/v1/credit-notes", json={"invoice_id": inv["id"], "items": [line]})
    assert too_much.status_code == 422 and "71.00 EUR" in too_much.json()["detail"]
    at_a_rate = tenant.api.post("/v1/credit-notes", json={"invoice_id": inv["id"], "items": [{**line, "price": "51"}]})
    assert at_a_rate.status_code == 422 and "50.00 EUR is left to credit at that rate" in at_a_rate.json()["detail"]
    part = tenant.api.post(
        "/v1/credit-notes",
        json={"invoice_id": inv["id"], "items": [{"name": "A", "price": "20", "taxes": [{"rate": 22}]}]},
    ).json()
    assert part["total_with_tax"] == "24.40"
    rest = tenant.api.post("/v1/credit-notes", json={"invoice_id": inv["id"]}).json()
    assert rest["total_with_tax"] == "46.60"
    assert [(li["price"], [t["rate"] for t in li["taxes"]]) for li in rest["items"]] == [
        ("30.00", ["22"]),
        ("10.00", []),
    ]
    after = tenant.api.get(f"/v1/invoices/{inv['id']}").json()
    assert after["status"] == "credited" and after["total_due"] == "0.00"


def test_catalogue_customer_and_item_by_id(server, tenant):
    cus = tenant.api.post(
        "/v1/customers", json={"name": "Stored Customer", "country": "de", "tax_number": "DE136695976"}
    )
    assert cus.status_code == 201 and cus.json()["country"] == "DE"
    item = tenant.api.post(
        "/v1/items", json={"name": "Consulting hour", "price": "80", "unit": "h", "taxes": [{"rate": 22}]}
    )
    assert item.status_code == 201
    inv = _invoice(tenant.api, customer_id=cus.json()["id"], items=[{"item_id": item.json()["id"], "quantity": "1.5"}])
    assert inv["customer"]["id"] == cus.json()["id"] and inv["customer"]["name"] == "Stored Customer"
    assert inv["items"][0]["name"] == "Consulting hour" and inv["items"][0]["unit"] == "h"
    assert inv["total"] == "120.00" and inv["total_tax"] == "26.40"
    # editing the customer later never rewrites the issued invoice
    tenant.api.patch(f"/v1/customers/{cus.json()['id']}", json={"name": "Renamed"}).raise_for_status()
    assert tenant.api.get(f"/v1/invoices/{inv['id']}").json()["customer"]["name"] == "Stored Customer"
    assert tenant.api.delete(f"/v1/customers/{cus.json()['id']}").status_code == 204
    assert tenant.api.get(f"/v1/customers/{cus.json()['id']}").status_code == 404
    assert tenant.api.get(f"/v1/invoices/{inv['id']}").status_code == 200


def test_currency_minor_units_through_the_api(server, tenant):
    jpy = _invoice(
        tenant.api,
        customer={"name": "J"},
        currency_code="JPY",
        items=[{"name": "A", "price": "333.5", "quantity": 3, "taxes": [{"rate": 10}]}],
    )
    assert (jpy["total"], jpy["total_tax"], jpy["total_with_tax"]) == ("1001", "100", "1101")
    bhd = _invoice(
        tenant.api,
        customer={"name": "B"},
        currency_code="bhd",
        items=[{"name": "A", "price": "10.0005", "taxes": [{"rate": 10}]}],
    )
    assert bhd["currency_code"] == "BHD" and bhd["total_with_tax"] == "11.001"
    assert tenant.api.post("/v1/payments", json={"invoice_id": jpy["id"], "amount": "0.5"}).status_code == 422


def test_pagination_and_search(server, tenant):
    ids = [tenant.api.post("/v1/customers", json={"name": f"Customer {i}"}).json()["id"] for i in range(5)]
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = tenant.api.get("/v1/customers", params=params).json()
        seen += [c["id"] for c in body["data"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert pages == 3 and seen == list(reversed(ids))
    inv = _invoice(
        tenant.api, customer={"name": "Findable Ltd"}, items=[{"name": "A", "price": 1}], date=str(date(2026, 2, 3))
    )
    _invoice(tenant.api, customer={"name": "Other"}, items=[{"name": "A", "price": 1}], date="2026-04-01")
    assert [i["id"] for i in tenant.api.get("/v1/invoices", params={"search": "findable"}).json()["data"]] == [
        inv["id"]
    ]
    assert [i["id"] for i in tenant.api.get("/v1/invoices", params={"search": inv["number"]}).json()["data"]] == [
        inv["id"]
    ]
    ranged = tenant.api.get("/v1/invoices", params={"date_from": "2026-01-01", "date_to": "2026-03-01"}).json()["data"]
    assert [i["id"] for i in ranged] == [inv["id"]]
    assert tenant.api.get("/v1/invoices", params={"status": "paid"}).json()["data"] == []
    # search text is literal: % and _ are not wildcards
    tenant.api.post("/v1/customers", json={"name": "100% Organic_Farm"}).raise_for_status()
    assert [c["name"] for c in tenant.api.get("/v1/customers", params={"search": "100%"}).json()["data"]] == [
        "100% Organic_Farm"
    ]
    assert tenant.api.get("/v1/customers", params={"search": "Customer_"}).json()["data"] == []
    assert tenant.api.get("/v1/invoices", params={"search": "%"}).json()["data"] == []


def test_an_entity_that_is_not_a_tax_subject_charges_no_tax(server, tenant):
    small = make_entity(tenant.account, name="Mala obrt s.p.", is_tax_subject=False)
    api = server.client(tenant.sandbox_key, small["id"])
    r = api.post(
        "/v1/invoices", json={"customer": {"name": "B"}, "items": [{"name": "A", "price": 10, "taxes": [{"rate": 22}]}]}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "items[0].taxes"
    assert api.get("/v1/invoices").json()["data"] == []
    ok = _invoice(api, customer={"name": "B"}, items=[{"name": "A", "price": 10}])
    assert ok["total_tax"] == "0.00" and ok["total_with_tax"] == "10.00"
