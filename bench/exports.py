"""Exports on PostgreSQL: 10,000 and 100,000 documents to CSV and XLSX, the time each takes and the
server process's peak memory.

Seeds a fresh database directly in SQL: one real invoice is issued through the API, then cloned with
``generate_series`` (new ids, numbers and dates through the year) into two entities of one account,
10,000 and 100,000 documents. (A minimal seeding of its own; ``bench/seed_sql.py`` seeds 1M documents.)

Each export runs in a fresh ``folio serve`` process (a real server, its export worker inside), so the
process's resident-set high-water mark (``VmHWM`` in ``/proc/PID/status``) read after the export is that
export's peak, next to the same figure read just before it (the idle server). Time: from ``POST
/v1/exports`` until ``GET /v1/exports/{id}`` says ``done`` (polled every 50 ms), and the worker's own
``finished_at − started_at``.

    .venv/bin/python bench/exports.py [--sizes 10000,100000] [--formats csv,xlsx]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from invoicing.accounts.service import create_account  # noqa: E402
from invoicing.db import Database  # noqa: E402
from invoicing.db.migrate import upgrade  # noqa: E402

PG = os.environ.get("FOLIO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
INVOICE = {
    "customer": {"name": "Buyer Ltd", "email": "buyer@example.com", "country": "SI"},
    "items": [
        {"name": "Monthly subscription", "quantity": 1, "price": "99.00", "taxes": [{"rate": 22}]},
        {"name": "Support hours", "quantity": "2.5", "unit": "h", "price": "40.00", "taxes": [{"rate": 22}]},
    ],
}


def _admin(statement: str) -> None:
    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(PG.replace("postgresql://", "postgres://", 1))
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """``folio serve`` in a process of its own."""

    def __init__(self, url: str) -> None:
        self.port = _port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "FOLIO_DATABASE_URL": url, "FOLIO_EXPORT_POLL_SECONDS": "0.2", "FOLIO_ENV": "development"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "folio.cli", "serve", "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(600):
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def hwm_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def seed(url: str, sizes: list[int]) -> tuple[str, list[str]]:
    """An account with one entity per size, each with that many issued invoices; (account key, entity ids)."""

    async def account() -> dict[str, str]:
        db = Database(url)
        try:
            async with db.transaction() as session:
                return (await create_account(session, "Bench"))[1]
        finally:
            await db.dispose()

    key = asyncio.run(account())["sandbox"]
    server = Served(url)
    entities = []
    try:
        client = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {key}"}, timeout=60)
        for n in sizes:
            entity = client.post("/v1/entities", json={"name": f"Seller {n}", "country": "SI"}).json()
            r = client.post("/v1/invoices", json=INVOICE, headers={"X-Entity-Id": entity["id"]})
            r.raise_for_status()
            entities.append((entity["id"], r.json()["id"], n))
    finally:
        server.stop()

    async def clone() -> None:
        import asyncpg

        conn = await asyncpg.connect(url.replace("postgresql://", "postgres://", 1))
        try:
            columns = [
                r["column_name"]
                for r in await conn.fetch(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = 'documents' "
                    "ORDER BY ordinal_position"
                )
            ]
            made = {
                "id": "'inv_' || lpad(to_hex(g), 26, '0') || $2",
                "number": "'B-' || g",
                "number_folded": "'b-' || g",
                "date": "date_trunc('year', now())::date + (g % 300)",
            }
            select = ", ".join(made.get(c, f'"{c}"') for c in columns)
            quoted = ", ".join(f'"{c}"' for c in columns)
            for entity_id, template, n in entities:
                await conn.execute(
                    f"INSERT INTO documents ({quoted}) SELECT {select} FROM documents, generate_series(2, $1) g "
                    f"WHERE id = $3",
                    n,
                    entity_id[-6:],
                    template,
                )
            await conn.execute("ANALYZE documents")
        finally:
            await conn.close()

    asyncio.run(clone())
    return key, [e[0] for e in entities]


def run_export(url: str, key: str, entity_id: str, fmt: str) -> dict[str, float]:
    server = Served(url)
    try:
        client = httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {key}", "X-Entity-Id": entity_id}, timeout=120
        )
        idle = server.hwm_mb()
        started = time.perf_counter()
        r = client.post("/v1/exports", json={"type": "documents", "format": fmt})
        r.raise_for_status()
        export = r.json()
        while export["status"] not in ("done", "failed"):
            time.sleep(0.05)
            export = client.get(f"/v1/exports/{export['id']}").json()
        elapsed = time.perf_counter() - started
        assert export["status"] == "done", export
        worker = (
            datetime.fromisoformat(export["finished_at"]) - datetime.fromisoformat(export["started_at"])
        ).total_seconds()
        peak = server.hwm_mb()
        size = len(client.get(f"/v1/exports/{export['id']}/file").content)
        return {
            "rows": export["progress"]["done"],
            "seconds": elapsed,
            "worker_seconds": worker,
            "idle_mb": idle,
            "peak_mb": peak,
            "file_mb": size / 1e6,
        }
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--formats", default="csv,xlsx")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    name = f"folio_bench_exports_{uuid.uuid4().hex[:8]}"
    _admin(f'CREATE DATABASE "{name}"')
    url = PG.rsplit("/", 1)[0] + "/" + name
    try:
        upgrade(url)
        t = time.perf_counter()
        key, entities = seed(url, sizes)
        print(f"seeded {sum(sizes):,} documents in {time.perf_counter() - t:.1f} s", flush=True)
        heads = ("total s", "worker s", "idle MB", "peak MB", "file MB")
        print(f"{'documents':>10} {'format':>6} " + " ".join(f"{h:>9}" for h in heads))
        for fmt in args.formats.split(","):
            for n, entity_id in zip(sizes, entities, strict=True):
                m = run_export(url, key, entity_id, fmt)
                assert m["rows"] == n, m
                print(
                    f"{n:>10,} {fmt:>6} {m['seconds']:>9.2f} {m['worker_seconds']:>9.2f} {m['idle_mb']:>9.0f} "
                    f"{m['peak_mb']:>9.0f} {m['file_mb']:>9.1f}",
                    flush=True,
                )
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
