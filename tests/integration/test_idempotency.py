"""``Idempotency-Key`` and conflicts on the request's transaction (the ``session`` dependency), over
HTTP on SQLite and PostgreSQL: a retry replays the stored bytes and creates nothing, another body
answers 409, a constraint clash answers 409 and writes nothing."""

from __future__ import annotations

import asyncio

import httpx


def _audit(tenant, action: str) -> list[dict]:
    return tenant.api.get("/v1/audit-log", params={"action": action, "limit": 100}).json()["data"]


def test_create_is_replayed_byte_for_byte_and_creates_nothing(server, tenant):
    key = {"Idempotency-Key": "customer-1"}
    first = tenant.api.post("/v1/customers", json={"name": "Acme"}, headers=key)
    again = tenant.api.post("/v1/customers", json={"name": "Acme"}, headers=key)
    assert first.status_code == again.status_code == 201
    assert "idempotent-replayed" not in first.headers and again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content
    assert again.headers["content-type"].startswith("application/json")
    assert [c["id"] for c in tenant.api.get("/v1/customers").json()["data"]] == [first.json()["id"]]
    assert len(_audit(tenant, "customer.created")) == 1


def test_update_is_replayed_with_its_status(server, tenant):
    customer = tenant.api.post("/v1/customers", json={"name": "Acme"}).json()
    key = {"Idempotency-Key": "rename-1"}
    first = tenant.api.patch(f"/v1/customers/{customer['id']}", json={"name": "Acme 2"}, headers=key)
    tenant.api.patch(f"/v1/customers/{customer['id']}", json={"name": "Acme 3"}).raise_for_status()
    again = tenant.api.patch(f"/v1/customers/{customer['id']}", json={"name": "Acme 2"}, headers=key)
    assert first.status_code == again.status_code == 200
    assert again.headers["idempotent-replayed"] == "true" and again.json()["name"] == "Acme 2"
    assert tenant.api.get(f"/v1/customers/{customer['id']}").json()["name"] == "Acme 3"
    assert len(_audit(tenant, "customer.updated")) == 2


def test_same_key_with_another_body_or_path_is_a_conflict(server, tenant):
    key = {"Idempotency-Key": "shared"}
    assert tenant.api.post("/v1/customers", json={"name": "Acme"}, headers=key).status_code == 201
    other = tenant.api.post("/v1/customers", json={"name": "Other"}, headers=key)
    assert other.status_code == 409 and other.headers["content-type"].startswith("application/problem+json")
    assert "different request" in other.json()["detail"]
    assert tenant.api.post("/v1/items", json={"name": "X", "price": "1"}, headers=key).status_code == 409
    assert len(tenant.api.get("/v1/customers").json()["data"]) == 1
    assert tenant.api.get("/v1/items").json()["data"] == []


def test_a_key_longer_than_255_characters_is_refused(server, tenant):
    r = tenant.api.post("/v1/customers", json={"name": "Acme"}, headers={"Idempotency-Key": "k" * 256})
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "Idempotency-Key", "message": "must be at most 255 characters"}]
    assert tenant.api.get("/v1/customers").json()["data"] == []
    ok = tenant.api.post("/v1/customers", json={"name": "Acme"}, headers={"Idempotency-Key": "k" * 255})
    assert ok.status_code == 201


def test_a_failed_write_stores_nothing_under_its_key(server, tenant):
    key = {"Idempotency-Key": "fix-and-retry"}
    bad = tenant.api.post("/v1/customers", json={"name": "Acme", "country": "XX"}, headers=key)
    assert bad.status_code == 422
    assert tenant.api.post("/v1/customers", json={"name": "Acme", "country": "SI"}, headers=key).status_code == 201


def test_concurrent_retries_with_one_key_create_one_customer(server, tenant):
    async def burst():
        headers = {
            "Authorization": f"Bearer {tenant.sandbox_key}",
            "X-Entity-Id": tenant.entity_id,
            "Idempotency-Key": "burst-customer",
        }
        async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=60) as client:
            return await asyncio.gather(*(client.post("/v1/customers", json={"name": "Acme"}) for _ in range(8)))

    responses = asyncio.run(burst())
    assert {r.status_code for r in responses} == {201}
    assert len({r.content for r in responses}) == 1
    assert len(tenant.api.get("/v1/customers").json()["data"]) == 1


def test_a_constraint_clash_between_concurrent_writes_is_a_conflict(server, tenant):
    async def burst():
        headers = {"Authorization": f"Bearer {tenant.sandbox_key}", "X-Entity-Id": tenant.entity_id}
        body = {"email": "same@example.com", "role": "viewer"}
        async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=60) as client:
            return await asyncio.gather(*(client.post("/v1/entity-users", json=body) for _ in range(8)))

    responses = asyncio.run(burst())
    assert sorted(r.status_code for r in responses).count(201) == 1
    assert {r.status_code for r in responses} <= {201, 409, 422}
    for r in responses:
        if r.status_code == 409:
            assert r.json()["detail"].startswith("A concurrent change conflicted")
    users = tenant.api.get("/v1/entity-users", params={"limit": 100}).json()["data"]
    assert [u["email"] for u in users].count("same@example.com") == 1
    assert len(_audit(tenant, "entity_user.created")) == 1
