"""Resident memory of one ``folio serve`` process through issuing, PDF renders and exports (goal: under 250 MB).

For each engine (a fresh SQLite file; a fresh PostgreSQL database, dropped afterwards) it starts one
``folio serve`` (helpers of ``bench/issue_invoices.py``) and samples, every 100 ms from a thread, the
resident set (``VmRSS`` in ``/proc/PID/status``) of the server and of every process under it (the render
pool's workers), while it drives, one phase after the other:

    idle     the started server, before any request
    issue    ``--invoices`` invoices issued over HTTP (16 concurrent clients) into one entity
    pdf      ``--renders`` PDF renders each of a one-page and of a 200-line draft invoice (a draft is rendered
             on every request), 4 at a time
    csv      an export (``POST /v1/exports``) of the issued documents as CSV, polled until done
    xlsx     the same as XLSX
    pdf_zip  the same as a ZIP of every document's PDF (each rendered once and kept)

and prints, per phase, the peak RSS of the server, of each child (by its command), the peak of their sum,
and the peak of their summed PSS (``/proc/PID/smaps_rollup``: a page shared by the forkserver and the
workers it forked counts once, where the RSS sum counts it in each).

    .venv/bin/python bench/memory.py                                    # both engines, defaults
    .venv/bin/python bench/memory.py --engines sqlite --invoices 500 --renders 20
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.issue_invoices import INVOICE, PG_URL, create_account, fresh_database, start_server  # noqa: E402
from bench.seed_sql import fresh_database as fresh_postgres_database  # noqa: E402

LIMIT_MB = 250
PHASES = ("idle", "issue", "pdf", "csv", "xlsx", "pdf_zip")


def rss_kb(pid: int) -> int | None:
    """``VmRSS`` of ``pid`` in kB (None once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return 0  # a zombie has no VmRSS line


def pss_kb(pid: int) -> int:
    """``Pss`` of ``pid`` in kB: its resident pages, each shared page divided among the processes sharing it
    (so summing it over processes counts a page once, unlike RSS); 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return 0
    return 0


def children(pid: int) -> list[int]:
    """Every process under ``pid`` (children, their children, …)."""
    found: list[int] = []
    stack = [pid]
    while stack:
        parent = stack.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except FileNotFoundError:
            continue
        for task in tasks:
            try:
                listed = Path(f"/proc/{parent}/task/{task}/children").read_text().split()
            except FileNotFoundError:
                continue
            for child in map(int, listed):
                if child not in found:
                    found.append(child)
                    stack.append(child)
    return found


def command(pid: int) -> str:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except FileNotFoundError:
        return "?"
    words = [a.decode(errors="replace") for a in argv if a]
    name = " ".join(words[1:4] if words and words[0].endswith(("python", "python3", "python3.11")) else words[:3])
    return name[:60]


@dataclass
class Peaks:
    """Peak RSS (kB) per phase: of the server, of each child (``command (pid)``) and of the sum."""

    server: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    pss: dict[str, int] = field(default_factory=dict)
    """Peak of the summed PSS (shared pages counted once)."""
    children: dict[str, dict[str, int]] = field(default_factory=dict)


class Sampler(threading.Thread):
    """Reads the RSS of ``pid`` and its descendants every ``interval`` seconds into the current phase's peaks."""

    def __init__(self, pid: int, interval: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.phase = "idle"
        self.peaks = Peaks()
        self.samples = 0
        self.stopped = threading.Event()

    def sample(self) -> None:
        server = rss_kb(self.pid)
        if server is None:
            return
        total, pss = server, pss_kb(self.pid)
        phase = self.phase
        self.peaks.server[phase] = max(self.peaks.server.get(phase, 0), server)
        per_child = self.peaks.children.setdefault(phase, {})
        for child in children(self.pid):
            kb = rss_kb(child)
            if kb is None:
                continue
            total += kb
            pss += pss_kb(child)
            name = command(child)
            name = f"{name} ({child})" if "multiprocessing" in name else name  # a tool run briefly: by name
            per_child[name] = max(per_child.get(name, 0), kb)
        self.peaks.total[phase] = max(self.peaks.total.get(phase, 0), total)
        self.peaks.pss[phase] = max(self.peaks.pss.get(phase, 0), pss)
        self.samples += 1

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            self.sample()

    def enter(self, phase: str) -> None:
        self.sample()  # the end of the phase before
        self.phase = phase
        self.sample()

    def stop(self) -> Peaks:
        self.sample()
        self.stopped.set()
        self.join()
        return self.peaks


LONG_INVOICE = {
    "customer": INVOICE["customer"],
    "items": [
        {"name": f"Consulting, item {i}", "quantity": 1 + i % 5, "price": f"{10 + i % 90}.50", "taxes": [{"rate": 22}]}
        for i in range(200)
    ],
}


async def issue(client: httpx.AsyncClient, count: int, concurrency: int = 16) -> None:
    remaining = iter(range(count))

    async def worker() -> None:
        for _ in remaining:
            r = await client.post("/v1/invoices", json=INVOICE)
            if r.status_code != 201:
                raise RuntimeError(f"issuing: {r.status_code} {r.text[:300]}")

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def render(client: httpx.AsyncClient, ids: list[str], renders: int, concurrency: int = 4) -> None:
    jobs = iter([invoice_id for _ in range(renders) for invoice_id in ids])

    async def worker() -> None:
        for invoice_id in jobs:
            r = await client.get(f"/v1/invoices/{invoice_id}/pdf")
            if r.status_code != 200 or not r.content.startswith(b"%PDF"):
                raise RuntimeError(f"rendering: {r.status_code} {r.text[:300]}")

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def export(client: httpx.AsyncClient, fmt: str, expected: int) -> dict:
    today = datetime.now(UTC).date().isoformat()
    filters = {"date_from": today, "date_to": today}
    r = await client.post("/v1/exports", json={"type": "documents", "format": fmt, "filters": filters})
    if r.status_code not in (201, 202):
        raise RuntimeError(f"export {fmt}: {r.status_code} {r.text[:300]}")
    job = r.json()
    while job["status"] not in ("done", "failed"):
        await asyncio.sleep(0.2)
        job = (await client.get(f"/v1/exports/{job['id']}")).raise_for_status().json()
    if job["status"] != "done":
        raise RuntimeError(f"export {fmt} failed: {job}")
    if job["progress"]["done"] != expected:
        raise RuntimeError(f"export {fmt}: {job['progress']['done']} rows, expected {expected}")
    size = 0
    async with client.stream("GET", f"/v1/exports/{job['id']}/file") as file:
        file.raise_for_status()
        async for chunk in file.aiter_bytes():
            size += len(chunk)
    return {"rows": job["progress"]["done"], "bytes": size}


async def drive(url: str, key: str, sampler: Sampler, args: argparse.Namespace) -> dict[str, float]:
    seconds: dict[str, float] = {}
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=600) as client:
        entity = (await client.post("/v1/entities", json={"name": "Memory d.o.o.", "country": "SI"})).json()
        client.headers["X-Entity-Id"] = entity["id"]

        async def phase(name: str, work) -> None:  # type: ignore[no-untyped-def]
            sampler.enter(name)
            started = time.perf_counter()
            await work
            seconds[name] = time.perf_counter() - started

        await asyncio.sleep(1)  # the idle server
        await phase("issue", issue(client, args.invoices))
        drafts = []
        for body in (INVOICE, LONG_INVOICE):
            r = await client.post("/v1/invoices", json={**body, "is_draft": True})
            if r.status_code != 201:
                raise RuntimeError(f"draft: {r.status_code} {r.text[:300]}")
            drafts.append(r.json()["id"])
        await phase("pdf", render(client, drafts, args.renders))
        for fmt in args.formats.split(","):
            await phase(fmt, export(client, fmt, args.invoices))
        sampler.enter("end")
    return seconds


def run_engine(engine: str, args: argparse.Namespace) -> tuple[Peaks, dict[str, float]] | None:
    name = None
    if engine == "sqlite":
        database = fresh_database("sqlite")
    else:
        name = f"folio_bench_memory_{uuid.uuid4().hex[:8]}"
        try:
            database = fresh_postgres_database(PG_URL, name)
        except Exception as exc:
            print(f"PostgreSQL not reachable ({exc}); skipping it", file=sys.stderr)
            return None
    assert database is not None
    try:
        key = create_account(database)
        proc, url = start_server(database, {"FOLIO_EXPORT_POLL_SECONDS": "0.2"})
        sampler = Sampler(proc.pid)
        sampler.start()
        try:
            seconds = asyncio.run(drive(url, key, sampler, args))
        finally:
            peaks = sampler.stop()
            proc.terminate()
            proc.wait(30)
        return peaks, seconds
    finally:
        if name:
            from bench.exports import _sql

            _sql(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def report(engine: str, peaks: Peaks, seconds: dict[str, float]) -> bool:
    """Print the peaks; whether the server process stayed under :data:`LIMIT_MB` in every phase."""
    print(f"\n{engine}: peak resident memory per phase (MB; sampled every 100 ms)")
    print(f"  {'phase':8} {'seconds':>8} {'server':>8} {'children':>9} {'RSS sum':>8} {'PSS sum':>8}")
    ok = True
    for phase in PHASES:
        if phase not in peaks.server:
            continue
        kids = peaks.children.get(phase, {})
        kids_mb = sum(kids.values()) / 1024
        total = peaks.total[phase] / 1024
        server = peaks.server[phase] / 1024
        ok = ok and server < LIMIT_MB
        flag = "" if server < LIMIT_MB else f"  server over {LIMIT_MB} MB"
        print(
            f"  {phase:8} {seconds.get(phase, 0):>8.1f} {server:>8.0f} "
            f"{kids_mb:>9.0f} {total:>8.0f} {peaks.pss[phase] / 1024:>8.0f}{flag}"
        )
        for name, kb in sorted(kids.items()):
            print(f"  {'':8} {'':>8} {'':>8} {kb / 1024:>9.0f}   {name}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--invoices", type=int, default=3000, help="invoices issued (and exported)")
    parser.add_argument("--renders", type=int, default=50, help="renders of each of the two draft invoices")
    parser.add_argument("--formats", default="csv,xlsx,pdf_zip", help="exports, in order")
    args = parser.parse_args()
    ok = True
    for engine in args.engines.split(","):
        result = run_engine(engine, args)
        if result is not None:
            ok = report(engine, *result) and ok
    print(
        f"\nthe server process {'stayed under' if ok else 'went OVER'} {LIMIT_MB} MB in every phase; children "
        "(render workers, their forkserver) are listed apart: their RSS shares pages, the PSS sum counts them once"
    )


if __name__ == "__main__":
    main()
