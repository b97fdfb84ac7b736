"""The webhook delivery worker's own CPU per delivery: one worker, in this process, empties a backlog.

    .venv/bin/python bench/webhook_worker.py                              # SQLite and PostgreSQL, 2000 events
    .venv/bin/python bench/webhook_worker.py --engines sqlite --events 1000 --runs 5 --profile /tmp/w.prof

Setup, per engine: a fresh database, an account, an endpoint for ``invoice.issued`` on a receiver in a process
of its own (``bench/webhook_delivery.py``'s: it verifies every signature with ``standardwebhooks``), and
``--events`` invoices issued through ``folio serve`` with its worker off (``FOLIO_WEBHOOK_WORKER=0``): real
events, none delivered. Then ``--runs`` times: the deliveries are deleted and the events marked unprocessed,
and a :class:`~invoicing.webhooks.delivery.WebhookWorker` (as ``folio serve`` runs it: ``run()``, woken by
nothing but its poll and its own attempts) fans out and delivers them all; this process's CPU time (user +
system, ``time.process_time``: the worker, its database driver and httpx, not the receiver nor PostgreSQL)
per delivery, and the deliveries per second, are printed; on PostgreSQL also the CPU per delivery of the backends
serving the database (from ``/proc``: a server on this machine; with the bench's own count every 0.2 s). The
receiver's count must equal ``--events`` after each run (every delivery arrived, every signature verified).

``--rate``: then the steady state, twice: events written at that rate (one transaction each, as issuing
writes them; ``--seconds``) while the worker runs, with the endpoint disabled and enabled; the difference of
this process's CPU per event is what webhooks add to each issued invoice at that rate (fan-out, claim,
``POST``, recording), the goal's quantity without the cost of issuing itself. On PostgreSQL the CPU per event
of the backends serving the database is printed for both phases too (from ``/proc``: a server on this machine).

Only the worker runs in this process while it drains (plus a count of the pending rows every 0.2 s), so
the CPU per delivery is what a delivery costs a ``folio serve`` process. ``--profile`` writes cProfile
statistics of the last run.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # invoicing

from issue_floor import postgres_cpu  # bench/ is on the path
from issue_invoices import create_account, fresh_database, run_load, start_server
from webhook_delivery import results, start_receiver


async def _setup_endpoint(database_url: str, receiver: str) -> str:
    import base64

    from sqlalchemy import select

    from invoicing.core.ids import new_id
    from invoicing.db import Database
    from invoicing.db.models import ApiKey, WebhookEndpoint

    db = Database(database_url)
    try:
        async with db.transaction() as session:
            account_id = (await session.scalars(select(ApiKey.account_id).limit(1))).one()
            secret = "whsec_" + base64.b64encode(os.urandom(32)).decode()
            session.add(
                WebhookEndpoint(
                    id=new_id("webhook"),
                    account_id=account_id,
                    environment="sandbox",
                    url=f"{receiver}/hook",
                    description=None,
                    events=["invoice.issued"],
                    entity_ids=None,
                    enabled=True,
                    secret=secret,
                )
            )
        return secret
    finally:
        await db.dispose()


async def _reset(database_url: str) -> int:
    """Delete the deliveries, mark the ``invoice.issued`` events unprocessed; how many there are."""
    from sqlalchemy import delete, func, select, update

    from invoicing.db import Database
    from invoicing.db.models import Event, WebhookDelivery

    db = Database(database_url)
    try:
        async with db.transaction() as session:
            await session.execute(delete(WebhookDelivery))
            await session.execute(update(Event).where(Event.type == "invoice.issued").values(processed_at=None))
            return await session.scalar(select(func.count()).where(Event.type == "invoice.issued")) or 0
    finally:
        await db.dispose()


async def _drain(database_url: str, profile: cProfile.Profile | None) -> tuple[float, float, float | None]:
    """Run a worker until nothing is left to fan out or deliver; (CPU seconds, wall seconds, PostgreSQL's
    backends' CPU seconds or None on SQLite)."""
    from sqlalchemy import func, select

    from invoicing.config import WebhookDeliverySettings
    from invoicing.db import Database
    from invoicing.db.models import Event, WebhookDelivery
    from invoicing.webhooks.delivery import WebhookWorker

    db = Database(database_url)
    worker = WebhookWorker(db, WebhookDeliverySettings(), allow_private=True)
    async with db.transaction(write=False) as session:  # connect before measuring
        await session.scalar(select(func.count()).select_from(Event))
    meter = postgres_cpu(database_url) if not db.is_sqlite else None
    database_cpu = meter() if meter else None
    cpu, wall = time.process_time(), time.perf_counter()
    if profile:
        profile.enable()
    task = asyncio.create_task(worker.run())
    try:
        while True:
            await asyncio.sleep(0.2)
            async with db.transaction(write=False) as session:
                left = await session.scalar(
                    select(func.count()).where(WebhookDelivery.status == "pending")
                ) or await session.scalar(select(func.count()).where(Event.processed_at.is_(None)))
            if not left:
                break
    finally:
        if profile:
            profile.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if meter and database_cpu is not None:
            database_cpu = meter() - database_cpu
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await worker.close()
        await db.dispose()
    return cpu, wall, database_cpu


async def _steady(
    database_url: str, rate: float, seconds: float, enabled: bool, profile: cProfile.Profile | None = None
) -> tuple[float, float | None]:
    """Write ``invoice.issued`` events (copies of one) at ``rate`` for ``seconds`` while a worker runs, the
    endpoint ``enabled`` or not; this process's CPU ms per event until all are fanned out and delivered, and
    on PostgreSQL that of the backends serving the database (None on SQLite)."""
    from sqlalchemy import func, select, update

    from invoicing.config import WebhookDeliverySettings
    from invoicing.core.ids import new_id
    from invoicing.db import Database
    from invoicing.db.models import Event, WebhookDelivery, WebhookEndpoint
    from invoicing.db.types import utcnow
    from invoicing.webhooks.delivery import WebhookWorker

    db = Database(database_url)
    async with db.transaction() as session:
        await session.execute(update(WebhookEndpoint).values(enabled=enabled))
        template = (await session.scalars(select(Event).where(Event.type == "invoice.issued").limit(1))).one()
        fields = {c: getattr(template, c) for c in ("account_id", "environment", "entity_id", "type", "object_id")}
        data = template.data
    worker = WebhookWorker(db, WebhookDeliverySettings(), allow_private=True)
    task = asyncio.create_task(worker.run())
    await asyncio.sleep(0.5)
    total = int(rate * seconds)
    database_cpu = postgres_cpu(database_url) if not db.is_sqlite else None
    db_cpu = database_cpu() if database_cpu else 0.0
    cpu = time.process_time()
    started = time.perf_counter()
    if profile:
        profile.enable()
    for i in range(total):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        async with db.transaction() as session:
            session.add(Event(id=new_id("event"), data=data, created_at=utcnow(), actor=None, **fields))
    while True:
        async with db.transaction(write=False) as session:
            left = await session.scalar(
                select(func.count()).where(WebhookDelivery.status == "pending")
            ) or await session.scalar(select(func.count()).where(Event.processed_at.is_(None)))
        if not left:
            break
        await asyncio.sleep(0.1)
    cpu = time.process_time() - cpu
    db_cpu = database_cpu() - db_cpu if database_cpu else 0.0
    if profile:
        profile.disable()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await worker.close()
    await db.dispose()
    return cpu * 1000 / total, (db_cpu * 1000 / total if database_cpu else None)


def bench_engine(engine: str, args: argparse.Namespace) -> dict[str, Any] | None:
    database_url = fresh_database(engine, args.pg_database)
    if database_url is None:
        return None
    key = create_account(database_url)
    receiver_proc, receiver = start_receiver()
    try:
        secret = asyncio.run(_setup_endpoint(database_url, receiver))
        httpx.put(f"{receiver}/secret", content=secret).raise_for_status()
        server, url = start_server(database_url, {"FOLIO_WEBHOOK_WORKER": "0"})
        try:
            asyncio.run(run_load(url, key, args.events, 16))
        finally:
            server.terminate()
            server.wait(10)
        runs = []
        for i in range(args.runs):
            events = asyncio.run(_reset(database_url))
            profile = cProfile.Profile(time.process_time) if args.profile and i == args.runs - 1 else None
            cpu, wall, database_cpu = asyncio.run(_drain(database_url, profile))
            if profile:
                profile.dump_stats(args.profile)
            final = results(receiver)
            received = len(final["arrivals"]) + final["duplicates"]
            runs.append((cpu * 1000 / events, events / wall, database_cpu))
            database = "" if database_cpu is None else f" (PostgreSQL's backends {database_cpu * 1000 / events:.3f})"
            print(
                f"{engine:10s} run {i + 1}: {events} deliveries, {cpu * 1000 / events:.3f} ms CPU each{database}, "
                f"{events / wall:.0f}/s; the receiver verified {received - (i * events)} "
                f"({final['rejected']} rejected)",
                flush=True,
            )
            if final["rejected"] or received != (i + 1) * events:
                raise SystemExit("deliveries missing, doubled or rejected")
        out = {}
        if args.rate:
            delivered = len(results(receiver)["arrivals"])
            without = asyncio.run(_steady(database_url, args.rate, args.seconds, False))
            profile = cProfile.Profile(time.process_time) if args.profile else None
            with_ = asyncio.run(_steady(database_url, args.rate, args.seconds, True, profile))
            if profile:
                profile.dump_stats(args.profile + ".steady")
            arrived = len(results(receiver)["arrivals"]) - delivered
            out = {"steady_without": without[0], "steady_with": with_[0]}
            database = ""
            if without[1] is not None and with_[1] is not None:
                database = (
                    f"; PostgreSQL's backends {without[1]:.2f} and {with_[1]:.2f} ms "
                    f"(+{with_[1] - without[1]:.2f} ms per event)"
                )
            print(
                f"{engine:10s} steady {args.rate:g} events/s: {without[0]:.2f} ms CPU per event without the endpoint, "
                f"{with_[0]:.2f} with it (+{with_[0] - without[0]:.2f} ms per event){database}; {arrived} delivered",
                flush=True,
            )
            if arrived != int(args.rate * args.seconds):
                raise SystemExit("deliveries missing")
        return {
            **out,
            "engine": engine,
            "cpu_ms": statistics.median(r[0] for r in runs),
            "per_s": statistics.median(r[1] for r in runs),
            "database_cpu_ms": None if runs[0][2] is None else statistics.median(r[2] * 1000 / events for r in runs),
            "load": os.getloadavg()[0],
        }
    finally:
        receiver_proc.terminate()
        receiver_proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--events", type=int, default=2000, help="invoices issued, so deliveries per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rate", type=float, help="then events at this rate, without and with the endpoint")
    parser.add_argument("--seconds", type=float, default=10, help="of each steady phase")
    parser.add_argument("--profile", help="write cProfile statistics of the last run here")
    parser.add_argument("--pg-database", default="folio_bench", help="the PostgreSQL database (dropped, made anew)")
    args = parser.parse_args()
    for engine in args.engines.split(","):
        out = bench_engine(engine, args)
        if out:
            print(
                f"{engine:10s} median: {out['cpu_ms']:.3f} ms CPU per delivery"
                + ("" if out["database_cpu_ms"] is None else f" (PostgreSQL's backends {out['database_cpu_ms']:.3f})")
                + f", {out['per_s']:.0f} deliveries/s (load average {out['load']:.2f})"
            )


if __name__ == "__main__":
    main()
