"""Helpers for integration tests: accounts created through the real CLI code path, entities via HTTP."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass

import httpx
import pytest

from invoicing.accounts.service import create_account
from invoicing.db import Database

_counter = itertools.count()


@dataclass
class Tenant:
    account_id: str
    sandbox_key: str
    live_key: str
    entity_id: str
    api: httpx.Client  # account key + X-Entity-Id of the entity
    account: httpx.Client  # account key, no entity


def make_account(server, name: str = "Platform") -> tuple[str, dict[str, str]]:
    async def run():
        db = Database(server.database_url)
        try:
            async with db.transaction() as session:
                acc, keys = await create_account(session, name)
                return acc.id, keys
        finally:
            await db.dispose()

    return asyncio.run(run())


def make_entity(client: httpx.Client, **overrides) -> dict:
    body = {"name": f"Seller {next(_counter)} d.o.o.", "country": "SI", "address": "Slovenska 1", "city": "Ljubljana",
            "post_code": "1000", **overrides}
    r = client.post("/v1/entities", json=body)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
def tenant(server) -> Tenant:
    account_id, keys = make_account(server)
    account = server.client(keys["sandbox"])
    entity = make_entity(account)
    return Tenant(account_id, keys["sandbox"], keys["live"], entity["id"], server.client(keys["sandbox"], entity["id"]), account)


INVOICE = {
    "customer": {"name": "Buyer Ltd", "email": "buyer@example.com", "country": "SI"},
    "items": [{"name": "Monthly subscription", "quantity": 1, "price": "99.00", "taxes": [{"rate": 22}]}],
}
