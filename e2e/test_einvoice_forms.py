"""The data e-invoices need, entered in the embedded dashboard and read back through the API: the customer's
Peppol id and required e-invoice format, the seller's registration number, Peppol id and contact and the
Factur-X PDF option, an invoice's service period and payment terms, a credit note's reason."""

# ruff: noqa: F811 (the tests take the imported `tenant` fixture)
from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.conftest import Folio, Host, create_invoice, open_dashboard
from e2e.test_first_week_dashboard import _api, tenant  # noqa: F401 (tenant: a fresh business per test)


def test_the_customer_form_saves_the_peppol_id_and_the_einvoice_format(
    page: Page, host: Host, folio: Folio, tenant: str
):
    frame = open_dashboard(page, host, entity=tenant, user=f"{tenant}-admin", view="customers")
    frame.get_by_role("button", name="New customer").click()
    form = frame.get_by_role("form", name="New customer")
    form.get_by_role("textbox", name="Name").fill("Stadt Köln")
    form.get_by_role("combobox", name="Country").select_option(label="Germany")
    peppol = form.get_by_role("textbox", name="Peppol ID")
    peppol.fill("4012345000009")  # no scheme
    form.get_by_role("combobox", name="Required e-invoice format").select_option(label="XRechnung")
    form.get_by_role("button", name="Create").click()
    expect(peppol).to_have_attribute("aria-invalid", "true")  # the API's 422 under its field
    peppol.fill("0204:05315-12345-67")
    form.get_by_role("button", name="Create").click()
    expect(
        frame.get_by_role("table", name="Customer list").get_by_role("cell", name="Stadt Köln", exact=True)
    ).to_be_visible()
    [customer] = _api(folio, tenant, "GET", "/v1/customers")["data"]
    assert (customer["peppol_id"], customer["einvoice_format"]) == ("0204:05315-12345-67", "xrechnung")

    frame.get_by_role("button", name="Edit Stadt Köln").click()
    form = frame.get_by_role("form", name="Edit customer Stadt Köln")
    expect(form.get_by_role("textbox", name="Peppol ID")).to_have_value("0204:05315-12345-67")
    fmt = form.get_by_role("combobox", name="Required e-invoice format")
    expect(fmt).to_have_value("xrechnung")
    fmt.select_option(label="None")
    form.get_by_role("button", name="Save").click()
    expect(frame.get_by_role("status").filter(has_text="Customer Stadt Köln saved")).to_be_visible()
    saved = _api(folio, tenant, "GET", f"/v1/customers/{customer['id']}")
    assert (saved["peppol_id"], saved["einvoice_format"]) == ("0204:05315-12345-67", None)


def test_settings_save_the_seller_contact_peppol_id_and_einvoice_options(
    page: Page, host: Host, folio: Folio, tenant: str
):
    frame = open_dashboard(page, host, entity=tenant, user=f"{tenant}-admin", view="settings")
    frame.get_by_role("textbox", name="Registration number").fill("8123456000")
    frame.get_by_role("textbox", name="Payment terms text").fill("Payable within 14 days.")
    frame.get_by_role("textbox", name="Peppol ID").fill("9949:SI12345678")
    frame.get_by_role("textbox", name="Contact person").fill("Ana Novak")
    frame.get_by_role("textbox", name="Contact phone").fill("+386 1 234 5678")
    email = frame.get_by_role("textbox", name="Contact e-mail")
    email.fill("ana@")
    pdf = frame.get_by_role("checkbox", name="The PDF is a Factur-X e-invoice (PDF/A-3 with the XML inside)")
    expect(pdf).to_be_checked()  # the default for a business in the EU
    pdf.uncheck()
    frame.get_by_role("button", name="Save").click()
    expect(email).to_have_attribute("aria-invalid", "true")
    email.fill("ana@prvi.si")
    frame.get_by_role("button", name="Save").click()
    expect(frame.get_by_role("status").filter(has_text="Settings saved")).to_be_visible()

    entity = _api(folio, tenant, "GET", f"/v1/entities/{folio.entities[tenant]['id']}")
    assert (entity["registration_number"], entity["peppol_id"]) == ("8123456000", "9949:SI12345678")
    assert entity["contact"] == {"name": "Ana Novak", "phone": "+386 1 234 5678", "email": "ana@prvi.si"}
    assert entity["settings"]["einvoice"] == {"pdf": False}
    assert entity["settings"]["payment_terms_text"] == "Payable within 14 days."
    # a new invoice takes the payment terms
    assert create_invoice(folio, tenant)["payment_terms"] == "Payable within 14 days."

    page.reload()
    frame = page.frame_locator("#folio iframe")
    expect(frame.get_by_role("textbox", name="Contact person")).to_have_value("Ana Novak")
    expect(
        frame.get_by_role("checkbox", name="The PDF is a Factur-X e-invoice (PDF/A-3 with the XML inside)")
    ).not_to_be_checked()


def test_the_editor_takes_the_service_period_and_payment_terms_and_a_credit_note_its_reason(
    page: Page, host: Host, folio: Folio, tenant: str
):
    frame = open_dashboard(page, host, entity=tenant, user=f"{tenant}-admin", view="invoice/new")
    frame.get_by_label("Customer name").fill("Kupec d.o.o.")
    frame.get_by_label("Item name, line 1").fill("Gostovanje, november")
    frame.get_by_label("Price, line 1").fill("100")
    frame.get_by_label("Tax %, line 1").fill("22")
    frame.get_by_label("Service period from").fill("2026-11-01")
    frame.get_by_label("Service period to").fill("2026-11-30")
    frame.get_by_label("Payment terms").fill("Net 30")
    frame.get_by_role("button", name="Save and issue").click()
    expect(frame.get_by_role("heading", name="Invoice ")).to_be_visible()
    [invoice] = _api(folio, tenant, "GET", "/v1/invoices")["data"]
    assert (invoice["period_start"], invoice["period_end"], invoice["payment_terms"]) == (
        "2026-11-01",
        "2026-11-30",
        "Net 30",
    )
    assert invoice["date_service"] == "2026-11-30"
    facts = frame.locator("dl.facts").first
    expect(facts).to_contain_text("Service period")
    expect(facts).to_contain_text("Nov 1, 2026 – Nov 30, 2026")
    expect(facts).to_contain_text("Net 30")

    frame.get_by_role("button", name="Create credit note").click()
    form = frame.get_by_role("form", name="Create credit note")
    form.get_by_role("textbox", name="Reason").fill("Service outage")
    form.get_by_role("button", name="Create credit note").click()
    expect(frame.get_by_role("table", name="Credit notes")).to_contain_text("€122.00")
    [note] = _api(folio, tenant, "GET", f"/v1/credit-notes?invoice_id={invoice['id']}")["data"]
    assert note["reason"] == "Service outage"
    frame.get_by_role("table", name="Credit notes").get_by_role("link", name=note["number"]).click()
    expect(frame.get_by_role("heading", name=f"Credit note {note['number']}")).to_be_visible()
    expect(frame.locator("dl.facts").first).to_contain_text("Service outage")
