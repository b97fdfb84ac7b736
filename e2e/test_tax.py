"""VAT in the embedded dashboard: checking a customer's VAT number against VIES (the stand-in, see
``invoicing/demo/vies.py`` for its numbers)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import Folio, Host, open_dashboard


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
