"""Paging through the invoice list, and deleting a draft, from the embedded dashboard."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import Folio, Host, create_invoice, open_dashboard


def test_paging_through_a_filtered_invoice_list(page: Page, host: Host, folio: Folio):
    numbers = [create_invoice(folio, "B", customer={"name": "Pager Paging GmbH"})["number"] for _ in range(21)]
    frame = open_dashboard(page, host, entity="B", user="b-admin", view="invoices")
    frame.get_by_label("Search by number or customer").fill("Pager Paging")
    frame.get_by_role("button", name="Apply filters").click()

    table = frame.get_by_role("table")
    rows = table.get_by_role("row").filter(has_text="Pager Paging GmbH")
    expect(rows).to_have_count(20)
    # newest first: the last invoice issued heads the first page
    expect(rows.first).to_contain_text(numbers[-1])
    frame.get_by_role("button", name="Next page").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(numbers[0])
    expect(frame.get_by_text("Page 2")).to_be_visible()
    frame.get_by_role("button", name="Previous page").click()
    expect(rows).to_have_count(20)
    expect(rows.first).to_contain_text(numbers[-1])


def test_deleting_a_draft(page: Page, host: Host, folio: Folio):
    draft = create_invoice(folio, "B", customer={"name": "Draft To Delete Ltd"}, is_draft=True)
    frame = open_dashboard(page, host, entity="B", user="b-admin", view=f"invoice/{draft['id']}")
    frame.get_by_role("button", name="Delete draft").click()
    expect(frame.get_by_text("Delete this draft for good?")).to_be_visible()
    frame.get_by_role("button", name="Delete", exact=True).click()
    expect(frame.get_by_role("heading", name="Invoices", exact=True)).to_be_visible()
    with folio.api("B") as client:
        assert client.get(f"/v1/invoices/{draft['id']}").status_code == 404
    frame.get_by_label("Search by number or customer").fill("Draft To Delete")
    frame.get_by_role("button", name="Apply filters").click()
    expect(frame.get_by_role("row").filter(has_text=re.compile("Draft To Delete"))).to_have_count(0)
