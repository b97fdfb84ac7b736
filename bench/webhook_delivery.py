"""Webhook delivery: issue-to-delivery latency at a steady issuing rate, and what webhooks cost issuing.

    .venv/bin/python bench/webhook_delivery.py                     # SQLite and PostgreSQL, 200 invoices/s for 10 s
    .venv/bin/python bench/webhook_delivery.py --rate 100 --seconds 20 --engines postgresql

For each engine: a fresh database and ``folio serve`` as its own process (``FOLIO_WEBHOOK_ALLOW_PRIVATE=true``,
the worker as configured, e.g. ``FOLIO_WEBHOOK_POLL_SECONDS``), set up by ``bench/issue_invoices.py``'s
functions, and a receiver in a process of its own (uvicorn) that verifies every request's signature with the
``standardwebhooks`` library and records, per ``webhook-id``, when it first arrived. The phases:

1. An endpoint is registered (``POST /v1/webhook-endpoints``, ``["invoice.issued"]``, the receiver's URL).
2. **open loop**: invoices issued at ``--rate`` per second for ``--seconds`` (each request starts on its
   schedule whatever the earlier ones do), then the deliveries drain; ``--rate 100,200``: one such phase per
   rate. Latency is from the moment the issuing request got its answer (the client's clock) to the
   receiver's arrival (same machine, same clock); the same from the event's ``created_at`` is printed too.
3. **closed loop, alternated**: ``--rounds`` rounds, each of two ``wrk`` runs (32 connections, a 2 s warm-up
   then ``--closed-seconds``), one with the endpoint enabled and one with it disabled (``PATCH enabled``),
   in the order without/with, then with/without, and so on (ABBA: a drift of the machine's speed during the
   phase weighs on both alike). Before each run the backlog is drained (no event left to fan out, no attempt
   pending) in the state of the run before, and only then is the endpoint switched, so every run starts
   alike and no event written while it was enabled is fanned out after it was disabled. For this phase the
   server is pinned to one core and ``wrk`` and the receiver to the other (``--cpus``, ``taskset``; the open
   loop runs unpinned, as it always did); PostgreSQL's backends are not pinned. Per run: invoices/s, the
   server's CPU per invoice (its process tree, from ``/proc``), deliveries per second during the run (with the
   receiver's CPU per delivery: what the stand-in for the platform takes of the other core) and the drain
   before it; per round the ratio with/without; then the median of the rounds' ratios (the figure for
   the goal) with a 95 % bootstrap interval (the rounds resampled), and the median CPU per invoice with and
   without. Per round too, the ratio of the server's CPU per invoice without/with: the rate a server bound
   by its own CPU would keep, which other processes taking time on its core (another benchmark on a shared
   machine) move much less than the rate itself (with its interval too). And the
   share of its core the server was busy (CPU per invoice × rate): what is missing to 100 % it waited (for
   the database, with every request in flight waiting) or other processes had its core.

Missing deliveries: ``invoice.issued`` events written while the endpoint was enabled (read from the
database) that never arrived.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # invoicing, for reading the database

from issue_invoices import (  # bench/, the script's directory, is on the path
    INVOICE,
    create_account,
    create_entities,
    free_port,
    fresh_database,
    run_wrk,
    start_server,
    tree_cpu_seconds,
)

DRAIN_PATIENCE = 60.0
"""Seconds without a new arrival after which the remaining deliveries count as missing."""
KEEP_ALIVE = 4.0
"""Seconds an idle connection of the issuing client is reused for: under uvicorn's 5 s keep-alive."""


# -- the receiver (its own process) -------------------------------------------------------------------


class Receiver:
    """ASGI app: ``PUT /secret`` (the endpoint's secret), ``POST /hook`` (a delivery: verified, its first arrival
    recorded), ``GET /results``."""

    def __init__(self) -> None:
        self.secret: str | None = None
        self.arrivals: dict[str, tuple[float, str, str]] = {}
        """webhook-id → (arrival, the invoice's id, the event's created_at)"""
        self.duplicates = 0
        self.rejected = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body = bytearray()
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        arrived = time.time()
        status, answer = 200, b""
        if scope["method"] == "POST" and scope["path"] == "/hook":
            status = self.delivered(arrived, bytes(body), {k.decode(): v.decode() for k, v in scope["headers"]})
        elif scope["method"] == "PUT" and scope["path"] == "/secret":
            self.secret = body.decode()
        elif scope["method"] == "GET" and scope["path"] == "/results":
            answer = json.dumps(
                {"arrivals": self.arrivals, "duplicates": self.duplicates, "rejected": self.rejected}
            ).encode()
        else:
            status = 404
        await send(
            {"type": "http.response.start", "status": status, "headers": [(b"content-length", b"%d" % len(answer))]}
        )
        await send({"type": "http.response.body", "body": answer})

    def delivered(self, arrived: float, body: bytes, headers: dict[str, str]) -> int:
        from standardwebhooks import Webhook, WebhookVerificationError

        if not self.secret:  # an invoice of the phase before, answered after the endpoint was made: retried
            return 503
        try:
            event = Webhook(self.secret).verify(body, headers)
        except (WebhookVerificationError, ValueError):
            self.rejected += 1
            return 400
        webhook_id = headers["webhook-id"]
        if webhook_id in self.arrivals:
            self.duplicates += 1
        else:
            self.arrivals[webhook_id] = (arrived, event["data"]["object"]["id"], event["created_at"])
        return 200


def serve_receiver(port: int) -> None:
    import uvicorn

    uvicorn.run(Receiver(), host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off")


def start_receiver() -> tuple[subprocess.Popen, str]:
    """The receiver in a process of its own; it and its URL."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--receiver", str(port)], stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(f"{url}/results", timeout=1).raise_for_status()
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the receiver did not start")


_local = httpx.Client(timeout=30)
"""For the receiver's answers (one client: making one costs ~30 ms of loading CA certificates)."""


def pin(pid: int, cpus: str) -> None:
    """Pin the running process ``pid`` and all its threads to ``cpus`` (``taskset -a -p -c``)."""
    subprocess.run(["taskset", "-a", "-p", "-c", cpus, str(pid)], check=True, capture_output=True)


def results(receiver: str) -> dict[str, Any]:
    r = _local.get(f"{receiver}/results")
    r.raise_for_status()
    return r.json()


# -- the load ------------------------------------------------------------------------------------------


class _Connection:
    """One keep-alive HTTP/1.1 connection to the server: a request written, its answer read (Content-Length
    bodies only, which is what the API sends). A few dozen lines instead of httpx: at 200 requests/s httpx's
    own CPU (over a millisecond a request) took the cores the server and PostgreSQL need, and the client, not
    the server, set the pace."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.idle_since = time.monotonic()

    def reusable(self) -> bool:
        """Not closed by the server, and idle for less than its keep-alive time (uvicorn's: 5 s), as an HTTP
        client checks before it reuses a connection: else the request may cross the server's close."""
        return not self.reader.at_eof() and time.monotonic() - self.idle_since < KEEP_ALIVE

    async def request(self, head: bytes, body: bytes) -> tuple[int, bytes]:
        self.writer.write(head + body)
        header = await self.reader.readuntil(b"\r\n\r\n")
        lines = header.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
        length = next((int(v) for k, v in fields.items() if k.strip().lower() == "content-length"), None)
        if length is None:
            raise RuntimeError("the bench's client reads answers with a Content-Length only")
        return status, await self.reader.readexactly(length)


async def issue_open_loop(url: str, key: str, entities: list[str], rate: float, seconds: float) -> dict[str, Any]:
    """Start one issuing request every 1/``rate`` s for ``seconds``, each on its own schedule (open loop): on an
    idle keep-alive connection, or a new one when all are busy. Returns the answer times per invoice id
    (``time.time()``), request latencies and the schedule's slip."""
    answered: dict[str, float] = {}
    latencies: list[float] = []
    errors = 0
    address = httpx.URL(url)
    host, port = address.host, address.port or 80
    body = json.dumps(INVOICE).encode()
    heads = [
        (
            f"POST /v1/invoices HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {key}\r\n"
            f"X-Entity-Id: {entity}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        for entity in entities
    ]
    idle: list[_Connection] = []
    opened: list[_Connection] = []
    kinds: dict[str, int] = {}  # what the errors were: an exception's type, or the status an answer had

    async def one(i: int) -> None:
        nonlocal errors
        t0 = time.perf_counter()
        try:
            connection = None
            while idle and connection is None:
                connection = idle.pop()
                if not connection.reusable():
                    connection.writer.close()
                    connection = None
            if connection is None:
                connection = _Connection(*await asyncio.open_connection(host, port))
                opened.append(connection)
            status, answer = await connection.request(heads[i % len(heads)], body)
        except (OSError, asyncio.IncompleteReadError, RuntimeError, ValueError) as error:
            errors += 1
            kinds[type(error).__name__] = kinds.get(type(error).__name__, 0) + 1
            return
        connection.idle_since = time.monotonic()
        idle.append(connection)
        done = time.time()
        latencies.append(time.perf_counter() - t0)
        if status == 201:
            answered[json.loads(answer)["id"]] = done
        else:
            errors += 1
            kinds[f"HTTP {status}"] = kinds.get(f"HTTP {status}", 0) + 1

    try:
        total = int(rate * seconds)
        tasks = []
        slip = 0.0
        started = time.perf_counter()
        for i in range(total):
            due = started + i / rate
            now = time.perf_counter()
            if due > now:
                await asyncio.sleep(due - now)
            slip = max(slip, time.perf_counter() - due)
            tasks.append(asyncio.create_task(one(i)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
    finally:
        for connection in opened:
            connection.writer.close()
    return {
        "connections": len(opened),
        "error_kinds": kinds,
        "answered": answered,
        "errors": errors,
        "issue_rate": len(answered) / elapsed,
        "issue_p50_ms": percentile(latencies, 0.5) * 1000,
        "issue_p99_ms": percentile(latencies, 0.99) * 1000,
        "slip_ms": slip * 1000,
    }


def percentile(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


# -- the database's view ---------------------------------------------------------------------------------


def backlog(database_url: str, since: str | None = None, until: str | None = None) -> tuple[int, int, int]:
    """(events not fanned out yet, pending deliveries, ``invoice.issued`` events created from ``since`` to
    ``until``)."""
    from sqlalchemy import func, select

    from invoicing.db import Database
    from invoicing.db.models import Event, WebhookDelivery

    async def read() -> tuple[int, int, int]:
        db = Database(database_url)
        try:
            async with db.transaction(write=False) as session:
                unprocessed = await session.scalar(select(func.count()).where(Event.processed_at.is_(None)))
                pending = await session.scalar(select(func.count()).where(WebhookDelivery.status == "pending"))
                issued = 0
                if since is not None and until is not None:
                    issued = await session.scalar(
                        select(func.count()).where(
                            Event.type == "invoice.issued",
                            Event.created_at >= datetime.fromisoformat(since),
                            Event.created_at < datetime.fromisoformat(until),
                        )
                    )
                return unprocessed or 0, pending or 0, issued or 0
        finally:
            await db.dispose()

    return asyncio.run(read())


def drain(database_url: str, receiver: str) -> float:
    """Wait until nothing is left to fan out or deliver (or nothing arrives for :data:`DRAIN_PATIENCE`);
    seconds waited."""
    started = last_change = time.monotonic()
    seen = -1
    while time.monotonic() - last_change < DRAIN_PATIENCE:
        unprocessed, pending, _ = backlog(database_url)
        if not unprocessed and not pending:
            break
        count = len(results(receiver)["arrivals"])
        if count != seen:
            seen, last_change = count, time.monotonic()
        time.sleep(0.2)
    return time.monotonic() - started


# -- one engine --------------------------------------------------------------------------------------------


def open_loop(
    url: str, key: str, entities: list[str], database_url: str, receiver: str, rate: float, seconds: float
) -> dict[str, Any]:
    """Issue at ``rate`` for ``seconds`` (open loop), let the deliveries drain; the figures."""
    load = asyncio.run(issue_open_loop(url, key, entities, rate, seconds))
    drain(database_url, receiver)
    arrivals = results(receiver)["arrivals"]
    by_invoice = {invoice: (arrived, created) for arrived, invoice, created in arrivals.values()}
    answered = load["answered"]
    latencies = [by_invoice[i][0] - t for i, t in answered.items() if i in by_invoice]
    from_created = [
        by_invoice[i][0] - datetime.fromisoformat(by_invoice[i][1]).timestamp() for i in answered if i in by_invoice
    ]
    times = sorted(by_invoice[i][0] for i in answered if i in by_invoice)
    first_answer = min(answered.values(), default=0.0)
    return {
        "rate": rate,
        "issue_rate": load["issue_rate"],
        "issue_p50_ms": load["issue_p50_ms"],
        "issue_p99_ms": load["issue_p99_ms"],
        "slip_ms": load["slip_ms"],
        "connections": load["connections"],
        "error_kinds": load["error_kinds"],
        "issue_errors": load["errors"],
        "delivered": len(latencies),
        "deliveries_per_s": len(times) / (times[-1] - first_answer) if times else 0.0,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "max_ms": max(latencies, default=math.nan) * 1000,
        "created_p50_ms": percentile(from_created, 0.5) * 1000,
        "created_p99_ms": percentile(from_created, 0.99) * 1000,
        "missing": len(answered) - len(latencies),
    }


def closed_loop(
    url: str,
    key: str,
    entities: list[str],
    database_url: str,
    receiver: str,
    account: httpx.Client,
    endpoint: dict[str, Any],
    args: argparse.Namespace,
    server_pid: int,
    receiver_pid: int,
) -> dict[str, Any]:
    """The alternated closed-loop rounds (``endpoint`` enabled since its creation on entry); the runs, their
    rounds' ratios, and the periods the endpoint was enabled (whose ``invoice.issued`` events must arrive)."""
    endpoint_id = endpoint["id"]
    runs: list[dict[str, Any]] = []
    windows: list[tuple[str, str]] = []  # (enabled from, until)
    enabled_since: str | None = endpoint["created_at"]
    enabled = True
    for round_ in range(args.rounds):
        order = (False, True) if round_ % 2 == 0 else (True, False)
        for with_endpoint in order:
            drained = drain(database_url, receiver)  # in the state of the run before: every run starts alike
            if with_endpoint != enabled:
                r = account.patch(f"/v1/webhook-endpoints/{endpoint_id}", json={"enabled": with_endpoint})
                r.raise_for_status()
                enabled = with_endpoint
                if enabled:
                    enabled_since = r.json()["updated_at"]
                elif enabled_since is not None:
                    windows.append((enabled_since, r.json()["updated_at"]))
                    enabled_since = None
            load = os.getloadavg()[0]
            count_before = len(results(receiver)["arrivals"])
            started, receiver_cpu = time.time(), tree_cpu_seconds(receiver_pid)
            run = run_wrk(url, key, args.closed_seconds, args.concurrency, entities, pid=server_pid, cpus=args.wrk_cpus)
            ended, receiver_cpu = time.time(), tree_cpu_seconds(receiver_pid) - receiver_cpu
            arrivals = results(receiver)["arrivals"]
            measured_from = ended - run["seconds"]  # the wrk run after its 2 s warm-up
            during = sum(1 for arrived, _, _ in arrivals.values() if measured_from <= arrived <= ended)
            arrived = len(arrivals) - count_before  # during the whole run, warm-up included, as the CPU
            receiving = f", the receiver {1000 * receiver_cpu / arrived:.2f} ms CPU each" if arrived else ""
            runs.append(
                {
                    "round": round_ + 1,
                    "with": with_endpoint,
                    "invoices_per_s": run["invoices_per_s"],
                    "server_cpu_ms": run["server_cpu_ms"],
                    "errors": run["errors"],
                    "p99_ms": run["p99_ms"],
                    "delivered_per_s": during / run["seconds"],
                    "arrived": arrived,
                    "drain_before_s": drained,
                    "load": load,
                    "machine_busy": run["machine_busy"],
                    "wall": started,
                }
            )
            print(
                f"  round {round_ + 1} {'with   ' if with_endpoint else 'without'}: "
                f"{run['invoices_per_s']:.1f} invoices/s, server {run['server_cpu_ms']:.2f} ms CPU/invoice, "
                f"server busy {busy(run):.0f} % of its core, "
                f"p99 {run['p99_ms']:.0f} ms, {run['errors']} errors; delivered {during / run['seconds']:.1f}/s "
                f"meanwhile{receiving} (drain before: {drained:.1f} s; load {load:.2f}, machine busy "
                f"{100 * run['machine_busy']:.0f} %)",
                flush=True,
            )
    drained = drain(database_url, receiver)
    if enabled and enabled_since is not None:
        r = account.patch(f"/v1/webhook-endpoints/{endpoint_id}", json={"enabled": False})
        r.raise_for_status()
        windows.append((enabled_since, r.json()["updated_at"]))
    ratios, cpu_ratios = [], []
    for round_ in range(1, args.rounds + 1):
        pair = {r["with"]: r for r in runs if r["round"] == round_}
        ratios.append(pair[True]["invoices_per_s"] / pair[False]["invoices_per_s"])
        # the rate a server bound by its own CPU would keep: what the other processes on its core take cancels out
        cpu_ratios.append(pair[False]["server_cpu_ms"] / pair[True]["server_cpu_ms"])
    return {"runs": runs, "windows": windows, "ratios": ratios, "cpu_ratios": cpu_ratios, "final_drain_s": drained}


def interval(ratios: list[float], resamples: int = 10_000) -> tuple[float, float]:
    """A 95 % bootstrap interval of the rounds' median cost (per cent): the rounds resampled with replacement
    ``resamples`` times (a fixed seed: the same rounds always give the same interval). When its upper end is
    under the goal's 10 %, the rounds' noise does not explain the median away."""
    rng = random.Random(13)
    medians = sorted(100 * (1 - statistics.median(rng.choices(ratios, k=len(ratios)))) for _ in range(resamples))
    return medians[int(0.025 * resamples)], medians[int(0.975 * resamples) - 1]


def busy(run: dict[str, Any]) -> float:
    """Per cent of its core a run's server was busy: its CPU per invoice times its rate (the rest it waited, or
    other processes had the core)."""
    return run["invoices_per_s"] * run["server_cpu_ms"] / 10


def bench_engine(engine: str, args: argparse.Namespace) -> dict[str, Any] | None:
    database_url = fresh_database(engine, args.pg_database)
    if database_url is None:
        return None
    key = create_account(database_url)
    server, url = start_server(
        database_url,
        {"FOLIO_WEBHOOK_ALLOW_PRIVATE": "true"},
        workers=args.server_processes if engine == "postgresql" else 1,
    )
    receiver_proc, receiver = start_receiver()
    out: dict[str, Any] = {"engine": engine}
    try:
        entities = create_entities(url, key, 10)
        account = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30)

        r = account.post("/v1/webhook-endpoints", json={"url": f"{receiver}/hook", "events": ["invoice.issued"]})
        r.raise_for_status()
        endpoint = r.json()
        httpx.put(f"{receiver}/secret", content=endpoint["secret"]).raise_for_status()

        out["open"] = [open_loop(url, key, entities, database_url, receiver, rate, args.seconds) for rate in args.rates]
        print(f"{engine}: open loop done; closed loop, {args.rounds} rounds", flush=True)
        if args.rounds == 0:  # the open loop alone
            final = results(receiver)
            out.update(duplicates=final["duplicates"], rejected=final["rejected"], load=os.getloadavg())
            account.close()
            return out
        if args.server_cpus:  # the open loop as it always ran; the closed loop pinned
            pin(server.pid, args.server_cpus)
            pin(receiver_proc.pid, args.wrk_cpus)
        closed = closed_loop(
            url, key, entities, database_url, receiver, account, endpoint, args, server.pid, receiver_proc.pid
        )
        final = results(receiver)
        issued = sum(backlog(database_url, a, b)[2] for a, b in closed["windows"])
        runs = closed["runs"]
        out.update(
            closed=closed,
            median_ratio=statistics.median(closed["ratios"]),
            cpu_without=statistics.median(r["server_cpu_ms"] for r in runs if not r["with"]),
            cpu_with=statistics.median(r["server_cpu_ms"] for r in runs if r["with"]),
            rate_without=statistics.median(r["invoices_per_s"] for r in runs if not r["with"]),
            rate_with=statistics.median(r["invoices_per_s"] for r in runs if r["with"]),
            busy_without=statistics.median(busy(r) for r in runs if not r["with"]),
            busy_with=statistics.median(busy(r) for r in runs if r["with"]),
            delivered_with=statistics.median(r["delivered_per_s"] for r in runs if r["with"]),
            issued_while_enabled=issued,
            missing=issued - len(final["arrivals"]),
            duplicates=final["duplicates"],
            rejected=final["rejected"],
            load=os.getloadavg(),
        )
        out["cost_pct"] = 100 * (1 - out["median_ratio"])
        out["cpu_cost_pct"] = 100 * (1 - statistics.median(closed["cpu_ratios"]))
        out["cost_interval"] = interval(closed["ratios"])
        out["cpu_cost_interval"] = interval(closed["cpu_ratios"])
        account.close()
    finally:
        for proc in (server, receiver_proc):
            proc.terminate()
            proc.wait(10)
    return out


def report(r: dict[str, Any], args: argparse.Namespace) -> None:
    for o in r["open"]:
        print(
            f"{r['engine']:10s} open loop {o['rate']:g}/s for {args.seconds:g} s: issued {o['issue_rate']:.1f}/s "
            f"(answer p50 {o['issue_p50_ms']:.0f} ms, p99 {o['issue_p99_ms']:.0f} ms, "
            f"schedule slip ≤ {o['slip_ms']:.0f} ms, {o['connections']} connections, "
            f"{o['issue_errors']} errors {o['error_kinds'] or ''}); "
            f"delivered {o['deliveries_per_s']:.1f}/s; "
            f"answer→arrival p50 {o['p50_ms']:.0f} ms, p99 {o['p99_ms']:.0f} ms, max {o['max_ms']:.0f} ms "
            f"(created_at→arrival p50 {o['created_p50_ms']:.0f} ms, p99 {o['created_p99_ms']:.0f} ms); "
            f"{o['missing']} missing"
        )
    if "closed" not in r:
        print(
            f"{'':10s} no closed loop (--rounds 0); {r['duplicates']} duplicates, {r['rejected']} signatures "
            f"rejected; load average {r['load'][0]:.2f} {r['load'][1]:.2f} {r['load'][2]:.2f}"
        )
        return
    ratios = ", ".join(f"{100 * (1 - x):.1f} %" for x in r["closed"]["ratios"])
    cpu_ratios = ", ".join(f"{100 * (1 - x):.1f} %" for x in r["closed"]["cpu_ratios"])
    print(
        f"{'':10s} closed loop ({args.concurrency} connections, {args.rounds} rounds): lower with the endpoint by "
        f"{ratios} per round, median {r['cost_pct']:.1f} % (95 % interval {_span(r['cost_interval'])}); "
        f"medians {r['rate_without']:.1f} → {r['rate_with']:.1f} "
        f"invoices/s, server CPU {r['cpu_without']:.2f} → {r['cpu_with']:.2f} ms/invoice; delivered "
        f"{r['delivered_with']:.1f}/s meanwhile (median), backlog drained {r['closed']['final_drain_s']:.1f} s after "
        f"the last run"
    )
    print(
        f"{'':10s} by the server's CPU per invoice (without / with, per round): {cpu_ratios}, median "
        f"{r['cpu_cost_pct']:.1f} % lower ({_span(r['cpu_cost_interval'])}); "
        f"the server busy {r['busy_without']:.0f} → {r['busy_with']:.0f} % of its "
        f"core (CPU per invoice × rate, medians)"
    )
    print(
        f"{'':10s} all: {r['issued_while_enabled']} invoice.issued events while the endpoint was enabled, "
        f"{r['missing']} missing, {r['duplicates']} duplicates, {r['rejected']} signatures rejected; load average "
        f"{r['load'][0]:.2f} {r['load'][1]:.2f} {r['load'][2]:.2f}"
    )


def _span(bounds: tuple[float, float]) -> str:
    return f"{bounds[0]:.1f} to {bounds[1]:.1f} %"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--rate", default="200", help="invoices per second in the open-loop phase; several: one phase each (100,200)"
    )
    parser.add_argument("--seconds", type=float, default=10, help="duration of the open-loop phase")
    parser.add_argument(
        "--closed-seconds", type=int, default=8, help="duration of each closed-loop (wrk) run, after a 2 s warm-up"
    )
    parser.add_argument(
        "--server-processes",
        type=int,
        default=1,
        help="`folio serve --workers N` on PostgreSQL (each process runs its own delivery worker); SQLite: always 1",
    )
    parser.add_argument(
        "--rounds", type=int, default=4, help="closed-loop rounds, each a run without and one with (0: open loop alone)"
    )
    parser.add_argument(
        "--cpus",
        default="0:1",
        help="cores of the server and of wrk and the receiver, taskset -c lists (default 0:1; 'none': not pinned)",
    )
    parser.add_argument("--concurrency", type=int, default=32, help="wrk connections in the closed-loop phases")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--json", action="store_true", help="print each engine's figures as JSON too")
    parser.add_argument("--pg-database", default="folio_bench", help="the PostgreSQL database (dropped, made anew)")
    parser.add_argument("--receiver", type=int, help=argparse.SUPPRESS)  # run as the receiver on this port
    args = parser.parse_args()
    args.rates = [float(rate) for rate in args.rate.split(",")]
    args.server_cpus, args.wrk_cpus = (None, None) if args.cpus == "none" else args.cpus.split(":")
    if args.receiver:
        serve_receiver(args.receiver)
        return
    rows = []
    for engine in args.engines.split(","):
        result = bench_engine(engine, args)
        if result is None:
            continue
        rows.append(result)
        report(result, args)
        if args.json:
            print(json.dumps(result))
    print()
    print("| engine | offered/s | issued/s | delivered/s | p50 | p99 | missing |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        for o in r["open"]:
            print(
                f"| {r['engine']} | {o['rate']:g} | {o['issue_rate']:.0f} | {o['deliveries_per_s']:.0f} | "
                f"{o['p50_ms']:.0f} ms | {o['p99_ms']:.0f} ms | {o['missing']} |"
            )
    if args.rounds == 0:
        return
    print()
    print(
        "| engine | rounds: lower by | median (95 % interval) | by CPU/invoice, median | invoices/s without → with | "
        "server CPU/invoice without → with | delivered meanwhile | missing |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        ratios = ", ".join(f"{100 * (1 - x):.1f}" for x in r["closed"]["ratios"])
        print(
            f"| {r['engine']} | {ratios} % | {r['cost_pct']:.1f} % ({_span(r['cost_interval'])}) | "
            f"{r['cpu_cost_pct']:.1f} % | "
            f"{r['rate_without']:.0f} → {r['rate_with']:.0f} | "
            f"{r['cpu_without']:.2f} → {r['cpu_with']:.2f} ms | {r['delivered_with']:.0f}/s | {r['missing']} |"
        )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
