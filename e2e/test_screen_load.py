"""A screen whose code cannot be loaded (the connection dropped, or Folio was updated while the dashboard was
open and the old chunk is gone) leaves the frame and its navigation in place and says what to do; reloading
brings the screen back, the embedded session renewed through the host page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, Route, expect

from e2e.conftest import Folio, Host, open_dashboard, open_section

CHUNK = re.compile(r"/assets/CustomersPage-[^/]+\.js$")


def test_a_screen_that_cannot_load_says_so_and_a_reload_brings_it_back(page: Page, host: Host, folio: Folio):
    refused: list[str] = []

    def refuse(route: Route) -> None:
        refused.append(route.request.url)
        route.abort("connectionreset")

    page.route(CHUNK, refuse)
    frame = open_dashboard(page, host, entity="A", user="admin")
    open_section(frame, "Customers")
    alert = frame.get_by_role("alert").filter(has_text="This screen could not be loaded")
    expect(alert).to_be_visible()
    assert refused, "the customers screen's chunk was never asked for"
    # the frame stays usable: the navigation is there and another screen opens
    expect(frame.get_by_role("navigation").first).to_be_visible()
    open_section(frame, "Items")
    expect(frame.get_by_role("heading", name="Items")).to_be_visible()
    open_section(frame, "Customers")
    expect(alert).to_be_visible()

    page.unroute(CHUNK)
    tokens_before = int(page.locator("#tokens").inner_text())
    alert.get_by_role("button", name="Try again").click()
    expect(frame.get_by_role("heading", name="Customers")).to_be_visible()
    expect(frame.get_by_role("alert")).to_have_count(0)
    # the reloaded frame had no token in its URL: it asked the host page for a new one
    expect(page.locator("#tokens")).to_have_text(str(tokens_before + 1))
