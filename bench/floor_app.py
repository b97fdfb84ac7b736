"""The floor: the least a server must do to issue the benchmark's invoice, to measure Folio against.

    .venv/bin/python bench/floor_app.py --database sqlite:///var/floor.db --port 8100
    .venv/bin/python bench/floor_app.py --database postgresql://postgres@127.0.0.1:5432/floor --port 8100

``POST /v1/invoices`` takes the invoice JSON that ``bench/issue_invoices.py`` posts (``INVOICE`` there),
decodes it with msgspec into typed structs, computes the totals in ``Decimal`` (a line's net is quantity ×
price rounded half-up to the cent; the tax per rate on the sum of the nets at that rate, rounded; the total)
and writes one transaction: the entity's counter row for the year bumped (``INSERT … ON CONFLICT DO UPDATE …
RETURNING``), one document row (unique on entity and number) and one outbox event row. It answers 201 with
the document's id, number and totals. The entity is the ``X-Entity-Id`` header; a counter row appears with
an entity's first invoice.

It is what Folio's issuing path does at its core and nothing more: the same framework and server (Litestar
on uvicorn, one process), the same drivers (SQLite: the ``sqlite3`` module called inline on the event loop,
WAL, ``synchronous=NORMAL``, ``BEGIN IMMEDIATE``, as :mod:`invoicing.db.engine` does; PostgreSQL: asyncpg,
here with a pool of ``--pool`` connections). No ORM, no authentication, no idempotency keys, no tax rules,
no customer or entity lookups, no validation beyond the types, no rendering.
"""

from __future__ import annotations

import argparse
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

import msgspec
import uvicorn
from litestar import Litestar, Request, Response, get, post

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


class Tax(msgspec.Struct, frozen=True):
    rate: Decimal
    name: str = "VAT"


class Item(msgspec.Struct, frozen=True):
    name: str
    quantity: Decimal
    price: Decimal
    taxes: tuple[Tax, ...] = ()


class Customer(msgspec.Struct, frozen=True):
    name: str
    email: str | None = None
    country: str | None = None


class InvoiceIn(msgspec.Struct, frozen=True):
    customer: Customer
    items: tuple[Item, ...]
    metadata: dict[str, str] = {}


DECODER = msgspec.json.Decoder(InvoiceIn)
ENCODER = msgspec.json.Encoder(decimal_format="string")


@dataclass(frozen=True)
class Document:
    """An invoice ready to write, with its totals."""

    id: str
    entity_id: str
    issued_at: datetime
    customer: bytes
    lines: bytes
    taxes: bytes
    metadata: bytes
    total: Decimal
    total_tax: Decimal
    total_with_tax: Decimal


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def document(invoice: InvoiceIn, entity_id: str) -> Document:
    """The totals of ``invoice``: each line's net rounded, the tax per rate on the sum of its nets."""
    lines: list[dict[str, Any]] = []
    nets: list[Decimal] = []
    bases: dict[Decimal, Decimal] = {}
    for item in invoice.items:
        net = cents(item.quantity * item.price)
        for tax in item.taxes:
            bases[tax.rate] = bases.get(tax.rate, Decimal(0)) + net
        nets.append(net)
        lines.append({"name": item.name, "quantity": item.quantity, "price": item.price, "net": net})
    taxes = [{"rate": rate, "base": base, "tax": cents(base * rate / HUNDRED)} for rate, base in bases.items()]
    total = sum(nets, Decimal(0))
    total_tax = sum((t["tax"] for t in taxes), Decimal(0))
    return Document(
        id=f"doc_{uuid.uuid4().hex}",
        entity_id=entity_id,
        issued_at=datetime.now(UTC),
        customer=ENCODER.encode(invoice.customer),
        lines=ENCODER.encode(lines),
        taxes=ENCODER.encode(taxes),
        metadata=ENCODER.encode(invoice.metadata),
        total=total,
        total_tax=total_tax,
        total_with_tax=total + total_tax,
    )


def number(year: int, sequence: int) -> str:
    return f"{year}-{sequence:05d}"


def event_payload(doc: Document, number: str) -> bytes:
    return ENCODER.encode(
        {"type": "invoice.issued", "data": {"id": doc.id, "number": number, "total_with_tax": doc.total_with_tax}}
    )


class Store(Protocol):
    async def issue(self, doc: Document) -> str:
        """Write ``doc`` in one transaction; its number."""
        ...

    async def close(self) -> None: ...


SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (
    entity_id TEXT NOT NULL, year INTEGER NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (entity_id, year)
);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, entity_id TEXT NOT NULL, number TEXT NOT NULL, issued_at TEXT NOT NULL,
    customer TEXT NOT NULL, lines TEXT NOT NULL, taxes TEXT NOT NULL, metadata TEXT NOT NULL,
    total TEXT NOT NULL, total_tax TEXT NOT NULL, total_with_tax TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_documents_entity_number ON documents (entity_id, number);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, entity_id TEXT NOT NULL, type TEXT NOT NULL,
    document_id TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL
);
"""
COUNTER_UPSERT = (
    "INSERT INTO counters (entity_id, year, value) VALUES ($1, $2, 1) "
    "ON CONFLICT (entity_id, year) DO UPDATE SET value = counters.value + 1 RETURNING value"
)
DOCUMENT_INSERT = (
    "INSERT INTO documents (id, entity_id, number, issued_at, customer, lines, taxes, metadata, total, total_tax,"
    " total_with_tax) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
)
EVENT_INSERT = (
    "INSERT INTO outbox (entity_id, type, document_id, payload, created_at) VALUES ($1, 'invoice.issued', $2, $3, $4)"
)


def _qmarks(statement: str) -> str:
    """``$n`` placeholders as SQLite's ``?n``."""
    return statement.replace("$", "?")


class SqliteStore:
    """One connection, every call inline on the event loop: a transaction never yields, so issues queue on
    the loop and never race for the file lock."""

    def __init__(self, path: str) -> None:
        self.connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.execute("PRAGMA busy_timeout=5000")
        self.connection.executescript(SQLITE_SCHEMA)
        self.upsert, self.insert_document, self.insert_event = map(
            _qmarks, (COUNTER_UPSERT, DOCUMENT_INSERT, EVENT_INSERT)
        )

    async def issue(self, doc: Document) -> str:
        db = self.connection
        issued_at = doc.issued_at.isoformat()
        db.execute("BEGIN IMMEDIATE")
        try:
            (sequence,) = db.execute(self.upsert, (doc.entity_id, doc.issued_at.year)).fetchone()
            n = number(doc.issued_at.year, sequence)
            db.execute(
                self.insert_document,
                (
                    doc.id,
                    doc.entity_id,
                    n,
                    issued_at,
                    doc.customer.decode(),
                    doc.lines.decode(),
                    doc.taxes.decode(),
                    doc.metadata.decode(),
                    str(doc.total),
                    str(doc.total_tax),
                    str(doc.total_with_tax),
                ),
            )
            db.execute(self.insert_event, (doc.entity_id, doc.id, event_payload(doc, n).decode(), issued_at))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return n

    async def close(self) -> None:
        self.connection.close()


POSTGRES_SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (
    entity_id TEXT NOT NULL, year INTEGER NOT NULL, value BIGINT NOT NULL, PRIMARY KEY (entity_id, year)
);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, entity_id TEXT NOT NULL, number TEXT NOT NULL, issued_at TIMESTAMPTZ NOT NULL,
    customer JSONB NOT NULL, lines JSONB NOT NULL, taxes JSONB NOT NULL, metadata JSONB NOT NULL,
    total NUMERIC(18, 2) NOT NULL, total_tax NUMERIC(18, 2) NOT NULL, total_with_tax NUMERIC(18, 2) NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_documents_entity_number ON documents (entity_id, number);
CREATE TABLE IF NOT EXISTS outbox (
    id BIGSERIAL PRIMARY KEY, entity_id TEXT NOT NULL, type TEXT NOT NULL,
    document_id TEXT NOT NULL, payload JSONB NOT NULL, created_at TIMESTAMPTZ NOT NULL
);
"""


class PostgresStore:
    """An asyncpg pool; asyncpg prepares each statement once per connection."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool

    @classmethod
    async def open(cls, url: str, size: int) -> PostgresStore:
        import asyncpg  # type: ignore[import-untyped]

        pool = await asyncpg.create_pool(url, min_size=size, max_size=size)
        async with pool.acquire() as connection:
            await connection.execute(POSTGRES_SCHEMA)
        return cls(pool)

    async def issue(self, doc: Document) -> str:
        async with self.pool.acquire() as db, db.transaction():
            sequence = await db.fetchval(COUNTER_UPSERT, doc.entity_id, doc.issued_at.year)
            n = number(doc.issued_at.year, sequence)
            await db.execute(
                DOCUMENT_INSERT,
                doc.id,
                doc.entity_id,
                n,
                doc.issued_at,
                doc.customer.decode(),
                doc.lines.decode(),
                doc.taxes.decode(),
                doc.metadata.decode(),
                doc.total,
                doc.total_tax,
                doc.total_with_tax,
            )
            await db.execute(EVENT_INSERT, doc.entity_id, doc.id, event_payload(doc, n).decode(), doc.issued_at)
        return n

    async def close(self) -> None:
        await self.pool.close()


async def open_store(database_url: str, pool_size: int) -> Store:
    if database_url.startswith("sqlite:///"):
        return SqliteStore(database_url.removeprefix("sqlite:///"))
    if database_url.startswith(("postgresql://", "postgres://")):
        return await PostgresStore.open(database_url, pool_size)
    raise SystemExit(f"not a sqlite:/// or postgresql:// URL: {database_url}")


def problem(status: int, detail: str) -> Response[bytes]:
    return Response(
        ENCODER.encode({"status": status, "detail": detail}), status_code=status, media_type="application/json"
    )


@post("/v1/invoices", status_code=201)
async def issue_invoice(request: Request[Any, Any, Any]) -> Response[bytes]:
    entity = request.headers.get("x-entity-id")
    if not entity:
        return problem(400, "X-Entity-Id is required")
    try:
        invoice = DECODER.decode(await request.body())
    except msgspec.DecodeError as exc:  # ValidationError included
        return problem(422, str(exc))
    if not invoice.items:
        return problem(422, "an invoice has at least one item")
    doc = document(invoice, entity)
    n = await request.app.state.store.issue(doc)
    body = {
        "id": doc.id,
        "number": n,
        "total": doc.total,
        "total_tax": doc.total_tax,
        "total_with_tax": doc.total_with_tax,
    }
    return Response(ENCODER.encode(body), status_code=201, media_type="application/json")


@get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


def create_app(database_url: str, pool_size: int = 10) -> Litestar:
    async def startup(app: Litestar) -> None:
        app.state.store = await open_store(database_url, pool_size)

    async def shutdown(app: Litestar) -> None:
        await app.state.store.close()

    return Litestar([issue_invoice, healthz], on_startup=[startup], on_shutdown=[shutdown])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="sqlite:///path.db or postgresql://user@host:port/db")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--pool", type=int, default=10, help="PostgreSQL connections")
    args = parser.parse_args()
    config = uvicorn.Config(
        create_app(args.database, args.pool), host=args.host, port=args.port, log_level="warning", access_log=False
    )
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
