"""The key is read on every call, with the entity it works on, in one statement: a revoked key fails on its
next call, an entity key reaches only its entity, an account key only its account's entities; and the body
is decoded once, strictly, into what the handler gets."""

from __future__ import annotations

import asyncio

from sqlalchemy import update

from invoicing.db import Database
from invoicing.db.models import ApiKey
from invoicing.db.types import utcnow
from tests.integration.conftest import INVOICE, assert_problem, make_account, make_entity


def revoke(server, key_id: str | None = None, account_id: str | None = None) -> None:
    async def run():
        db = Database(server.database_url)
        try:
            async with db.transaction() as session:
                where = ApiKey.id == key_id if key_id else ApiKey.account_id == account_id
                await session.execute(update(ApiKey).where(where).values(revoked_at=utcnow()))
        finally:
            await db.dispose()

    asyncio.run(run())


def test_a_revoked_account_key_fails_on_its_next_call(server, tenant):
    assert tenant.api.post("/v1/invoices", json=INVOICE).status_code == 201
    revoke(server, account_id=tenant.account_id)
    assert_problem(tenant.api.post("/v1/invoices", json=INVOICE), 401)
    assert_problem(tenant.account.get("/v1/entities"), 401)


def test_an_entity_key_works_on_its_entity_alone_and_not_once_revoked(server, tenant):
    other = make_entity(tenant.account, name="Other entity")
    created = tenant.account.post(f"/v1/entities/{tenant.entity_id}/api-keys", json={"name": "shop"})
    assert created.status_code == 201, created.text
    key = created.json()
    with server.client(key["key"]) as client:
        r = client.post("/v1/invoices", json=INVOICE)  # no X-Entity-Id: the key's own entity
        assert r.status_code == 201, r.text
        assert r.json()["entity_id"] == tenant.entity_id
        same = client.post("/v1/invoices", json=INVOICE, headers={"X-Entity-Id": tenant.entity_id})
        assert same.status_code == 201 and same.json()["entity_id"] == tenant.entity_id
        assert_problem(client.post("/v1/invoices", json=INVOICE, headers={"X-Entity-Id": other["id"]}), 404)
        revoke(server, key_id=key["id"])
        assert_problem(client.post("/v1/invoices", json=INVOICE), 401)
    assert tenant.api.post("/v1/invoices", json=INVOICE).status_code == 201  # the account key still works


def test_an_account_key_reaches_only_its_own_accounts_entities(server, tenant):
    _, keys = make_account(server, "Someone else")
    with server.client(keys["sandbox"]) as stranger:
        theirs = make_entity(stranger)
        assert stranger.post("/v1/invoices", json=INVOICE, headers={"X-Entity-Id": theirs["id"]}).status_code == 201
        assert_problem(stranger.post("/v1/invoices", json=INVOICE, headers={"X-Entity-Id": tenant.entity_id}), 404)
    assert_problem(tenant.api.post("/v1/invoices", json=INVOICE, headers={"X-Entity-Id": theirs["id"]}), 404)
    assert_problem(tenant.api.post("/v1/invoices", json=INVOICE, headers={"X-Entity-Id": "ent_missing"}), 404)
    assert_problem(tenant.account.post("/v1/invoices", json=INVOICE), 422)  # no entity named
    with server.client(tenant.live_key, tenant.entity_id) as live:  # a sandbox entity, a live key
        assert_problem(live.post("/v1/invoices", json=INVOICE), 404)


def test_the_entity_the_guard_read_is_the_current_one(tenant):
    assert tenant.api.post("/v1/invoices", json=INVOICE).json()["currency_code"] == "EUR"
    changed = tenant.account.patch(f"/v1/entities/{tenant.entity_id}", json={"currency_code": "USD"})
    assert changed.status_code == 200, changed.text
    r = tenant.api.post("/v1/invoices", json=INVOICE)  # the entity's default currency, as changed
    assert r.status_code == 201, r.text
    assert r.json()["currency_code"] == "USD"


def test_the_strictly_decoded_body_is_what_is_issued(tenant):
    body = {
        **INVOICE,
        "items": [{"name": "Seats", "quantity": "3", "price": 12.5, "taxes": [{"rate": "9.5"}]}],
        "metadata": {"order_id": "A-1"},
    }
    r = tenant.api.post("/v1/invoices", json=body)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["metadata"] == {"order_id": "A-1"}
    assert out["items"][0]["quantity"] in ("3", "3.00", "3.000000") or float(out["items"][0]["quantity"]) == 3
    assert (out["total"], out["total_tax"], out["total_with_tax"]) == ("37.50", "3.56", "41.06")  # 3 × 12.50, 9.5 %


def test_strict_refusals_still_name_the_field(tenant):
    r = tenant.api.post("/v1/invoices", json={**INVOICE, "is_draft": "true"})
    assert assert_problem(r, 422)["errors"][0]["field"] == "is_draft"
    r = tenant.api.post("/v1/invoices", json={**INVOICE, "metadata": {"order_id": 7}})
    error = assert_problem(r, 422)["errors"][0]
    assert error["field"] == "metadata.order_id" and '"7"' in error["message"]
    assert_problem(
        tenant.api.post("/v1/invoices", content=b'{"items": [', headers={"content-type": "application/json"}), 400
    )
