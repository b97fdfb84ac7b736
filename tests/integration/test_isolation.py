"""Nothing leaks between entities, accounts and environments: all of it answers 404."""

from __future__ import annotations

from tests.integration.conftest import INVOICE, make_account, make_entity


def test_entities_accounts_and_environments_are_isolated(server, tenant):
    inv = tenant.api.post("/v1/invoices", json=INVOICE).json()
    cus = tenant.api.post("/v1/customers", json={"name": "Secret"}).json()
    other_entity = make_entity(tenant.account)
    other = server.client(tenant.sandbox_key, other_entity["id"])

    # another entity of the same account
    for path in (f"/v1/invoices/{inv['id']}", f"/v1/customers/{cus['id']}"):
        r = other.get(path)
        assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    assert other.get("/v1/invoices").json()["data"] == []
    assert other.post("/v1/payments", json={"invoice_id": inv["id"], "amount": 1}).status_code == 422
    assert other.post("/v1/credit-notes", json={"invoice_id": inv["id"]}).status_code == 422
    assert other.patch(f"/v1/invoices/{inv['id']}", json={"note": "x"}).status_code == 404

    # an entity key sees exactly its entity
    ek = tenant.account.post(f"/v1/entities/{other_entity['id']}/api-keys", json={"name": "tenant"}).json()["key"]
    assert ek.startswith("ek_sandbox_")
    scoped = server.client(ek)
    assert scoped.get(f"/v1/invoices/{inv['id']}").status_code == 404
    assert scoped.get("/v1/invoices", headers={"X-Entity-Id": tenant.entity_id}).status_code == 404
    assert [e["id"] for e in scoped.get("/v1/entities").json()["data"]] == [other_entity["id"]]
    assert scoped.get(f"/v1/entities/{tenant.entity_id}").status_code == 404
    assert scoped.post("/v1/invoices", json=INVOICE).status_code == 201
    # entity keys cannot manage the platform account or create entities
    assert scoped.get("/v1/account").status_code == 403
    assert scoped.post("/v1/entities", json={"name": "X", "country": "SI"}).status_code == 403

    # another account
    _, keys = make_account(server, "Other platform")
    foreign = server.client(keys["sandbox"], tenant.entity_id)
    assert foreign.get("/v1/invoices").status_code == 404
    assert server.client(keys["sandbox"]).get(f"/v1/entities/{tenant.entity_id}").status_code == 404
    assert tenant.entity_id not in [e["id"] for e in server.client(keys["sandbox"]).get("/v1/entities").json()["data"]]

    # the same account's live key does not see sandbox data
    live = server.client(tenant.live_key, tenant.entity_id)
    assert live.get("/v1/invoices").status_code == 404
    assert server.client(tenant.live_key).get("/v1/entities").json()["data"] == []
    assert server.client(tenant.live_key).get("/v1/account").json()["environment"] == "live"


def test_authentication_errors_are_problems(server, tenant):
    for headers in (
        {},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer sk_sandbox_short"},
        {"Authorization": "Bearer sk_sandbox_" + "x" * 40},
    ):
        r = server.client().get("/v1/invoices", headers=headers)
        assert r.status_code == 401
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["status"] == 401 and r.json()["detail"]
    r = server.client(tenant.sandbox_key).get("/v1/invoices")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "X-Entity-Id"


def test_account_settings(server, tenant):
    r = tenant.account.patch(
        "/v1/account", json={"embed_allowed_origins": ["https://app.example.com", "http://localhost:8001/"]}
    )
    assert r.status_code == 200
    assert tenant.account.get("/v1/account").json()["embed_allowed_origins"] == [
        "https://app.example.com",
        "http://localhost:8001",
    ]
    bad = tenant.account.patch("/v1/account", json={"embed_allowed_origins": ["https://app.example.com/path"]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"].startswith("embed_allowed_origins")


def test_keys_are_stored_hashed(server, tenant):
    import asyncio

    from sqlalchemy import select

    from invoicing.db import Database
    from invoicing.db.models import ApiKey

    async def stored():
        db = Database(server.database_url)
        try:
            async with db.transaction(write=False) as s:
                return (
                    (await s.execute(select(ApiKey.key_hash).where(ApiKey.account_id == tenant.account_id)))
                    .scalars()
                    .all()
                )
        finally:
            await db.dispose()

    hashes = asyncio.run(stored())
    assert len(hashes) == 2 and tenant.sandbox_key not in hashes and all(len(h) == 64 for h in hashes)
