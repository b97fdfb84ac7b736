# ruff: noqa: RUF001 - Greek and Cyrillic capitals are the point of these tests
"""Search and duplicate detection fold case with one rule on SQLite and PostgreSQL (invoicing.db.folding):
non-ASCII capitals (Š, Č, Ž, Ä, Ö, ß, İ, Greek, Cyrillic) are found by their small letters and the other
way round, in customers, items and invoices (number and customer name); migration 0012 folds the rows that
were there before it."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from invoicing.db.engine import normalize_url
from invoicing.db.migrate import upgrade
from tests.integration.conftest import make_entity

LINE = {"name": "Subscription", "quantity": 1, "price": "10.00", "taxes": [{"rate": 22}]}

NAMES = [
    "Šola d.o.o.",
    "ČEBELARSTVO Žnidaršič",
    "Äpfel & Öl GmbH",
    "Große Straße KG",
    "İSTANBUL Ticaret",
    "ΑΘΗΝΑ ΟΔΟΣ Α.Ε.",
    "ООО МОСКВА",
]

# search text → the names it finds
SEARCHES = {
    "Šola": ["Šola d.o.o."],
    "šOLA": ["Šola d.o.o."],
    "čebelarstvo": ["ČEBELARSTVO Žnidaršič"],
    "žNIDARŠIČ": ["ČEBELARSTVO Žnidaršič"],
    "äpfel & öl": ["Äpfel & Öl GmbH"],
    "ÖL GMBH": ["Äpfel & Öl GmbH"],
    "strasse": ["Große Straße KG"],
    "GROSSE STRASSE": ["Große Straße KG"],
    "große": ["Große Straße KG"],
    "istanbul": ["İSTANBUL Ticaret"],
    "İstanbul": ["İSTANBUL Ticaret"],
    "αθηνα": ["ΑΘΗΝΑ ΟΔΟΣ Α.Ε."],
    "οδος": ["ΑΘΗΝΑ ΟΔΟΣ Α.Ε."],  # a final sigma searched is a sigma
    "москва": ["ООО МОСКВА"],
    "ооо м": ["ООО МОСКВА"],
    "S": ["ČEBELARSTVO Žnidaršič", "Große Straße KG", "İSTANBUL Ticaret"],  # plain s is not š
    "ol": ["Šola d.o.o."],  # nor o ö
    "ÖL": ["Äpfel & Öl GmbH"],
    "%": [],
    "Ш": [],
}


def _names(r) -> list[str]:
    assert r.status_code == 200, r.text
    return sorted(row["name"] for row in r.json()["data"])


@pytest.fixture
def api(server, tenant):
    """A fresh entity of the tenant's account: only this test's rows."""
    entity = make_entity(tenant.account, country="SI")
    return server.client(tenant.sandbox_key, entity["id"])


def test_customers_and_items_are_found_whatever_the_case(api):
    for name in NAMES:
        assert api.post("/v1/customers", json={"name": name, "country": "SI"}).status_code == 201
        assert api.post("/v1/items", json={"name": name, "price": "1.00"}).status_code == 201
    for search, found in SEARCHES.items():
        assert _names(api.get("/v1/customers", params={"search": search})) == sorted(found), search
        assert _names(api.get("/v1/items", params={"search": search})) == sorted(found), search


def test_a_renamed_customer_and_item_are_found_by_their_new_name_only(api):
    customer = api.post("/v1/customers", json={"name": "Old Name", "country": "SI"}).json()
    item = api.post("/v1/items", json={"name": "Old Name", "price": "1.00"}).json()
    assert api.patch(f"/v1/customers/{customer['id']}", json={"name": "ŽELEZNINA Čuk"}).status_code == 200
    assert api.patch(f"/v1/items/{item['id']}", json={"name": "ŽELEZNINA Čuk"}).status_code == 200
    for path in ("/v1/customers", "/v1/items"):
        assert _names(api.get(path, params={"search": "železnina čuk"})) == ["ŽELEZNINA Čuk"]
        assert _names(api.get(path, params={"search": "old"})) == []


def test_customer_e_mail_is_searched_folded(api):
    api.post("/v1/customers", json={"name": "Mail", "email": "ŠEF@Example.COM", "country": "SI"}).raise_for_status()
    assert _names(api.get("/v1/customers", params={"search": "šef@example"})) == ["Mail"]


def test_invoices_are_found_by_customer_name_and_number_whatever_the_case(server, tenant, api):
    entity_id = api.headers["X-Entity-Id"]
    r = tenant.account.patch(
        f"/v1/entities/{entity_id}", json={"settings": {"number_formats": {"invoice": "RAČUN-{nnn}"}}}
    )
    assert r.status_code == 200, r.text
    numbers = {}
    for name in NAMES:
        r = api.post("/v1/invoices", json={"customer": {"name": name, "country": "SI"}, "items": [LINE]})
        assert r.status_code == 201, r.text
        numbers[r.json()["number"]] = name

    def found(search: str) -> list[str]:
        r = api.get("/v1/invoices", params={"search": search, "limit": 100})
        assert r.status_code == 200, r.text
        return sorted(row["customer"]["name"] for row in r.json()["data"])

    for search, names in SEARCHES.items():
        assert found(search) == sorted(names), search
    assert sorted(numbers) == [
        "RAČUN-001",
        "RAČUN-002",
        "RAČUN-003",
        "RAČUN-004",
        "RAČUN-005",
        "RAČUN-006",
        "RAČUN-007",
    ]
    assert found("račun-003") == [numbers["RAČUN-003"]]
    assert found("RAČUN-00") == sorted(NAMES)
    assert found("racun") == []


def test_an_inline_customer_matches_a_stored_one_whatever_the_case(api):
    def invoice(customer: dict) -> dict:
        r = api.post("/v1/invoices", json={"customer": {"country": "SI", **customer}, "items": [LINE]})
        assert r.status_code == 201, r.text
        return r.json()

    by_name = [invoice({"name": name}) for name in ("Šola Žiri d.o.o.", "ŠOLA ŽIRI D.O.O.", "šola žiri d.o.o.")]
    assert len({inv["customer"]["id"] for inv in by_name}) == 1
    greek = [invoice({"name": name}) for name in ("ΟΔΟΣ Α.Ε.", "οδος α.ε.")]
    assert greek[0]["customer"]["id"] == greek[1]["customer"]["id"]
    german = [invoice({"name": name}) for name in ("Straße GmbH", "STRASSE GMBH")]
    assert german[0]["customer"]["id"] == german[1]["customer"]["id"]
    by_email = [invoice({"name": n, "email": e}) for n, e in (("A", "Čuk@Example.com"), ("B", "čUK@example.COM"))]
    assert by_email[0]["customer"]["id"] == by_email[1]["customer"]["id"]
    other = invoice({"name": "Sola Ziri d.o.o."})  # another name: another customer
    assert other["customer"]["id"] != by_name[0]["customer"]["id"]
    assert len(api.get("/v1/customers", params={"limit": 100}).json()["data"]) == 5


# -- migration 0012 folds the rows already there -----------------------------------------------------


async def _run(url: str, statements: list[tuple[str, dict]]) -> list:
    engine = create_async_engine(normalize_url(url))
    try:
        async with engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # rows without their entity
                await conn.execute(text("SET session_replication_role = replica"))
            else:
                await conn.execute(text("PRAGMA foreign_keys = OFF"))
            out = []
            for statement, params in statements:
                result = await conn.execute(text(statement), params)
                out.append(result.all() if result.returns_rows else None)
            return out
    finally:
        await engine.dispose()


def test_migration_0012_folds_existing_rows(database_url):
    upgrade(database_url, "0011")
    now = "'2026-01-01 00:00:00+00:00'"
    totals = "'0', '0', '0', '0', '0', '0', '0', '[]', false"
    statements = [
        "INSERT INTO customers (id, entity_id, name, email, metadata, created_at) VALUES"
        f" ('cus_1', 'ent_1', 'ŠOLA Straße', 'ŽAN@X.SI', '{{}}', {now}),"
        f" ('cus_2', 'ent_1', 'ΟΔΟΣ', NULL, '{{}}', {now})",
        "INSERT INTO items (id, entity_id, name, price, taxes, metadata, created_at) VALUES"
        f" ('itm_1', 'ent_1', 'ČAJ İÇ', '1', '[]', '{{}}', {now})",
        "INSERT INTO documents (id, entity_id, type, number, status, date, currency_code, customer, items, taxes,"
        " metadata, created_at, total, total_discount, total_tax, total_with_tax, total_paid, total_credited,"
        " total_refunded, credit_note_ids, prices_include_tax) VALUES"
        f" ('inv_1', 'ent_1', 'invoice', 'RAČUN-1', 'issued', '2026-01-01', 'EUR', '{{\"name\": \"ООО МОСКВА\"}}',"
        f" '[]', '[]', '{{}}', {now}, {totals}),"
        f" ('inv_2', 'ent_1', 'invoice', NULL, 'draft', '2026-01-01', 'EUR', '{{}}', '[]', '[]', '{{}}', {now},"
        f" {totals})",
    ]
    asyncio.run(_run(database_url, [(statement, {}) for statement in statements]))
    upgrade(database_url, "0012")  # the migration under test (later ones check the foreign keys it skipped)
    customers, items, documents = asyncio.run(
        _run(
            database_url,
            [
                ("SELECT id, name_folded, email_folded FROM customers ORDER BY id", {}),
                ("SELECT id, name_folded FROM items ORDER BY id", {}),
                ("SELECT id, number_folded, customer_name_folded FROM documents ORDER BY id", {}),
            ],
        )
    )
    assert [tuple(r) for r in customers] == [("cus_1", "šola strasse", "žan@x.si"), ("cus_2", "οδοσ", None)]
    assert [tuple(r) for r in items] == [("itm_1", "čaj iç")]
    assert [tuple(r) for r in documents] == [("inv_1", "račun-1", "ооо москва"), ("inv_2", None, None)]
