"""Vouchers, goodwill discounts and shipping over HTTP: document-level allowances and charges (EN 16931
BG-20/BG-21) and negative lines, on SQLite and PostgreSQL: the figures to the cent, the preview, drafts, the
refusals, credit notes and the PDF."""

from __future__ import annotations

import re

from tests.integration.conftest import assert_problem
from tests.integration.pdf_helpers import pdf_text

CUSTOMER = {"name": "Kupec", "country": "SI"}
LINES = [
    {"name": "Coffee beans", "quantity": 2, "price": "50.00", "taxes": [{"rate": 22}]},
    {"name": "Cookbook", "quantity": 1, "price": "40.00", "taxes": [{"rate": "9.5"}]},
    {"name": "Voucher WELCOME10", "quantity": 1, "price": "-10.00", "taxes": [{"rate": 22}]},
]
ALLOWANCES = [
    {"reason": "Loyalty", "percent": 10, "taxes": [{"rate": "9.5"}], "reason_code": "95"},
    {"reason": "Goodwill", "amount": "5.00"},  # no taxes: spread over both rates
]
CHARGES = [{"reason": "Shipping", "amount": "4.90", "taxes": [{"rate": 22}], "reason_code": "FC"}]
BODY = {"customer": CUSTOMER, "items": LINES, "allowances": ALLOWANCES, "charges": CHARGES, "locale": "en"}


def _create(api, **body):
    return api.post("/v1/invoices", json={**BODY, **body})


FIGURES = ("total_lines", "total_allowances", "total_charges", "total", "total_tax", "total_with_tax")


def _figures(doc: dict) -> tuple:
    return tuple(doc[k] for k in FIGURES)


def _entries(entries: list[dict]) -> list[tuple]:
    return [(e["reason"], e["taxes"][0]["rate"], e["amount"], e["net_amount"]) for e in entries]


def test_net_invoice_with_a_voucher_line_allowances_and_shipping(tenant):
    r = _create(tenant.api)
    assert r.status_code == 201, r.text
    inv = r.json()
    # 22 %: 100.00 − 10.00 (voucher) − 3.46 (goodwill share) + 4.90 = 91.44 → 20.12
    # 9.5 %: 40.00 − 4.00 (10 %) − 1.54 (goodwill share) = 34.46 → 3.27
    assert _figures(inv) == ("130.00", "9.00", "4.90", "125.90", "23.39", "149.29")
    assert [(t["rate"], t["base"], t["amount"], t["category"]) for t in inv["taxes"]] == [
        ("22", "91.44", "20.12", "S"),
        ("9.5", "34.46", "3.27", "S"),
    ]
    assert _entries(inv["allowances"]) == [
        ("Loyalty", "9.5", "4.00", "4.00"),
        ("Goodwill", "22", "3.46", "3.46"),
        ("Goodwill", "9.5", "1.54", "1.54"),
    ]
    assert (inv["allowances"][0]["percent"], inv["allowances"][0]["base_amount"]) == ("10", "40.00")
    assert inv["allowances"][0]["reason_code"] == "95" and inv["allowances"][0]["taxes"][0]["category"] == "S"
    assert _entries(inv["charges"]) == [("Shipping", "22", "4.90", "4.90")]
    assert inv["items"][2]["total"] == "-10.00" and inv["total_due"] == "149.29"
    assert tenant.api.get(f"/v1/invoices/{inv['id']}").json() == inv

    preview = tenant.api.post("/v1/invoices/preview", json=BODY).json()
    assert _figures(preview) == _figures(inv)
    assert preview["allowances"] == inv["allowances"] and preview["charges"] == inv["charges"]
    assert preview["taxes"] == inv["taxes"]

    # crediting everything credits what the invoice charged after its allowances, to the cent
    assert_problem(tenant.api.post("/v1/credit-notes", json={"invoice_id": inv["id"], "allowances": ALLOWANCES}), 422)
    r = tenant.api.post("/v1/credit-notes", json={"invoice_id": inv["id"]})
    assert r.status_code == 201, r.text
    assert r.json()["total_with_tax"] == "149.29" and r.json()["allowances"] == []
    assert tenant.api.get(f"/v1/invoices/{inv['id']}").json()["status"] == "credited"


def test_gross_prices_take_allowances_and_charges_off_their_rate_s_gross_sum(tenant):
    r = _create(tenant.api, prices_include_tax=True)
    assert r.status_code == 201, r.text
    inv = r.json()
    # gross 22 %: 90.00 − 3.46 + 4.90 = 91.44 → net 74.95; 9.5 %: 40.00 − 4.00 − 1.54 = 34.46 → net 31.47
    assert _figures(inv) == ("110.30", "7.90", "4.02", "106.42", "19.48", "125.90")
    assert [(t["rate"], t["base"], t["amount"]) for t in inv["taxes"]] == [
        ("22", "74.95", "16.49"),
        ("9.5", "31.47", "2.99"),
    ]
    assert _entries(inv["allowances"]) == [
        ("Loyalty", "9.5", "4.00", "3.65"),
        ("Goodwill", "22", "3.46", "2.84"),
        ("Goodwill", "9.5", "1.54", "1.41"),
    ]
    assert _entries(inv["charges"]) == [("Shipping", "22", "4.90", "4.02")]
    r = tenant.api.post("/v1/credit-notes", json={"invoice_id": inv["id"]})
    assert r.status_code == 201 and r.json()["total_with_tax"] == "125.90", r.text


def test_nothing_may_total_below_zero(tenant):
    voucher = {"name": "Voucher", "price": "-130.01", "taxes": [{"rate": 22}]}
    body = assert_problem(_create(tenant.api, items=[*LINES, voucher], allowances=[], charges=[]), 422)
    assert [e["field"] for e in body["errors"]] == ["items"] and "with tax" in body["detail"]
    # positive in all, but the 9.5 % base would be negative
    returned = {"name": "Cookbook returned", "quantity": -2, "price": "40.00", "taxes": [{"rate": "9.5"}]}
    body = assert_problem(_create(tenant.api, items=[*LINES, returned], allowances=[], charges=[]), 422)
    assert [e["field"] for e in body["errors"]] == ["items"] and "DDV 9.5 % base would be -40.00" in body["detail"]
    too_much = [{"reason": "Too much", "amount": "41", "taxes": [{"rate": "9.5"}]}]
    body = assert_problem(_create(tenant.api, allowances=too_much), 422)
    assert [e["field"] for e in body["errors"]] == ["allowances"]
    elsewhere = [{"reason": "Nowhere", "amount": "1", "taxes": [{"rate": 5}]}]
    body = assert_problem(_create(tenant.api, charges=elsewhere), 422)
    assert [e["field"] for e in body["errors"]] == ["charges[0].taxes"]
    # a return down to exactly zero is fine
    r = _create(tenant.api, items=[LINES[1], {**LINES[1], "quantity": -1}], allowances=[], charges=[])
    assert r.status_code == 201 and r.json()["total_with_tax"] == "0.00", r.text


def test_a_draft_spreads_its_allowances_again_over_new_lines(tenant):
    decided = [{"name": "Espresso machine", "price": "200.00", "kind": "goods"}]  # the VAT decision picks 22 %
    r = tenant.api.post(
        "/v1/invoices",
        json={
            "customer": CUSTOMER,
            "items": decided,
            "allowances": [{"reason": "Goodwill", "amount": 20}],
            "is_draft": True,
        },
    )
    assert r.status_code == 201, r.text
    draft = r.json()
    assert _entries(draft["allowances"]) == [("Goodwill", "22", "20.00", "20.00")]
    assert draft["allowances"][0]["taxes"][0]["category"] == "S"
    book = {"name": "Manual", "price": "100.00", "kind": "goods", "tax_class": "reduced"}
    r = tenant.api.patch(f"/v1/invoices/{draft['id']}", json={"items": [*decided, book]})
    assert r.status_code == 200, r.text
    assert _entries(r.json()["allowances"]) == [
        ("Goodwill", "22", "13.33", "13.33"),
        ("Goodwill", "9.5", "6.67", "6.67"),
    ]
    r = tenant.api.patch(f"/v1/invoices/{draft['id']}", json={"allowances": []})
    assert r.json()["allowances"] == [] and r.json()["total"] == r.json()["total_lines"] == "300.00"
    # a voucher line naming no taxes is decided like any other line
    voucher = {"name": "Voucher", "price": "-30.00", "kind": "goods"}
    r = tenant.api.patch(f"/v1/invoices/{draft['id']}", json={"items": [*decided, book, voucher]})
    assert r.status_code == 200, r.text
    assert r.json()["items"][2]["taxes"] == [{"rate": "22", "name": "DDV", "category": "S"}]
    assert [(t["rate"], t["base"]) for t in r.json()["taxes"]] == [("22", "170.00"), ("9.5", "100.00")]


def test_the_pdf_prints_each_allowance_and_charge_in_the_totals(tenant):
    inv = _create(tenant.api).json()
    r = tenant.api.get(f"/v1/invoices/{inv['id']}/pdf")
    assert r.status_code == 200, r.text
    text = pdf_text(r.content)
    assert re.search(r"Loyalty \(10%, \w+ 9\.5%\)\s*-€4\.00", text), text
    assert re.search(r"Goodwill \(\w+ 22%\)\s*-€3\.46", text), text
    assert re.search(r"Shipping \(\w+ 22%\)\s*€4\.90", text), text
    assert "Voucher WELCOME10" in text and "-€10.00" in text and "€149.29" in text
