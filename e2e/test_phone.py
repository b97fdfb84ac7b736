"""The dashboard on a phone (390 × 844), embedded in the demo platform page (`folio demo`, seeded as `make run`
seeds it) and standalone at /app: nothing is cut off, every menu entry is reachable, the page never scrolls
sideways, toasts keep clear of the menu. And on a wide screen: toasts sit clear of the menu too."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Browser, FrameLocator, Locator, Page, expect

from e2e.conftest import Demo

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
FRAME = "#folio iframe"
LINK = re.compile(r"https?://\S+/app/sign-in\?\S*#token=\S+")


def open_demo(browser: Browser, demo: Demo, viewport: dict, **query: str) -> tuple[Page, FrameLocator]:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    lipa = next(t for t in demo.tenants if t.slug == "lipa")
    admin = next(u for u in lipa.users if u.role == "admin")
    params = "&".join(f"{k}={v}" for k, v in {"tenant": "lipa", "user": admin.id, **query}.items())
    page.goto(f"{demo.url}/?{params}")
    frame = page.frame_locator(FRAME)
    expect(frame.locator("header nav")).to_be_visible()
    return page, frame


def open_app(browser: Browser, demo: Demo, viewport: dict) -> tuple[Page, Page]:
    """The standalone dashboard (/app), signed in with the link e-mailed to Kavarna Lipa's admin."""
    address = "ana@kavarna-lipa.example"
    lipa = next(t for t in demo.tenants if t.slug == "lipa")
    with httpx.Client(base_url=demo.folio_url, timeout=30) as client:
        assert client.post("/app/sign-in", json={"email": address}).status_code < 300
        headers = {"Authorization": f"Bearer {demo.account_key}", "X-Entity-Id": lipa.entity_id}
        link = None
        for _ in range(500):  # the link is recorded just after the answer
            emails = client.get("/v1/emails", params={"limit": 100}, headers=headers).json()["data"]
            found = [
                re.search(r"https?://\S+/app/sign-in\?\S*#token=\S+", m["text"]) for m in emails if address in m["to"]
            ]
            link = next((f.group(0) for f in found if f), None)
            if link:
                break
    assert link, f"no sign-in link was e-mailed to {address}"
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(link)
    expect(page.locator("header nav")).to_be_visible()
    # the standalone page is its own "frame": the same checks apply to it
    return page, page


def no_sideways_scroll(page: Page, frame: FrameLocator | Page) -> None:
    """Neither the host page nor the dashboard in it is wider than the screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    html = frame.locator("html")
    assert html.evaluate("e => e.scrollWidth") <= html.evaluate("e => e.clientWidth")


def inside_screen(page: Page, cell: Locator) -> None:
    """The cell is entirely on screen once scrolled to (vertically: the host page scrolls; sideways: at most the
    cell's own table scrolls, never the page)."""
    cell.scroll_into_view_if_needed()
    box = cell.bounding_box()
    assert box is not None
    assert box["width"] > 0 and box["height"] > 0
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box


def overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


OPEN = {"embedded": open_demo, "app": open_app}


@pytest.mark.parametrize("where", OPEN)
def test_invoice_list_and_detail_fit_a_phone(browser: Browser, demo: Demo, where: str):
    page, frame = OPEN[where](browser, demo, PHONE)
    try:
        # Home is the first screen: the invoice list is the next menu entry
        frame.locator("header nav").get_by_role("link", name="Računi", exact=True).click()
        table = frame.get_by_role("table", name="Seznam računov")
        expect(table).to_be_visible()
        no_sideways_scroll(page, frame)
        # the first invoice: number, customer, status, total and due all on screen without scrolling sideways
        row = table.locator("tbody tr").first
        number = row.locator("td").first.get_by_role("link")
        customer, status = row.locator("td").nth(1), row.locator("td").nth(3)
        total, due = row.locator("td.num").nth(0), row.locator("td.num").nth(1)
        for cell in (number, customer, status, total, due):
            inside_screen(page, cell)
        # each value is under its column's name
        expect(total).to_have_attribute("data-label", "Skupaj")
        expect(due).to_have_attribute("data-label", "Odprto")
        expect(total).to_contain_text("€")
        assert page.evaluate("window.scrollX") == 0

        number.click()
        lines = frame.locator("table[aria-labelledby='lines-title']")
        expect(lines).to_be_visible()
        first = lines.locator("tbody tr").first
        vat, amount = first.locator("td").nth(-2), first.locator("td").nth(-1)
        expect(amount).to_contain_text("€")
        # the lines table may be wider than the phone: then it scrolls inside itself, not the page
        width, scroll_width = lines.evaluate("t => [t.clientWidth, t.scrollWidth]")
        if scroll_width > width:
            assert lines.evaluate("t => getComputedStyle(t).overflowX") == "auto"
        for cell in (vat, amount):
            inside_screen(page, cell)
        no_sideways_scroll(page, frame)
        assert page.evaluate("window.scrollX") == 0
    finally:
        page.context.close()


@pytest.mark.parametrize("where", OPEN)
def test_every_menu_entry_is_reachable_on_a_phone(browser: Browser, demo: Demo, where: str):
    page, frame = OPEN[where](browser, demo, PHONE)
    try:
        links = frame.locator("header nav").get_by_role("link")
        names = links.all_inner_texts()
        assert names == [
            "Domov",
            "Računi",
            "Avansni računi",
            "Ponudbe",
            "Ponavljajoči",
            "Stranke",
            "Artikli",
            "Poročila",
            "Izvozi",
            "Nastavitve",
            "Ekipa",
            "Revizijska sled",
        ]
        # the row runs on past the right edge, and says so (its edge fades)
        row = frame.locator("header nav ul")
        expect(row).to_have_attribute("data-more", "right")
        assert row.evaluate("e => getComputedStyle(e).maskImage") != "none"
        for name in reversed(names):
            link = frame.locator("header nav").get_by_role("link", name=name, exact=True)
            link.click()
            expect(link).to_have_attribute("aria-current", "page")
            # the section has loaded (its heading, no spinner) before its width is measured
            expect(frame.locator("main h1").first).to_be_visible()
            expect(frame.locator("main .state-loading")).to_have_count(0)
            content = frame.locator("main table").or_(frame.locator("main form"))
            content = content.or_(frame.locator("main .state-empty"))  # a section with nothing in it yet
            expect(content.first).to_be_visible()
            # the current entry is scrolled into the tab row's view, whole
            box = link.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (name, box)
            no_sideways_scroll(page, frame)
        expect(frame.get_by_role("heading", name="Pregled")).to_be_visible()
        expect(row).to_have_attribute("data-more", "right")
        if where == "embedded":
            # the platform opens the last section: the row scrolls to it by itself, no click needed
            page.evaluate("handle.navigate('audit')")
            last = frame.locator("header nav").get_by_role("link", name=names[-1], exact=True)
            expect(last).to_have_attribute("aria-current", "page")
            expect(row).to_have_attribute("data-more", "left")
            box = last.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [1400, 1024, 700])
def test_every_menu_entry_is_whole_on_a_wider_screen_in_every_language(browser: Browser, demo: Demo, width: int):
    """Above a phone's width the menu does not scroll: when its entries do not fit on one row in a language (the
    embedded dashboard is narrower than the screen), they wrap onto another row, none of them cut off."""
    page, frame = open_demo(browser, demo, {"width": width, "height": 900})
    try:
        nav = frame.locator("header nav")
        for language, last in [("sl", "Revizijska sled"), ("de", "Protokoll"), ("es", "Registro de auditoría")]:
            page.select_option("#locale", language)
            expect(nav.get_by_role("link").last).to_have_text(last)
            frame_box = page.locator(FRAME).bounding_box()
            assert frame_box is not None
            right = frame_box["x"] + frame_box["width"]
            for link in nav.get_by_role("link").all():
                box = link.bounding_box()
                assert box is not None and box["width"] > 0, (language, link.inner_text())
                assert frame_box["x"] <= box["x"] and box["x"] + box["width"] <= right, (
                    language,
                    link.inner_text(),
                    box,
                )
            no_sideways_scroll_at(page, frame, width)
    finally:
        page.context.close()


LINES = """e => {
  const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT), tops = new Set();
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(text);
    for (const rect of range.getClientRects()) if (rect.width > 0) tops.add(Math.round(rect.top));
  }
  return tops.size;
}"""
"""The lines the text of an element takes."""


def test_numbers_and_dates_in_a_list_keep_to_one_line(browser: Browser, demo: Demo):
    """Where the embedded list is narrow (a laptop, a long language), a document number or a date is never broken
    over two lines ("2026-" above "00006"): the customer's name wraps instead."""
    page, frame = open_demo(browser, demo, {"width": 1024, "height": 900}, view="invoices")
    try:
        page.select_option("#locale", "es")
        expect(frame.get_by_role("heading", name="Facturas")).to_be_visible()
        rows = frame.locator("main table tbody tr")
        expect(rows.first).to_be_visible()
        assert rows.count() >= 5
        for row in rows.all():
            number, day = row.locator("td").nth(0), row.locator("td").nth(2)
            assert number.evaluate(LINES) == 1, number.inner_text()
            assert day.evaluate(LINES) == 1, day.inner_text()
        # the column that gives way: at least one customer's name takes two lines here
        assert max(row.locator("td").nth(1).evaluate(LINES) for row in rows.all()) >= 2
    finally:
        page.context.close()


def no_sideways_scroll_at(page: Page, frame: FrameLocator, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    html = frame.locator("html")
    assert html.evaluate("e => e.scrollWidth") <= html.evaluate("e => e.clientWidth")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_toasts_keep_clear_of_the_menu_and_can_be_dismissed(browser: Browser, demo: Demo, viewport: dict):
    page, frame = open_demo(browser, demo, viewport, view="settings")
    try:
        frame.get_by_role("button", name="Shrani").click()
        toast = frame.get_by_role("status").filter(has_text="Nastavitve shranjene")
        expect(toast).to_be_visible()
        # in sight on the host page, although the iframe is as tall as the dashboard: the host reports its
        # scroll after the click scrolled to the button, so the toast may settle a moment after it appears
        expect(toast).to_be_in_viewport()
        box = toast.bounding_box()
        for _ in range(50):
            if box is not None and box["y"] + box["height"] <= viewport["height"]:
                break
            page.wait_for_timeout(100)
            box = toast.bounding_box()
        nav = frame.locator("header nav").bounding_box()
        assert nav is not None and box is not None
        assert box["y"] + box["height"] <= viewport["height"], box
        assert not overlap(box, nav), (box, nav)
        if viewport is PHONE:
            no_sideways_scroll(page, frame)
        # the page keeps room below its content while a toast shows: its last button is never under it
        frame.get_by_role("button", name="Shrani").click(trial=True)
        toast.get_by_role("button", name="Zapri").click()
        expect(toast).to_have_count(0)
    finally:
        page.context.close()
