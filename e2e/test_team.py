"""Teams and roles, in Chromium: an admin in the embedded dashboard (a host page on another site) invites a
teammate, who signs in with the e-mailed link in the standalone dashboard (``/app``, first-party cookie);
role changes and removal take effect on the teammate's next request; refused links say why."""

from __future__ import annotations

import json
import re
import time
import uuid
from unittest import mock

import pytest
from itsdangerous import TimestampSigner
from playwright.sync_api import Browser, BrowserContext, FrameLocator, Page, expect

from e2e.conftest import Folio, Host, open_dashboard, open_section
from invoicing.signin import links

LINK = re.compile(r"https?://\S+/app/sign-in\?\S*#token=\S+")


def new_address(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@example.com"


def emailed_link(folio: Folio, entity: str, address: str, *, more_than: int = 0) -> str:
    """The sign-in link of the newest message recorded for the address (``GET /v1/emails``, account key).

    ``POST /app/sign-in`` answers before it records the e-mail, so this asks again (a bounded number
    of times) until more than ``more_than`` messages for the address are recorded."""
    mine: list[dict] = []
    with folio.api(entity) as client:
        for _ in range(500):
            messages = client.get("/v1/emails", params={"limit": 100}).json()["data"]
            mine = sorted((m for m in messages if address in m["to"]), key=lambda m: m["created_at"])
            if len(mine) > more_than:
                break
    assert len(mine) > more_than, f"no new e-mail was recorded for {address}"
    found = LINK.search(mine[-1]["text"])
    assert found, mine[-1]["text"]
    return found.group(0)


def member(folio: Folio, entity: str, address: str) -> dict:
    with folio.api(entity) as client:
        users = client.get("/v1/entity-users", params={"limit": 100}).json()["data"]
    return next(u for u in users if u["email"] == address)


def invite(frame: FrameLocator, address: str, role: str) -> None:
    """In the team screen: invite by e-mail with a role, and see the pending invitation listed."""
    frame.get_by_role("button", name="Invite teammate").click()
    form = frame.get_by_role("form", name="Invite a teammate")
    form.get_by_label("E-mail").fill(address)
    form.get_by_label("Role").select_option(label=role)
    form.get_by_role("button", name="Send invitation").click()
    expect(frame.get_by_role("status").filter(has_text=f"Invitation sent to {address}")).to_be_visible()
    row = frame.get_by_role("table", name="Team members").get_by_role("row").filter(has_text=address)
    expect(row).to_contain_text("Invited")


def open_team(page: Page, host: Host, entity: str = "A", user: str = "admin") -> FrameLocator:
    frame = open_dashboard(page, host, entity=entity, user=user)
    frame.get_by_role("link", name="Team").click()
    expect(frame.get_by_role("heading", name="Team")).to_be_visible()
    return frame


@pytest.fixture
def second(browser: Browser):
    """Another person's browser: a fresh context, without the admin's cookies."""
    contexts: list[BrowserContext] = []

    def make() -> Page:
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


def test_invited_viewer_is_promoted_then_removed(page: Page, host: Host, folio: Folio, second):
    address = new_address("mate")
    admin = open_team(page, host)
    invite(admin, address, "viewer")

    # the teammate opens the link from the recorded e-mail and lands in the standalone dashboard
    link = emailed_link(folio, "A", address)
    mate = second()
    mate.goto(link)
    expect(mate.get_by_role("heading", name="Overview")).to_be_visible()
    assert "token=" not in mate.url
    assert re.search(r"/app\?entity=ent_", mate.url), mate.url
    expect(mate.get_by_text(f"Signed in as {address}")).to_be_visible()
    expect(mate.get_by_role("button", name="Sign out")).to_be_visible()
    # a viewer reads, but is offered no create action and no team controls
    mate.get_by_role("link", name="Invoices", exact=True).click()
    expect(mate.get_by_role("table", name="Invoice list").or_(mate.get_by_text("No invoices yet."))).to_be_visible()
    expect(mate.get_by_role("button", name="New invoice")).to_have_count(0)
    expect(mate.get_by_role("link", name="Team")).to_have_count(0)
    # the admin, back on the team screen, sees the invitation accepted
    admin.get_by_role("link", name="Invoices", exact=True).click()
    expect(admin.get_by_role("heading", name="Invoices", exact=True)).to_be_visible()
    admin.get_by_role("link", name="Team").click()
    expect(admin.get_by_role("table", name="Team members").get_by_role("row").filter(has_text=address)).to_contain_text(
        "Active"
    )

    # a create forced through /app/api with the teammate's own cookie and CSRF token is refused by the API
    session = mate.context.request.get(f"{folio.url}/app/session")
    assert session.status == 200, session.text()
    forced = mate.context.request.post(
        f"{folio.url}/app/api/v1/invoices",
        data=json.dumps({"customer": {"name": "X"}, "items": [{"name": "Y", "price": 1}]}),
        headers={"Content-Type": "application/json", "X-CSRF-Token": session.json()["csrf_token"]},
    )
    assert forced.status == 403, forced.text()
    assert forced.json()["permission"] == "documents:write"

    # the link worked once: opened again (another browser), it fails with a clear page
    again = second()
    again.goto(link)
    expect(again.get_by_role("heading", name="This sign-in link was already used")).to_be_visible()
    expect(again.get_by_role("form", name="Request a new sign-in link")).to_be_visible()

    # the admin promotes the teammate to editor
    admin.get_by_label(f"Role of {address}").select_option("editor")
    expect(admin.get_by_role("status").filter(has_text=f"{address} is now editor")).to_be_visible()

    # the teammate's next action succeeds, without signing in again
    mate.get_by_role("link", name="Customers").click()
    expect(mate.get_by_role("heading", name="Customers")).to_be_visible()
    mate.get_by_role("button", name="New customer").click()
    mate.get_by_role("form", name="New customer").get_by_label("Name").fill("Promoted Customer")
    mate.get_by_role("form", name="New customer").get_by_role("button", name="Create").click()
    expect(mate.get_by_role("status").filter(has_text="Customer Promoted Customer created")).to_be_visible()
    expect(mate.get_by_role("table", name="Customer list")).to_contain_text("Promoted Customer")

    # the admin removes the teammate (after a confirmation)
    admin.get_by_role("button", name=f"Remove {address}").click()
    admin.get_by_role("group", name=f"Remove {address}").get_by_role("button", name="Remove", exact=True).click()
    expect(admin.get_by_role("status").filter(has_text=f"{address} was removed from the team")).to_be_visible()
    expect(admin.get_by_role("table", name="Team members")).not_to_contain_text(address)

    # the teammate's next request is refused, and the page says so
    mate.get_by_role("link", name="Items").click()
    expect(mate.get_by_role("heading", name="You no longer have access")).to_be_visible()
    expect(mate.get_by_role("navigation")).to_have_count(0)

    # the audit log lists the invitation and the role change, with the admin as the actor
    admin.get_by_role("link", name="Audit log").click()
    expect(admin.get_by_role("heading", name="Audit log")).to_be_visible()
    admin.get_by_label("Action").select_option(label="Team: all")
    admin.get_by_role("button", name="Apply filters").click()
    entries = admin.get_by_role("table", name="Audit log entries")
    invited = entries.get_by_role("row").filter(has_text="Teammate invited").filter(has_text=address)
    expect(invited).to_contain_text("admin@example.com")
    promoted = entries.get_by_role("row").filter(has_text="Role changed").filter(has_text="role: Editor")
    expect(promoted.first).to_contain_text("admin@example.com")
    removed = entries.get_by_role("row").filter(has_text="Team member removed").filter(has_text=address)
    expect(removed).to_contain_text("admin@example.com")
    # the filter lives in the dashboard's URL, so a deep link reproduces the view
    assert any("view=audit" in f.url and "action=entity_user.*" in f.url.replace("%2A", "*") for f in page.frames)


def test_resent_and_revoked_invitations_fail_with_a_clear_page(page: Page, host: Host, folio: Folio, second):
    address = new_address("revoked")
    admin = open_team(page, host)
    invite(admin, address, "editor")
    first = emailed_link(folio, "A", address)

    admin.get_by_role("button", name=f"Resend the invitation to {address}").click()
    expect(admin.get_by_role("status").filter(has_text=f"Invitation sent again to {address}")).to_be_visible()
    latest = emailed_link(folio, "A", address)
    assert latest != first

    # a link replaced by a newer one no longer works
    old = second()
    old.goto(first)
    expect(old.get_by_role("heading", name="This sign-in link was withdrawn")).to_be_visible()

    admin.get_by_role("button", name=f"Revoke the invitation of {address}").click()
    expect(admin.get_by_role("status").filter(has_text=f"The invitation of {address} was revoked")).to_be_visible()
    expect(admin.get_by_role("table", name="Team members")).not_to_contain_text(address)

    newest = second()
    newest.goto(latest)
    expect(newest.get_by_role("heading", name="This sign-in link was withdrawn")).to_be_visible()
    expect(newest.get_by_role("alert")).to_contain_text("revoked")
    # the page offers a new link right there
    expect(newest.get_by_role("button", name="Send me a sign-in link")).to_be_visible()


def test_an_expired_link_fails_with_a_clear_page(page: Page, host: Host, folio: Folio):
    """A link minted 72 hours and a minute ago (the clock frozen at that moment while signing), for a real
    invited user: the server refuses it as expired, and the page says so."""
    address = new_address("late")
    with folio.api("A") as client:
        created = client.post("/v1/entity-users", json={"email": address, "role": "viewer", "send_invite": True})
    assert created.status_code == 201, created.text
    user = created.json()
    with folio.api() as client:
        account_id = client.get("/v1/account").json()["id"]
    then = int(time.time()) - links.LINK_TTL - 60
    with mock.patch.object(TimestampSigner, "get_timestamp", lambda self: then):
        token, _ = links.sign_link(
            folio.signing_keys,
            account_id=account_id,
            environment="sandbox",
            entity_id=folio.entities["A"]["id"],
            user_id=user["id"],
            generation=0,
        )
    page.goto(links.link_url(folio.url, folio.entities["A"]["id"], token))
    expect(page.get_by_role("heading", name="This sign-in link has expired")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("72 hours")
    assert "token=" not in page.url
    # the e-mailed link of the same invitation still works
    page.goto(emailed_link(folio, "A", address))
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()


def test_the_last_admin_cannot_be_demoted(page: Page, host: Host, folio: Folio):
    frame = open_team(page, host, entity="B", user="b-admin")
    role = frame.get_by_label("Role of b-admin@example.com")
    expect(role).to_have_value("admin")
    role.select_option("editor")
    expect(frame.get_by_role("alert").filter(has_text="last admin")).to_be_visible()
    expect(role).to_have_value("admin")
    # and cannot remove themselves either
    frame.get_by_role("button", name="Remove b-admin@example.com").click()
    frame.get_by_role("group", name="Remove b-admin@example.com").get_by_role(
        "button", name="Remove", exact=True
    ).click()
    expect(frame.get_by_role("alert").filter(has_text="cannot be removed")).to_be_visible()
    expect(frame.get_by_role("table", name="Team members")).to_contain_text("b-admin@example.com")


def test_editors_and_viewers_see_no_team_controls(page: Page, host: Host):
    for user in ("editor", "viewer"):
        frame = open_dashboard(page, host, entity="A", user=user)
        expect(frame.get_by_role("link", name="Invoices", exact=True)).to_be_visible()
        expect(frame.get_by_role("link", name="Team")).to_have_count(0)
        expect(frame.get_by_role("link", name="Audit log")).to_have_count(0)
        # a deep link to the screen explains, in words, what the role lacks
        page.evaluate("view => window.folio.navigate(view)", "team")
        expect(
            frame.get_by_role("alert").filter(has_text=f"Your role ({user}) does not allow you to see the team")
        ).to_be_visible()
        expect(frame.get_by_role("button", name="Invite teammate")).to_have_count(0)


def test_sign_in_by_email_and_sign_out(page: Page, folio: Folio):
    page.goto(f"{folio.url}/app")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("E-mail address").fill("editor@example.com")
    page.get_by_role("button", name="Send me a sign-in link").click()
    expect(page.get_by_role("status")).to_contain_text("Check your inbox")

    page.goto(emailed_link(folio, "A", "editor@example.com"))
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_role("button", name="New invoice")).to_be_visible()
    # a reload keeps the session (the cookie), without a link
    page.reload()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_a_member_removed_while_using_the_embedded_dashboard_is_told_at_the_next_request(
    page: Page, host: Host, folio: Folio
):
    address = new_address("embedded")
    with folio.api("A") as client:
        created = client.post(
            "/v1/entity-users", json={"email": address, "role": "editor", "external_id": f"ext-{address}"}
        )
    assert created.status_code == 201, created.text
    folio.users[address] = created.json()
    frame = open_dashboard(page, host, entity="A", user=address)
    expect(frame.get_by_role("button", name="New invoice")).to_be_visible()

    with folio.api("A") as client:
        assert client.delete(f"/v1/entity-users/{created.json()['id']}").status_code == 204
    frame.get_by_role("link", name="Customers").click()
    expect(frame.get_by_role("heading", name="You no longer have access")).to_be_visible()
    expect(frame.get_by_role("navigation")).to_have_count(0)
    # embedded, there is no sign-in form: the platform's own page decides who gets in
    expect(frame.get_by_role("button", name="Send me a sign-in link")).to_have_count(0)


def test_a_demoted_editor_loses_the_create_action_at_the_next_navigation(page: Page, host: Host, folio: Folio):
    address = new_address("demoted")
    with folio.api("A") as client:
        created = client.post("/v1/entity-users", json={"email": address, "role": "editor"})
        assert created.status_code == 201, created.text
        folio.users[address] = created.json()
        frame = open_dashboard(page, host, entity="A", user=address)
        expect(frame.get_by_role("button", name="New invoice")).to_be_visible()
        assert client.patch(f"/v1/entity-users/{created.json()['id']}", json={"role": "viewer"}).status_code == 200
    open_section(frame, "Customers")
    expect(frame.get_by_role("heading", name="Customers")).to_be_visible()
    expect(frame.get_by_role("button", name="New customer")).to_have_count(0)
