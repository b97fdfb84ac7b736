"""Which e-invoice formats an issued document can be produced in (`…/einvoice-formats`), on SQLite and
PostgreSQL: all five names, those the document lacks data for with each missing field and business term, the
customer's declared format marked, and drafts 409."""

from __future__ import annotations

from tests.integration.conftest import INVOICE, assert_problem, make_entity


def _api(server, tenant):
    entity = make_entity(
        tenant.account,
        name="Formats Seller d.o.o.",
        tax_number="SI50223054",
        settings={"bank_account": {"iban": "SI56192001234567892"}},
    )
    return server.client(tenant.sandbox_key, entity["id"])


def test_formats_name_what_is_missing(server, tenant):
    api = _api(server, tenant)
    customer = {**INVOICE["customer"], "einvoice_format": "cii"}
    inv = api.post("/v1/invoices", json={**INVOICE, "customer": customer})
    assert inv.status_code == 201, inv.text
    inv = inv.json()

    r = api.get(f"/v1/invoices/{inv['id']}/einvoice-formats")
    assert r.status_code == 200, r.text
    formats = {f["format"]: f for f in r.json()}
    assert [f["format"] for f in r.json()] == ["facturx", "cii", "ubl", "xrechnung", "peppol"]
    assert formats["cii"] == {"format": "cii", "available": True, "required": True, "missing": []}
    assert formats["facturx"]["available"] and formats["ubl"]["available"]
    assert not formats["facturx"]["required"]
    xr = formats["xrechnung"]
    assert xr["available"] is False
    assert {"field": "customer.buyer_reference", "business_term": "BT-10"} in [
        {"field": m["field"], "business_term": m["business_term"]} for m in xr["missing"]
    ]
    assert all(m["message"] for m in xr["missing"])
    peppol = {m["field"]: m["business_term"] for m in formats["peppol"]["missing"]}
    assert peppol["entity.peppol_id"] == "BT-34" and peppol["customer.peppol_id"] == "BT-49"

    # what it says is available downloads; what it says is missing answers 422 naming the same field
    cii = api.get(f"/v1/invoices/{inv['id']}/einvoice", params={"format": "cii"})
    assert cii.status_code == 200 and cii.content.startswith(b"<?xml") and inv["number"].encode() in cii.content
    body = assert_problem(api.get(f"/v1/invoices/{inv['id']}/einvoice", params={"format": "xrechnung"}), 422)
    assert {e["field"] for e in body["errors"]} == {m["field"] for m in xr["missing"]}

    cn = api.post("/v1/credit-notes", json={"invoice_id": inv["id"]})
    assert cn.status_code == 201, cn.text
    r = api.get(f"/v1/credit-notes/{cn.json()['id']}/einvoice-formats")
    assert r.status_code == 200, r.text
    assert [(f["format"], f["available"]) for f in r.json()] == [
        ("facturx", True),
        ("cii", True),
        ("ubl", True),
        ("xrechnung", False),
        ("peppol", False),
    ]


def test_drafts_and_strangers(server, tenant):
    api = _api(server, tenant)
    draft = api.post("/v1/invoices", json={**INVOICE, "is_draft": True})
    assert draft.status_code == 201, draft.text
    assert_problem(api.get(f"/v1/invoices/{draft.json()['id']}/einvoice-formats"), 409)
    assert_problem(api.get("/v1/invoices/inv_missing/einvoice-formats"), 404)
    other = _api(server, tenant)
    inv = api.post("/v1/invoices", json=INVOICE).json()
    assert_problem(other.get(f"/v1/invoices/{inv['id']}/einvoice-formats"), 404)
