"""The demo platform (`folio demo`, seeded as `make run` seeds it) shows Folio's webhooks live: what a user does in
the embedded dashboard arrives at the platform's backend as a signed webhook, is verified there, and shows in the
page's "Webhooks received" feed; a delivery whose signature does not verify is refused and never shows."""

from __future__ import annotations

import base64
import json
import re
import secrets
from datetime import UTC, datetime

import httpx
from playwright.sync_api import Locator, Page, expect
from standardwebhooks import Webhook

from e2e.conftest import FRAME, Demo


def open_page(page: Page, demo: Demo) -> tuple[Page, Locator]:
    """The demo page as Kavarna Lipa's admin, in English; returns the page and its feed, once the platform's
    backend has its webhook endpoint at Folio."""
    lipa = next(t for t in demo.tenants if t.slug == "lipa")
    admin = next(u for u in lipa.users if u.role == "admin")
    page.goto(f"{demo.url}/?tenant=lipa&user={admin.id}")
    frame = page.frame_locator(FRAME)
    expect(frame.locator("header nav")).to_be_visible()
    page.select_option("#locale", "en")
    expect(frame.get_by_role("link", name="Invoices", exact=True)).to_be_visible()
    expect(page.locator("#feed-status")).to_contain_text("Listening")
    return page, page.get_by_role("list", name="Webhooks received")


def lipa_invoice(demo: Demo, number: str) -> dict:
    lipa = next(t for t in demo.tenants if t.slug == "lipa")
    headers = {"Authorization": f"Bearer {demo.account_key}", "X-Entity-Id": lipa.entity_id}
    with httpx.Client(base_url=demo.folio_url, headers=headers, timeout=30) as client:
        found = client.get("/v1/invoices", params={"search": number}).json()["data"]
    assert [i["number"] for i in found] == [number]
    return found[0]


def test_issuing_and_paying_in_the_dashboard_shows_the_verified_webhooks_newest_first(page: Page, demo: Demo):
    page, feed = open_page(page, demo)
    frame = page.frame_locator(FRAME)

    # the platform's "New invoice from an order" opens the editor prefilled; the user issues it
    page.get_by_role("button", name="New invoice from an order").click()
    expect(frame.get_by_role("heading", name="New invoice")).to_be_visible()
    frame.get_by_role("button", name="Save and issue").click()
    heading = frame.get_by_role("heading", name=re.compile(r"^Invoice \S+$"))
    expect(heading).to_be_visible()
    number = heading.inner_text().removeprefix("Invoice ")
    invoice = lipa_invoice(demo, number)
    total = f"{invoice['total_with_tax']} {invoice['currency_code']}"

    issued = feed.locator("li[data-type='invoice.issued']").filter(has_text=number)
    expect(issued).to_have_count(1)
    expect(issued.locator(".entity")).to_have_text("Kavarna Lipa d.o.o.")
    expect(issued.locator(".object")).to_have_text(f"{number} · issued · {total}")
    expect(issued.locator(".verified")).to_have_text("✓ signature verified")
    expect(issued.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
    expect(page.locator("#feed-empty")).to_be_hidden()

    # then paid in full: invoice.paid arrives, above what came before
    frame.get_by_role("button", name="Record payment").click()
    form = frame.get_by_role("form", name="Record payment")
    form.get_by_label("Amount").fill(invoice["total_with_tax"])
    form.get_by_role("button", name="Record payment").click()
    expect(frame.get_by_text("Paid", exact=True).first).to_be_visible()
    paid = feed.locator("li[data-type='invoice.paid']").filter(has_text=number)
    expect(paid).to_have_count(1)
    expect(paid.locator(".object")).to_have_text(f"{number} · paid · {total}")
    expect(paid.locator(".verified")).to_have_text("✓ signature verified")
    ids = feed.locator("li").evaluate_all("items => items.map((li) => li.dataset.id)")
    assert ids.index(paid.get_attribute("data-id")) < ids.index(issued.get_attribute("data-id"))
    assert len(ids) == len(set(ids)), "an event shows once"


def _forged(number: str) -> tuple[bytes, dict[str, str]]:
    """An invoice.paid event as Folio would send it, signed with a secret that is not the endpoint's."""
    event_id = f"evt_forged{secrets.token_hex(6)}"
    body = json.dumps(
        {
            "id": event_id,
            "type": "invoice.paid",
            "created_at": datetime.now(UTC).isoformat(),
            "entity_id": None,
            "data": {"object": {"number": number, "status": "paid", "total_with_tax": "1.00"}},
        }
    ).encode()
    now = datetime.now(UTC)
    wrong = Webhook("whsec_" + base64.b64encode(secrets.token_bytes(32)).decode())
    headers = {
        "content-type": "application/json",
        "webhook-id": event_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": wrong.sign(event_id, now, body.decode()),
    }
    return body, headers


def test_a_delivery_with_a_wrong_or_no_signature_is_refused_and_never_shows(page: Page, demo: Demo):
    page, feed = open_page(page, demo)
    body, headers = _forged("FORGED-1")
    with httpx.Client(base_url=demo.url, timeout=30) as client:
        refused = client.post("/folio-webhooks", content=body, headers=headers)
        unsigned = client.post(
            "/folio-webhooks",
            content=body,
            headers={k: v for k, v in headers.items() if k != "webhook-signature"},
        )
        for response in (refused, unsigned):
            assert response.status_code == 400, response.text
            assert response.headers["content-type"].startswith("application/problem+json")
            assert "does not verify" in response.json()["detail"], response.text

    # something genuine arrives after the forged deliveries: Folio's test event to the demo's endpoint
    with httpx.Client(
        base_url=demo.folio_url, headers={"Authorization": f"Bearer {demo.account_key}"}, timeout=30
    ) as client:
        endpoints = client.get("/v1/webhook-endpoints").json()["data"]
        assert [(e["url"], e["description"]) for e in endpoints] == [
            (f"{demo.backend_url}/folio-webhooks", "Marketly demo")
        ]
        sent = client.post(f"/v1/webhook-endpoints/{endpoints[0]['id']}/test")
        assert sent.status_code == 202, sent.text
    test_event = feed.locator(f"li[data-id='{sent.json()['event_id']}']")
    expect(test_event).to_have_attribute("data-type", "webhook.test")
    expect(test_event.locator(".verified")).to_have_text("✓ signature verified")

    expect(feed).not_to_contain_text("FORGED-1")
    with httpx.Client(base_url=demo.url, timeout=30) as client:
        kept = client.get("/folio-webhooks/feed").json()["events"]
    assert headers["webhook-id"] not in [e["id"] for e in kept]
    assert sent.json()["event_id"] in [e["id"] for e in kept]


def test_the_demo_page_and_its_dashboard_load_without_an_error_in_the_console(page: Page, demo: Demo):
    """What a developer trying the demo sees in the browser's console: no error (a missing favicon was one), no
    failed request (but those cancelled on leaving a view), on the platform's page or in the embedded dashboard."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on(  # a view's requests are cancelled when the user leaves it: not an error
        "requestfailed",
        lambda request: errors.append(f"failed: {request.url}") if "ABORTED" not in (request.failure or "") else None,
    )
    page.on(
        "response",
        lambda response: errors.append(f"{response.status} {response.url}") if response.status >= 400 else None,
    )
    page, _ = open_page(page, demo)
    page.frame_locator(FRAME).get_by_role("link", name="Customers", exact=True).click()
    expect(page.frame_locator(FRAME).get_by_role("heading", name="Customers")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert errors == []
