"""Teams through the API: invitations e-mail a sign-in link, resend and revoke, what the platform
sees once an invitation is accepted, the last-admin rule and the audit trail (SQLite and PostgreSQL)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.integration.conftest import LINK, _tenant, add_users, address, emails_to, invite, link_of

# -- invitations ---------------------------------------------------------------------------------------


def test_invitation_is_recorded_with_a_link_to_the_standalone_dashboard(server, tenant):
    user = invite(tenant, "editor", name="Bookkeeper")
    assert user["status"] == "invited" and user["invited_at"] and user["accepted_at"] is None

    [message] = emails_to(tenant, user["email"])
    assert message["status"] == "captured" and message["document_id"] is None and message["attachments"] == []
    entity = tenant.api.get(f"/v1/entities/{tenant.entity_id}").json()
    url, entity_id, token = link_of(message)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == server.settings.public_url
    assert parts.path == "/app/sign-in" and parse_qs(parts.query) == {"entity": [tenant.entity_id]}
    assert entity_id == tenant.entity_id and token.count(".") in (2, 3)
    # the entity is Slovenian: the message speaks its language, names the entity and the role
    assert entity["locale"] == "sl"
    assert message["subject"] == f"Vabilo v {entity['name']} (vloga: urednik)"
    assert entity["name"] in message["text"] and "Bookkeeper" in message["text"] and "72 ur" in message["text"]
    assert message["sender_name"] == entity["name"]


@pytest.mark.parametrize(
    ("locale", "subject", "role_word"),
    [
        ("en", "You are invited to {} as viewer", "viewer"),
        ("de-AT", "Einladung zu {} als Betrachter", "Betrachter"),
        ("hr", "Pozivnica u {} (uloga: promatrač)", "promatrač"),
    ],
)
def test_invitation_follows_the_entity_locale(server, tenant, locale, subject, role_word):
    tenant.api.patch(f"/v1/entities/{tenant.entity_id}", json={"locale": locale}).raise_for_status()
    name = tenant.api.get(f"/v1/entities/{tenant.entity_id}").json()["name"]
    user = invite(tenant, "viewer")
    [message] = emails_to(tenant, user["email"])
    assert message["subject"] == subject.format(name)
    assert role_word in message["text"]


def test_without_send_invite_the_user_is_active_and_gets_no_mail(tenant):
    user = tenant.api.post("/v1/entity-users", json={"email": address(), "role": "viewer"}).json()
    assert user["status"] == "active" and user["invited_at"] is None and user["accepted_at"] is None
    assert emails_to(tenant, user["email"]) == []


def test_resend_sends_a_new_link_and_refreshes_invited_at(tenant):
    user = invite(tenant)
    r = tenant.api.post(f"/v1/entity-users/{user['id']}/invitation")
    assert r.status_code == 200, r.text
    again = r.json()
    assert again["status"] == "invited" and again["invited_at"] >= user["invited_at"]
    sent = emails_to(tenant, user["email"])
    assert len(sent) == 2 and link_of(sent[0])[2] != link_of(sent[1])[2]


def test_revoke_removes_the_invited_user(tenant):
    user = invite(tenant)
    r = tenant.api.delete(f"/v1/entity-users/{user['id']}/invitation")
    assert r.status_code == 204, r.text
    assert tenant.api.get(f"/v1/entity-users/{user['id']}").status_code == 404
    # the address is free again
    again = invite(tenant, email=user["email"])
    assert again["id"] != user["id"] and again["status"] == "invited"


def test_resend_and_revoke_need_a_pending_invitation(tenant):
    active = tenant.api.post("/v1/entity-users", json={"email": address(), "role": "viewer"}).json()
    for method in ("POST", "DELETE"):
        r = tenant.api.request(method, f"/v1/entity-users/{active['id']}/invitation")
        assert r.status_code == 409, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "already accepted" in r.json()["detail"]
    for method in ("POST", "DELETE"):
        r = tenant.api.request(method, "/v1/entity-users/usr_unknown/invitation")
        assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")


def test_invitations_are_admin_only(server, tenant):

    users = add_users(tenant)
    from contract import credentials

    invited = invite(tenant)
    for role in ("viewer", "editor"):
        token = credentials.sign_user(
            server.settings.security.signing_keys(), tenant.account_id, "sandbox", tenant.entity_id, users[role]["id"]
        )
        client = server.client(token)
        for method in ("POST", "DELETE"):
            r = client.request(method, f"/v1/entity-users/{invited['id']}/invitation")
            assert r.status_code == 403 and "manage the team" in r.json()["detail"]
        r = client.post("/v1/entity-users", json={"email": address(), "role": "viewer", "send_invite": True})
        assert r.status_code == 403
    # an admin of the entity may
    token = credentials.sign_user(
        server.settings.security.signing_keys(), tenant.account_id, "sandbox", tenant.entity_id, users["admin"]["id"]
    )
    admin = server.client(token)
    assert admin.post(f"/v1/entity-users/{invited['id']}/invitation").status_code == 200


def test_bad_invitation_input_names_the_field(tenant):
    r = tenant.api.post("/v1/entity-users", json={"email": "not-an-address", "role": "viewer", "send_invite": True})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "email"
    r = tenant.api.post("/v1/entity-users", json={"email": address(), "role": "owner", "send_invite": True})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "role"
    r = tenant.api.post("/v1/entity-users", json={"email": address(), "role": "viewer", "send_invite": "yes"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "send_invite"


def test_invitation_is_idempotent_with_a_key(tenant):
    email = address()
    body = {"email": email, "role": "viewer", "send_invite": True}
    first = tenant.api.post("/v1/entity-users", json=body, headers={"Idempotency-Key": f"invite-{email}"})
    again = tenant.api.post("/v1/entity-users", json=body, headers={"Idempotency-Key": f"invite-{email}"})
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert len(emails_to(tenant, email)) == 1


# -- the last admin ------------------------------------------------------------------------------------


def test_the_last_admin_cannot_be_demoted_removed_or_revoked(tenant):
    admin = invite(tenant, "admin")
    r = tenant.api.delete(f"/v1/entity-users/{admin['id']}/invitation")
    assert r.status_code == 409 and "last admin" in r.json()["detail"]
    r = tenant.api.patch(f"/v1/entity-users/{admin['id']}", json={"role": "viewer"})
    assert r.status_code == 409 and "last admin" in r.json()["detail"]
    assert tenant.api.delete(f"/v1/entity-users/{admin['id']}").status_code == 409
    second = tenant.api.post("/v1/entity-users", json={"email": address("admin"), "role": "admin"}).json()
    assert tenant.api.delete(f"/v1/entity-users/{admin['id']}/invitation").status_code == 204
    assert tenant.api.patch(f"/v1/entity-users/{second['id']}", json={"role": "editor"}).status_code == 409


def test_invitation_is_delivered_over_smtp_and_its_link_works(server, smtp, mailer):

    _, inbox = smtp
    api, ent = _tenant(server, mailer.url, locale="de")
    r = api.post("/v1/entity-users", json={"email": address(), "role": "admin", "send_invite": True})
    assert r.status_code == 201, r.text
    user = r.json()
    [queued] = [e for e in api.get("/v1/emails").json()["data"] if user["email"] in e["to"]]
    assert queued["status"] == "queued"
    before = len(inbox.messages)
    assert mailer.run_worker() == 1
    rcpts, message = inbox.messages[before]
    assert rcpts == [user["email"]]
    assert message["Subject"] == f"Einladung zu {ent['name']} als Administrator"
    assert message["From"].addresses[0].display_name == "Seller Billing"
    match = LINK.search(message.get_body(("plain",)).get_content())
    assert match and match.group(1).startswith(f"{mailer.url}/app/sign-in?entity={ent['id']}#token=")
    r = httpx.post(f"{mailer.url}/app/session", json={"token": match.group(3)})
    assert r.status_code == 201 and r.json()["role"] == "admin"
