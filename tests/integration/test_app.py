"""The standalone dashboard at /app, through HTTP on a real server (SQLite and PostgreSQL): a link
from a recorded e-mail becomes a cookie session, the proxy obeys the stored role on every request,
and every way a link can be spent or withdrawn answers 401 with its own code."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie

import httpx
import pytest
import time_machine

from invoicing.auth.permissions import ROLES
from tests.integration.conftest import (
    CONFIG,
    INVOICE,
    Embed,
    Tenant,
    add_users,
    address,
    assert_problem,
    csp,
    emails_to,
    invite,
    latest_link,
    link_of,
    make_entity,
    wait_for_emails,
)


def browser(server) -> httpx.Client:
    """What the browser does: keeps the cookie, sends nothing else by itself."""
    return httpx.Client(base_url=server.url, timeout=30)


def redeem(client: httpx.Client, token: str) -> httpx.Response:
    return client.post("/app/session", json={"token": token})


def signed_in(server, tenant: Tenant, role: str = "viewer") -> tuple[httpx.Client, dict, dict]:
    """An invited member who opened the link: (browser, user, session body)."""
    user = invite(tenant, role)
    client = browser(server)
    r = redeem(client, latest_link(tenant, user["email"]))
    assert r.status_code == 201, r.text
    return client, user, r.json()


def csrf(session: dict) -> dict[str, str]:
    return {"X-CSRF-Token": session["csrf_token"]}


# -- redeeming a link ------------------------------------------------------------------------------------


def test_invited_member_signs_in_with_the_link_and_gets_a_first_party_cookie(server, tenant):
    user = invite(tenant, "viewer")
    client = browser(server)
    r = redeem(client, latest_link(tenant, user["email"]))
    assert r.status_code == 201, r.text
    assert r.headers["cache-control"] == "no-store"
    body = r.json()
    assert set(body) == {"user", "entity", "role", "permissions", "csrf_token", "expires_at"}
    assert body["user"]["id"] == user["id"] and body["user"]["status"] == "active"
    assert body["entity"]["id"] == tenant.entity_id and body["role"] == "viewer"
    assert set(body["permissions"]) == {str(p) for p in ROLES["viewer"]}
    expires = datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert timedelta(hours=11, minutes=59) < expires - datetime.now(UTC) <= timedelta(hours=12, seconds=1)

    cookie = SimpleCookie(r.headers["set-cookie"])["folio_app"]
    assert cookie.value and cookie["httponly"] and cookie["path"] == "/app"
    assert cookie["samesite"].lower() == "lax" and int(cookie["max-age"]) == 12 * 3600
    assert not cookie["secure"]  # public_url is http://127.0.0.1: local development

    # the platform sees the acceptance through the API, and the audit log names the user
    listed = tenant.api.get("/v1/entity-users", params={"limit": 100}).json()["data"]
    accepted = next(u for u in listed if u["id"] == user["id"])
    assert accepted["status"] == "active" and accepted["accepted_at"]
    log = tenant.api.get("/v1/audit-log", params={"object_id": user["id"]}).json()["data"]
    entry = next(e for e in log if e["action"] == "entity_user.accepted")
    assert entry["actor"]["type"] == "user" and entry["actor"]["id"] == user["id"]
    assert entry["data"]["role"] == "viewer"

    # after a reload the dashboard bootstraps from the cookie
    again = client.get("/app/session")
    assert again.status_code == 200, again.text
    assert again.json()["user"]["id"] == user["id"] and again.json()["csrf_token"] == body["csrf_token"]


def test_the_cookie_is_only_sent_under_app(server, tenant):
    client, _, _ = signed_in(server, tenant)
    # the embed proxy knows nothing of the cookie
    assert_problem(client.get("/embed/api/v1/invoices"), 401)


def test_viewer_reads_but_cannot_create_and_unsafe_calls_need_the_csrf_token(server, tenant):
    tenant.api.post("/v1/invoices", json=INVOICE).raise_for_status()
    client, _, session = signed_in(server, tenant, "viewer")
    r = client.get("/app/api/v1/invoices")
    assert r.status_code == 200, r.text
    assert len(r.json()["data"]) == 1
    assert client.get("/app/api/v1/me").json()["role"] == "viewer"

    assert_problem(client.post("/app/api/v1/invoices", json=INVOICE), 403, code="csrf", words="CSRF")
    assert_problem(
        client.post("/app/api/v1/invoices", json=INVOICE, headers={"X-CSRF-Token": "forged"}), 403, code="csrf"
    )
    refused = assert_problem(client.post("/app/api/v1/invoices", json=INVOICE, headers=csrf(session)), 403)
    assert "viewer" in refused["detail"] and refused.get("code") != "csrf"


def test_csrf_token_of_another_session_does_not_pass(server, tenant):
    first, _, first_session = signed_in(server, tenant, "editor")
    _, _, second_session = signed_in(server, tenant, "editor")
    assert first_session["csrf_token"] != second_session["csrf_token"]
    assert_problem(
        first.post("/app/api/v1/customers", json={"name": "Buyer"}, headers=csrf(second_session)), 403, code="csrf"
    )
    assert first.post("/app/api/v1/customers", json={"name": "Buyer"}, headers=csrf(first_session)).status_code == 201


def test_promotion_applies_on_the_next_request_without_signing_in_again(server, tenant):
    client, user, session = signed_in(server, tenant, "viewer")
    assert client.post("/app/api/v1/invoices", json=INVOICE, headers=csrf(session)).status_code == 403
    tenant.api.patch(f"/v1/entity-users/{user['id']}", json={"role": "editor"}).raise_for_status()
    r = client.post("/app/api/v1/invoices", json=INVOICE, headers=csrf(session))
    assert r.status_code == 201, r.text
    # and the session bootstrap reports the new role and permissions
    now = client.get("/app/session").json()
    assert now["role"] == "editor" and set(now["permissions"]) == {str(p) for p in ROLES["editor"]}
    log = tenant.api.get("/v1/audit-log", params={"object_id": r.json()["id"]}).json()["data"]
    assert {e["actor"]["id"] for e in log} == {user["id"]}


def test_removal_refuses_the_next_request(server, tenant):
    client, user, _ = signed_in(server, tenant, "editor")
    assert client.get("/app/api/v1/invoices").status_code == 200
    tenant.api.delete(f"/v1/entity-users/{user['id']}").raise_for_status()
    assert_problem(client.get("/app/api/v1/invoices"), 401)
    r = client.get("/app/session")
    assert_problem(r, 401, code="no_access")
    assert SimpleCookie(r.headers["set-cookie"])["folio_app"]["max-age"] == "0"


def test_sign_out_clears_the_cookie(server, tenant):
    client, _, _ = signed_in(server, tenant)
    r = client.post("/app/sign-out")
    assert r.status_code == 204
    cookie = SimpleCookie(r.headers["set-cookie"])["folio_app"]
    assert cookie.value == "" and cookie["max-age"] == "0" and cookie["path"] == "/app"
    assert_problem(client.get("/app/session"), 401, code="no_session")
    assert_problem(client.get("/app/api/v1/invoices"), 401, code="no_session")


def test_a_forged_or_foreign_cookie_is_refused(server, tenant):

    client, _, _ = signed_in(server, tenant)
    value = client.cookies["folio_app"]
    forged = browser(server)
    forged.cookies.set("folio_app", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"), path="/app")
    assert_problem(forged.get("/app/api/v1/invoices"), 401, code="tampered")
    # an embed session token is not a cookie session
    tenant.account.patch("/v1/account", json={"embed_allowed_origins": ["http://localhost:8001"]})
    embed_session = Embed(server, tenant, add_users(tenant)).session("admin")["session_token"]
    other = browser(server)
    other.cookies.set("folio_app", embed_session, path="/app")
    assert_problem(other.get("/app/api/v1/invoices"), 401, code="wrong_purpose")


# -- links that no longer work ---------------------------------------------------------------------------


def test_a_link_works_once(server, tenant):
    user = invite(tenant)
    token = latest_link(tenant, user["email"])
    assert redeem(browser(server), token).status_code == 201
    assert_problem(redeem(browser(server), token), 401, code="used", words="already used")


def test_link_expires_after_72_hours_to_the_second(server, tenant):
    start = datetime.fromtimestamp(int(time.time()), UTC)
    with time_machine.travel(start, tick=False):
        on_time, late = invite(tenant), invite(tenant)
    with time_machine.travel(start + timedelta(hours=72), tick=False):
        assert redeem(browser(server), latest_link(tenant, on_time["email"])).status_code == 201
    with time_machine.travel(start + timedelta(hours=72, seconds=1), tick=False):
        r = redeem(browser(server), latest_link(tenant, late["email"]))
    assert_problem(r, 401, code="expired", words="72 hours")
    assert tenant.api.get(f"/v1/entity-users/{late['id']}").json()["status"] == "invited"


def test_resend_makes_the_old_link_useless(server, tenant):
    user = invite(tenant)
    old = latest_link(tenant, user["email"])
    tenant.api.post(f"/v1/entity-users/{user['id']}/invitation").raise_for_status()
    new = latest_link(tenant, user["email"])
    assert_problem(redeem(browser(server), old), 401, code="revoked", words="newer link")
    assert redeem(browser(server), new).status_code == 201
    assert_problem(redeem(browser(server), new), 401, code="used")
    # a used link stays "used" even once a newer one exists
    tenant.api.post(f"/v1/entity-users/{user['id']}/invitation")  # 409: accepted by now
    client = browser(server)
    assert client.post("/app/sign-in", json={"email": user["email"]}).status_code == 202
    assert_problem(redeem(client, new), 401, code="used")


def test_revoked_invitation_link_is_refused(server, tenant):
    user = invite(tenant)
    token = latest_link(tenant, user["email"])
    tenant.api.delete(f"/v1/entity-users/{user['id']}/invitation").raise_for_status()
    assert_problem(redeem(browser(server), token), 401, code="revoked", words="revoked")


def test_link_of_a_removed_user_is_refused(server, tenant):
    user = invite(tenant)
    token = latest_link(tenant, user["email"])
    tenant.api.delete(f"/v1/entity-users/{user['id']}").raise_for_status()
    assert_problem(redeem(browser(server), token), 401, code="no_access", words="removed")
    # and a session opened before the removal stops at once
    client, member, _ = signed_in(server, tenant)
    tenant.api.delete(f"/v1/entity-users/{member['id']}").raise_for_status()
    assert_problem(client.get("/app/api/v1/me"), 401)


def test_tampered_and_garbage_links(server, tenant):
    user = invite(tenant)
    token = latest_link(tenant, user["email"])
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert_problem(redeem(browser(server), flipped), 401, code="tampered")
    assert_problem(redeem(browser(server), "nonsense"), 401, code="tampered")
    # the link is still good after those attempts
    assert redeem(browser(server), token).status_code == 201
    r = browser(server).post("/app/session", json={"token": ""})
    assert_problem(r, 422)
    assert r.json()["errors"][0]["field"] == "token"
    assert_problem(browser(server).post("/app/session", json={}), 422)


def test_a_link_signed_with_another_secret_is_tampered(server, tenant):
    from invoicing.signin import links

    user = invite(tenant)
    foreign, _ = links.sign_link(
        ["some-other-secret"],
        account_id=tenant.account_id,
        environment="sandbox",
        entity_id=tenant.entity_id,
        user_id=user["id"],
        generation=0,
    )
    assert_problem(redeem(browser(server), foreign), 401, code="tampered")


# -- sign-in by e-mail ------------------------------------------------------------------------------------


def test_sign_in_by_address_sends_a_fresh_link_and_answers_the_same_for_strangers(server, tenant):
    client, user, _ = signed_in(server, tenant, "editor")
    client.post("/app/sign-out")
    before = len(emails_to(tenant, user["email"]))

    r = browser(server).post("/app/sign-in", json={"email": user["email"].upper()})
    assert r.status_code == 202 and r.json() == {"sent": True}
    unknown = browser(server).post("/app/sign-in", json={"email": address("stranger")})
    assert unknown.status_code == 202 and unknown.json() == r.json()

    sent = wait_for_emails(tenant, user["email"], before + 1)
    assert len(sent) == before + 1
    _, entity_id, token = link_of(sent[0])
    entity = tenant.api.get(f"/v1/entities/{tenant.entity_id}").json()
    assert entity_id == tenant.entity_id and sent[0]["subject"] == f"Vaša povezava za prijavo v {entity['name']}"
    again = redeem(browser(server), token)
    assert again.status_code == 201 and again.json()["role"] == "editor"


def test_sign_in_reaches_every_entity_of_the_address_and_invited_users_too(server, tenant):

    email = address()
    invite(tenant, "viewer", email=email)
    other = make_entity(tenant.account)
    tenant.account.post(
        "/v1/entity-users", headers={"X-Entity-Id": other["id"]}, json={"email": email, "role": "admin"}
    ).raise_for_status()
    old = latest_link(tenant, email)
    assert browser(server).post("/app/sign-in", json={"email": email}).status_code == 202
    new = link_of(wait_for_emails(tenant, email, 2)[0])[2]
    other_api = tenant.account
    other_mail = [
        m for m in other_api.get("/v1/emails", headers={"X-Entity-Id": other["id"]}).json()["data"] if email in m["to"]
    ]
    assert len(other_mail) == 1 and link_of(other_mail[0])[1] == other["id"]
    # the new link replaces the invitation's; it still accepts the invitation
    assert_problem(redeem(browser(server), old), 401, code="revoked")
    r = redeem(browser(server), new)
    assert r.status_code == 201 and r.json()["user"]["status"] == "active"
    assert r.json()["user"]["accepted_at"]


def test_sign_in_refuses_a_malformed_address(server):
    for body in ({"email": "not-an-address"}, {"email": ""}, {}, {"email": 42}):
        r = browser(server).post("/app/sign-in", json=body)
        assert_problem(r, 422)
        assert r.json()["errors"][0]["field"] == "email"


def test_the_api_side_of_sign_in_requests_needs_the_bff_credential(server):
    r = server.client().post("/v1/embed/sign-in/requests")
    assert_problem(r, 401)
    r = server.client("embr_forged.abc.def").post("/v1/embed/sign-in/requests")
    assert_problem(r, 401)


# -- the shell --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/app", "/app/sign-in"])
def test_the_app_shell_is_first_party_and_configured_for_app_mode(server, tenant, shell_server, path):
    import json

    tenant.api.patch(
        f"/v1/entities/{tenant.entity_id}",
        json={"locale": "de", "settings": {"branding": {"primary_color": "#B45309"}}},
    ).raise_for_status()
    r = httpx.get(f"{shell_server}{path}", params={"entity": tenant.entity_id})
    assert r.status_code == 200, r.text
    assert r.headers["referrer-policy"] == "no-referrer" and r.headers["cache-control"] == "no-store"
    assert csp(r)["frame-ancestors"] == "'none'"
    nonce, raw = CONFIG.search(r.text).groups()
    assert f"'nonce-{nonce}'" in csp(r)["script-src"]
    config = json.loads(raw)
    assert {k: config[k] for k in ("mode", "apiBase", "sessionUrl", "signInUrl", "signOutUrl")} == {
        "mode": "app",
        "apiBase": "/app/api/v1",
        "sessionUrl": "/app/session",
        "signInUrl": "/app/sign-in",
        "signOutUrl": "/app/sign-out",
    }
    assert config["locale"] == "de" and config["branding"]["primary_color"] == "#B45309"
    assert config["entityId"] == tenant.entity_id
    assert "#B45309" in r.text and "set-cookie" not in r.headers


def test_the_app_shell_takes_the_branding_of_the_signed_in_entity(server, tenant, shell_server):
    import json

    tenant.api.patch(
        f"/v1/entities/{tenant.entity_id}", json={"settings": {"branding": {"primary_color": "#0F766E"}}}
    ).raise_for_status()
    user = invite(tenant)
    client = httpx.Client(base_url=shell_server, timeout=30)
    assert redeem(client, latest_link(tenant, user["email"])).status_code == 201
    config = json.loads(CONFIG.search(client.get("/app").text).group(2))
    assert config["entityId"] == tenant.entity_id and config["branding"]["primary_color"] == "#0F766E"
    # without a session or an entity: the default branding, still app mode
    plain = json.loads(CONFIG.search(httpx.get(f"{shell_server}/app").text).group(2))
    assert plain["mode"] == "app" and plain["entityId"] is None


def test_an_admin_manages_the_team_from_app_and_the_audit_log_names_them(server, tenant):
    client, admin, session = signed_in(server, tenant, "admin")
    headers = csrf(session)
    r = client.post(
        "/app/api/v1/entity-users", json={"email": address(), "role": "viewer", "send_invite": True}, headers=headers
    )
    assert r.status_code == 201, r.text
    member = r.json()
    assert redeem(browser(server), latest_link(tenant, member["email"])).status_code == 201
    assert (
        client.patch(f"/app/api/v1/entity-users/{member['id']}", json={"role": "editor"}, headers=headers).status_code
        == 200
    )
    assert client.delete(f"/app/api/v1/entity-users/{member['id']}", headers=headers).status_code == 204
    # the admin alone cannot step down
    r = client.patch(f"/app/api/v1/entity-users/{admin['id']}", json={"role": "viewer"}, headers=headers)
    assert_problem(r, 409, words="last admin")

    log = client.get("/app/api/v1/audit-log", params={"object_id": member["id"], "limit": 100}).json()["data"]
    actions = [e["action"] for e in log]
    assert actions[:2] == ["entity_user.removed", "entity_user.updated"]
    # one transaction each: the invitation, then the acceptance with the sign-in
    assert set(actions[2:4]) == {"entity_user.accepted", "entity_user.signed_in"}
    assert {"entity_user.created", "entity_user.invited"} <= set(actions[4:])
    by = {e["action"]: e["actor"] for e in log}
    for action in ("entity_user.created", "entity_user.invited", "entity_user.updated", "entity_user.removed"):
        assert by[action]["type"] == "user" and by[action]["id"] == admin["id"], action
        assert by[action]["email"] == admin["email"]
    assert by["entity_user.accepted"]["id"] == member["id"]
