"""The demo's data: one sandbox platform account, two tenants with documents in every state, and a
user of each role. Idempotent: a rerun finds what is there, fills what is missing, resets the demo
users' roles and branding, and issues a fresh demo account key (revoking the previous ones).

The account and its key are the only rows written directly (keys are stored hashed, so a rerun cannot
read the old one back); everything else goes through the API of record, in process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import select

from invoicing.accounts.service import create_account
from invoicing.app import create_app
from invoicing.auth import keys
from invoicing.config import Settings
from invoicing.core.ids import new_id
from invoicing.db import Database
from invoicing.db.models import Account, ApiKey
from invoicing.db.types import utcnow

ACCOUNT_NAME = "Folio demo platform"
KEY_NAME = "demo platform backend"

TENANTS: list[dict[str, Any]] = [
    {
        "slug": "lipa",
        "entity": {
            "name": "Kavarna Lipa d.o.o.",
            "country": "SI",
            "address": "Trubarjeva cesta 12",
            "city": "Ljubljana",
            "post_code": "1000",
            "locale": "sl",
            "email": "racuni@kavarna-lipa.example",
        },
        "color": "#0f766e",
        "customers": [
            {
                "name": "Hotel Bled d.d.",
                "email": "nabava@hotel-bled.example",
                "address": "Cesta svobode 8",
                "city": "Bled",
                "post_code": "4260",
                "country": "SI",
            },
            {"name": "Studio Kolektiv s.p.", "email": "info@kolektiv.example", "city": "Maribor", "country": "SI"},
            {"name": "Wiener Kaffeehaus GmbH", "email": "office@kaffeehaus.example", "city": "Wien", "country": "AT"},
        ],
        "items": [
            {
                "name": "Catering za dogodek (na osebo)",
                "price": "24.50",
                "unit": "oseba",
                "taxes": [{"rate": 9.5}],
                "tax_class": "reduced",
            },
            {
                "name": "Kava v zrnu 1 kg",
                "price": "18.90",
                "unit": "kg",
                "taxes": [{"rate": 9.5}],
                "kind": "goods",
                "tax_class": "reduced",
            },
            {"name": "Najem prostora (ura)", "price": "60.00", "unit": "h", "taxes": [{"rate": 22}]},
        ],
        "users": [("admin", "Ana Novak"), ("editor", "Luka Kranjc"), ("viewer", "Maja Zupan")],
    },
    {
        "slug": "sonne",
        "entity": {
            "name": "Bäckerei Sonnenschein GmbH",
            "country": "DE",
            "address": "Kastanienallee 5",
            "city": "Berlin",
            "post_code": "10435",
            "locale": "de",
            "email": "rechnungen@sonnenschein.example",
        },
        "color": "#b45309",
        "customers": [
            {
                "name": "Café Morgenrot",
                "email": "einkauf@morgenrot.example",
                "address": "Oranienstraße 20",
                "city": "Berlin",
                "post_code": "10999",
                "country": "DE",
            },
            {"name": "Hotel Adler KG", "email": "kueche@adler.example", "city": "Potsdam", "country": "DE"},
            {
                "name": "Kita Sonnenblume e.V.",
                "email": "verwaltung@sonnenblume.example",
                "city": "Berlin",
                "country": "DE",
            },
        ],
        "items": [
            {
                "name": "Roggenbrot 1 kg",
                "price": "4.80",
                "unit": "Stk",
                "taxes": [{"rate": 7}],
                "kind": "goods",
                "tax_class": "reduced",
            },
            {
                "name": "Croissant (Dutzend)",
                "price": "14.40",
                "unit": "Dtzd",
                "taxes": [{"rate": 7}],
                "kind": "goods",
                "tax_class": "reduced",
            },
            {"name": "Lieferpauschale", "price": "25.00", "unit": "Fahrt", "taxes": [{"rate": 19}]},
        ],
        "users": [("admin", "Klara Becker"), ("editor", "Jonas Weber"), ("viewer", "Emma Schulz")],
    },
]


@dataclass
class DemoUser:
    id: str
    name: str
    role: str
    external_id: str


@dataclass
class DemoTenant:
    slug: str
    entity_id: str
    name: str
    locale: str
    users: list[DemoUser] = field(default_factory=list)


@dataclass
class DemoSetup:
    account_id: str
    account_key: str
    tenants: list[DemoTenant]


def allow_demo_webhooks(settings: Settings) -> None:
    """The demo is a development setup on one machine: its platform backend receives Folio's webhooks on
    loopback over plain http. Its Settings say so explicitly, whatever ``FOLIO_ENV`` and
    ``FOLIO_WEBHOOK_ALLOW_PRIVATE`` say; the defaults of ``folio serve`` stay as they are."""
    settings.webhooks.allow_private = True
    settings.webhooks.require_https = False
    settings.webhook_delivery.allow_private = True


async def _account_and_key(database_url: str) -> tuple[str, str]:
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            account = (
                (await session.execute(select(Account).where(Account.name == ACCOUNT_NAME).order_by(Account.id)))
                .scalars()
                .first()
            )
            if account is None:
                account, _ = await create_account(session, ACCOUNT_NAME)
            previous = (
                await session.execute(
                    select(ApiKey).where(
                        ApiKey.account_id == account.id, ApiKey.name == KEY_NAME, ApiKey.revoked_at.is_(None)
                    )
                )
            ).scalars()
            for old in previous:
                old.revoked_at = utcnow()
            key = keys.generate("sk", "sandbox")
            session.add(
                ApiKey(
                    id=new_id("api_key"),
                    account_id=account.id,
                    environment="sandbox",
                    entity_id=None,
                    key_hash=keys.digest(key),
                    last4=key[-4:],
                    name=KEY_NAME,
                )
            )
            return account.id, key
    finally:
        await db.dispose()


def _ok(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise RuntimeError(
            f"{response.request.method} {response.request.url.path}: {response.status_code} {response.text}"
        )
    return response.json() if response.content else None


async def _entity(api: httpx.AsyncClient, spec: dict[str, Any], logo_url: str | None) -> dict[str, Any]:
    found = _ok(await api.get("/v1/entities", params={"metadata[demo]": spec["slug"], "limit": 1}))["data"]
    existing = found[0] if found else None
    settings = {"branding": {"primary_color": spec["color"], "logo_url": logo_url}}
    if existing is None:
        return _ok(
            await api.post(
                "/v1/entities", json={**spec["entity"], "settings": settings, "metadata": {"demo": spec["slug"]}}
            )
        )
    return _ok(
        await api.patch(
            f"/v1/entities/{existing['id']}", json={"settings": settings, "locale": spec["entity"]["locale"]}
        )
    )


async def _documents(api: httpx.AsyncClient, spec: dict[str, Any]) -> None:
    """Customers, items, invoices in every state and two estimates, once per tenant."""
    if _ok(await api.get("/v1/invoices", params={"limit": 1}))["data"]:
        return
    customers = [_ok(await api.post("/v1/customers", json=c)) for c in spec["customers"]]
    items = [_ok(await api.post("/v1/items", json=i)) for i in spec["items"]]
    today = date.today()

    def lines(*picks: tuple[int, int]) -> list[dict[str, Any]]:
        return [{"item_id": items[i]["id"], "quantity": q} for i, q in picks]

    async def invoice(customer: int, days_ago: int, picks: list[tuple[int, int]], **extra: Any) -> dict[str, Any]:
        day = today - timedelta(days=days_ago)
        return _ok(
            await api.post(
                "/v1/invoices",
                json={
                    "customer_id": customers[customer]["id"],
                    "items": lines(*picks),
                    "date": day.isoformat(),
                    "date_due": (day + timedelta(days=14)).isoformat(),
                    **extra,
                },
            )
        )

    async def pay(inv: dict[str, Any], amount: str, days_ago: int, reference: str) -> None:
        _ok(
            await api.post(
                "/v1/payments",
                json={
                    "invoice_id": inv["id"],
                    "amount": amount,
                    "type": "bank_transfer",
                    "date": (today - timedelta(days=days_ago)).isoformat(),
                    "reference": reference,
                },
            )
        )

    paid = await invoice(0, 40, [(0, 30), (2, 4)])
    await pay(paid, paid["total_with_tax"], 30, "pi_demo_1001")
    partly = await invoice(1, 21, [(1, 12)])
    await pay(partly, "50.00", 10, "pi_demo_1002")
    credited = await invoice(0, 15, [(2, 2)])  # in date order: issue dates may not go backwards
    _ok(await api.post("/v1/credit-notes", json={"invoice_id": credited["id"], "note": "Storno / Gutschrift"}))
    await invoice(2, 9, [(0, 12), (1, 3)])
    voided = await invoice(1, 6, [(1, 1)])
    _ok(await api.post(f"/v1/invoices/{voided['id']}/void", json={"reason": "Issued to the wrong customer"}))
    await invoice(2, 1, [(0, 40), (2, 5)])
    await invoice(1, 0, [(1, 4)], is_draft=True, note="Draft: confirm quantities")
    for customer, picks, accepted in ((2, [(0, 20)], True), (0, [(1, 6), (2, 1)], False)):  # offers: one accepted
        estimate = _ok(
            await api.post("/v1/estimates", json={"customer_id": customers[customer]["id"], "items": lines(*picks)})
        )
        if accepted:
            _ok(await api.post(f"/v1/estimates/{estimate['id']}/accept"))


async def _users(api: httpx.AsyncClient, spec: dict[str, Any]) -> list[DemoUser]:
    domain = spec["entity"]["email"].split("@", 1)[1]
    users = []
    for role, name in spec["users"]:
        external_id = f"{spec['slug']}-{role}"
        found = _ok(await api.get("/v1/entity-users", params={"external_id": external_id}))["data"]
        if found:
            user = found[0]
            if user["role"] != role:
                user = _ok(await api.patch(f"/v1/entity-users/{user['id']}", json={"role": role}))
        else:
            user = _ok(
                await api.post(
                    "/v1/entity-users",
                    json={
                        "email": f"{name.split()[0].lower()}@{domain}",
                        "name": name,
                        "role": role,
                        "external_id": external_id,
                    },
                )
            )
        users.append(DemoUser(id=user["id"], name=name, role=role, external_id=external_id))
    return users


async def seed(settings: Settings, host_origin: str) -> DemoSetup:
    """Create or refresh the demo data; ``host_origin`` becomes the account's only embed origin."""
    account_id, account_key = await _account_and_key(settings.database.url)
    app = create_app(settings)
    tenants = []
    async with (
        app.lifespan(),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),  # type: ignore[arg-type]  # an ASGI app; httpx types scopes as plain mappings
            base_url="http://folio",
            headers={"Authorization": f"Bearer {account_key}"},
        ) as api,
    ):
        _ok(await api.patch("/v1/account", json={"embed_allowed_origins": [host_origin]}))
        for spec in TENANTS:
            entity = await _entity(api, spec, f"{host_origin}/logos/{spec['slug']}.svg")
            api.headers["X-Entity-Id"] = entity["id"]
            await _documents(api, spec)
            users = await _users(api, spec)
            del api.headers["X-Entity-Id"]
            tenants.append(
                DemoTenant(
                    slug=spec["slug"], entity_id=entity["id"], name=entity["name"], locale=entity["locale"], users=users
                )
            )
    return DemoSetup(account_id=account_id, account_key=account_key, tenants=tenants)
