"""The list's date filters are written the dashboard locale's way (a native date input follows the browser's)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import Folio, Host, create_invoice, open_dashboard


def test_date_filters_are_written_the_dashboard_locales_way(page: Page, host: Host, folio: Folio):
    # a business of its own (numbering starts afresh), Slovenian, with invoices from January and February
    with folio.api() as client:
        entity = client.post(
            "/v1/entities", json={"name": "Datumi d.o.o.", "country": "SI", "city": "Koper", "locale": "sl"}
        )
        assert entity.status_code == 201, entity.text
    folio.entities["SL"] = entity.json()
    with folio.api("SL") as client:
        user = client.post(
            "/v1/entity-users",
            json={"email": "sl-admin@example.com", "role": "admin", "name": "Sl Admin", "external_id": "ext-sl-admin"},
        )
        assert user.status_code == 201, user.text
    folio.users["sl-admin"] = user.json()
    january = create_invoice(folio, "SL", date="2026-01-10", customer={"name": "Januar d.o.o."})
    february = create_invoice(folio, "SL", date="2026-02-20", customer={"name": "Februar d.o.o."})

    frame = open_dashboard(page, host, entity="SL", user="sl-admin", view="invoices")
    date_from = frame.get_by_role("textbox", name="Od datuma")
    # Intl.DateTimeFormat("sl") writes 3. 11. 2026, whatever the browser's own language
    pattern = page.evaluate("""() => new Intl.DateTimeFormat("sl", {day: "numeric", month: "numeric", year: "numeric"})
        .formatToParts(new Date(2026, 0, 5)).map((p) => ({day: "d", month: "m", year: "yyyy"})[p.type] ?? p.value)
        .join("")""")
    assert pattern == "d. m. yyyy"
    expect(date_from).to_have_attribute("placeholder", pattern)
    expect(frame.get_by_role("textbox", name="Do datuma")).to_have_attribute("placeholder", pattern)
    table = frame.get_by_role("table", name="Seznam računov")
    expect(table.get_by_role("link", name=january["number"])).to_be_visible()

    # the calendar (the browser's own picker) fills the field the Slovenian way too
    frame.get_by_role("button", name="Do datuma: izberite v koledarju").click()
    frame.locator(".date-field", has=frame.get_by_role("textbox", name="Do datuma")).locator("input[type=date]").fill(
        "2026-03-31", force=True
    )
    expect(frame.get_by_role("textbox", name="Do datuma")).to_have_value("31. 3. 2026")
    date_from.fill("1. 2. 2026")
    frame.get_by_role("button", name=re.compile("Uporabi filtre")).click()
    expect(table.get_by_role("link", name=february["number"])).to_be_visible()
    expect(table.get_by_role("link", name=january["number"])).to_have_count(0)
    # the filter lives in the URL as the API writes dates, and the field shows it the Slovenian way
    search = frame.locator("html").evaluate("() => location.search")
    assert "date_from=2026-02-01" in search and "date_to=2026-03-31" in search, search
    expect(frame.get_by_role("textbox", name="Od datuma")).to_have_value("1. 2. 2026")

    # something that is no date is refused in words, and the list stays as it was
    frame.get_by_role("textbox", name="Od datuma").fill("31. 2. 2026")
    frame.get_by_role("button", name=re.compile("Uporabi filtre")).click()
    message = frame.get_by_role("textbox", name="Od datuma").evaluate("input => input.validationMessage")
    assert message == "Datum vpišite kot d. m. yyyy."
    assert "date_from=2026-02-01" in frame.locator("html").evaluate("() => location.search")
