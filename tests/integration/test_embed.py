"""Embed tokens and dashboard sessions, through HTTP on a real server (SQLite and PostgreSQL)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import time_machine

from invoicing.auth.permissions import ROLES
from tests.conftest import running, server_settings
from tests.integration.conftest import HOST, assert_problem, make_account, make_entity

# -- minting ------------------------------------------------------------------------------------------


def test_token_carries_the_entity_and_opens_a_session(embed):
    r = embed.mint("viewer", ttl_seconds=120)
    assert r.status_code == 201, r.text
    assert "set-cookie" not in r.headers and r.headers["cache-control"] == "no-store"
    body = r.json()
    token = body["token"]
    assert token.startswith(embed.tenant.entity_id + ".")
    assert body["url"] == f"{embed.url}/embed?entity={embed.tenant.entity_id}#token={token}"
    expires = datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert timedelta(seconds=115) < expires - datetime.now(UTC) <= timedelta(seconds=121)

    r = httpx.post(f"{embed.url}/embed/session", json={"token": token})
    assert r.status_code == 201, r.text
    assert "set-cookie" not in r.headers
    session = r.json()
    assert session["user"]["id"] == embed.users["viewer"]["id"]
    assert session["entity"]["id"] == embed.tenant.entity_id
    assert session["role"] == "viewer"
    assert set(session["permissions"]) == {str(p) for p in ROLES["viewer"]}
    assert session["origin"] == HOST  # the account's only embed origin
    session_expires = datetime.fromisoformat(session["expires_at"].replace("Z", "+00:00"))
    assert timedelta(minutes=14) < session_expires - datetime.now(UTC) <= timedelta(minutes=15, seconds=1)


def test_token_by_external_id_and_explicit_origin(embed):
    embed.tenant.account.patch("/v1/account", json={"embed_allowed_origins": [HOST, "https://app.platform.example"]})
    r = embed.tenant.account.post(
        "/embed/tokens",
        json={
            "entity_id": embed.tenant.entity_id,
            "external_id": embed.users["editor"]["external_id"],
            "origin": "https://APP.platform.example/",
        },
    )
    assert r.status_code == 201, r.text
    session = httpx.post(f"{embed.url}/embed/session", json={"token": r.json()["token"]}).json()
    assert session["user"]["id"] == embed.users["editor"]["id"]
    assert session["origin"] == "https://app.platform.example"

    # several allowed origins and none named: the token pins none
    session = embed.session("editor")
    assert session["origin"] is None


@pytest.mark.parametrize(
    "body, field",
    [
        ({"entity_id": None}, "entity_id"),
        ({"entity_id": "inv_123"}, "entity_id"),
        ({"user_id": None}, "user_id"),
        ({"external_id": "someone"}, "user_id"),  # both user_id and external_id
        ({"user_id": "not-a-user"}, "user_id"),
        ({"ttl_seconds": 0}, "ttl_seconds"),
        ({"ttl_seconds": 301}, "ttl_seconds"),
        ({"ttl_seconds": "soon"}, "ttl_seconds"),
        ({"origin": "https://evil.example"}, "origin"),
        ({"origin": "not an origin"}, "origin"),
        ({"origin": "https://localhost:8001/path"}, "origin"),
    ],
)
def test_mint_rejects_bad_input_naming_the_field(embed, body, field):
    payload = {"entity_id": embed.tenant.entity_id, "user_id": embed.users["admin"]["id"], **body}
    payload = {k: v for k, v in payload.items() if v is not None}
    r = embed.tenant.account.post("/embed/tokens", json=payload)
    problem = assert_problem(r, 422)
    assert field in [e["field"] for e in problem["errors"]], problem


def test_mint_rejects_a_body_that_is_not_json(embed):
    r = embed.tenant.account.post("/embed/tokens", content=b"{oops", headers={"Content-Type": "application/json"})
    assert_problem(r, 400)


def test_mint_needs_an_account_key(embed, server):
    body = {"entity_id": embed.tenant.entity_id, "user_id": embed.users["admin"]["id"]}
    assert_problem(httpx.post(f"{server.url}/embed/tokens", json=body), 401, words="account key")
    assert_problem(
        httpx.post(f"{server.url}/embed/tokens", json=body, headers={"Authorization": "Bearer sk_sandbox_" + "x" * 40}),
        401,
    )
    entity_key = embed.tenant.account.post(f"/v1/entities/{embed.tenant.entity_id}/api-keys", json={}).json()["key"]
    assert_problem(
        httpx.post(f"{server.url}/embed/tokens", json=body, headers={"Authorization": f"Bearer {entity_key}"}),
        403,
        words="account key",
    )
    session = embed.session("admin")
    assert_problem(
        httpx.post(
            f"{server.url}/embed/tokens", json=body, headers={"Authorization": f"Bearer {session['session_token']}"}
        ),
        401,
    )
    # the live key of the same account does not see sandbox entities
    live = server.client(embed.tenant.live_key)
    assert_problem(live.post("/embed/tokens", json=body), 404)


def test_mint_answers_404_outside_the_account(embed, server):
    _, other_keys = make_account(server, "Other platform")
    other = server.client(other_keys["sandbox"])
    foreign_entity = make_entity(other)
    assert_problem(embed.mint("admin", entity_id=foreign_entity["id"]), 404)
    assert_problem(embed.mint("admin", client=other), 404)  # our entity, their key

    sibling = make_entity(embed.tenant.account)  # same account, another entity: the user is not its user
    assert_problem(embed.mint("admin", entity_id=sibling["id"]), 404)
    r = embed.tenant.account.post(
        "/embed/tokens", json={"entity_id": embed.tenant.entity_id, "external_id": "nobody-has-this"}
    )
    assert_problem(r, 404, words="external_id")


# -- exchanging --------------------------------------------------------------------------------------


def test_a_token_works_once(embed):
    token = embed.token("editor")
    assert httpx.post(f"{embed.url}/embed/session", json={"token": token}).status_code == 201
    r = httpx.post(f"{embed.url}/embed/session", json={"token": token})
    assert_problem(r, 401, code="used", words="already used")


def test_expiry_at_the_exact_boundary(embed):
    start = datetime.fromtimestamp(int(time.time()), UTC)
    with time_machine.travel(start, tick=False):
        on_time, late = embed.token("admin", ttl_seconds=30), embed.token("admin", ttl_seconds=30)
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        assert httpx.post(f"{embed.url}/embed/session", json={"token": on_time}).status_code == 201
    with time_machine.travel(start + timedelta(seconds=31), tick=False):
        r = httpx.post(f"{embed.url}/embed/session", json={"token": late})
    assert_problem(r, 401, code="expired", words="expired")


def test_session_expiry_at_the_exact_boundary(embed):
    start = datetime.fromtimestamp(int(time.time()), UTC)
    with time_machine.travel(start, tick=False):
        session = embed.session("viewer")
    ttl = int((datetime.fromisoformat(session["expires_at"].replace("Z", "+00:00")) - start).total_seconds())
    with embed.dashboard(session) as dashboard:
        with time_machine.travel(start + timedelta(seconds=ttl), tick=False):
            assert dashboard.get("/invoices").status_code == 200
        with time_machine.travel(start + timedelta(seconds=ttl + 1), tick=False):
            assert_problem(dashboard.get("/invoices"), 401, code="expired")


def test_tampered_tokens_are_refused(embed):
    token = embed.token("admin")
    entity, _, signed = token.partition(".")
    payload, stamp, signature = signed.rsplit(".", 2)
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert_problem(
        httpx.post(f"{embed.url}/embed/session", json={"token": f"{entity}.{payload}.{stamp}.{flipped}"}),
        401,
        code="tampered",
        words="tampered",
    )
    # another entity's id in front of a valid signed part
    other = make_entity(embed.tenant.account)["id"]
    assert_problem(httpx.post(f"{embed.url}/embed/session", json={"token": f"{other}.{signed}"}), 401, code="tampered")
    assert_problem(httpx.post(f"{embed.url}/embed/session", json={"token": "hello"}), 401, code="malformed")
    assert_problem(httpx.post(f"{embed.url}/embed/session", json={"token": ""}), 422)
    assert_problem(httpx.post(f"{embed.url}/embed/session", json={}), 422)
    # the untouched token still works: refusals spend nothing
    assert httpx.post(f"{embed.url}/embed/session", json={"token": token}).status_code == 201


def test_tokens_of_another_purpose_are_refused(embed):
    session = embed.session("admin")
    r = httpx.post(f"{embed.url}/embed/session", json={"token": session["session_token"]})
    assert_problem(r, 401, code="wrong_purpose", words="session token")

    token = embed.token("admin")
    r = httpx.get(f"{embed.url}/embed/api/v1/invoices", headers={"Authorization": f"Bearer {token.partition('.')[2]}"})
    assert_problem(r, 401, code="wrong_purpose", words="embed token")


def test_a_removed_user_cannot_open_a_session(embed):
    token = embed.token("viewer")
    r = embed.tenant.api.delete(f"/v1/entity-users/{embed.users['viewer']['id']}")
    assert r.status_code == 204, r.text
    assert_problem(httpx.post(f"{embed.url}/embed/session", json={"token": token}), 401, code="no_access")


def test_secret_rotation_keeps_tokens_and_sessions_valid(embed, server):
    from folio.server import create_server_app

    old_keys = server.settings.security.signing_keys()
    token = embed.token("editor")  # signed by the running server with the current secret
    rotated = server_settings(server, keys=["a-brand-new-secret", *old_keys])
    with running(create_server_app, rotated) as url:
        r = httpx.post(f"{url}/embed/session", json={"token": token})
        assert r.status_code == 201, r.text
        session = r.json()
        with embed.dashboard(session, url) as dashboard:
            r = dashboard.get("/invoices")  # signed with the new secret, end to end
            assert r.status_code == 200, r.text
        # the old deployment, which never heard of the new secret, cannot read it
        assert_problem(embed.dashboard(session).get("/invoices"), 401, code="tampered")

    retired = server_settings(server, keys=["a-brand-new-secret"])
    with running(create_server_app, retired) as url:
        assert_problem(httpx.post(f"{url}/embed/session", json={"token": embed.token("editor")}), 401, code="tampered")
