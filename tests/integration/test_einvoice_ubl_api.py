"""UBL e-invoices through the API, on SQLite and PostgreSQL: an issued invoice and its credit note as UBL 2.1
(schema-valid, our EN 16931 rule checks, the document's own figures, the same bytes on every request);
XRechnung and Peppol name the fields they need; Peppol delivery answers 409 "not configured" and sends
nothing."""

from __future__ import annotations

from lxml import etree

from tests.integration.conftest import INVOICE, assert_problem, make_entity
from tests.unit import ubl_rules

NS = ubl_rules.NS


def _api(server, tenant):
    entity = make_entity(
        tenant.account,
        name="UBL Seller d.o.o.",
        tax_number="SI50223054",
        settings={"bank_account": {"iban": "SI56192001234567892", "bic": "LJBASI2X"}},
    )
    return server.client(tenant.sandbox_key, entity["id"])


def _issued(api) -> dict:
    r = api.post(
        "/v1/invoices",
        json={
            **INVOICE,
            "customer": {"name": "Kupec d.o.o.", "country": "SI", "tax_number": "SI11000007", "city": "Maribor"},
            "items": [
                {"name": "Consulting <senior> & co", "quantity": "2.5", "price": "80.00", "taxes": [{"rate": 22}]},
                {"name": "Books", "quantity": 3, "price": "19.99", "discount": 10, "taxes": [{"rate": "9.5"}]},
            ],
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


def test_invoice_and_credit_note_as_ubl(server, tenant):
    api = _api(server, tenant)
    inv = _issued(api)
    r = api.get(f"/v1/invoices/{inv['id']}/einvoice", params={"format": "ubl"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/xml")
    assert ubl_rules.xsd_errors(r.content) == []
    assert ubl_rules.problems(r.content, "ubl") == []
    root = etree.fromstring(r.content)
    assert root.findtext("cbc:ID", namespaces=NS) == inv["number"]
    assert root.findtext("cbc:CustomizationID", namespaces=NS) == "urn:cen.eu:en16931:2017"
    total = root.find("cac:LegalMonetaryTotal", NS)
    # 2.5 × 80.00 = 200.00 at 22 %; 3 × 19.99 − 10 % = 53.97 at 9.5 %: VAT 44.00 + 5.13
    assert total.findtext("cbc:TaxExclusiveAmount", namespaces=NS) == inv["total"] == "253.97"
    assert root.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=NS) == inv["total_tax"] == "49.13"
    assert total.findtext("cbc:PayableAmount", namespaces=NS) == inv["total_with_tax"] == "303.10"
    names = [e.text for e in root.iterfind("cac:InvoiceLine/cac:Item/cbc:Name", NS)]
    assert names == ["Consulting <senior> & co", "Books"]
    assert api.get(f"/v1/invoices/{inv['id']}/einvoice", params={"format": "ubl"}).content == r.content

    cn = api.post("/v1/credit-notes", json={"invoice_id": inv["id"]})
    assert cn.status_code == 201, cn.text
    cn = cn.json()
    r = api.get(f"/v1/credit-notes/{cn['id']}/einvoice", params={"format": "ubl"})
    assert r.status_code == 200, r.text
    assert ubl_rules.xsd_errors(r.content) == []
    assert ubl_rules.problems(r.content, "ubl") == []
    root = etree.fromstring(r.content)
    assert etree.QName(root).localname == "CreditNote"
    assert root.findtext("cbc:CreditNoteTypeCode", namespaces=NS) == "381"
    assert root.findtext("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", namespaces=NS) == inv["number"]
    assert root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS) == cn["total_with_tax"]


def test_xrechnung_and_peppol_name_what_they_need(server, tenant):
    api = _api(server, tenant)
    inv = _issued(api)
    body = assert_problem(api.get(f"/v1/invoices/{inv['id']}/einvoice", params={"format": "xrechnung"}), 422)
    fields = [e["field"] for e in body["errors"]]
    assert {"customer.buyer_reference", "entity.contact.name", "customer.post_code"} <= set(fields)
    assert "BT-10" in str(body["errors"])
    body = assert_problem(api.get(f"/v1/invoices/{inv['id']}/einvoice", params={"format": "peppol"}), 422)
    assert {"entity.peppol_id", "customer.peppol_id"} <= {e["field"] for e in body["errors"]}


def test_peppol_delivery_is_not_configured(server, tenant):
    api = _api(server, tenant)
    inv = _issued(api)
    body = assert_problem(
        api.post(f"/v1/invoices/{inv['id']}/peppol"), 409, words="Peppol delivery is not configured for this account"
    )
    assert body["title"] == "Peppol delivery is not configured"
    cn = api.post("/v1/credit-notes", json={"invoice_id": inv["id"]}).json()
    assert_problem(api.post(f"/v1/credit-notes/{cn['id']}/peppol"), 409, words="not configured")
    draft = api.post("/v1/invoices", json={**INVOICE, "is_draft": True}).json()
    assert_problem(api.post(f"/v1/invoices/{draft['id']}/peppol"), 409, words="draft")
    assert_problem(api.post("/v1/invoices/inv_nope/peppol"), 404)
    # nothing was sent, nothing recorded: the invoice is as it was
    assert api.get(f"/v1/invoices/{inv['id']}").json()["status"] == "credited"
