"""The host's slot when the dashboard cannot start: the SDK says so inside it, in the mount's language, reports
it through onEvent and mounts the dashboard on Retry."""

from __future__ import annotations

import json
import re

import httpx
from playwright.sync_api import Page, expect

from e2e.conftest import Folio, Host

# every onEvent call of the host page (e2e/conftest.py's HOST_PAGE), kept in window.events; window.extraOptions
# are added to its mount options
RECORD_EVENTS = """
window.events = [];
let sdk;
Object.defineProperty(window, "Folio", {
  configurable: true,
  get: () => sdk,
  set: (value) => {
    const mount = (element, options) => value.mount(element, {...options, ...window.extraOptions, onEvent: (event) => {
      window.events.push(event);
      options.onEvent(event);
    }});
    sdk = {...value, mount};
  },
});
"""


def open_slot(page: Page, host: Host, first: dict, **query: str) -> list[int]:
    """The host page, whose platform backend answers its first token request with ``first`` (a status and a
    body), then as usual. Returns the count of token requests, as it grows."""
    calls = [0]

    def token(route):
        calls[0] += 1
        if calls[0] == 1:
            route.fulfill(status=first["status"], content_type="application/json", body=first["body"])
        else:
            route.continue_()

    page.add_init_script(RECORD_EVENTS)
    page.route(f"{host.url}/token?*", token)
    page.goto(host.page_url(entity="A", user="admin", **query))
    return calls


def errors(page: Page) -> list[dict]:
    return page.evaluate("window.events.filter((e) => e.type === 'error')")


def retry_mounts_the_dashboard(page: Page, button: str) -> None:
    page.locator("#folio .folio-error").get_by_role("button", name=button).click()
    frame = page.frame_locator("#folio iframe")
    expect(frame.get_by_role("navigation").first).to_be_visible()
    expect(page.locator("#folio .folio-error")).to_have_count(0)
    expect(page.locator("#folio iframe")).to_be_visible()
    page.wait_for_function("window.events.some((e) => e.type === 'ready')")


def test_a_failing_token_endpoint_shows_an_error_with_retry_in_the_slot(page: Page, host: Host):
    calls = open_slot(page, host, {"status": 502, "body": '{"title": "Bad gateway"}'}, locale="de")
    alert = page.locator("#folio").get_by_role("alert")
    expect(alert).to_have_text(re.compile("Die Rechnungsverwaltung konnte nicht geladen werden."))
    expect(alert.get_by_role("button", name="Erneut versuchen")).to_be_visible()
    expect(page.locator("#folio iframe")).to_have_count(0)
    (error,) = errors(page)
    assert error["code"] == "token_failed"
    assert "token endpoint answered 502" in error["message"]
    # no retry behind the person's back: still one call until Retry
    assert calls == [1]

    retry_mounts_the_dashboard(page, "Erneut versuchen")
    assert calls == [2]
    frame = page.frame_locator("#folio iframe")
    # the mount's locale reached the dashboard
    expect(frame.get_by_role("link", name="Rechnungen", exact=True)).to_be_visible()


def test_garbage_from_fetch_token_is_a_token_failure(page: Page, host: Host):
    open_slot(page, host, {"status": 200, "body": '{"token": "<html>Bad gateway</html>"}'}, locale="fr")
    alert = page.locator("#folio").get_by_role("alert")
    expect(alert).to_contain_text("Le tableau de bord de facturation n’a pas pu être chargé.")
    assert [e["code"] for e in errors(page)] == ["token_failed"]
    retry_mounts_the_dashboard(page, "Réessayer")


def test_a_refused_token_is_a_session_failure(page: Page, host: Host, folio: Folio):
    # a token the platform already spent: POST /embed/session refuses it
    token = folio.mint("A", "admin", origin=host.url)["token"]
    assert httpx.post(f"{folio.url}/embed/session", json={"token": token}).status_code in (200, 201)
    open_slot(page, host, {"status": 200, "body": json.dumps({"token": token})}, locale="sl")
    alert = page.locator("#folio").get_by_role("alert")
    expect(alert).to_contain_text("Nadzorne plošče za račune ni bilo mogoče naložiti.")
    expect(page.locator("#folio iframe")).to_be_hidden()
    page.wait_for_function("window.events.some((e) => e.type === 'error')")
    (error,) = errors(page)
    assert error["code"] == "session_failed", error
    retry_mounts_the_dashboard(page, "Poskusi znova")
    assert [e["code"] for e in errors(page)] == ["session_failed"]


def test_a_page_the_account_does_not_allow_gets_an_error_not_a_blank_slot(page: Page, host: Host):
    # the same host page at 127.0.0.1 instead of localhost: another origin than the embed token was minted for and
    # the account allows, so the browser refuses to frame the dashboard (CSP frame-ancestors) and nothing answers
    page.add_init_script("window.extraOptions = {loadTimeout: 3000};")
    page.add_init_script(RECORD_EVENTS)
    page.goto(host.page_url(entity="A", user="admin").replace("//localhost:", "//127.0.0.1:"))
    alert = page.locator("#folio").get_by_role("alert")
    expect(alert).to_contain_text("The invoicing dashboard could not be loaded.")
    (error,) = errors(page)
    assert error["code"] == "load_failed"
    assert "http://127.0.0.1:" in error["message"] and "embed_allowed_origins" in error["message"]
    expect(page.locator("#folio iframe")).to_be_hidden()
