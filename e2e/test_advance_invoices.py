"""Advance invoices in the embedded dashboard: issue one paid, then an invoice that deducts it; the amount due
the dashboard shows (before and after issuing) is the API's."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import Folio, Host, open_dashboard, open_section


def test_an_invoice_deducts_an_advance_and_shows_what_is_left(page: Page, host: Host, folio: Folio):
    frame = open_dashboard(page, host, entity="A", user="admin")
    open_section(frame, "Advance invoices")
    expect(frame.get_by_role("heading", name="Advance invoices")).to_be_visible()
    frame.get_by_role("button", name="New advance invoice").click()
    form = frame.get_by_role("form", name="New advance invoice")
    form.get_by_label("Customer name").fill("Vorschuss Kunde GmbH")
    form.get_by_label("Item name, line 1").fill("Anzahlung Werkbank")
    form.get_by_label("Price, line 1").fill("300.00")
    form.get_by_label("Tax %, line 1").fill("19")
    expect(form.get_by_label("The prepayment is received (record it as paid)")).to_be_checked()
    form.get_by_role("button", name="Issue advance invoice").click()

    heading = frame.get_by_role("heading", name="Advance invoice ADV-")
    expect(heading).to_be_visible()
    expect(heading).to_contain_text("Paid")
    with folio.api("A") as client:
        advance = client.get("/v1/advance-invoices").json()["data"][0]
    assert (advance["total_with_tax"], advance["status"]) == ("357.00", "paid")

    # the final invoice, opened by the host for that customer: the editor offers the open advance
    page.evaluate(
        "([view, prefill]) => window.folio.navigate(view, prefill)",
        [
            "invoice/new",
            {
                "customer_id": advance["customer"]["id"],
                "items": [{"name": "Werkbank", "quantity": 1, "price": "1000.00", "taxes": [{"rate": 19}]}],
            },
        ],
    )
    expect(frame.get_by_role("heading", name="New invoice")).to_be_visible()
    frame.get_by_role("checkbox", name=advance["number"]).check()
    preview = frame.get_by_role("region", name="Totals preview")
    # 1000.00 + 190.00 VAT − (300.00 + 57.00)
    expect(preview.get_by_test_id("preview-title-due-after-advances")).to_have_text("€833.00")
    frame.get_by_role("button", name="Save and issue").click()

    expect(frame.get_by_role("heading", level=1, name=re.compile(r"^Invoice \d"))).to_be_visible()
    with folio.api("A") as client:
        invoice = client.get("/v1/invoices", params={"customer_id": advance["customer"]["id"]}).json()["data"][0]
        advance_now = client.get(f"/v1/advance-invoices/{advance['id']}").json()
    assert invoice["total_due"] == "833.00"
    assert (advance_now["status"], advance_now["deducted_by_invoice_id"]) == ("deducted", invoice["id"])
    totals = frame.get_by_role("region", name="Totals")
    expect(totals.get_by_test_id("totals-title-due")).to_have_text(f"€{invoice['total_due']}")
    expect(frame.get_by_role("region", name="Deducted advance invoices")).to_contain_text(advance["number"])
