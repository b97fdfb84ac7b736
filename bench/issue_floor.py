"""Folio's issuing rate against a floor, side by side; and Folio in 1 and in 2 processes on PostgreSQL.

    .venv/bin/python bench/issue_floor.py                          # both engines, then the scale-out
    .venv/bin/python bench/issue_floor.py --parts floor --engines sqlite --rounds 3 --seconds 8

**The floor** (``bench/floor_app.py``) is the least a server must do to issue the same invoice: Litestar on
uvicorn, msgspec decoding, the totals in Decimal, one transaction (the entity's counter bumped, one document
row, one outbox event row) with Folio's drivers (SQLite inline on the loop, asyncpg on PostgreSQL). Per
engine, Folio (``folio serve``) and the floor run on fresh databases at the same time, both pinned to CPU 0
(``--server-cpus``), and are loaded in turn, Folio, floor, Folio, floor… (``--rounds``), ``--seconds`` each
after a 2 s warm-up, by ``wrk`` pinned to CPU 1 (``--wrk-cpus``) with 32 connections (``--concurrency``)
over 10 entities, so the noise of a shared machine falls on both alike. Printed per engine::

    Folio X/s = N % of the floor (Y/s)

with each server's CPU time per invoice (its processes, from /proc), and on PostgreSQL the database's
(the backends serving that database, found by their process titles in /proc: PostgreSQL runs on this
machine).

**Scale-out** (``--parts scale``, PostgreSQL): ``folio serve`` and ``folio serve --workers 2`` on one
fresh database, neither pinned, nor is wrk, loaded in turn the same way. Printed: both rates, their ratio,
the CPU per invoice (server, PostgreSQL, wrk), how busy the machine was, and the ceilings that CPU per invoice
sets: one process is bound by one core (1000 / server ms per invoice); two by both cores, which PostgreSQL and
wrk use too (2 x 1000 / (server + PostgreSQL + wrk) ms per invoice). So on 2 cores, 2 processes cannot issue
twice as many. On a machine busy with other work, more processes also win a larger share of the CPU from it:
read the CPU per invoice beside the rates.

Measurements are noisy on a shared machine: compare the figures of one run, and repeat it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from issue_invoices import (  # bench/, the script's directory, is on the path
    create_account,
    create_entities,
    free_port,
    fresh_database,
    pinned,
    run_wrk,
    start_process,
    start_server,
    tree_cpu_seconds,
)

BENCH = Path(__file__).resolve().parent
CORES = os.cpu_count() or 1


def start_floor(database_url: str, cpus: str | None, pool: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    argv = [
        sys.executable,
        str(BENCH / "floor_app.py"),
        *("--database", database_url, "--port", str(port), "--pool", str(pool)),
    ]
    return start_process(pinned(argv, cpus), port, dict(os.environ))


def postgres_cpu(database_url: str) -> Callable[[], float]:
    """A meter: the CPU time of the PostgreSQL backends serving ``database_url``'s database, found in /proc by
    their title (``postgres: 15/main: user database host(port) state``), so only for a server on this machine
    and without a connection of its own; backends that end between two readings are lost."""
    name = database_url.rsplit("/", 1)[1]

    def backends() -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    title = (entry / "cmdline").read_bytes().decode(errors="replace").split()
                except OSError:
                    continue
                if title[:1] == ["postgres:"] and name in title[2:5]:
                    found.append(int(entry.name))
        return found

    return lambda: sum(tree_cpu_seconds(pid) for pid in backends())


def worker_processes(pid: int) -> list[int]:
    """The server processes of ``folio serve --workers N`` (its spawned children)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def warm_up(url: str, key: str, entities: list[str], cpus: str | None, args: argparse.Namespace) -> None:
    """Load a fresh server until it has issued ``--warmup`` invoices (at most a minute): a new process's first
    requests are slow (imports, pools, caches; Folio's render workers starting) and its CPU would count."""
    done, deadline = 0, time.monotonic() + 60
    while done < args.warmup and time.monotonic() < deadline:
        done += run_wrk(url, key, 5, args.concurrency, entities, cpus=cpus)["invoices"]


def summary(results: list[dict]) -> dict:
    """Rounds pooled: the rate over all of them and the CPU figures weighted by invoices."""
    invoices = sum(r["invoices"] for r in results)
    out = {
        "invoices_per_s": sum(r["invoices"] for r in results) / sum(r["seconds"] for r in results),
        "errors": sum(r["errors"] for r in results),
        "machine_busy": sum(r["machine_busy"] * r["seconds"] for r in results) / sum(r["seconds"] for r in results),
    }
    for key in results[0]:
        if key.endswith("_cpu_ms"):
            out[key] = sum((r[key] or 0) * r["invoices"] for r in results) / invoices if invoices else float("nan")
    return out


def round_line(label: str, r: dict) -> str:
    cpu = "  ".join(
        f"{k.removesuffix('_cpu_ms')} {v if v is None else round(v, 2)}" for k, v in r.items() if k.endswith("_cpu_ms")
    )
    return (
        f"  {label:18s} {r['invoices_per_s']:7.1f}/s  p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms  "
        f"CPU ms/invoice: {cpu}  machine {r['machine_busy'] * 100:3.0f} % busy  "
        f"({r['invoices']} invoices, {r['errors']} errors)"
    )


def against_the_floor(engine: str, args: argparse.Namespace) -> None:
    folio_db = fresh_database(engine, "folio_bench_floor_folio")
    floor_db = fresh_database(engine, "folio_bench_floor")
    if folio_db is None or floor_db is None:
        return
    key = create_account(folio_db)
    folio, folio_url = start_server(folio_db, cpus=args.server_cpus)
    floor, floor_url = start_floor(floor_db, args.server_cpus, args.pool)
    try:
        systems = {
            "Folio": (folio_url, folio.pid, create_entities(folio_url, key, 10), folio_db),
            "floor": (floor_url, floor.pid, [f"ent_floor_{i}" for i in range(10)], floor_db),
        }
        results: dict[str, list[dict]] = {name: [] for name in systems}
        print(f"{engine}: Folio and the floor in turn, servers on CPU {args.server_cpus}, wrk on CPU {args.wrk_cpus}")
        for url, _, entities, _ in systems.values():
            warm_up(url, key, entities, args.wrk_cpus, args)
        for n in range(args.rounds):
            for name, (url, pid, entities, database_url) in systems.items():
                meters = {"postgres": postgres_cpu(database_url)} if engine == "postgresql" else {}
                r = run_wrk(url, key, args.seconds, args.concurrency, entities, pid, cpus=args.wrk_cpus, meters=meters)
                results[name].append(r)
                print(round_line(f"{name} (round {n + 1})", r), flush=True)
    finally:
        for proc in (folio, floor):
            proc.terminate()
            proc.wait(30)
    f, fl = summary(results["Folio"]), summary(results["floor"])
    database = (
        f"; PostgreSQL CPU per invoice: Folio {f['postgres_cpu_ms']:.2f} ms, floor {fl['postgres_cpu_ms']:.2f} ms"
        if engine == "postgresql"
        else ""
    )
    print(
        f"{engine}: one core at the measured CPU per invoice would issue {1000 / f['server_cpu_ms']:.0f}/s with "
        f"Folio, {1000 / fl['server_cpu_ms']:.0f}/s with the floor"
    )
    print(
        f"{engine}: Folio {f['invoices_per_s']:.0f}/s = {100 * f['invoices_per_s'] / fl['invoices_per_s']:.0f} % "
        f"of the floor ({fl['invoices_per_s']:.0f}/s); server CPU per invoice: Folio {f['server_cpu_ms']:.2f} ms, "
        f"floor {fl['server_cpu_ms']:.2f} ms ({f['server_cpu_ms'] / fl['server_cpu_ms']:.1f}x){database}; "
        f"errors: Folio {f['errors']}, floor {fl['errors']}",
        flush=True,
    )


def scale_out(args: argparse.Namespace) -> None:
    database_url = fresh_database("postgresql", "folio_bench_scale")
    if database_url is None:
        return
    key = create_account(database_url)
    servers = {n: start_server(database_url, workers=n, cpus=args.scale_cpus) for n in (1, 2)}
    try:
        entities = {n: create_entities(url, key, 10) for n, (_, url) in servers.items()}
        split = {f"process{i + 1}": p for i, p in enumerate(worker_processes(servers[2][0].pid))}
        results: dict[int, list[dict]] = {1: [], 2: []}
        for workers, (_, url) in servers.items():
            warm_up(url, key, entities[workers], args.scale_cpus, args)
        where = f"on CPUs {args.scale_cpus}" if args.scale_cpus else "unpinned"
        print(f"scale-out (postgresql): `folio serve` and `folio serve --workers 2` in turn, servers and wrk {where}")
        for n in range(args.rounds):
            for workers, (proc, url) in servers.items():
                meters: dict[str, Callable[[], float]] = {"postgres": postgres_cpu(database_url)}
                if workers == 2:
                    meters |= {name: (lambda p=p: tree_cpu_seconds(p)) for name, p in split.items()}
                r = run_wrk(
                    url,
                    key,
                    args.seconds,
                    args.concurrency,
                    entities[workers],
                    proc.pid,
                    cpus=args.scale_cpus,
                    meters=meters,
                )
                results[workers].append(r)
                print(round_line(f"{workers} process{'es' if workers > 1 else ''} (round {n + 1})", r), flush=True)
    finally:
        for proc, _ in servers.values():
            proc.terminate()
            proc.wait(60)
    for workers in (1, 2):
        s = summary(results[workers])
        own = s["server_cpu_ms"] + s["postgres_cpu_ms"] + s["wrk_cpu_ms"]
        share = own * s["invoices_per_s"] / 1000 / CORES
        spread = (
            " (split over the processes: " + ", ".join(f"{s[f'{name}_cpu_ms']:.2f}" for name in split) + " ms/invoice)"
            if workers == 2
            else ""
        )
        print(
            f"{workers} process{'es' if workers > 1 else ''}: {s['invoices_per_s']:.0f} invoices/s; CPU per invoice: "
            f"server {s['server_cpu_ms']:.2f} ms{spread}, PostgreSQL {s['postgres_cpu_ms']:.2f} ms, wrk "
            f"{s['wrk_cpu_ms']:.2f} ms = {own:.2f} ms; that is {share * 100:.0f} % of the {CORES} cores "
            f"(the machine was {s['machine_busy'] * 100:.0f} % busy, other processes included); "
            f"{s['errors']} errors",
            flush=True,
        )
    one, two = summary(results[1]), summary(results[2])
    print(f"scale-out: 2 processes issue {two['invoices_per_s'] / one['invoices_per_s']:.2f}x what 1 does", flush=True)
    # what the CPU per invoice allows on this machine alone: one process is bound by its one core; two are
    # bound by all the cores, which PostgreSQL and wrk use too
    alone = 1000 / one["server_cpu_ms"]
    shared = CORES * 1000 / (two["server_cpu_ms"] + two["postgres_cpu_ms"] + two["wrk_cpu_ms"])
    print(
        f"scale-out ceilings from the CPU per invoice, on a machine left to this benchmark: 1 process <= "
        f"1000 / {one['server_cpu_ms']:.2f} ms = {alone:.0f}/s (its one core); 2 processes <= {CORES} x 1000 / "
        f"(server + PostgreSQL + wrk) = {shared:.0f}/s (the {CORES} cores, shared with PostgreSQL and wrk): "
        f"at most {shared / alone:.2f}x",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default="floor,scale", help="floor (Folio against the floor), scale (1 vs 2)")
    parser.add_argument("--engines", default="sqlite,postgresql", help="for the floor part")
    parser.add_argument("--seconds", type=int, default=5, help="each measured wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each server, in turn")
    parser.add_argument("--warmup", type=int, default=300, help="invoices each server issues before the rounds")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--server-cpus", default="0", help="taskset CPUs of both servers (floor part)")
    parser.add_argument("--wrk-cpus", default="1", help="taskset CPUs of wrk (floor part)")
    parser.add_argument("--scale-cpus", default=None, help="taskset CPUs of the servers and wrk (scale part)")
    parser.add_argument("--pool", type=int, default=10, help="the floor's PostgreSQL connections")
    args = parser.parse_args()
    parts = args.parts.split(",")
    if "floor" in parts:
        for engine in args.engines.split(","):
            against_the_floor(engine, args)
    if "scale" in parts:
        scale_out(args)


if __name__ == "__main__":
    main()
