"""Proxy overhead: ``GET /v1/invoices`` direct (account key) against ``GET /embed/api/v1/invoices``
(dashboard session through the BFF), same server, same data, same run, interleaved rounds.

    .venv/bin/python bench/embed_proxy.py                       # `folio serve` on a fresh SQLite file, then on
                                                                # a fresh PostgreSQL database (dropped after)
    .venv/bin/python bench/embed_proxy.py --engines sqlite
    .venv/bin/python bench/embed_proxy.py --database postgresql://postgres@127.0.0.1:5432/bench   # that database
    .venv/bin/python bench/embed_proxy.py --url http://127.0.0.1:8000 --key sk_sandbox_…   # a running server

Prints throughput (requests/s), p50/p99 latency and the server's CPU time per request (read from /proc,
when this script started the server) per path, and the proxied path's share of direct in both throughput
and CPU per request (aim: at least 90 %). On a busy machine the CPU share is the steadier figure: the
client runs on the same cores and other processes take their turns.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("FOLIO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
INVOICE = {
    "customer": {"name": "Bench Buyer Ltd", "country": "SI"},
    "items": [{"name": "Subscription", "quantity": 1, "price": "99.00", "taxes": [{"rate": 22}]}],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def local_server(database: str | None):
    """`folio serve` in its own process (a throwaway SQLite file unless ``database`` is given), plus an account key."""
    with tempfile.TemporaryDirectory() as tmp:
        database = database or f"sqlite:///{tmp}/bench.db"
        env = {**os.environ, "FOLIO_DATABASE_URL": database, "FOLIO_EMAIL_WORKER": "0"}
        folio = [sys.executable, "-m", "folio.cli"]
        created = subprocess.run(
            [*folio, "account", "create", "--name", "Bench", "--json"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        key = json.loads(created.stdout)["keys"]["sandbox"]
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        process = subprocess.Popen(
            [*folio, "serve", "--port", str(port)],
            env={**env, "FOLIO_PUBLIC_URL": url},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if process.poll() is not None:
                    raise RuntimeError(process.stderr.read().decode())
                time.sleep(0.1)
            yield url, key, process.pid
        finally:
            process.terminate()
            process.wait(timeout=15)


def prepare(url: str, key: str, invoices: int) -> tuple[dict[str, str], dict[str, str]]:
    """An entity with ``invoices`` invoices and a viewer; the direct and the proxied headers."""
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as api:
        entity = api.post("/v1/entities", json={"name": "Bench d.o.o.", "country": "SI"}).raise_for_status().json()
        api.headers["X-Entity-Id"] = entity["id"]
        for _ in range(invoices):
            api.post("/v1/invoices", json=INVOICE).raise_for_status()
        user = api.post("/v1/entity-users", json={"email": f"bench{time.time_ns()}@example.com", "role": "viewer"})
        token = api.post(
            "/embed/tokens", json={"entity_id": entity["id"], "user_id": user.raise_for_status().json()["id"]}
        )
        session = httpx.post(f"{url}/embed/session", json={"token": token.raise_for_status().json()["token"]})
        session_token = session.raise_for_status().json()["session_token"]
    return (
        {"Authorization": f"Bearer {key}", "X-Entity-Id": entity["id"]},
        {"Authorization": f"Bearer {session_token}"},
    )


async def round_(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], requests: int, concurrency: int
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    remaining = iter(range(requests))

    async def worker() -> None:
        for _ in remaining:
            start = time.perf_counter()
            r = await client.get(path, headers=headers)
            latencies.append(time.perf_counter() - start)
            if r.status_code != 200:
                raise RuntimeError(f"{path}: {r.status_code} {r.text}")

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - start, latencies


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of process ``pid`` so far (0 without one)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(
    url: str,
    direct: dict[str, str],
    proxied: dict[str, str],
    *,
    requests: int,
    concurrency: int,
    rounds: int,
    pid: int | None = None,
) -> dict[str, dict[str, float]]:
    paths = {
        "direct  /v1/invoices": ("/v1/invoices", direct),
        "proxied /embed/api/v1/invoices": ("/embed/api/v1/invoices", proxied),
    }
    totals: dict[str, tuple[list[float], list[float]]] = {name: ([0.0, 0.0], []) for name in paths}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        for path, headers in paths.values():  # warm up both
            await round_(client, path, headers, min(200, requests), concurrency)
        for _ in range(rounds):  # interleaved, so drift hits both alike
            for name, (path, headers) in paths.items():
                cpu = cpu_seconds(pid)
                elapsed, latencies = await round_(client, path, headers, requests, concurrency)
                totals[name][0][0] += elapsed
                totals[name][0][1] += cpu_seconds(pid) - cpu
                totals[name][1].extend(latencies)
    return {
        name: {
            "requests": len(lat),
            "rps": len(lat) / elapsed,
            "p50": statistics.median(lat) * 1000,
            "p99": percentile(lat, 99) * 1000,
            "cpu_ms": cpu * 1000 / len(lat) if pid else float("nan"),
        }
        for name, ((elapsed, cpu), lat) in totals.items()
    }


def report(results: dict[str, dict[str, float]], concurrency: int) -> float:
    print(f"GET invoice list (20 per page), {concurrency} concurrent connections")
    print(f"{'path':34} {'requests':>9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'server CPU ms/req':>18}")
    for name, r in results.items():
        print(f"{name:34} {r['requests']:>9} {r['rps']:>9.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['cpu_ms']:>18.2f}")
    direct, proxied = results.values()
    share = proxied["rps"] / direct["rps"]
    print(
        f"proxied throughput = {share:.0%} of direct; by server CPU per request "
        f"{direct['cpu_ms'] / proxied['cpu_ms']:.0%} (aim >= 90%); "
        f"p50 overhead {proxied['p50'] - direct['p50']:+.2f} ms"
    )
    return share


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running Folio (default: start one on a fresh SQLite file)")
    parser.add_argument("--key", help="an account key of that server (sk_sandbox_…)")
    parser.add_argument(
        "--database", help="for the server this script starts: e.g. postgresql://postgres@127.0.0.1:5432/bench"
    )
    parser.add_argument(
        "--engines", default="sqlite,postgresql", help="without --url or --database: a fresh database of each"
    )
    parser.add_argument("--requests", type=int, default=1000, help="requests per path and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--invoices", type=int, default=30, help="invoices to create first")
    args = parser.parse_args()
    if bool(args.url) != bool(args.key):
        parser.error("--url and --key go together")

    def run(url: str, key: str, pid: int | None = None) -> None:
        direct, proxied = prepare(url, key, args.invoices)
        results = asyncio.run(
            measure(
                url,
                direct,
                proxied,
                requests=args.requests,
                concurrency=args.concurrency,
                rounds=args.rounds,
                pid=pid,
            )
        )
        report(results, args.concurrency)

    if args.url:
        run(args.url.rstrip("/"), args.key)
    elif args.database:
        with local_server(args.database) as (url, key, pid):
            run(url, key, pid)
    else:
        for engine in args.engines.split(","):
            print(f"\n{engine}")
            if engine == "sqlite":
                with local_server(None) as (url, key, pid):
                    run(url, key, pid)
                continue
            sys.path.insert(0, str(ROOT))
            from bench.exports import _sql
            from bench.seed_sql import fresh_database

            name = f"folio_bench_proxy_{uuid.uuid4().hex[:8]}"
            try:
                database = fresh_database(PG_URL, name)
            except Exception as exc:
                print(f"PostgreSQL not reachable ({exc}); skipping it", file=sys.stderr)
                continue
            try:
                with local_server(database) as (url, key, pid):
                    run(url, key, pid)
            finally:
                _sql(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
