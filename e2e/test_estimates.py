"""Estimates in the embedded dashboard: create one, issue it, record the buyer's acceptance, convert it into an
invoice, and find the invoice showing the total the API has."""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import Page, expect

from e2e.conftest import Folio, Host, open_dashboard, open_section


def test_an_estimate_is_issued_accepted_and_converted_into_an_invoice(page: Page, host: Host, folio: Folio):
    frame = open_dashboard(page, host, entity="A", view="home", user="admin")
    open_section(frame, "Estimates")
    expect(frame.get_by_role("heading", name="Estimates")).to_be_visible()
    frame.get_by_role("button", name="New estimate").click()

    expect(frame.get_by_role("heading", name="New estimate")).to_be_visible()
    frame.get_by_label("Customer name").fill("Offer Seekers GmbH")
    frame.get_by_label("Valid until").fill("2099-12-31")
    frame.get_by_label("Item name, line 1").fill("Workshop")
    frame.get_by_label("Quantity, line 1").fill("2")
    frame.get_by_label("Price, line 1").fill("450.25")
    frame.get_by_label("Tax %, line 1").fill("19")
    frame.get_by_role("button", name="Save and issue").click()

    heading = frame.get_by_role("heading", name=re.compile(r"^Estimate EST-\d{4}-\d{5}$"))
    expect(heading).to_be_visible()
    number = heading.inner_text().removeprefix("Estimate ")
    expect(frame.locator(".page-head .badge")).to_have_text("Issued")

    frame.get_by_role("button", name="Mark accepted").click()
    expect(frame.locator(".page-head .badge")).to_have_text("Accepted")

    frame.get_by_role("button", name="Convert to invoice", exact=True).click()
    invoice_heading = frame.get_by_role("heading", name=re.compile(r"^Invoice \d{4}-\d{5}$"))
    expect(invoice_heading).to_be_visible()
    expect(frame.get_by_role("link", name=f"From estimate {number}")).to_be_visible()

    with folio.api("A") as client:
        estimates = client.get("/v1/estimates", params={"search": "Offer Seekers"}).json()["data"]
        assert [(e["number"], e["status"]) for e in estimates] == [(number, "converted")]
        invoice = client.get(f"/v1/invoices/{estimates[0]['invoice_id']}").json()
    assert invoice["estimate_id"] == estimates[0]["id"]
    assert invoice["total_with_tax"] == estimates[0]["total_with_tax"] == "1071.60"  # 900.50 + 19 % VAT
    expect(invoice_heading).to_have_text(f"Invoice {invoice['number']}")
    shown = f"€{Decimal(invoice['total_with_tax']):,.2f}"
    expect(frame.get_by_role("region", name="Totals").get_by_test_id("totals-title-with-tax")).to_have_text(shown)

    # the invoice links back to its estimate, which links to the invoice
    frame.get_by_role("link", name=f"From estimate {number}").click()
    expect(heading).to_be_visible()
    expect(frame.locator(".page-head .badge")).to_have_text("Converted")
    expect(frame.get_by_role("link", name="Open the invoice made from this estimate")).to_be_visible()
