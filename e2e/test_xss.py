"""Hostile text in the embedded dashboard, in Chromium: names, descriptions, notes and reasons made of
markup are shown as text, and the scripts in them never run (a flag they would set stays unset, no
dialog opens). The entity is the test's own, so the other tests' data stays as they expect it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import FRAME, Folio, Host, open_dashboard

PAYLOADS = [
    "<script>window.__xss=1;alert(1)</script>",
    '"><img src=x onerror="window.__xss=2;alert(2)">',
    "<svg onload=window.__xss=3><script>window.__xss=3</script></svg>",
    "javascript:window.__xss=4",
    '<a href="javascript:window.__xss=5">click</a><iframe src="javascript:window.__xss=6"></iframe>',
]
NAME = "Evil " + PAYLOADS[1]


@pytest.fixture(scope="module")
def hostile(folio: Folio) -> dict:
    with folio.api() as client:
        r = client.post("/v1/entities", json={"name": NAME, "country": "SI", "city": "Ljubljana", "locale": "en"})
        assert r.status_code == 201, r.text
        folio.entities["XSS"] = r.json()
    with folio.api("XSS") as api:
        r = api.post("/v1/entity-users", json={"email": "xss-admin@example.com", "role": "admin", "name": NAME})
        assert r.status_code == 201, r.text
        folio.users["xss-admin"] = r.json()
        text = " ".join(PAYLOADS)
        customer = api.post(
            "/v1/customers", json={"name": f"Customer {PAYLOADS[0]}", "address": text, "city": PAYLOADS[2]}
        )
        assert customer.status_code == 201, customer.text
        r = api.post("/v1/items", json={"name": f"Item {PAYLOADS[1]}", "price": "5", "description": text})
        assert r.status_code == 201, r.text
        invoice = api.post(
            "/v1/invoices",
            json={
                "customer_id": customer.json()["id"],
                "items": [
                    {"name": f"Line {PAYLOADS[3]}", "description": text, "quantity": 1, "price": "10",
                     "taxes": [{"rate": 22}]}
                ],
                "note": f"Note {text}",
            },
        )  # fmt: skip
        assert invoice.status_code == 201, invoice.text
        credit = api.post("/v1/credit-notes", json={"invoice_id": invoice.json()["id"], "reason": f"Why {PAYLOADS[4]}"})
        assert credit.status_code == 201, credit.text
        return {"customer": customer.json(), "invoice": invoice.json(), "credit": credit.json()}


def _assert_nothing_ran(page: Page, dialogs: list[str]) -> None:
    frame = page.frame(url=lambda url: "/embed" in url)
    assert frame is not None
    assert frame.evaluate("() => window.__xss") is None
    assert page.evaluate("() => window.__xss") is None
    assert dialogs == []


@pytest.mark.parametrize("view", ["invoices", "invoice", "credit", "customers", "items", "settings", "audit"])
def test_hostile_text_is_shown_as_text_and_never_runs(page: Page, host: Host, hostile: dict, view: str):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    target = {"invoice": f"invoice/{hostile['invoice']['id']}", "credit": f"credit-note/{hostile['credit']['id']}"}
    frame = open_dashboard(page, host, entity="XSS", user="xss-admin", view=target.get(view, view))
    shown = {
        "invoices": f"Customer {PAYLOADS[0]}",
        "invoice": f"Note {PAYLOADS[0]}",
        "credit": f"Why {PAYLOADS[4]}",
        "customers": f"Customer {PAYLOADS[0]}",
        "items": f"Item {PAYLOADS[1]}",
    }
    if view in shown:
        expect(frame.get_by_text(shown[view]).first).to_be_visible()
    else:
        expect(frame.get_by_role("heading").first).to_be_visible()
    # no element came out of the text: no image, script or frame the page did not have, no javascript: link
    body = page.frame_locator(FRAME).locator("body")
    expect(body.locator("img[src='x'], svg[onload], iframe, a[href^='javascript:' i]")).to_have_count(0)
    expect(body.locator("script:not([src]):not([type='application/json'])")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    _assert_nothing_ran(page, dialogs)


def test_the_probe_would_see_markup_that_became_elements(page: Page, host: Host, hostile: dict):
    """The control: the payload put into the page as markup is found by the element checks above, and even
    then the shell's Content-Security-Policy keeps its inline handler from running (a second wall)."""
    frame = open_dashboard(page, host, entity="XSS", user="xss-admin", view="invoices")
    expect(frame.get_by_role("heading").first).to_be_visible()
    inner = page.frame(url=lambda url: "/embed" in url)
    assert inner is not None
    errored = inner.evaluate(
        """html => new Promise((resolve) => {
            const d = document.createElement('div');
            d.innerHTML = html;
            d.querySelector('img').addEventListener('error', () => setTimeout(() => resolve(true), 0));
            document.body.append(d);
        })""",
        PAYLOADS[1],
    )
    assert errored  # the image failed to load, so its onerror attribute had its chance
    expect(page.frame_locator(FRAME).locator("img[src='x']")).to_have_count(1)
    assert inner.evaluate("() => window.__xss") is None
