"""Seed a PostgreSQL database at scale for benchmarks: a few real documents made through the API, then cloned
in SQL (``generate_series``) into many entities, customers, documents, their payments and refunds.

    from bench.seed_sql import seed
    info = seed("postgresql://postgres@127.0.0.1:5432/folio_bench", entities=10_000, documents=1_000_000)

    # or entities of given sizes: one with 10,000 documents, one with 100,000
    info = seed(url, sizes=[10_000, 100_000])

The database must exist and be empty (:func:`fresh_database` makes one); migrations are applied here. The
templates (made by the real code, so every column is as the application writes it) are one entity's:
domestic invoices at 22 % and 9.5 % (paid, partially paid, unpaid), an OSS sale to a French consumer, a USD
invoice, a voided one, a draft, a credited one with its credit note, and a paid-then-refunded one (10
documents, 1 of them a draft). Clone ``n`` of ``documents`` copies template ``(n // entities) % templates``
into entity ``n % entities`` (with ``sizes``, entity ``e`` gets the clones ``n = k * entities + e`` for ``k <
sizes[e]``: still interleaved), dated evenly over each entity's documents from 2025-01-01 to 2026-11-29
(:data:`FIRST_DAY`, :data:`LAST_DAY`) in id order (ids are ``inv_``/``cre_`` + 26 hex digits, time-ordered
like the real ones), due 30 days later, to one of the entity's 10 customers. Payments and refunds are
cloned as one row per document with something paid or refunded, dated 3 (7) days after it.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CUSTOMERS_PER_ENTITY = 10
FIRST_DAY, DAYS = date(2025, 1, 1), 698
LAST_DAY = FIRST_DAY + timedelta(DAYS - 1)  # 2026-11-29: the last clone's date


@dataclass
class Seeded:
    account_id: str
    account_key: str
    template_entity: str
    entities: list[str]
    """The cloned entities' ids (ent_ + 26 hex digits), in order."""
    documents: int


def fresh_database(admin_url: str, name: str) -> str:
    """Drop and create database ``name`` on the server of ``admin_url``; its URL."""
    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(admin_url.replace("postgresql://", "postgres://", 1))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(run())
    return admin_url.rsplit("/", 1)[0] + "/" + name


def _line(price: str, rate: str | None = "22", kind: str = "services") -> dict:
    line: dict = {"name": "Consulting", "quantity": 1, "price": price, "kind": kind}
    if rate is not None:
        line["taxes"] = [{"rate": rate}]
    return line


async def _account(url: str) -> tuple[str, str]:
    from invoicing.accounts.service import create_account
    from invoicing.db import Database

    db = Database(url)
    try:
        async with db.transaction() as session:
            account, keys = await create_account(session, "Bench platform")
    finally:
        await db.dispose()
    return account.id, keys["sandbox"]


def _templates(url: str) -> tuple[str, str, str]:
    """Account, account key and template entity, with its documents made through the API (in process)."""
    from litestar.testing import TestClient

    from invoicing.app import create_app
    from invoicing.config import Settings

    account_id, key = asyncio.run(_account(url))
    settings = Settings()
    settings.database.url = url
    with TestClient(create_app(settings), base_url="http://bench.local") as client:
        client.headers["Authorization"] = f"Bearer {key}"
        r = client.post(
            "/v1/entities",
            json={"name": "Template d.o.o.", "country": "SI", "settings": {"tax": {"oss_registered": True}}},
        )
        assert r.status_code == 201, r.text
        entity = r.json()["id"]
        client.headers["X-Entity-Id"] = entity
        si = {"name": "Kupec d.o.o.", "country": "SI", "email": "kupec@example.com"}

        def invoice(*lines: dict, customer: dict = si, **extra) -> str:
            r = client.post("/v1/invoices", json={"customer": customer, "items": list(lines), **extra})
            assert r.status_code == 201, r.text
            return str(r.json()["id"])

        def post(path: str, body: dict, status: int = 201) -> None:
            r = client.post(path, json=body)
            assert r.status_code == status, r.text

        paid = invoice(_line("100.00"))
        post("/v1/payments", {"invoice_id": paid, "amount": "122.00"})
        partial = invoice(_line("200.00"), _line("50.00", "9.5"))
        post("/v1/payments", {"invoice_id": partial, "amount": "100.00"})
        invoice(_line("80.00"))
        invoice(_line("40.00", None, "digital"), customer={"name": "Marie Dupont", "country": "FR"})
        invoice(_line("300.00"), currency_code="USD")
        voided = invoice(_line("30.00"))
        post(f"/v1/invoices/{voided}/void", {}, 200)
        invoice(_line("999.00"), is_draft=True)
        credited = invoice(_line("60.00", "9.5"))
        post("/v1/credit-notes", {"invoice_id": credited})
        refunded = invoice(_line("10.00"))
        post("/v1/payments", {"invoice_id": refunded, "amount": "12.20"})
        post("/v1/refunds", {"invoice_id": refunded, "amount": "5.00"})
    return account_id, key, entity


async def _columns(conn, table: str) -> list[str]:
    rows = await conn.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position", table
    )
    return [r["column_name"] for r in rows]


async def _clone(conn, table: str, source: str, overrides: dict[str, str], tail: str, *args) -> str:
    """``INSERT INTO table (every column) SELECT overrides or src.column FROM source tail``."""
    columns = await _columns(conn, table)
    select = ", ".join(overrides.get(c, f'src."{c}"') for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    return str(await conn.execute(f"INSERT INTO {table} ({names}) SELECT {select} FROM {source} {tail}", *args))


def _hex_id(prefix: str, n: str) -> str:
    return f"'{prefix}_' || lpad(to_hex({n}), 26, '0')"


async def _clone_all(url: str, template: str, sizes: list[int]) -> None:
    import asyncpg

    from invoicing.reports.rollups import REBUILD, TRIGGERS

    conn = await asyncpg.connect(url.replace("postgresql://", "postgres://", 1))
    try:
        await conn.execute("SET synchronous_commit = off")
        # the rollups' triggers would add each of a million rows to the same few rows in one statement (every
        # update a new version of the row): off while cloning, the rollups recomputed once at the end
        for table, trigger in TRIGGERS:
            await conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        entities = len(sizes)
        await _clone(
            conn,
            "entities",
            "entities src, generate_series(1, $2) g",
            {"id": _hex_id("ent", "g"), "name": "'Bench entity ' || g"},
            "WHERE src.id = $1",
            template,
            entities,
        )
        customers = entities * CUSTOMERS_PER_ENTITY
        await _clone(
            conn,
            "customers",
            "(SELECT * FROM customers WHERE entity_id = $1 ORDER BY id LIMIT 1) src, generate_series(0, $2 - 1) g",
            {
                "id": _hex_id("cus", "g"),
                "entity_id": _hex_id("ent", f"g / {CUSTOMERS_PER_ENTITY} + 1"),
                "name": "'Customer ' || g",
                "name_folded": "'customer ' || g",
                "external_id": "NULL",
            },
            "",
            template,
            customers,
        )
        # n = 0 .. entities * max(sizes) - 1; k = n / entities: the document's place in its entity; e = n % entities,
        # kept while k < sizes[e] (for an even spread: exactly n = 0 .. documents - 1, as ever)
        size = "($4::int[])[n % $3 + 1]"
        day = f"((n / $3) * {DAYS} / {size})::int"
        await _clone(
            conn,
            "documents",
            "generate_series(0, $2 - 1) n "
            "JOIN (SELECT *, (row_number() OVER (ORDER BY id)) - 1 AS i, count(*) OVER () AS t "
            "      FROM documents WHERE entity_id = $1) src ON src.i = (n / $3) % src.t",
            {
                "id": f"CASE WHEN src.type = 'invoice' THEN {_hex_id('inv', 'n')} ELSE {_hex_id('cre', 'n')} END",
                "entity_id": _hex_id("ent", f"n % {entities} + 1"),
                "number": "CASE WHEN src.number IS NULL THEN NULL ELSE 'B-' || src.type || '-' || n END",
                "number_folded": "CASE WHEN src.number IS NULL THEN NULL ELSE 'b-' || src.type || '-' || n END",
                "date": f"DATE '{FIRST_DAY.isoformat()}' + {day}",
                "date_due": f"DATE '{FIRST_DAY.isoformat()}' + {day} + 30",
                "date_service": f"DATE '{FIRST_DAY.isoformat()}' + {day}",
                "customer_id": _hex_id(
                    "cus", f"(n % {entities}) * {CUSTOMERS_PER_ENTITY} + (n / $3) % {CUSTOMERS_PER_ENTITY}"
                ),
                "customer": "jsonb_set(src.customer, '{name}', to_jsonb('Customer ' || "
                f"((n % {entities}) * {CUSTOMERS_PER_ENTITY} + (n / $3) % {CUSTOMERS_PER_ENTITY})))",
                "customer_name_folded": f"'customer ' || ((n % {entities}) * {CUSTOMERS_PER_ENTITY} "
                f"+ (n / $3) % {CUSTOMERS_PER_ENTITY})",
                "invoice_id": "NULL",
                "invoice_number": "NULL",
                "credit_note_ids": "'[]'::jsonb",
                "metadata": "'{}'::jsonb",
            },
            f"WHERE n / $3 < {size}",
            template,
            entities * max(sizes),
            entities,
            sizes,
        )
        await conn.execute(
            "INSERT INTO payments (id, entity_id, invoice_id, amount, currency_code, date, type, metadata, created_at,"
            " split, at_issue) SELECT 'pay_' || substr(id, 5), entity_id, id, total_paid, currency_code, date + 3,"
            " 'bank_transfer', '{}'::jsonb, created_at, false, false FROM documents"
            " WHERE type = 'invoice' AND total_paid > 0 AND entity_id <> $1",
            template,
        )
        await conn.execute(
            "INSERT INTO refunds (id, entity_id, invoice_id, amount, currency_code, date, type, metadata, created_at)"
            " SELECT 'rfd_' || substr(id, 5), entity_id, id, total_refunded, currency_code, date + 7,"
            " 'bank_transfer', '{}'::jsonb, created_at FROM documents"
            " WHERE type = 'invoice' AND total_refunded > 0 AND entity_id <> $1",
            template,
        )
        async with conn.transaction():
            for table, trigger in TRIGGERS:
                await conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
            for statement in REBUILD:
                await conn.execute(statement)
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


def seed(url: str, entities: int = 0, documents: int = 0, *, sizes: Sequence[int] | None = None) -> Seeded:
    """Migrate ``url`` (an empty PostgreSQL database) and fill it (see the module docstring): ``documents``
    spread evenly over ``entities``, or entity ``i`` (``Seeded.entities[i]``) with ``sizes[i]`` documents."""
    from invoicing.db.migrate import upgrade

    if sizes is None:
        if entities < 1 or documents < 0:
            raise ValueError("seed needs entities >= 1 and documents >= 0, or sizes")
        sizes = [documents // entities + (e < documents % entities) for e in range(entities)]
    elif entities or documents:
        raise ValueError("seed takes either entities and documents or sizes")
    sizes = list(sizes)
    if not sizes or min(sizes) < 0:
        raise ValueError("sizes must be document counts, at least one")
    upgrade(url)
    account_id, key, template = _templates(url)
    asyncio.run(_clone_all(url, template, sizes))
    ids = [f"ent_{format(g, 'x').zfill(26)}" for g in range(1, len(sizes) + 1)]
    return Seeded(account_id, key, template, ids, sum(sizes))
