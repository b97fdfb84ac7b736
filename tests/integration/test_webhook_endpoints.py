"""Webhook endpoints (``/v1/webhook-endpoints``), account keys only: create (the secret shown once), list,
get, change, delete; the URL rules; rotating the secret (both secrets sign for 24 hours, then only the new
one, checked with the ``standardwebhooks`` library); a test event queued for one endpoint."""

from __future__ import annotations

import asyncio
import base64
import time
from datetime import timedelta

import pytest
from sqlalchemy import select
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from invoicing.db import Database
from invoicing.db.models import Event, WebhookDelivery, WebhookEndpoint
from invoicing.webhooks.signing import sign, signing_secrets
from tests.integration.conftest import assert_problem, make_account, make_entity

PUBLIC = "https://93.184.216.34/hooks/folio"  # a global address literal: no name to resolve


def load(server, model, *where):
    async def run():
        db = Database(server.database_url)
        try:
            async with db.transaction() as session:
                return (await session.execute(select(model).where(*where))).scalars().all()
        finally:
            await db.dispose()

    return asyncio.run(run())


def create(client, **body):
    r = client.post("/v1/webhook-endpoints", json={"url": PUBLIC, "events": ["*"], **body})
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
def strict(server, monkeypatch):
    """The server as it runs in production: no private addresses, https only."""
    monkeypatch.setattr(server.settings.webhooks, "allow_private", False)
    monkeypatch.setattr(server.settings.webhooks, "require_https", True)
    return server


def test_create_list_get_change_delete(tenant, server):
    second = make_entity(tenant.account)
    made = create(
        tenant.account,
        events=["invoice.issued", "invoice.paid", "invoice.issued"],
        entity_ids=[tenant.entity_id, second["id"]],
        description="ERP sync",
    )
    assert made["id"].startswith("whk_") and made["object"] == "webhook_endpoint"
    assert made["url"] == PUBLIC and made["description"] == "ERP sync" and made["enabled"] is True
    assert made["events"] == ["invoice.issued", "invoice.paid"]  # duplicates dropped
    assert made["entity_ids"] == [tenant.entity_id, second["id"]]
    secret = made["secret"]
    assert secret.startswith("whsec_") and len(base64.b64decode(secret.removeprefix("whsec_"))) == 32

    got = tenant.account.get(f"/v1/webhook-endpoints/{made['id']}")
    assert got.status_code == 200, got.text
    assert "secret" not in got.json() and secret not in got.text
    assert {k: v for k, v in made.items() if k != "secret"} == got.json()

    others = [create(tenant.account, events=["payment.created"]) for _ in range(2)]
    first = tenant.account.get("/v1/webhook-endpoints", params={"limit": 2})
    assert first.status_code == 200, first.text
    assert [e["id"] for e in first.json()["data"]] == [others[1]["id"], others[0]["id"]]  # newest first
    rest = tenant.account.get("/v1/webhook-endpoints", params={"limit": 2, "cursor": first.json()["next_cursor"]})
    assert [e["id"] for e in rest.json()["data"]] == [made["id"]] and rest.json()["next_cursor"] is None
    assert secret not in first.text + rest.text and "whsec_" not in first.text + rest.text

    changed = tenant.account.patch(
        f"/v1/webhook-endpoints/{made['id']}",
        json={"url": "https://93.184.216.35/v2", "events": ["*"], "entity_ids": None, "enabled": False},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["url"], body["events"], body["entity_ids"], body["enabled"]) == (
        "https://93.184.216.35/v2",
        ["*"],
        None,
        False,
    )
    assert body["description"] == "ERP sync" and "secret" not in body
    assert tenant.account.get(f"/v1/webhook-endpoints/{made['id']}").json()["enabled"] is False
    [row] = load(server, WebhookEndpoint, WebhookEndpoint.id == made["id"])
    assert row.secret == secret  # a change keeps the secret

    gone = tenant.account.delete(f"/v1/webhook-endpoints/{made['id']}")
    assert gone.status_code == 204, gone.text
    assert_problem(tenant.account.get(f"/v1/webhook-endpoints/{made['id']}"), 404)
    assert made["id"] not in tenant.account.get("/v1/webhook-endpoints").text


def test_rotation_signs_with_both_secrets_for_24_hours_then_only_the_new_one(tenant, server):
    made = create(tenant.account)
    r = tenant.account.post(f"/v1/webhook-endpoints/{made['id']}/rotate-secret")
    assert r.status_code == 200, r.text
    new = r.json()["secret"]
    old = made["secret"]
    assert new.startswith("whsec_") and new != old
    assert "secret" not in tenant.account.get(f"/v1/webhook-endpoints/{made['id']}").json()

    [endpoint] = load(server, WebhookEndpoint, WebhookEndpoint.id == made["id"])
    rotated = endpoint.previous_secret_expires_at - timedelta(hours=24)
    assert abs((rotated - endpoint.updated_at).total_seconds()) < 1
    assert r.json()["previous_secret_expires_at"] is not None

    body = '{"id": "evt_1", "type": "webhook.test"}'
    timestamp = int(time.time())

    def headers(at):
        signature = sign(signing_secrets(endpoint, at), "evt_1", timestamp, body)
        return {"webhook-id": "evt_1", "webhook-timestamp": str(timestamp), "webhook-signature": signature}

    during = headers(rotated + timedelta(hours=23, minutes=59))
    assert len(during["webhook-signature"].split(" ")) == 2
    assert Webhook(new).verify(body, during) == {"id": "evt_1", "type": "webhook.test"}
    assert Webhook(old).verify(body, during) == {"id": "evt_1", "type": "webhook.test"}

    after = headers(rotated + timedelta(hours=24, seconds=1))
    assert len(after["webhook-signature"].split(" ")) == 1
    assert Webhook(new).verify(body, after)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(body, after)
    with pytest.raises(WebhookVerificationError):  # a signature covers the body
        Webhook(new).verify(body.replace("evt_1", "evt_2"), after)

    again = tenant.account.post(f"/v1/webhook-endpoints/{made['id']}/rotate-secret").json()["secret"]
    [endpoint] = load(server, WebhookEndpoint, WebhookEndpoint.id == made["id"])
    assert (endpoint.secret, endpoint.previous_secret) == (again, new)  # the first secret is gone for good


REFUSED = {
    "not a url": "absolute http or https",
    "/hooks/relative": "absolute http or https",
    "ftp://93.184.216.34/hook": "absolute http or https",
    "https://user:password@93.184.216.34/hook": "user name or password",
    "https://token@93.184.216.34/hook": "user name or password",
    "https://127.0.0.1/hook": "not allowed",
    "https://10.1.2.3/hook": "not allowed",
    "https://192.168.0.10:8443/hook": "not allowed",
    "https://169.254.169.254/latest/meta-data": "not allowed",
    "https://0.0.0.0/hook": "not allowed",
    "https://[::1]/hook": "not allowed",
    "https://[::ffff:127.0.0.1]/hook": "not allowed",
    "https://[fd00::1]/hook": "not allowed",
    "https://240.0.0.1/hook": "not allowed",
    "https://localhost/hook": "not allowed",  # a name resolving to loopback
    "http://93.184.216.34/hook": "must use https",
}


def test_url_rules_in_production(tenant, strict):
    for url, words in REFUSED.items():
        r = tenant.account.post("/v1/webhook-endpoints", json={"url": url, "events": ["*"]})
        body = assert_problem(r, 422)
        assert body["errors"][0]["field"] == "url", (url, body)
        assert words in body["errors"][0]["message"], (url, body)
    made = create(tenant.account)
    assert made["url"] == PUBLIC
    r = tenant.account.patch(f"/v1/webhook-endpoints/{made['id']}", json={"url": "https://127.0.0.1:9/hook"})
    assert assert_problem(r, 422)["errors"][0]["field"] == "url"
    assert tenant.account.get(f"/v1/webhook-endpoints/{made['id']}").json()["url"] == PUBLIC


def test_private_and_plain_http_urls_allowed_in_development(tenant, server):
    assert server.settings.webhooks.allow_private and not server.settings.webhooks.require_https
    made = create(tenant.account, url="http://127.0.0.1:8080/hook")
    assert made["url"] == "http://127.0.0.1:8080/hook"
    for url in ("https://user:pw@127.0.0.1/hook", "mailto:ops@example.com", "not a url"):
        r = tenant.account.post("/v1/webhook-endpoints", json={"url": url, "events": ["*"]})
        assert assert_problem(r, 422)["errors"][0]["field"] == "url", url


def test_unknown_event_types_are_named(tenant):
    r = tenant.account.post(
        "/v1/webhook-endpoints", json={"url": PUBLIC, "events": ["invoice.paid", "invoice.exploded"]}
    )
    body = assert_problem(r, 422)
    assert body["errors"] == [{"field": "events[1]", "message": "'invoice.exploded' is not a known event type"}]
    r = tenant.account.post("/v1/webhook-endpoints", json={"url": PUBLIC, "events": ["*", "invoice.paid"]})
    assert assert_problem(r, 422)["errors"][0]["field"] == "events[1]"
    r = tenant.account.post("/v1/webhook-endpoints", json={"url": PUBLIC, "events": []})
    assert_problem(r, 422)
    made = create(tenant.account)
    r = tenant.account.patch(f"/v1/webhook-endpoints/{made['id']}", json={"events": ["nope"]})
    assert assert_problem(r, 422)["errors"][0]["field"] == "events[0]"


def test_entity_ids_must_be_the_callers_own(tenant, server):
    _, keys = make_account(server, "Someone else")
    foreign = make_entity(server.client(keys["sandbox"]))
    live = make_entity(server.client(tenant.live_key))  # the same account, the other environment
    for bad in (foreign["id"], live["id"], "ent_doesnotexist"):
        r = tenant.account.post(
            "/v1/webhook-endpoints", json={"url": PUBLIC, "events": ["*"], "entity_ids": [tenant.entity_id, bad]}
        )
        body = assert_problem(r, 422)
        assert body["errors"][0]["field"] == "entity_ids[1]", (bad, body)
    made = create(tenant.account)
    r = tenant.account.patch(f"/v1/webhook-endpoints/{made['id']}", json={"entity_ids": [foreign["id"]]})
    assert assert_problem(r, 422)["errors"][0]["field"] == "entity_ids[0]"


def test_only_account_keys_of_the_account_and_environment(tenant, server):
    made = create(tenant.account)
    key = tenant.account.post(f"/v1/entities/{tenant.entity_id}/api-keys", json={"name": "entity"})
    assert key.status_code == 201, key.text
    entity = server.client(key.json()["key"])
    assert_problem(entity.post("/v1/webhook-endpoints", json={"url": PUBLIC, "events": ["*"]}), 403)
    assert_problem(entity.get("/v1/webhook-endpoints"), 403)
    assert_problem(entity.get(f"/v1/webhook-endpoints/{made['id']}"), 403)
    assert_problem(entity.post(f"/v1/webhook-endpoints/{made['id']}/rotate-secret"), 403)
    assert_problem(server.client().get("/v1/webhook-endpoints"), 401)

    _, keys = make_account(server, "Someone else")
    for outsider in (server.client(keys["sandbox"]), server.client(tenant.live_key)):
        assert_problem(outsider.get(f"/v1/webhook-endpoints/{made['id']}"), 404)
        assert_problem(outsider.patch(f"/v1/webhook-endpoints/{made['id']}", json={"enabled": False}), 404)
        assert_problem(outsider.post(f"/v1/webhook-endpoints/{made['id']}/rotate-secret"), 404)
        assert_problem(outsider.post(f"/v1/webhook-endpoints/{made['id']}/test"), 404)
        assert_problem(outsider.delete(f"/v1/webhook-endpoints/{made['id']}"), 404)
        assert made["id"] not in outsider.get("/v1/webhook-endpoints").text
    assert tenant.account.get(f"/v1/webhook-endpoints/{made['id']}").json()["enabled"] is True


def test_test_event_is_queued_for_that_endpoint_only(tenant, server):
    made = create(tenant.account)
    other = create(tenant.account)
    r = tenant.account.post(f"/v1/webhook-endpoints/{made['id']}/test")
    assert r.status_code == 202, r.text
    out = r.json()
    assert out["event_id"].startswith("evt_") and out["delivery_id"].startswith("whd_")

    [event] = load(server, Event, Event.id == out["event_id"])
    assert event.type == "webhook.test" and event.account_id == tenant.account_id
    assert event.environment == "sandbox" and event.data["endpoint_id"] == made["id"]
    # the delivery worker may already have tried the test event and recorded the endpoint failing since then
    worker_written = ("failing_since", "last_success_at")
    now = tenant.account.get(f"/v1/webhook-endpoints/{made['id']}").json()
    assert {k: v for k, v in event.data["object"].items() if k not in worker_written} == {
        k: v for k, v in now.items() if k not in worker_written
    }
    deliveries = load(server, WebhookDelivery, WebhookDelivery.event_id == out["event_id"])
    # the server's worker is woken by the commit: it may have made the attempt already (and queued a retry)
    first = [d for d in deliveries if d.attempt == 1]
    assert [(d.id, d.endpoint_id) for d in first] == [(out["delivery_id"], made["id"])]
    assert {d.endpoint_id for d in deliveries} == {made["id"]}
    assert first[0].created_at <= event.created_at + timedelta(seconds=5)
    assert not load(server, WebhookDelivery, WebhookDelivery.endpoint_id == other["id"])

    tenant.account.patch(f"/v1/webhook-endpoints/{made['id']}", json={"enabled": False})
    assert_problem(tenant.account.post(f"/v1/webhook-endpoints/{made['id']}/test"), 409, words="disabled")
    assert tenant.account.delete(f"/v1/webhook-endpoints/{made['id']}").status_code == 204
    assert not load(server, WebhookDelivery, WebhookDelivery.endpoint_id == made["id"])
