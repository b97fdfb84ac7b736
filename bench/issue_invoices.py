"""Issue invoices over HTTP with concurrent clients across 10 entities; print invoices/s and latency.

    .venv/bin/python bench/issue_invoices.py                 # starts `folio serve` on SQLite and on PostgreSQL
    .venv/bin/python bench/issue_invoices.py --url http://127.0.0.1:8000 --key sk_sandbox_…   # a running server

Each engine gets a fresh database; the server runs as its own process (uvicorn; ``--workers N`` runs
``folio serve --workers N`` on PostgreSQL: N processes on one port). The
load comes from ``wrk`` (C, Debian package ``wrk``; ``make bench`` installs it) with a Lua script
that spreads the invoices over the 10 entities, so the client costs the 2-core machine little;
without wrk, or with ``--client httpx``, a Python client does the same (and takes a core itself).
The server's own CPU time per issued invoice (its processes and their children) is read from /proc
and printed too. ``bench/issue_floor.py`` measures Folio beside a minimal server (the floor) with these helpers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("FOLIO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
INVOICE = {
    "customer": {"name": "Bench Buyer d.o.o.", "email": "buyer@example.com", "country": "SI"},
    "items": [
        {"name": "Subscription", "quantity": 1, "price": "99.00", "taxes": [{"rate": 22}]},
        {"name": "Extra seats", "quantity": 3, "price": "12.50", "taxes": [{"rate": 22}]},
        {"name": "Book", "quantity": 1, "price": "20.00", "taxes": [{"rate": 9.5}]},
    ],
    "metadata": {"order_id": "bench"},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pinned(argv: list[str], cpus: str | None) -> list[str]:
    """``argv`` run on the CPUs ``cpus`` (``taskset -c``, e.g. "0" or "0,1"); as is when None."""
    return ["taskset", "-c", cpus, *argv] if cpus else argv


def start_process(argv: list[str], port: int, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """A server started with ``argv`` listening on ``port``, once its ``/healthz`` answers; it and its URL."""
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300  # a loaded 2-core machine takes a while to import Folio
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"server did not start: {' '.join(argv)}")


def start_server(
    database_url: str, env: dict[str, str] | None = None, *, workers: int = 1, cpus: str | None = None
) -> tuple[subprocess.Popen, str]:
    """``folio serve`` on ``database_url`` as a process of its own (``env``: more variables; ``workers``: its
    ``--workers``; ``cpus``: pinned there with taskset); it and its URL."""
    port = free_port()
    env = {**os.environ, "FOLIO_DATABASE_URL": database_url, "FOLIO_EMAIL_WORKER": "0", **(env or {})}
    argv = [sys.executable, "-m", "folio.cli", "serve", "--port", str(port), "--workers", str(workers)]
    return start_process(pinned(argv, cpus), port, env)


def create_account(database_url: str) -> str:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "folio.cli",
            "account",
            "create",
            "--name",
            "Bench",
            "--json",
            "--database",
            database_url,
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)["keys"]["sandbox"]


def fresh_postgres(name: str = "folio_bench") -> str | None:
    """A new, empty database ``name`` on the PostgreSQL server (None when unreachable)."""
    try:
        import asyncpg

        async def run():
            conn = await asyncpg.connect(PG_URL.replace("postgresql://", "postgres://", 1), timeout=3)
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
            await conn.close()

        asyncio.run(run())
        return PG_URL.rsplit("/", 1)[0] + "/" + name
    except Exception as exc:
        print(f"PostgreSQL not reachable ({exc}); skipping it", file=sys.stderr)
        return None


def fresh_database(engine: str, name: str = "folio_bench") -> str | None:
    """A new, empty database for ``engine`` (``sqlite`` or ``postgresql``; ``name``: the PostgreSQL database's);
    None when it cannot be had."""
    if engine == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp(prefix='folio-bench-')}/bench.db"
    return fresh_postgres(name)


def create_entities(url: str, key: str, count: int = 10) -> list[str]:
    """``count`` entities of the account of ``key``; their ids."""
    ids = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
        for i in range(count):
            r = client.post("/v1/entities", json={"name": f"Bench entity {i}", "country": "SI"})
            r.raise_for_status()
            ids.append(r.json()["id"])
    return ids


async def run_load(url: str, key: str, total: int, concurrency: int, entities: int = 10) -> dict:
    headers = {"Authorization": f"Bearer {key}"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    ids = create_entities(url, key, entities)
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60, limits=limits) as client:
        for entity in ids:  # warm-up
            (await client.post("/v1/invoices", json=INVOICE, headers={"X-Entity-Id": entity})).raise_for_status()

        latencies: list[float] = []
        errors = 0
        counter = iter(range(total))

        async def worker(n: int) -> None:
            nonlocal errors
            for i in counter:
                entity = ids[(i + n) % len(ids)]
                t0 = time.perf_counter()
                r = await client.post("/v1/invoices", json=INVOICE, headers={"X-Entity-Id": entity})
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 201:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "invoices": total,
        "errors": errors,
        "seconds": round(elapsed, 2),
        "invoices_per_s": round(total / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
    }


WRK_SCRIPT = """
local entities = {%(entities)s}
local body = %(body)s
local i = 0
request = function()
  i = i + 1
  return wrk.format("POST", "/v1/invoices", {["Authorization"] = "Bearer %(key)s",
    ["Content-Type"] = "application/json", ["X-Entity-Id"] = entities[(i %% #entities) + 1]}, body)
end
response = function(status, headers, body)
  if status ~= 201 then wrk.thread:set("errors", (wrk.thread:get("errors") or 0) + 1) end
end
"""


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of the process ``pid``; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    try:
        children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return [d for c in children for d in (c, *_descendants(c))]


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of ``pid`` and every process under it (``folio serve --workers``, render workers)."""
    return sum(_cpu_seconds(p) for p in (pid, *_descendants(pid)))


def children_cpu_seconds() -> float:
    """CPU time of this process's finished children (wrk, once ``subprocess.run`` has reaped it)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine_busy_seconds() -> float:
    """CPU time the whole machine spent busy (every core, every process: /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # less idle and iowait


def _ms(text: str) -> float:
    value = float(text.rstrip("mus"))
    return (
        value * 1000
        if text.endswith("s") and not text.endswith(("ms", "us"))
        else value / 1000
        if text.endswith("us")
        else value
    )


def run_wrk(
    url: str,
    key: str,
    seconds: int,
    concurrency: int,
    entities: int | list[str] = 10,
    pid: int | None = None,
    *,
    cpus: str | None = None,
    meters: dict[str, Callable[[], float]] | None = None,
) -> dict:
    """Issue invoices for ``seconds`` from ``concurrency`` keep-alive connections (closed loop) over ``entities``
    (how many to create, or the ids of existing ones), after a 2 s warm-up; ``pid``: the server's, for the CPU
    time of it and its children per request (``server_cpu_ms``); ``cpus``: where wrk runs (taskset);
    ``meters``: more CPU-time counters read before and after the run, each reported as ``<name>_cpu_ms``
    per request, ``wrk``'s own CPU as ``wrk_cpu_ms``, and the whole machine's busy share as ``machine_busy``."""
    ids = create_entities(url, key, entities) if isinstance(entities, int) else entities
    script = WRK_SCRIPT % {
        "entities": ", ".join(f'"{e}"' for e in ids),
        "body": json.dumps(json.dumps(INVOICE)),
        "key": key,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    # a short warm-up, then the measured run
    subprocess.run(
        pinned(["wrk", "-t1", f"-c{concurrency}", "-d2s", "-s", f.name, url], cpus), check=True, capture_output=True
    )
    counters = {
        **({"server": lambda: tree_cpu_seconds(pid)} if pid else {}),
        **(meters or {}),
        "wrk": children_cpu_seconds,
    }
    before = {name: read() for name, read in counters.items()}
    busy_before, started = machine_busy_seconds(), time.monotonic()
    out = subprocess.run(
        pinned(
            ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "30s", "--latency", "-s", f.name, url],
            cpus,
        ),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    elapsed = time.monotonic() - started
    busy = machine_busy_seconds() - busy_before
    cpu = {name: read() - before[name] for name, read in counters.items()}
    os.unlink(f.name)
    requests = int(next(line for line in out.splitlines() if "requests in" in line).split()[0])
    latency = {
        line.split()[0]: _ms(line.split()[1]) for line in out.splitlines() if line.strip().startswith(("50%", "99%"))
    }
    non2xx = sum(int(line.split(":")[1]) for line in out.splitlines() if "Non-2xx" in line)
    # "Socket errors: connect 0, read 0, write 0, timeout 3": requests that got no answer count as errors too
    socket_errors = sum(
        int(part.split()[-1]) for line in out.splitlines() if "Socket errors" in line for part in line.split(",")
    )
    rate = float(next(line for line in out.splitlines() if line.startswith("Requests/sec")).split()[1])
    # the figures are per issued invoice: a failed answer (often a fast one) issues none
    issued = requests - non2xx  # wrk counts requests that got no answer (socket errors) apart
    rate = rate * issued / requests if requests else 0.0
    return {
        "invoices": issued,
        "errors": non2xx + socket_errors,
        "seconds": round(elapsed, 2),
        "invoices_per_s": round(rate, 1),
        "p50_ms": round(latency["50%"], 1),
        "p99_ms": round(latency["99%"], 1),
        "server_cpu_ms": round(cpu["server"] * 1000 / issued, 3) if pid and issued else None,
        **{
            f"{name}_cpu_ms": round(value * 1000 / issued, 3) if issued else None
            for name, value in cpu.items()
            if name != "server"
        },
        "machine_busy": round(busy / (elapsed * (os.cpu_count() or 1)), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running Folio server (then --key is required)")
    parser.add_argument("--key", help="a sandbox account key for --url")
    parser.add_argument("--invoices", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=int, default=10, help="duration of the wrk run")
    parser.add_argument("--client", choices=["auto", "wrk", "httpx"], default="auto")
    parser.add_argument("--workers", type=int, default=1, help="`folio serve --workers` (PostgreSQL only beyond 1)")
    args = parser.parse_args()
    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk") is not None)

    def load(url: str, key: str, pid: int | None = None) -> dict:
        if use_wrk:
            return run_wrk(url, key, args.seconds, args.concurrency, pid=pid)
        cpu_before = tree_cpu_seconds(pid) if pid else 0.0
        result = asyncio.run(run_load(url, key, args.invoices, args.concurrency))
        cpu = tree_cpu_seconds(pid) - cpu_before if pid else None
        return {
            **result,
            "server_cpu_ms": round(cpu * 1000 / (result["invoices"] + 10), 2) if cpu is not None else None,
        }

    if args.url:
        print(json.dumps({"engine": "external", **load(args.url, args.key)}))
        return
    for engine in args.engines.split(","):
        database_url = fresh_database(engine)
        if database_url is None:
            continue
        key = create_account(database_url)
        proc, url = start_server(database_url, workers=args.workers if engine == "postgresql" else 1)
        try:
            result = load(url, key, proc.pid)
        finally:
            proc.terminate()
            proc.wait(10)
        print(
            f"{engine:10s} {result['invoices_per_s']:7.1f} invoices/s   p50 {result['p50_ms']:6.1f} ms   "
            f"p99 {result['p99_ms']:6.1f} ms   server CPU {result['server_cpu_ms']} ms/invoice   "
            f"({result['invoices']} invoices, "
            f"{args.concurrency} clients ({'wrk' if use_wrk else 'httpx'}), 10 entities, {result['errors']} errors)"
        )


if __name__ == "__main__":
    main()
