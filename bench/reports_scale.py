"""Reports and invoice lists at scale, on PostgreSQL.

Seeds a fresh database (``bench/seed_sql.py``: real template documents cloned in SQL into ``--entities``
entities and ``--documents`` documents, default 10,000 and 1,000,000, with their payments and refunds), starts
``folio serve``'s app on it (uvicorn, one process, in a thread of this one) and times requests over HTTP with
an account key (``X-Entity-Id`` for an entity's calls), each on a random entity, sequentially:

    list             GET /v1/invoices                                   goal p99 < 50 ms
    search           GET /v1/invoices?search=customer 12                goal p99 < 50 ms
    status           GET /v1/invoices?status=paid                       goal p99 < 50 ms
    date range       GET /v1/invoices?date_from=…&date_to=… (a quarter) goal p99 < 50 ms
    overdue          GET /v1/invoices?overdue=true                      goal p99 < 50 ms
    sort by due      GET /v1/invoices?sort=-total_due                   goal p99 < 50 ms
    entity summary   GET /v1/reports/summary (2026, group_by=month)     goal p99 < 100 ms
    entity VAT       GET /v1/reports/vat (2026)                         goal p99 < 100 ms
    account summary  GET /v1/reports/summary (2026, every entity)       goal p99 < 1 s
                     … group_by=month; and with no dates (1 January to today, a partial last month)

    .venv/bin/python bench/reports_scale.py                       # 10,000 entities, 1,000,000 documents
    .venv/bin/python bench/reports_scale.py --entities 100 --documents 10000 --runs 50

``FOLIO_BENCH_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``) names the server; the
database ``folio_bench_reports`` (``--database``) is dropped and created; ``--keep`` keeps it seeded for
another run (``--reuse`` skips the seeding).

The plans relied on (EXPLAIN (ANALYZE, BUFFERS) on the seeded 10,000 entities / 1,000,000 documents; an entity
has ~100 documents spread over ~100 heap pages, since the clones interleave the entities):

- An entity's list, ``status``, ``search``, date range: ``Bitmap Index Scan on ix_documents_entity_date``
  (entity_id, type[, date]) → ``Bitmap Heap Scan on documents`` (~90 blocks: the entity's invoices; ``status``
  and the folded ``LIKE '%…%'`` columns are filters on them) → ``Sort`` top-N by id → ``Limit 21``: 3.6 ms
  with every block read from disk, well under 1 ms cached.
- ``overdue=true``: ``Bitmap Index Scan on ix_documents_open`` (entity_id, type, date_due) WHERE status IN
  ('issued', 'partially_paid'), ``Filter: total_due > 0``: 0.2 ms.
- ``sort=-total_due``: ``Index Only Scan Backward using ix_documents_entity_due`` (entity_id, type, total_due,
  id), ``Heap Fetches: 0``, under ``Limit 21``: 0.15 ms; the next page's ``(total_due, id) < (…)`` is an index
  condition.
- An entity's summary: ``Index Only Scan using ix_documents_entity_date`` (entity_id, type, date, id)
  INCLUDE (status, currency_code, customer_id, total, total_tax, total_with_tax, total_due, date_due),
  ``Heap Fetches: 0`` → ``HashAggregate``: 0.23 ms for a year grouped by month. Payments and refunds the same
  through ``ix_payments_entity_date`` / ``ix_refunds_entity_date`` INCLUDE (currency_code, amount).
- An entity's VAT report: ``Bitmap Index Scan on ix_documents_entity_date`` → ``Bitmap Heap Scan`` (the rows
  carry ``taxes``) → ``Nested Loop`` with ``Memoize`` → ``Function Scan on jsonb_array_elements`` →
  ``GroupAggregate``: 4.5 ms cold.
- The account's summary (not grouped, or by month), whole months: ``Index Scan using report_rollups_pkey``
  (account_id, environment, month range) → ``Sort`` → ``GroupAggregate``: 28 rows, 0.15 ms for 2026 (migration
  0021; the rows' stripes and due months summed). This month's open invoices already past due:
  ``Index Only Scan using ix_documents_open_due`` (date_due range; partial on issued or partially paid,
  INCLUDE entity_id, type, date, currency_code, total_due), ``Heap Fetches`` ~0 → ``Hash Join`` with the
  account's entities → ``HashAggregate``: 0.1 ms on 4 December, 17.5 ms for 10,000 invoices at a month's end
  (its statuses inlined in the SQL: a prepared statement's generic plan with them bound cannot use the
  partial index and took 95 ms). A partial first or last month (no dates: 1 January .. today) from the
  documents: ``Index Only Scan using ix_documents_date`` (date range) → ``Nested Loop`` with ``Index Only
  Scan using ix_entities_scope`` → ``GroupAggregate``: 0.7 ms for 1–4 December; payments and refunds the
  same through ``ix_payments_date`` / ``ix_refunds_date`` INCLUDE (entity_id, currency_code, amount),
  0.05–0.07 ms.
- Before the rollups (6f18f2a), the account's summary was ``Parallel Index Only Scan using
  ix_documents_date`` (date, type) INCLUDE (entity_id, the summed columns) → ``Hash Join`` with the
  account's entities → ``Partial HashAggregate`` in 2 workers → ``Finalize GroupAggregate``: 290–330 ms for
  370,000 documents of 2026 (8,900 buffers); payments ``Parallel Seq Scan on payments`` + ``Hash Join``,
  73–112 ms; refunds ``Seq Scan on refunds`` + ``Hash Join``, 33–45 ms. It read every document of the
  period, so it grew with the account's documents; ``group_by=entity``, ``group_by=customer`` and
  ``entity_ids=`` still do.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seed_sql import Seeded, fresh_database, seed  # noqa: E402

ADMIN = os.environ.get("FOLIO_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
NAME = "folio_bench_reports"
YEAR = {"date_from": "2026-01-01", "date_to": "2026-12-31"}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _existing(url: str) -> Seeded:
    import asyncio

    import asyncpg

    async def run() -> Seeded:
        conn = await asyncpg.connect(url.replace("postgresql://", "postgres://", 1))
        try:
            template = await conn.fetchrow("SELECT id, account_id FROM entities WHERE name = 'Template d.o.o.'")
            ids = [r["id"] for r in await conn.fetch("SELECT id FROM entities WHERE id LIKE 'ent_0000%' ORDER BY id")]
            documents = await conn.fetchval("SELECT count(*) FROM documents")
        finally:
            await conn.close()
        return Seeded(template["account_id"], "", template["id"], ids, documents)

    return asyncio.run(run())


def _new_key(url: str, account_id: str) -> str:
    """A fresh account key for a reused database (keys are stored hashed)."""
    import asyncio

    from invoicing.auth import keys
    from invoicing.core.ids import new_id
    from invoicing.db import Database
    from invoicing.db.models import ApiKey

    async def run() -> str:
        db = Database(url)
        token = keys.generate("sk", "sandbox")
        async with db.transaction() as session:
            session.add(
                ApiKey(
                    id=new_id("api_key"),
                    account_id=account_id,
                    environment="sandbox",
                    entity_id=None,
                    key_hash=keys.digest(token),
                    last4=token[-4:],
                )
            )
        await db.dispose()
        return token

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200, help="requests per entity-level measurement")
    parser.add_argument("--account-runs", type=int, default=20, help="requests of the account-wide summary")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse a database seeded by an earlier --keep run")
    parser.add_argument("--database", default=NAME, help=f"the database's name (default {NAME})")
    args = parser.parse_args()

    from folio.server import create_server_app
    from invoicing.config import Settings
    from tests.conftest import start_server

    name = args.database
    url = ADMIN.rsplit("/", 1)[0] + "/" + name
    started = time.perf_counter()
    if args.reuse:
        seeded = _existing(url)
        seeded.account_key = _new_key(url, seeded.account_id)
    else:
        url = fresh_database(ADMIN, name)
        seeded = seed(url, args.entities, args.documents)
    print(
        f"{'reused' if args.reuse else 'seeded'} {len(seeded.entities):,} entities, {seeded.documents:,} documents "
        f"in {time.perf_counter() - started:.0f} s",
        flush=True,
    )

    settings = Settings()
    settings.database.url = url
    port = _free_port()
    settings.public_url = f"http://127.0.0.1:{port}"
    server, thread = start_server(create_server_app(settings), port)
    client = httpx.Client(
        base_url=settings.public_url, headers={"Authorization": f"Bearer {seeded.account_key}"}, timeout=60
    )
    rng = random.Random(14)

    def timed(path: str, params: dict, entity: str | None) -> float:
        headers = {"X-Entity-Id": entity} if entity else {}
        begin = time.perf_counter()
        r = client.get(path, params=params, headers=headers)
        elapsed = time.perf_counter() - begin
        assert r.status_code == 200, r.text
        return elapsed * 1000

    def customer_of(entity: str) -> str:
        return f"customer {(int(entity[4:], 16) - 1) * 10 + rng.randrange(10)}"

    def quarter() -> dict:
        start = rng.choice(["2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01", "2026-01-01", "2026-04-01"])
        end = {"01": "03-31", "04": "06-30", "07": "09-30", "10": "12-31"}[start[5:7]]
        return {"date_from": start, "date_to": f"{start[:4]}-{end}"}

    cases = [
        ("invoice list", "/v1/invoices", lambda e: {}, 50),
        ("search", "/v1/invoices", lambda e: {"search": customer_of(e)}, 50),
        ("status=paid", "/v1/invoices", lambda e: {"status": "paid"}, 50),
        ("date range", "/v1/invoices", lambda e: quarter(), 50),
        ("overdue=true", "/v1/invoices", lambda e: {"overdue": "true"}, 50),
        ("sort=-total_due", "/v1/invoices", lambda e: {"sort": "-total_due"}, 50),
        ("entity summary (year, by month)", "/v1/reports/summary", lambda e: {**YEAR, "group_by": "month"}, 100),
        ("entity VAT (year)", "/v1/reports/vat", lambda e: YEAR, 100),
    ]
    results = []
    try:
        for entity in seeded.entities[:5]:  # warm the pool and the caches a little
            timed("/v1/invoices", {}, entity)
        for label, path, params, goal in cases:
            times = [timed(path, params(e), e) for e in (rng.choice(seeded.entities) for _ in range(args.runs))]
            results.append((label, times, goal))
            print(f"  {label}: p99 {_percentile(times, 0.99):.1f} ms", flush=True)
        for label, params in (
            ("account summary (year, every entity)", YEAR),
            ("account summary (year, by month)", {**YEAR, "group_by": "month"}),
            ("account summary (this year to date)", {}),
        ):
            times = [timed("/v1/reports/summary", params, None) for _ in range(args.account_runs)]
            results.append((label, times, 1000))
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        if not args.keep:
            import asyncio

            import asyncpg

            async def drop() -> None:
                conn = await asyncpg.connect(ADMIN.replace("postgresql://", "postgres://", 1))
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await conn.close()

            asyncio.run(drop())

    print(f"\n{len(seeded.entities):,} entities, {seeded.documents:,} documents, PostgreSQL\n")
    print("| request | runs | p50 | p99 | goal (p99) | met |")
    print("|---|---|---|---|---|---|")
    for label, times, goal in results:
        p50, p99 = statistics.median(times), _percentile(times, 0.99)
        met = "yes" if p99 < goal else "NO"
        print(f"| {label} | {len(times)} | {p50:.1f} ms | {p99:.1f} ms | < {goal} ms | {met} |")


if __name__ == "__main__":
    main()
