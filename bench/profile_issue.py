"""Profile issuing an invoice in-process: where the CPU of ``POST /v1/invoices`` goes.

    .venv/bin/python bench/profile_issue.py                      # SQLite, 300 invoices
    .venv/bin/python bench/profile_issue.py --engine postgresql --invoices 500 --top 40

The app is the one ``folio serve`` runs (:func:`folio.server.create_server_app`, its lifespan started), on a
fresh database with one account and 10 entities; the client is ``httpx`` over ``ASGITransport``, one request
at a time, the 3-line invoice of ``bench/issue_invoices.py`` with an account key and ``X-Entity-Id``.

Printed:

- **CPU ms per invoice**: the process's CPU time (every thread: aiosqlite's too) spent inside the ASGI app,
  summed over ``--invoices`` sequential requests, without the profiler; the client's own work is outside
  the timed calls. ``--rounds`` repeats it; the best and median rounds are shown (the machine is shared).
- the same figure for the whole loop, client included, for comparison;
- then a cProfile run over the same number of invoices, timed by this thread's CPU time (so waiting for the
  database is not counted; aiosqlite's thread is not seen): the top functions by cumulative and by own time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("FOLIO_EMAIL_WORKER", "0")

from issue_invoices import INVOICE, PG_URL  # noqa: E402


class CpuMeter:
    """ASGI wrapper: the process CPU time spent inside the app's HTTP calls (requests run one at a time)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.seconds = 0.0
        self.calls = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.process_time()
        try:
            await self.app(scope, receive, send)
        finally:
            self.seconds += time.process_time() - started
            self.calls += 1


async def _postgres(statement: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_URL.replace("postgresql://", "postgres://", 1), timeout=5)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def database_url(engine: str) -> str:
    """A fresh database: a SQLite file, or a PostgreSQL database of this process's own (dropped at the end)."""
    if engine == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp(prefix='folio-profile-')}/profile.db"
    name = f"folio_profile_{os.getpid()}"
    asyncio.run(_postgres(f'CREATE DATABASE "{name}"'))
    return PG_URL.rsplit("/", 1)[0] + "/" + name


async def create_key(url: str) -> str:
    from invoicing.accounts.service import create_account
    from invoicing.db import Database

    database = Database(url)
    try:
        async with database.transaction() as session:
            _, keys = await create_account(session, "Profile")
    finally:
        await database.dispose()
    return keys["sandbox"]


KEYED = False  # --idempotency-key: every invoice with an Idempotency-Key of its own


async def issue(client: httpx.AsyncClient, entities: list[str], count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        headers = {"X-Entity-Id": entities[i % len(entities)]}
        if KEYED:
            headers["Idempotency-Key"] = f"profile-{i}"
        r = await client.post("/v1/invoices", json=INVOICE, headers=headers)
        if r.status_code != 201:
            raise SystemExit(f"invoice {i}: {r.status_code} {r.text}")


async def run(args: argparse.Namespace, url: str) -> None:
    from folio.server import create_server_app
    from invoicing.config import Settings
    from invoicing.db.migrate import upgrade

    upgrade(url)
    key = await create_key(url)
    settings = Settings()
    settings.database.url = url
    app = create_server_app(settings)
    meter = CpuMeter(app)
    transport = httpx.ASGITransport(app=meter)
    headers = {"Authorization": f"Bearer {key}"}
    async with app.lifespan(), httpx.AsyncClient(transport=transport, base_url="http://folio", headers=headers) as c:
        entities = []
        for i in range(10):
            r = await c.post("/v1/entities", json={"name": f"Profile entity {i}", "country": "SI"})
            r.raise_for_status()
            entities.append(r.json()["id"])
        await issue(c, entities, args.warmup)
        done = args.warmup

        inside, whole = [], []
        for _ in range(args.rounds):
            meter.seconds, meter.calls = 0.0, 0
            started = time.process_time()
            await issue(c, entities, args.invoices, done)
            whole.append((time.process_time() - started) * 1000 / args.invoices)
            inside.append(meter.seconds * 1000 / meter.calls)
            done += args.invoices

        profiler = cProfile.Profile(time.thread_time)  # this thread's CPU: not time spent waiting
        if not args.no_profile:
            profiler.enable()
            await issue(c, entities, args.invoices, done)
            profiler.disable()

    if not args.no_profile:
        if args.save:
            profiler.dump_stats(args.save)
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.strip_dirs()
        for order in ("cumulative", "tottime"):
            out.write(f"\n==== top {args.top} by {order} ====\n")
            stats.sort_stats(order).print_stats(args.top)
        print(out.getvalue())
        per_invoice = stats.total_tt * 1000 / args.invoices  # type: ignore[attr-defined]
        calls = stats.total_calls / args.invoices  # type: ignore[attr-defined]
        print(
            f"profiled: {per_invoice:.3f} ms main-thread CPU and {calls:.0f} Python function calls per invoice "
            "under cProfile (client included; the call count does not depend on the machine's load)"
        )
    workers = "without" if args.no_workers else "with"
    print(f"engine {args.engine}, {args.invoices} invoices per round, {args.rounds} rounds, {workers} workers")
    print(
        f"CPU ms per invoice inside the app: best {min(inside):.3f}  median {statistics.median(inside):.3f}  "
        f"(rounds: {', '.join(f'{x:.3f}' for x in inside)})"
    )
    print(f"CPU ms per invoice, client included: best {min(whole):.3f}  median {statistics.median(whole):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--invoices", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--no-profile", action="store_true", help="only the CPU figures, no cProfile run")
    parser.add_argument("--save", help="also write the cProfile stats to this file (for pstats / snakeviz)")
    parser.add_argument(
        "--no-workers",
        action="store_true",
        help="without the webhook and export workers (FOLIO_WEBHOOK_WORKER=0, FOLIO_EXPORT_WORKER=0): the request "
        "path alone; by default they run, as in `folio serve`, and their passes between requests count too",
    )
    parser.add_argument(
        "--idempotency-key", action="store_true", help="send every invoice with an Idempotency-Key of its own"
    )
    args = parser.parse_args()
    global KEYED
    KEYED = args.idempotency_key
    if args.no_workers:
        os.environ["FOLIO_WEBHOOK_WORKER"] = os.environ["FOLIO_EXPORT_WORKER"] = "0"
    url = database_url(args.engine)
    try:
        asyncio.run(run(args, url))
    finally:
        if args.engine == "postgresql":
            asyncio.run(_postgres(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
