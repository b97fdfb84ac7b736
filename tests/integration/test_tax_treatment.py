"""The VAT decision on documents over HTTP on both engines, with the VIES stand-in (``vies`` fixture):
treatment codes, decided and explicit rates with their EN 16931 categories, VIES evidence on the document
and the customer, drafts re-decided, issued documents unchanged, credit notes, the preview, bad input."""

from __future__ import annotations

import pytest

from tests.integration.conftest import Tenant, assert_problem, make_entity
from tests.integration.pdf_helpers import pdf_text

DE_BUSINESS = {"name": "Muster Maschinenbau GmbH", "country": "DE", "tax_number": "DE811569869"}
FR_CONSUMER = {"name": "Marie Dupont", "country": "FR"}
US_BUYER = {"name": "Acme Inc.", "country": "US"}


def _create(tenant: Tenant, customer: dict, items: list[dict], **extra):
    body = {"customer": customer, "items": items, "date": "2026-06-01", **extra}
    return tenant.api.post("/v1/invoices", json=body)


def _invoice(tenant: Tenant, customer: dict, items: list[dict], **extra) -> dict:
    r = _create(tenant, customer, items, **extra)
    assert r.status_code == 201, r.text
    return r.json()


def _line(kind: str = "services", **extra) -> dict:
    return {"name": f"A {kind} line", "price": "100.00", "kind": kind, **extra}


def _taxes(doc: dict) -> list[tuple[str, str, str | None]]:
    return [(t["name"], t["rate"], t["category"]) for t in doc["taxes"]]


def _other_entity(server, tenant: Tenant, **overrides) -> Tenant:
    entity = make_entity(tenant.account, **overrides)
    api = server.client(tenant.sandbox_key, entity["id"])
    return Tenant(tenant.account_id, tenant.sandbox_key, tenant.live_key, entity["id"], api, tenant.account)


def test_si_seller_to_a_german_business_services_are_reverse_charge(tenant, vies):
    inv = _invoice(tenant, DE_BUSINESS, [_line("services")], locale="en")
    treatment = inv["tax_treatment"]
    assert treatment["code"] == "reverse_charge"
    assert "reverse" in treatment["legal_note"].lower() or "196" in treatment["legal_note"]
    assert treatment["vies"]["status"] == "valid" and treatment["vies"]["name"] == "Muster Maschinenbau GmbH"
    assert inv["items"][0]["taxes"] == [{"rate": "0", "name": "DDV", "category": "AE"}]
    assert _taxes(inv) == [("DDV", "0", "AE")] and inv["total_tax"] == "0.00" and inv["total_with_tax"] == "100.00"


def test_goods_to_a_german_business_are_an_intra_community_supply(tenant, vies):
    inv = _invoice(tenant, DE_BUSINESS, [_line("goods")])
    assert inv["tax_treatment"]["code"] == "intra_eu_supply"
    assert _taxes(inv) == [("DDV", "0", "K")] and inv["items"][0]["kind"] == "goods"


def test_a_french_consumer_buying_digital_services_from_an_oss_seller_pays_the_french_rate(server, tenant):
    oss = _other_entity(server, tenant, settings={"tax": {"oss_registered": True}})
    inv = _invoice(oss, FR_CONSUMER, [_line("digital")])
    assert inv["tax_treatment"]["code"] == "oss" and "One-Stop Shop" in inv["tax_treatment"]["reason"]
    assert _taxes(inv) == [("DDV", "20", "S")] and inv["total_with_tax"] == "120.00"


def test_over_the_threshold_a_french_consumer_pays_the_french_rate(tenant):
    below = _invoice(tenant, FR_CONSUMER, [_line("digital", price="9000.00")])
    assert below["tax_treatment"]["code"] == "intra_eu_b2c_domestic" and _taxes(below) == [("DDV", "22", "S")]
    _invoice(tenant, FR_CONSUMER, [_line("goods", price="2000.00")])  # 11,000 EUR this year
    above = _invoice(tenant, FR_CONSUMER, [_line("digital")])
    assert above["tax_treatment"]["code"] == "oss" and "10,000" in above["tax_treatment"]["reason"]
    assert _taxes(above) == [("DDV", "20", "S")]


def test_a_us_buyer_is_an_export_and_a_seller_not_subject_to_vat_is_not_taxable(server, tenant):
    inv = _invoice(tenant, US_BUYER, [_line("services"), _line("goods")])
    assert inv["tax_treatment"]["code"] == "export"
    assert sorted(_taxes(inv), key=str) == [("DDV", "0", "G"), ("DDV", "0", "O")]
    small = _other_entity(server, tenant, is_tax_subject=False)
    inv = _invoice(small, {"name": "Kupec", "country": "SI"}, [_line()])
    assert inv["tax_treatment"]["code"] == "not_taxable" and inv["tax_treatment"]["legal_note"]
    assert inv["taxes"] == [] and inv["total_tax"] == "0.00"


def test_explicit_taxes_are_kept_and_the_contradiction_is_stated(tenant, vies):
    inv = _invoice(tenant, DE_BUSINESS, [_line("services", taxes=[{"rate": 22}])])
    assert inv["tax_treatment"]["code"] == "reverse_charge"
    assert "22" in inv["tax_treatment"]["reason"]
    assert _taxes(inv) == [("DDV", "22", "S")] and inv["total_tax"] == "22.00"


def test_a_domestic_invoice_with_explicit_taxes_is_as_before(tenant):
    inv = _invoice(
        tenant, {"name": "Kupec d.o.o.", "country": "SI"}, [{"name": "X", "price": "10", "taxes": [{"rate": 22}]}]
    )
    assert inv["tax_treatment"]["code"] == "domestic" and inv["tax_treatment"]["vies"] is None
    assert inv["total_with_tax"] == "12.20" and _taxes(inv) == [("DDV", "22", "S")]


def test_an_invalid_vat_number_makes_the_buyer_a_consumer(tenant, vies):
    inv = _invoice(tenant, {"name": "Nobody GmbH", "country": "DE", "tax_number": "DE123456788"}, [_line()])
    assert inv["tax_treatment"]["vies"]["status"] == "invalid"
    assert inv["tax_treatment"]["code"] == "intra_eu_b2c_domestic" and _taxes(inv) == [("DDV", "22", "S")]


def test_vies_unavailable_counts_as_valid_with_that_status_on_a_stored_customer(tenant, vies):
    customer = {"name": "Italia S.p.A.", "country": "IT", "tax_number": "IT00743110157"}
    created = tenant.api.post("/v1/customers", json=customer)
    assert created.status_code == 201, created.text
    assert created.json()["is_business"] is True and created.json()["vies"]["status"] == "unavailable"
    r = tenant.api.post(
        "/v1/invoices", json={"customer_id": created.json()["id"], "items": [_line()], "date": "2026-06-01"}
    )
    assert r.status_code == 201, r.text
    treatment = r.json()["tax_treatment"]
    assert treatment["code"] == "reverse_charge" and treatment["vies"]["status"] == "unavailable"
    stored = tenant.api.get(f"/v1/customers/{created.json()['id']}").json()
    assert stored["vies"]["status"] == "unavailable"


def test_vies_can_be_switched_off(server, tenant, vies):
    off = _other_entity(server, tenant, settings={"tax": {"vies_check": False}})
    assert off.api.get(f"/v1/entities/{off.entity_id}").json()["settings"]["tax"] == {
        "oss_registered": False,
        "vies_check": False,
    }
    inv = _invoice(off, {"name": "Nobody GmbH", "country": "DE", "tax_number": "DE123456788"}, [_line()])
    assert inv["tax_treatment"]["vies"] is None and inv["tax_treatment"]["code"] == "reverse_charge"


def test_a_draft_is_re_decided_and_an_issued_invoice_never_changes(tenant, vies):
    draft = _invoice(tenant, {"name": "Kupec", "country": "SI"}, [_line()], is_draft=True)
    assert draft["tax_treatment"]["code"] == "domestic" and _taxes(draft) == [("DDV", "22", "S")]
    assert [line["taxes_decided"] for line in draft["items"]] == [True]
    r = tenant.api.patch(f"/v1/invoices/{draft['id']}", json={"customer": DE_BUSINESS})
    assert r.status_code == 200, r.text
    assert r.json()["tax_treatment"]["code"] == "reverse_charge" and _taxes(r.json()) == [("DDV", "0", "AE")]
    r = tenant.api.patch(f"/v1/invoices/{draft['id']}", json={"items": [_line("goods")]})
    assert r.json()["tax_treatment"]["code"] == "intra_eu_supply"
    assert r.json()["tax_treatment"]["vies"]["status"] == "valid"
    issued = tenant.api.post(f"/v1/invoices/{draft['id']}/finalize").json()
    assert issued["tax_treatment"] == r.json()["tax_treatment"] and issued["taxes"] == r.json()["taxes"]
    assert tenant.api.patch(f"/v1/invoices/{draft['id']}", json={"customer": US_BUYER}).status_code == 409
    named = _invoice(tenant, {"name": "Kupec", "country": "SI"}, [{**_line(), "taxes": [{"rate": 9.5}]}], is_draft=True)
    assert [line["taxes_decided"] for line in named["items"]] == [False]


def test_a_credit_note_carries_its_invoices_treatment_and_rates(tenant, vies):
    inv = _invoice(tenant, DE_BUSINESS, [_line("services")])
    r = tenant.api.post("/v1/credit-notes", json={"invoice_id": inv["id"], "items": [_line(price="40.00")]})
    assert r.status_code == 201, r.text
    note = r.json()
    assert note["tax_treatment"] == inv["tax_treatment"] and _taxes(note) == [("DDV", "0", "AE")]
    full = tenant.api.post("/v1/credit-notes", json={"invoice_id": inv["id"]}).json()
    assert full["tax_treatment"]["code"] == "reverse_charge" and _taxes(full) == [("DDV", "0", "AE")]


def test_the_preview_decides_and_totals_without_writing(tenant, vies):
    body = {"customer": FR_CONSUMER, "items": [_line("services"), _line("goods", tax_class="reduced")]}
    r = tenant.api.post("/v1/invoices/preview", json=body)
    assert r.status_code == 200, r.text
    preview = r.json()
    assert set(preview) == {
        *("tax_treatment", "items", "allowances", "charges", "taxes"),
        *("total_lines", "total_allowances", "total_charges", "total", "total_tax", "total_with_tax"),
        "advances",
    }
    assert preview["advances"] == []
    assert preview["tax_treatment"]["code"] == "intra_eu_b2c_domestic"
    assert preview["items"] == [
        {"taxes": [{"rate": "22", "category": "S", "name": "DDV"}], "total": "100.00"},
        {"taxes": [{"rate": "9.5", "category": "S", "name": "DDV"}], "total": "100.00"},
    ]
    assert (preview["total"], preview["total_tax"], preview["total_with_tax"]) == ("200.00", "31.50", "231.50")
    assert tenant.api.get("/v1/invoices").json()["data"] == []


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"kind": "food"}, "items[0].kind"),
        ({"tax_class": "luxury"}, "items[0].tax_class"),
        ({"tax_class": "super_reduced"}, "items[0].tax_class"),  # Slovenia has none
    ],
)
def test_bad_line_input_is_a_422_naming_the_field(tenant, line, field):
    body = assert_problem(_create(tenant, {"name": "Kupec", "country": "SI"}, [_line(**line)]), 422)
    assert [e["field"] for e in body["errors"]] == [field], body


def test_the_pdf_prints_the_legal_note_and_both_vat_numbers(tenant, vies):
    seller_number = tenant.api.get(f"/v1/entities/{tenant.entity_id}").json()["tax_number"]
    inv = _invoice(tenant, DE_BUSINESS, [_line("services")], locale="en")
    r = tenant.api.get(f"/v1/invoices/{inv['id']}/pdf")
    assert r.status_code == 200, r.text
    text = " ".join(pdf_text(r.content).split())
    assert "Article 196 of Council Directive 2006/112/EC" in text
    assert "DE811569869" in text and (seller_number is None or seller_number in text)
    html = tenant.api.get(f"/v1/invoices/{inv['id']}/html").text
    assert "Article 196" in html
