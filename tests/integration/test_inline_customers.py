"""Customers given inline on an invoice are matched (external_id, else VAT number, else e-mail, else the same
details) or saved; the document points at the stored customer and keeps the snapshot it was given, and a
matched customer is never changed by inline data. Customers carry the platform's ``external_id`` (unique
per entity, ``?external_id=``). IBANs are stored compact, like VAT numbers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.integration.conftest import assert_problem

LINE = {"name": "Subscription", "quantity": 1, "price": "99.00", "taxes": [{"rate": 22}]}


def _invoice(api, customer: dict, **extra) -> dict:
    r = api.post("/v1/invoices", json={"customer": customer, "items": [LINE], **extra})
    assert r.status_code == 201, r.text
    return r.json()


def _customers(api) -> list[dict]:
    return api.get("/v1/customers", params={"limit": 100}).json()["data"]


def test_an_inline_customer_is_saved_and_the_invoice_points_at_it(tenant):
    api = tenant.api
    inv = _invoice(
        api,
        {
            "name": "Acme GmbH",
            "country": "DE",
            "email": "ap@acme.example",
            "external_id": "plat-42",
            "metadata": {"crm": "c-9"},
        },
    )
    [customer] = _customers(api)
    assert customer["name"] == "Acme GmbH" and customer["email"] == "ap@acme.example"
    assert customer["external_id"] == "plat-42" and customer["metadata"] == {"crm": "c-9"}
    assert inv["customer"]["id"] == customer["id"]
    listed = api.get("/v1/invoices", params={"customer_id": customer["id"]}).json()["data"]
    assert [i["id"] for i in listed] == [inv["id"]]
    assert api.get("/v1/customers", params={"external_id": "plat-42"}).json()["data"][0]["id"] == customer["id"]
    log = api.get("/v1/audit-log", params={"object_id": customer["id"]}).json()["data"]
    assert [e["action"] for e in log] == ["customer.created"]


def test_a_matched_customer_is_not_overwritten_and_each_invoice_keeps_its_snapshot(tenant):
    api = tenant.api
    first = _invoice(api, {"name": "Acme GmbH", "country": "DE", "external_id": "plat-42", "city": "Berlin"})
    second = _invoice(api, {"name": "ACME Group GmbH", "country": "DE", "external_id": "plat-42", "city": "Köln"})
    [customer] = _customers(api)
    assert first["customer"]["id"] == second["customer"]["id"] == customer["id"]
    assert (customer["name"], customer["city"]) == ("Acme GmbH", "Berlin")
    assert api.get(f"/v1/invoices/{first['id']}").json()["customer"]["name"] == "Acme GmbH"
    assert api.get(f"/v1/invoices/{second['id']}").json()["customer"]["city"] == "Köln"
    assert "ACME Group GmbH" in api.get(f"/v1/invoices/{second['id']}/html").text


def test_matching_by_vat_number_normalised_then_by_email_case_insensitive(tenant):
    api = tenant.api
    by_vat = _invoice(api, {"name": "Bäckerei", "country": "DE", "tax_number": "DE 811 569 869"})
    again = _invoice(
        api, {"name": "Bäckerei GmbH", "country": "DE", "tax_number": "de811569869", "email": "new@b.example"}
    )
    assert by_vat["customer"]["id"] == again["customer"]["id"]
    by_mail = _invoice(api, {"name": "Maja", "country": "SI", "email": "Maja@Example.com"})
    mail_again = _invoice(api, {"name": "Maja Zupan", "country": "SI", "email": "maja@example.COM"})
    assert by_mail["customer"]["id"] == mail_again["customer"]["id"] != by_vat["customer"]["id"]
    assert len(_customers(api)) == 2
    assert {c["tax_number"] for c in _customers(api)} == {"DE811569869", None}


def test_without_identifiers_the_same_details_match_and_other_details_do_not(tenant):
    api = tenant.api
    a = _invoice(api, {"name": "Studio Kolektiv", "country": "SI", "city": "Maribor"})
    b = _invoice(api, {"name": "studio kolektiv", "country": "SI", "city": "Maribor"})
    c = _invoice(api, {"name": "Studio Kolektiv", "country": "SI", "city": "Celje"})
    assert a["customer"]["id"] == b["customer"]["id"] != c["customer"]["id"]
    assert len(_customers(api)) == 2


def test_another_external_id_is_another_customer_even_with_the_same_vat_number(tenant):
    api = tenant.api
    one = _invoice(api, {"name": "Holding", "country": "SI", "tax_number": "SI50223054", "external_id": "p-1"})
    two = _invoice(api, {"name": "Holding", "country": "SI", "tax_number": "SI50223054", "external_id": "p-2"})
    assert one["customer"]["id"] != two["customer"]["id"]
    # without an external_id the number matches the oldest customer holding it
    three = _invoice(api, {"name": "Holding", "country": "SI", "tax_number": "SI50223054"})
    assert three["customer"]["id"] == one["customer"]["id"]


def test_drafts_save_and_match_too_and_a_preview_writes_nothing(tenant):
    api = tenant.api
    r = api.post(
        "/v1/invoices/preview", json={"customer": {"name": "Preview Only", "external_id": "pv"}, "items": [LINE]}
    )
    assert r.status_code == 200, r.text
    assert _customers(api) == []
    draft = _invoice(api, {"name": "Draft Buyer", "email": "d@example.com"}, is_draft=True)
    [saved] = _customers(api)
    assert draft["status"] == "draft" and draft["customer"]["id"] == saved["id"]
    r = api.patch(f"/v1/invoices/{draft['id']}", json={"customer": {"name": "Other", "external_id": "o-1"}})
    assert r.status_code == 200, r.text
    other = api.get("/v1/customers", params={"external_id": "o-1"}).json()["data"][0]
    assert r.json()["customer"]["id"] == other["id"]
    issued = api.post(f"/v1/invoices/{draft['id']}/finalize").json()
    assert issued["customer"]["id"] == other["id"] and issued["customer"]["name"] == "Other"


def test_external_id_is_unique_per_entity_among_live_customers(tenant):
    api = tenant.api
    first = api.post("/v1/customers", json={"name": "A", "external_id": "x-1"}).json()
    body = assert_problem(api.post("/v1/customers", json={"name": "B", "external_id": "x-1"}), 409)
    assert body["existing_id"] == first["id"] and first["id"] in body["detail"]
    second = api.post("/v1/customers", json={"name": "B", "external_id": "x-2"}).json()
    assert_problem(api.patch(f"/v1/customers/{second['id']}", json={"external_id": "x-1"}), 409)
    assert api.patch(f"/v1/customers/{second['id']}", json={"external_id": "x-3"}).json()["external_id"] == "x-3"
    assert [c["id"] for c in api.get("/v1/customers", params={"external_id": "x-1"}).json()["data"]] == [first["id"]]
    # another entity may use the same id; a deleted customer frees it
    other = tenant.account.post("/v1/entities", json={"name": "Other d.o.o.", "country": "SI"}).json()
    r = tenant.account.post(
        "/v1/customers", json={"name": "A", "external_id": "x-1"}, headers={"X-Entity-Id": other["id"]}
    )
    assert r.status_code == 201, r.text
    assert api.delete(f"/v1/customers/{first['id']}").status_code == 204
    assert api.post("/v1/customers", json={"name": "A again", "external_id": "x-1"}).status_code == 201


def test_concurrent_invoices_with_one_new_external_id_create_one_customer(tenant):
    def create(i: int) -> dict:
        return _invoice(tenant.api, {"name": f"Race {i}", "external_id": "race-1"})

    with ThreadPoolExecutor(max_workers=6) as pool:
        invoices = list(pool.map(create, range(6)))
    customers = tenant.api.get("/v1/customers", params={"external_id": "race-1"}).json()["data"]
    assert len(customers) == 1
    assert {inv["customer"]["id"] for inv in invoices} == {customers[0]["id"]}
    assert len({inv["number"] for inv in invoices}) == 6


def test_an_iban_is_stored_compact_and_upper_case(tenant):
    r = tenant.account.patch(
        f"/v1/entities/{tenant.entity_id}",
        json={"settings": {"bank_account": {"iban": "si56 1910 0000 0123 438", "bic": "BAKOSI2X"}}},
    )
    assert r.status_code == 200, r.text
    assert r.json()["settings"]["bank_account"]["iban"] == "SI56191000000123438"
    entity = tenant.account.post(
        "/v1/entities",
        json={
            "name": "Bank d.o.o.",
            "country": "DE",
            "settings": {"bank_account": {"iban": "de89-3704-0044-0532-0130-00"}},
        },
    ).json()
    assert entity["settings"]["bank_account"]["iban"] == "DE89370400440532013000"
