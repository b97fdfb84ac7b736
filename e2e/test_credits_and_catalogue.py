"""Partial credit notes, editing and deleting customers and items, and tax names, in the embedded dashboard."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import Folio, Host, create_invoice, open_dashboard


def _post(folio: Folio, path: str, body: dict) -> dict:
    with folio.api("A") as client:
        response = client.post(path, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_partial_credit_note_for_one_line_then_one_over_the_limit_is_refused(page: Page, host: Host, folio: Folio):
    invoice = create_invoice(
        folio,
        "A",
        items=[
            {"name": "Licence", "quantity": 2, "price": "50.00", "taxes": [{"rate": 20}]},
            {"name": "Support", "quantity": 1, "price": "30.00", "taxes": [{"rate": 20}]},
        ],
    )
    frame = open_dashboard(page, host, entity="A", user="admin", view=f"invoice/{invoice['id']}")
    expect(frame.get_by_role("heading", name=f"Invoice {invoice['number']}")).to_be_visible()

    frame.get_by_role("button", name="Create credit note").click()
    form = frame.get_by_role("form", name="Create credit note")
    expect(form.get_by_test_id("credit-remaining")).to_have_text("€156.00")
    form.get_by_role("radio", name="Chosen lines and amounts").check()
    form.get_by_role("checkbox", name="Credit line 1: Licence").check()
    form.get_by_role("textbox", name="Quantity to credit, line 1").fill("1")
    # live total: 1 × 50.00 + 20 % = 60.00
    preview = form.get_by_role("region", name="Credit note total")
    expect(preview.get_by_test_id("credit-preview-with-tax")).to_have_text("€60.00")
    form.get_by_role("button", name="Create credit note").click()

    expect(frame.get_by_role("table", name="Credit notes")).to_contain_text("€60.00")
    totals = frame.get_by_role("region", name="Totals")
    expect(totals.get_by_test_id("totals-title-credited")).to_have_text("€60.00")
    expect(totals.get_by_test_id("totals-title-due")).to_have_text("€96.00")

    # a second one for more than the 96.00 left: the API refuses it, and the form says why in its words
    frame.get_by_role("button", name="Create credit note").click()
    form = frame.get_by_role("form", name="Create credit note")
    expect(form.get_by_test_id("credit-remaining")).to_have_text("€96.00")
    form.get_by_role("radio", name="Chosen lines and amounts").check()
    form.get_by_role("checkbox", name="Credit line 1: Licence").check()
    form.get_by_role("checkbox", name="Add a custom line").check()
    form.get_by_role("textbox", name="Custom line description").fill("Goodwill")
    form.get_by_role("textbox", name="Custom line amount").fill("10")
    expect(preview.get_by_test_id("credit-preview-with-tax")).to_have_text("€132.00")
    expect(form.get_by_role("status")).to_contain_text("more than the €96.00 left to credit")
    form.get_by_role("button", name="Create credit note").click()
    expect(form.get_by_role("alert")).to_contain_text(
        f"credits 132.00 EUR but only 96.00 EUR of invoice {invoice['number']} is left to credit"
    )
    expect(frame.get_by_role("table", name="Credit notes").get_by_role("row")).to_have_count(2)  # header + the first
    expect(totals.get_by_test_id("totals-title-credited")).to_have_text("€60.00")

    with folio.api("A") as client:
        notes = client.get("/v1/credit-notes", params={"invoice_id": invoice["id"]}).json()["data"]
    assert [(n["total_with_tax"], [(li["name"], li["quantity"]) for li in n["items"]]) for n in notes] == [
        ("60.00", [("Licence", "1")])
    ]


def test_a_gross_invoice_is_credited_gross(page: Page, host: Host, folio: Folio):
    invoice = create_invoice(
        folio,
        "A",
        prices_include_tax=True,
        items=[{"name": "Ticket", "quantity": 3, "price": "11.90", "taxes": [{"rate": 19}]}],
    )
    frame = open_dashboard(page, host, entity="A", user="admin", view=f"invoice/{invoice['id']}")
    frame.get_by_role("button", name="Create credit note").click()
    form = frame.get_by_role("form", name="Create credit note")
    form.get_by_role("radio", name="Chosen lines and amounts").check()
    form.get_by_role("checkbox", name="Credit line 1: Ticket").check()
    form.get_by_role("textbox", name="Quantity to credit, line 1").fill("2")
    expect(form.get_by_test_id("credit-preview-with-tax")).to_have_text("€23.80")
    expect(form.get_by_test_id("credit-preview-tax")).to_have_text("€3.80")
    form.get_by_role("button", name="Create credit note").click()
    expect(frame.get_by_role("region", name="Totals").get_by_test_id("totals-title-credited")).to_have_text("€23.80")


def test_editing_a_customer_shows_the_new_name_and_field_errors_by_the_field(page: Page, host: Host, folio: Folio):
    _post(folio, "/v1/customers", {"name": "Oldname Handels GmbH", "email": "old@example.com"})
    frame = open_dashboard(page, host, entity="A", user="admin", view="customers")
    frame.get_by_role("button", name="Edit Oldname Handels GmbH").click()
    form = frame.get_by_role("form", name="Edit customer Oldname Handels GmbH")
    form.get_by_role("textbox", name="Name").fill("Newname Handels GmbH")
    email = form.get_by_role("textbox", name="E-mail")
    email.fill("not-an-e-mail")
    form.get_by_role("button", name="Save").click()
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile(r"\S"))

    email.fill("new@example.com")
    form.get_by_role("button", name="Save").click()
    customers = frame.get_by_role("table", name="Customer list")
    expect(customers.get_by_role("cell", name="Newname Handels GmbH", exact=True)).to_be_visible()
    expect(customers.get_by_role("cell", name="Oldname Handels GmbH", exact=True)).to_have_count(0)
    expect(customers.get_by_role("cell", name="new@example.com")).to_be_visible()


def test_deleting_an_item_removes_it_from_the_list(page: Page, host: Host, folio: Folio):
    _post(folio, "/v1/items", {"name": "Obsolete widget", "price": "9.99"})
    _post(folio, "/v1/items", {"name": "Current widget", "price": "19.99"})
    frame = open_dashboard(page, host, entity="A", user="admin", view="items")
    items = frame.get_by_role("table", name="Item list")
    expect(items.get_by_role("cell", name="Obsolete widget", exact=True)).to_be_visible()

    frame.get_by_role("button", name="Delete Obsolete widget").click()
    confirm = frame.get_by_role("group", name="Delete item Obsolete widget")
    expect(confirm.get_by_role("button", name="Cancel")).to_be_focused()
    confirm.get_by_role("button", name="Yes, delete").click()
    expect(items.get_by_role("cell", name="Obsolete widget", exact=True)).to_have_count(0)
    expect(items.get_by_role("cell", name="Current widget", exact=True)).to_be_visible()


def test_tax_names_are_kept_and_chosen_in_the_draft_editor(page: Page, host: Host, folio: Folio):
    _post(folio, "/v1/items", {"name": "Imported tea", "price": "4.00", "taxes": [{"name": "GST", "rate": 5}]})
    frame = open_dashboard(page, host, entity="A", user="admin", view="invoice/new")
    frame.get_by_label("Customer name").fill("Tea Room Ltd")
    frame.get_by_role("combobox", name="Add from catalogue").fill("Imported")
    frame.get_by_role("option", name="Imported tea").click()
    expect(frame.get_by_label("Tax name, line 1")).to_have_value("GST")
    frame.get_by_role("button", name="Add line").click()
    frame.get_by_label("Item name, line 2").fill("Delivery")
    frame.get_by_label("Price, line 2").fill("10")
    frame.get_by_label("Tax name, line 2").fill("DDV")
    frame.get_by_label("Tax %, line 2").fill("22")
    preview = frame.get_by_role("region", name="Totals preview")
    expect(preview.get_by_role("table", name="Tax breakdown")).to_contain_text("DDV")
    expect(preview.get_by_role("table", name="Tax breakdown")).to_contain_text("GST")
    frame.get_by_role("button", name="Save draft").click()
    expect(frame.get_by_role("heading", name="Draft invoice")).to_be_visible()

    with folio.api("A") as client:
        drafts = client.get("/v1/invoices", params={"search": "Tea Room", "status": "draft"}).json()["data"]
    assert [[(t["name"], t["rate"]) for li in d["items"] for t in li["taxes"]] for d in drafts] == [
        [("GST", "5"), ("DDV", "22")]
    ]


def test_a_viewer_sees_no_edit_delete_or_credit_actions(page: Page, host: Host, folio: Folio):
    _post(folio, "/v1/customers", {"name": "Viewer-visible customer"})
    _post(folio, "/v1/items", {"name": "Viewer-visible item", "price": "1.00"})
    invoice = create_invoice(folio, "A")
    frame = open_dashboard(page, host, entity="A", user="viewer", view="customers")
    expect(frame.get_by_role("table", name="Customer list")).to_contain_text("Viewer-visible customer")
    expect(frame.get_by_role("button", name=re.compile(r"^(Edit|Delete|New customer)"))).to_have_count(0)

    frame.get_by_role("link", name="Items").click()
    expect(frame.get_by_role("table", name="Item list")).to_contain_text("Viewer-visible item")
    expect(frame.get_by_role("button", name=re.compile(r"^(Edit|Delete|New item)"))).to_have_count(0)

    page.evaluate("view => window.folio.navigate(view)", f"invoice/{invoice['id']}")
    expect(frame.get_by_role("heading", name=f"Invoice {invoice['number']}")).to_be_visible()
    expect(frame.get_by_role("button", name="PDF")).to_be_visible()
    expect(frame.get_by_role("button", name="Create credit note")).to_have_count(0)


def test_an_item_made_in_the_catalogue_gives_its_kind_and_rate_class_to_a_line(page: Page, host: Host, folio: Folio):
    """A reduced-rate product made in the dashboard's catalogue: picked in the editor, the line says goods and
    reduced, and the issued invoice stores both (so the VAT treatment does not flag its 7 % against Germany's 19 %)."""
    frame = open_dashboard(page, host, entity="A", user="admin", view="items")
    frame.get_by_role("button", name="New item").click()
    frame.get_by_role("textbox", name="Name", exact=True).fill("Rye bread 1 kg")
    frame.get_by_label("Price", exact=True).fill("4.80")
    frame.get_by_label("Tax %", exact=True).fill("7")
    frame.get_by_label("Kind").select_option("goods")
    frame.get_by_label("Rate class").select_option("reduced")
    frame.get_by_role("button", name="Create").click()
    items = frame.get_by_role("table", name="Item list")
    expect(items.get_by_role("cell", name="Rye bread 1 kg", exact=True)).to_be_visible()
    with folio.api("A") as client:
        [item] = client.get("/v1/items", params={"search": "Rye bread"}).json()["data"]
    assert (item["kind"], item["tax_class"], item["taxes"][0]["rate"]) == ("goods", "reduced", "7")

    frame.get_by_role("link", name="Invoices", exact=True).click()
    frame.get_by_role("button", name="New invoice").click()
    frame.get_by_label("Customer name").fill("Bakery Buyer d.o.o.")
    frame.get_by_role("combobox", name="Add from catalogue").fill("Rye")
    frame.get_by_role("option", name="Rye bread 1 kg").click()
    expect(frame.get_by_label("Kind, line 1")).to_have_value("goods")
    expect(frame.get_by_label("Rate class, line 1")).to_have_value("reduced")
    frame.get_by_role("button", name="Save and issue").click()
    heading = frame.get_by_role("heading", name=re.compile(r"^Invoice \S+$"))
    expect(heading).to_be_visible()
    number = heading.inner_text().removeprefix("Invoice ")
    with folio.api("A") as client:
        [invoice] = client.get("/v1/invoices", params={"search": number}).json()["data"]
    assert [(li["kind"], li["tax_class"]) for li in invoice["items"]] == [("goods", "reduced")]
    assert "where the rules call for" not in invoice["tax_treatment"]["reason"]
