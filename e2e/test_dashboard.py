"""The embedded dashboard, driven in Chromium from a host page on another site."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from e2e.conftest import CHROMIUM, CHROMIUM_ARGS, FRAME, Folio, Host, create_invoice, open_dashboard


def open_session(folio: Folio, entity: str, user: str) -> httpx.Client:
    """What the dashboard does with a token, done by hand: exchange it, then call the proxy."""
    token = folio.mint(entity, user)["token"]
    response = httpx.post(f"{folio.url}/embed/session", json={"token": token})
    assert response.status_code in (200, 201), response.text
    session = response.json()
    return httpx.Client(
        base_url=f"{folio.url}/embed/api", headers={"Authorization": f"Bearer {session['session_token']}"}
    )


def iframe_height(page: Page) -> float:
    return page.locator(FRAME).evaluate("el => el.getBoundingClientRect().height")


def test_admin_creates_and_issues_an_invoice(page: Page, host: Host, folio: Folio):
    frame = open_dashboard(page, host, entity="A", view="invoices", user="admin")
    expect(frame.get_by_role("heading", name="Invoices", exact=True)).to_be_visible()
    frame.get_by_role("button", name="New invoice").click()

    expect(frame.get_by_role("heading", name="New invoice")).to_be_visible()
    frame.get_by_label("Customer name").fill("Northwind Traders")
    frame.get_by_label("Item name, line 1").fill("Consulting")
    frame.get_by_label("Quantity, line 1").fill("3")
    frame.get_by_label("Price, line 1").fill("1234.50")
    frame.get_by_label("Discount %, line 1").fill("7.5")
    frame.get_by_label("Tax %, line 1").fill("19")
    frame.get_by_role("button", name="Add line").click()
    frame.get_by_label("Item name, line 2").fill("Travel")
    frame.get_by_label("Quantity, line 2").fill("1")
    frame.get_by_label("Price, line 2").fill("0.125")
    frame.get_by_label("Tax %, line 2").fill("19")

    # live preview: 3 × 1234.50 × 0.925 = 3425.7375 → 3425.74; 0.125 → 0.13; tax 19 % of 3425.87 = 650.9153 → 650.92
    preview = frame.get_by_role("region", name="Totals preview")
    expect(preview.get_by_test_id("preview-title-total")).to_have_text("€3,425.87")
    expect(preview.get_by_test_id("preview-title-tax")).to_have_text("€650.92")
    expect(preview.get_by_test_id("preview-title-with-tax")).to_have_text("€4,076.79")

    frame.get_by_role("button", name="Save and issue").click()
    heading = frame.get_by_role("heading", name=re.compile(r"^Invoice \d{4}-\d{5}$"))
    expect(heading).to_be_visible()
    number = heading.inner_text().removeprefix("Invoice ")
    totals = frame.get_by_role("region", name="Totals")
    expect(totals.get_by_test_id("totals-title-with-tax")).to_have_text("€4,076.79")
    expect(totals.get_by_test_id("totals-title-tax")).to_have_text("€650.92")
    expect(frame.get_by_text("Issued", exact=True)).to_be_visible()

    # the server's figures are the ones the preview showed
    with folio.api("A") as client:
        found = client.get("/v1/invoices", params={"search": number}).json()["data"]
    assert [(i["number"], i["total"], i["total_tax"], i["total_with_tax"]) for i in found] == [
        (number, "3425.87", "650.92", "4076.79")
    ]

    # the host heard about it
    events = page.get_by_role("list", name="Folio events")
    expect(events).to_contain_text(f"document.created {number}")
    expect(events).to_contain_text(f"document.issued {number}")

    # back in the list, the new invoice is there
    frame.get_by_role("link", name="Invoices", exact=True).first.click()
    expect(frame.get_by_role("link", name=number)).to_be_visible()


def test_admin_records_payment_and_credits(page: Page, host: Host, folio: Folio):
    invoice = create_invoice(
        folio, "A", items=[{"name": "Licence", "quantity": 2, "price": "50.00", "taxes": [{"rate": 20}]}]
    )
    frame = open_dashboard(page, host, entity="A", user="admin", view=f"invoice/{invoice['id']}")
    expect(frame.get_by_role("heading", name=f"Invoice {invoice['number']}")).to_be_visible()
    frame.get_by_role("button", name="Record payment").click()
    form = frame.get_by_role("form", name="Record payment")
    form.get_by_label("Amount").fill("20")
    form.get_by_label("Reference").fill("ch_123")
    form.get_by_role("button", name="Record payment").click()
    expect(frame.get_by_text("Partially paid", exact=True)).to_be_visible()
    expect(frame.get_by_role("table", name="Payments")).to_contain_text("ch_123")

    frame.get_by_role("button", name="Create credit note").click()
    frame.get_by_role("form", name="Create credit note").get_by_role("button", name="Create credit note").click()
    expect(frame.get_by_text("Credited", exact=True).first).to_be_visible()
    expect(frame.get_by_role("table", name="Credit notes")).to_contain_text("€120.00")


def test_viewer_sees_no_create_action_and_a_forced_create_gets_403(page: Page, host: Host, folio: Folio):
    create_invoice(folio, "A")
    frame = open_dashboard(page, host, entity="A", view="invoices", user="viewer")
    expect(frame.get_by_role("heading", name="Invoices", exact=True)).to_be_visible()
    expect(frame.get_by_role("table", name="Invoice list")).to_be_visible()
    expect(frame.get_by_role("button", name="New invoice")).to_have_count(0)

    # a deep link to the editor explains what the role lacks, in words
    page.evaluate("view => window.folio.navigate(view)", "invoice/new")
    expect(frame.get_by_role("alert")).to_contain_text(
        "Your role (viewer) does not allow you to create, issue, void or credit documents."
    )

    # forcing the create through the proxy with the viewer's session is refused by the API
    with open_session(folio, "A", "viewer") as proxy:
        response = proxy.post("/v1/invoices", json={"customer": {"name": "X"}, "items": [{"name": "Y", "price": 1}]})
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 403


def test_entity_a_cannot_see_entity_b_invoice(page: Page, host: Host, folio: Folio):
    other = create_invoice(folio, "B")
    with open_session(folio, "A", "admin") as proxy:
        response = proxy.get(f"/v1/invoices/{other['id']}")
    assert response.status_code == 404

    frame = open_dashboard(page, host, entity="A", user="admin", view=f"invoice/{other['id']}")
    expect(frame.get_by_role("heading", name="Invoice not found")).to_be_visible()
    expect(frame.get_by_role("alert")).to_contain_text("This was not found")
    expect(frame.get_by_text(other["number"])).to_have_count(0)


def test_a_token_works_once(page: Page, folio: Folio):
    token = folio.mint("A", "admin")
    first = httpx.post(f"{folio.url}/embed/session", json={"token": token["token"]})
    assert first.status_code in (200, 201), first.text
    second = httpx.post(f"{folio.url}/embed/session", json={"token": token["token"]})
    assert second.status_code == 401
    assert second.headers["content-type"].startswith("application/problem+json")

    # the browser opening the dashboard with the spent token gets no session, and says so
    page.goto(token["url"])
    expect(page.get_by_role("alert")).to_contain_text("The dashboard could not be opened")
    assert "token=" not in page.url  # the fragment was removed at once


def test_expired_session_is_renewed_without_a_visible_failure(browser, short_env):
    folio, host = short_env
    create_invoice(folio, "A")
    context = browser.new_context()
    try:
        page = context.new_page()
        frame = open_dashboard(page, host, entity="A", view="invoices", user="admin")
        expect(frame.get_by_role("table", name="Invoice list")).to_be_visible()
        # the session lives a few seconds: the dashboard asks the host for new tokens, more than once
        expect(page.locator("#tokens")).to_have_text(re.compile(r"^[3-9]|\d\d"), timeout=30_000)
        frame.get_by_role("link", name="Customers").click()
        expect(frame.get_by_role("heading", name="Customers")).to_be_visible()
        # the invoice's inline customer was saved with it
        expect(frame.get_by_role("table", name="Customer list")).to_be_visible()
        frame.get_by_role("link", name="Invoices", exact=True).click()
        expect(frame.get_by_role("table", name="Invoice list")).to_be_visible()
        expect(frame.get_by_role("alert")).to_have_count(0)
    finally:
        context.close()


def test_a_call_after_expiry_waits_for_the_host_token_and_succeeds(browser, short_env):
    """The host's backend is slow to hand out the next token: the session expires, the next call gets 401,
    the dashboard waits for the SDK's token, opens a new session and retries: the user sees the data."""
    _, host = short_env
    host.gate.clear()
    context = browser.new_context()
    try:
        page = context.new_page()
        unauthorized = []
        page.on(
            "response", lambda r: unauthorized.append(r.url) if r.status == 401 and "/embed/api/" in r.url else None
        )
        frame = open_dashboard(page, host, entity="A", view="invoices", user="editor", gate="1")
        # exact: Home's "Largest open invoices" and "Overdue invoices to chase" contain the word too
        expect(frame.get_by_role("heading", name="Invoices", exact=True)).to_be_visible()
        # wait for the condition "the first session has expired": past its expires_at (whole seconds, as the
        # SDK reported it) by more than the second the server still counts
        page.wait_for_function(
            "() => window.lastReady && Date.now() > Date.parse(window.lastReady) + 1100", timeout=30_000
        )
        frame.get_by_role("link", name="Items").click()
        expect(frame.get_by_role("heading", name="Items")).to_be_visible()
        expect(frame.get_by_role("status").filter(has_text="Loading")).to_be_visible()
        assert unauthorized, "the call after expiry should have been answered 401 first"
        host.gate.set()
        expect(frame.get_by_text("No items in the catalogue yet.")).to_be_visible()
        expect(frame.get_by_role("alert")).to_have_count(0)
    finally:
        host.gate.set()
        context.close()


def test_framing_from_an_origin_not_allowed_is_blocked(page: Page, host: Host, folio: Folio):
    shell = httpx.get(f"{folio.url}/embed", params={"entity": folio.entities["A"]["id"]})
    assert f"frame-ancestors {host.url}" in shell.headers["content-security-policy"]

    # the same host page, served from an origin the account did not allow (127.0.0.1 instead of localhost)
    other = host.url.replace("localhost", "127.0.0.1")
    with page.expect_console_message(lambda m: "frame-ancestors" in m.text) as message:
        page.goto(other + "/?entity=A&user=admin")
    assert "blocked" in message.value.text
    expect(page.frame_locator(FRAME).get_by_role("navigation")).to_have_count(0)


def test_works_with_third_party_cookies_blocked_and_sets_no_cookie(browser, host: Host, folio: Folio):
    strict = browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--test-third-party-cookie-phaseout"]
    )
    try:
        context = strict.new_context()
        page = context.new_page()
        frame = open_dashboard(page, host, entity="A", user="editor")
        # in this browser the dashboard's frame cannot keep a cookie of its own
        inner = next(f for f in page.frames if f.url.startswith(folio.url))
        assert inner.evaluate("() => { document.cookie = 'probe=1; path=/'; return document.cookie; }") == ""

        frame.get_by_role("link", name="Customers").click()
        frame.get_by_role("button", name="New customer").click()
        form = frame.get_by_role("form", name="New customer")
        form.get_by_label("Name").fill("Cookieless GmbH")
        form.get_by_role("button", name="Create").click()
        expect(frame.get_by_role("table", name="Customer list")).to_contain_text("Cookieless GmbH")
        assert context.cookies() == []
    finally:
        strict.close()


def test_iframe_height_follows_the_content(page: Page, host: Host):
    frame = open_dashboard(page, host, entity="B", user="b-admin", view="customers")
    expect(frame.get_by_role("heading", name="Customers")).to_be_visible()
    page.wait_for_function(
        "sel => { const f = document.querySelector(sel); const b = f.contentDocument; "
        "return f.getBoundingClientRect().height > 50 }",
        arg=FRAME,
    )
    small = iframe_height(page)

    frame.get_by_role("link", name="Invoices", exact=True).click()
    frame.get_by_role("button", name="New invoice").click()
    for n in range(2, 7):
        frame.get_by_role("button", name="Add line").click()
        expect(frame.get_by_label(f"Item name, line {n}")).to_be_visible()
    page.wait_for_function(
        "([sel, h]) => document.querySelector(sel).getBoundingClientRect().height > h + 200", arg=[FRAME, small]
    )
    tall = iframe_height(page)

    frame.get_by_role("link", name="Customers").click()
    expect(frame.get_by_role("heading", name="Customers")).to_be_visible()
    page.wait_for_function(
        "([sel, h]) => document.querySelector(sel).getBoundingClientRect().height < h - 200", arg=[FRAME, tall]
    )
    # no inner scrollbar: the frame is as tall as its document
    inner = next(f for f in page.frames if f.url.startswith(host.folio.url))
    content = inner.evaluate("() => Math.ceil(document.body.getBoundingClientRect().height)")
    assert abs(iframe_height(page) - content) <= 2


def test_deep_links_open_the_right_view(page: Page, host: Host, folio: Folio):
    invoice = create_invoice(folio, "A")
    frame = open_dashboard(page, host, entity="A", user="admin", view=f"invoice/{invoice['id']}")
    expect(frame.get_by_role("heading", name=f"Invoice {invoice['number']}")).to_be_visible()

    page.evaluate(
        "([view, prefill]) => window.folio.navigate(view, prefill)",
        [
            "invoice/new",
            {
                "customer": {"name": "Prefilled Corp"},
                "items": [{"name": "Setup fee", "quantity": 2, "price": "75.50", "taxes": [{"rate": 19}]}],
            },
        ],
    )
    expect(frame.get_by_role("heading", name="New invoice")).to_be_visible()
    expect(frame.get_by_label("Customer name")).to_have_value("Prefilled Corp")
    expect(frame.get_by_label("Item name, line 1")).to_have_value("Setup fee")
    expect(frame.get_by_label("Price, line 1")).to_have_value("75.50")
    expect(frame.get_by_role("region", name="Totals preview").get_by_test_id("preview-title-with-tax")).to_have_text(
        "€179.69"
    )


def test_german_locale_shows_german_labels_and_money(page: Page, host: Host, folio: Folio):
    # untaxed (`taxes: []`): a line naming no taxes would get the decided 19 %
    create_invoice(folio, "DE", items=[{"name": "Beratung", "quantity": 1, "price": "1234.56", "taxes": []}])
    frame = open_dashboard(page, host, entity="DE", view="invoices", user="de-admin")
    expect(frame.get_by_role("heading", name="Rechnungen")).to_be_visible()
    expect(frame.get_by_role("button", name="Neue Rechnung")).to_be_visible()
    expect(frame.get_by_role("columnheader", name="Nummer")).to_be_visible()
    table = frame.get_by_role("table", name="Rechnungsliste")
    expect(table).to_contain_text(re.compile(r"1\.234,56\s€"))
    expect(table).to_contain_text("Ausgestellt")


def test_host_can_switch_the_locale(page: Page, host: Host):
    frame = open_dashboard(page, host, entity="A", view="invoices", user="admin", locale="sl")
    expect(frame.get_by_role("heading", name="Računi")).to_be_visible()
    expect(frame.get_by_role("link", name="Stranke")).to_be_visible()


def test_invoice_pdf_downloads_through_the_proxy(page: Page, host: Host, folio: Folio):
    invoice = create_invoice(folio, "A")
    frame = open_dashboard(page, host, entity="A", user="viewer", view=f"invoice/{invoice['id']}")
    expect(frame.get_by_role("heading", name=f"Invoice {invoice['number']}")).to_be_visible()
    with page.expect_download() as download:
        frame.get_by_role("button", name="Download PDF").click()
    assert download.value.suggested_filename == f"{invoice['number']}.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")


def test_admin_changes_branding_with_a_live_preview(page: Page, host: Host, folio: Folio):
    frame = open_dashboard(page, host, entity="B", user="b-admin", view="settings")
    expect(frame.get_by_role("heading", name="Settings")).to_be_visible()
    inner = next(f for f in page.frames if f.url.startswith(folio.url))
    primary = "() => getComputedStyle(document.documentElement).getPropertyValue('--folio-primary').trim()"

    frame.get_by_role("textbox", name="Primary colour").fill("#aa3300")
    inner.wait_for_function(f"() => ({primary})() === '#aa3300'")
    expect(frame.get_by_role("link", name="Settings")).to_have_css("background-color", "rgb(170, 51, 0)")
    frame.get_by_role("button", name="Save").click()
    expect(frame.get_by_role("status").filter(has_text="Settings saved")).to_be_visible()
    with folio.api("B") as client:
        assert (
            client.get(f"/v1/entities/{folio.entities['B']['id']}").json()["settings"]["branding"]["primary_color"]
            == "#aa3300"
        )

    # the host can theme the dashboard too
    page.evaluate("() => window.folio.setTheme({ primary_color: '#006644' })")
    inner.wait_for_function(f"() => ({primary})() === '#006644'")


def test_viewer_cannot_change_settings(page: Page, host: Host):
    frame = open_dashboard(page, host, entity="A", user="viewer", view="settings")
    expect(frame.get_by_role("note")).to_have_text("Only admins can change the settings and branding.")
    expect(frame.get_by_role("textbox", name="Primary colour")).to_be_disabled()
    expect(frame.get_by_role("button", name="Save")).to_have_count(0)


def test_keyboard_alone_reaches_the_editor(page: Page, host: Host):
    frame = open_dashboard(page, host, entity="A", user="editor")
    button = frame.get_by_role("button", name="New invoice")
    expect(button).to_be_visible()
    button.focus()
    page.keyboard.press("Enter")
    expect(frame.get_by_role("heading", name="New invoice")).to_be_visible()
    frame.get_by_label("Customer name").focus()
    page.keyboard.type("Keyboard Ltd")
    page.keyboard.press("Tab")  # → customer e-mail
    page.keyboard.press("Tab")  # → date
    expect(frame.get_by_label("Customer name")).to_have_value("Keyboard Ltd")
