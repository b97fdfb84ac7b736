"""VAT in the embedded dashboard: checking a customer's VAT number against VIES (the stand-in, see
``invoicing/demo/vies.py`` for its numbers); the editor's VAT treatment from the server's preview, a
reverse-charge invoice for a German business and an OSS invoice for a French consumer, their legal notes
on the invoice screen and in the PDF."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import Folio, Host, open_dashboard
from tests.integration.pdf_helpers import pdf_text


def test_the_customer_form_checks_a_vat_number_against_vies(page: Page, host: Host, folio: Folio):
    frame = open_dashboard(page, host, entity="A", user="editor", view="customers")
    frame.get_by_role("button", name="New customer").click()
    form = frame.get_by_role("form", name="New customer")
    number = form.get_by_role("textbox", name="Tax number")
    check = form.get_by_role("button", name="Check VAT number")
    result = form.get_by_role("status")

    number.fill("DE811569869")
    check.click()
    expect(result).to_contain_text("Valid VAT number")
    expect(result).to_contain_text("Muster Maschinenbau GmbH")

    number.fill("DE123456788")
    expect(result).to_have_text("")  # an answer about another number is not shown
    check.click()
    expect(result).to_contain_text("Not a valid VAT number")

    number.fill("IT00743110157")
    check.click()
    expect(result).to_contain_text("VIES unavailable")

    number.fill("DE12")
    check.click()
    expect(result).to_have_text(re.compile(r"\S"))
    expect(result).not_to_contain_text("Valid VAT number")

    # the customer is saved with the checked number
    number.fill("DE811569869")
    form.get_by_role("textbox", name="Name").fill("Muster Maschinenbau GmbH")
    form.get_by_role("button", name="Create").click()
    customers = frame.get_by_role("table", name="Customer list")
    expect(customers.get_by_role("cell", name="Muster Maschinenbau GmbH", exact=True)).to_be_visible()
    with folio.api("A") as client:
        saved = client.get("/v1/customers", params={"search": "Muster Maschinenbau"}).json()["data"]
    assert [(c["tax_number"], c["is_business"]) for c in saved] == [("DE811569869", True)]

    # a consumer: the box unticked is saved as such
    frame.get_by_role("button", name="New customer").click()
    form = frame.get_by_role("form", name="New customer")
    form.get_by_role("textbox", name="Name").fill("Camille Martin")
    form.get_by_label("Business customer").uncheck()
    form.get_by_role("button", name="Create").click()
    expect(customers.get_by_role("cell", name="Camille Martin", exact=True)).to_be_visible()
    with folio.api("A") as client:
        saved = client.get("/v1/customers", params={"search": "Camille Martin"}).json()["data"]
    assert [c["is_business"] for c in saved] == [False]


SELLERS = {
    # a Slovenian seller invoicing a German business (reverse charge)
    "SIRC": {
        "name": "Rc Storitve d.o.o.",
        "country": "SI",
        "city": "Ljubljana",
        "locale": "en",
        "tax_number": "SI50223054",
    },
    # a Slovenian seller registered for OSS invoicing a French consumer
    "SIOSS": {
        "name": "Oss Digital d.o.o.",
        "country": "SI",
        "city": "Maribor",
        "locale": "en",
        "tax_number": "SI50223054",
        "settings": {"tax": {"oss_registered": True}},
    },
}
REVERSE_CHARGE = {
    "customer": {"name": "Muster Maschinenbau GmbH", "country": "DE", "tax_number": "DE811569869"},
    "items": [{"name": "Software consulting", "price": "1000", "kind": "services"}],
}
OSS = {
    "customer": {"name": "Camille Martin", "country": "FR"},
    "items": [{"name": "E-book subscription", "price": "100", "kind": "digital"}],
}


@pytest.fixture(scope="module")
def sellers(folio: Folio) -> dict[str, str]:
    """The sellers' entities, each with an admin who opens the dashboard: entity key -> the admin's name."""
    admins = {}
    for key, body in SELLERS.items():
        with folio.api() as client:
            r = client.post("/v1/entities", json=body)
            assert r.status_code == 201, r.text
            folio.entities[key] = r.json()
        admin = f"{key.lower()}-admin"
        with folio.api(key) as client:
            r = client.post(
                "/v1/entity-users",
                json={
                    "email": f"{admin}@example.com",
                    "role": "admin",
                    "name": admin.title(),
                    "external_id": f"ext-{admin}",
                },
            )
            assert r.status_code == 201, r.text
            folio.users[admin] = r.json()
        admins[key] = admin
    return admins


def _new_customer(frame, customer: dict) -> None:
    frame.get_by_label("Customer name").fill(customer["name"])
    frame.get_by_label("Customer country").fill(customer["country"])
    if customer.get("tax_number"):
        frame.get_by_label("Customer VAT number").fill(customer["tax_number"])


def _line(frame, line: dict) -> None:
    frame.get_by_label("Item name, line 1").fill(line["name"])
    frame.get_by_label("Price, line 1").fill(line["price"])
    frame.get_by_label("Kind, line 1").select_option(line["kind"])


def _issue(frame, folio: Folio, entity: str) -> dict:
    """Issue the draft in the editor; the invoice as the API has it."""
    frame.get_by_role("button", name="Save and issue").click()
    heading = frame.get_by_role("heading", name=re.compile(r"^Invoice \S+$"))
    expect(heading).to_be_visible()
    number = heading.inner_text().removeprefix("Invoice ")
    with folio.api(entity) as client:
        (invoice,) = client.get("/v1/invoices", params={"search": number}).json()["data"]
    return invoice


def _pdf_text(folio: Folio, entity: str, invoice: dict) -> str:
    with folio.api(entity) as client:
        pdf = client.get(f"/v1/invoices/{invoice['id']}/pdf")
    assert pdf.status_code == 200, pdf.text
    return pdf_text(pdf.content)


def _words(text: str) -> str:
    return " ".join(text.split())


def test_a_reverse_charge_invoice_for_a_german_business(page: Page, host: Host, folio: Folio, sellers):
    frame = open_dashboard(page, host, entity="SIRC", user=sellers["SIRC"], view="invoice/new")
    # left empty, the customer is a domestic one: the field shows the seller's own country
    expect(frame.get_by_label("Customer country")).to_have_attribute("placeholder", "SI")
    # before the customer is named, the panel says what is missing, in plain words
    expect(
        frame.get_by_text("The VAT treatment shows once the draft is complete: customer.name: must not be empty")
    ).to_be_visible()
    _new_customer(frame, REVERSE_CHARGE["customer"])
    expect(frame.get_by_label("Business customer")).to_be_checked()
    _line(frame, REVERSE_CHARGE["items"][0])

    treatment = frame.get_by_role("region", name="VAT treatment")
    expect(treatment.get_by_test_id("treatment-code")).to_have_text("Reverse charge")
    expect(treatment.get_by_test_id("treatment-reason")).to_have_text(re.compile(r"\S"))
    expect(treatment.get_by_test_id("treatment-legal-note")).to_contain_text("2006/112/EC")
    expect(frame.get_by_test_id("line-rates-1")).to_contain_text("category AE")
    preview = frame.get_by_role("region", name="Totals preview")
    expect(preview.get_by_test_id("preview-title-with-tax")).to_have_text("€1,000.00")

    invoice = _issue(frame, folio, "SIRC")
    assert invoice["tax_treatment"]["code"] == "reverse_charge", invoice["tax_treatment"]
    assert invoice["tax_treatment"]["vies"]["status"] == "valid", invoice["tax_treatment"]
    detail = frame.get_by_role("region", name="VAT treatment")
    expect(detail.get_by_test_id("treatment-code")).to_have_text("Reverse charge")
    expect(detail.get_by_test_id("treatment-legal-note")).to_have_text(invoice["tax_treatment"]["legal_note"])
    expect(detail.get_by_test_id("vies-status")).to_have_text("Valid")
    expect(detail).to_contain_text("Muster Maschinenbau GmbH")
    text = _words(_pdf_text(folio, "SIRC", invoice))
    assert "2006/112/EC" in invoice["tax_treatment"]["legal_note"]
    assert _words(invoice["tax_treatment"]["legal_note"]) in text, text
    assert "DE811569869" in text and "SI50223054" in text, text


def test_an_oss_invoice_for_a_french_consumer(page: Page, host: Host, folio: Folio, sellers):
    frame = open_dashboard(page, host, entity="SIOSS", user=sellers["SIOSS"], view="invoice/new")
    _new_customer(frame, OSS["customer"])
    expect(frame.get_by_label("Business customer")).not_to_be_checked()
    _line(frame, OSS["items"][0])

    treatment = frame.get_by_role("region", name="VAT treatment")
    expect(treatment.get_by_test_id("treatment-code")).to_have_text("OSS: the buyer country's VAT")
    expect(frame.get_by_test_id("line-rates-1")).to_contain_text("20")
    preview = frame.get_by_role("region", name="Totals preview")
    expect(preview.get_by_test_id("preview-title-with-tax")).to_have_text("€120.00")

    invoice = _issue(frame, folio, "SIOSS")
    assert invoice["tax_treatment"]["code"] == "oss", invoice["tax_treatment"]
    assert [t["rate"] for t in invoice["items"][0]["taxes"]] == ["20"], invoice["items"]
    detail = frame.get_by_role("region", name="VAT treatment")
    expect(detail.get_by_test_id("treatment-code")).to_have_text("OSS: the buyer country's VAT")
    expect(detail.get_by_test_id("treatment-legal-note")).to_have_text(invoice["tax_treatment"]["legal_note"])
    assert "OSS" in invoice["tax_treatment"]["legal_note"]
    text = _words(_pdf_text(folio, "SIOSS", invoice))
    assert _words(invoice["tax_treatment"]["legal_note"]) in text, text
