"""Recurring invoices in the embedded dashboard: make an invoice recurring from its detail screen, find the
schedule in the Recurring list with its next run, pause and resume it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.conftest import Folio, Host, create_invoice, open_dashboard, open_section


def test_make_an_invoice_recurring_then_pause_and_resume_it(page: Page, host: Host, folio: Folio):
    invoice = create_invoice(folio, "A", customer={"name": "Abo Kunde GmbH", "country": "DE"})
    frame = open_dashboard(page, host, entity="A", user="admin", view=f"invoice/{invoice['id']}")
    expect(frame.get_by_role("heading", name=f"Invoice {invoice['number']}")).to_be_visible()

    frame.get_by_role("button", name="Make recurring").click()
    form = frame.get_by_role("form", name="Make recurring")
    expect(form.get_by_role("textbox", name="Time zone")).not_to_have_value("")
    form.get_by_role("combobox", name="Frequency").select_option("monthly")
    form.get_by_role("spinbutton", name="Day of the month").fill("31")
    form.get_by_label("Start date").fill("2027-01-31")
    form.get_by_role("textbox", name="Time zone").fill("Europe/Ljubljana")
    form.get_by_role("combobox", name="Each period").select_option("issue")
    form.get_by_role("button", name="Make recurring").click()

    expect(frame.get_by_role("heading", name="Abo Kunde GmbH")).to_be_visible()
    upcoming = frame.get_by_role("list", name="Next runs")
    expect(upcoming.get_by_role("listitem")).to_have_count(5)  # 31 Jan, 28 Feb, 31 Mar, 30 Apr, 31 May 2027

    open_section(frame, "Recurring")
    table = frame.get_by_role("table", name="Recurring invoices")
    row = table.get_by_role("row").filter(has_text="Abo Kunde GmbH")
    expect(row).to_contain_text("Monthly")
    expect(row).to_contain_text("2027")
    expect(row).to_contain_text("Active")

    row.get_by_role("link", name="Abo Kunde GmbH").click()
    actions = frame.get_by_role("group", name="Recurring invoice actions")
    actions.get_by_role("button", name="Pause").click()
    expect(actions.get_by_role("button", name="Resume")).to_be_visible()
    expect(frame.locator(".badge-paused")).to_have_text("Paused")
    actions.get_by_role("button", name="Resume").click()
    expect(actions.get_by_role("button", name="Pause")).to_be_visible()
    expect(frame.locator(".badge-active")).to_have_text("Active")

    open_section(frame, "Recurring")
    expect(
        frame.get_by_role("table", name="Recurring invoices").get_by_role("row").filter(has_text="Abo Kunde GmbH")
    ).to_contain_text("Active")
