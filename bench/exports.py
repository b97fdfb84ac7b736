"""Exports on PostgreSQL: an entity with 10,000 documents and one with 100,000 to CSV and XLSX, the time each
takes and the server process's peak memory.

Seeds a fresh database with ``bench/seed_sql.py`` (real template documents made through the API, cloned in
SQL) into two entities of one account, ``seed(url, sizes=[10_000, 100_000])``: each entity's documents are
the templates' mix (domestic, OSS, USD, paid, unpaid, voided, credited with their credit notes, refunded, 1 in
10 a draft), dated 2025-01-01 .. 2026-11-29. An export takes that whole period; drafts are not exported, so
the rows are 9 in 10 of the documents (checked against a count in SQL).

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

from bench.seed_sql import FIRST_DAY, LAST_DAY, fresh_database, seed  # noqa: E402

PG = os.environ.get("FOLIO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
PERIOD = {"date_from": FIRST_DAY.isoformat(), "date_to": LAST_DAY.isoformat()}


def _sql(url: str, statement: str, *args: object) -> object:
    """``statement`` run on ``url``: the first value of its first row (with ``args``), else its status."""
    import asyncpg

    async def run() -> object:
        conn = await asyncpg.connect(url.replace("postgresql://", "postgres://", 1))
        try:
            return await conn.fetchval(statement, *args) if args else await conn.execute(statement)
        finally:
            await conn.close()

    return asyncio.run(run())


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


def run_export(url: str, key: str, entity_id: str, fmt: str) -> dict[str, float]:
    server = Served(url)
    try:
        client = httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {key}", "X-Entity-Id": entity_id}, timeout=120
        )
        idle = server.hwm_mb()
        started = time.perf_counter()
        r = client.post("/v1/exports", json={"type": "documents", "format": fmt, "filters": PERIOD})
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
    url = fresh_database(PG, name)
    try:
        t = time.perf_counter()
        seeded = seed(url, sizes=sizes)
        print(f"seeded {seeded.documents:,} documents in {time.perf_counter() - t:.1f} s", flush=True)
        rows = [
            _sql(url, "SELECT count(*) FROM documents WHERE entity_id = $1 AND status <> 'draft'", entity)
            for entity in seeded.entities
        ]
        heads = ("rows", "total s", "worker s", "idle MB", "peak MB", "file MB")
        print(f"{'documents':>10} {'format':>6} " + " ".join(f"{h:>9}" for h in heads))
        for fmt in args.formats.split(","):
            for n, entity_id, expected in zip(sizes, seeded.entities, rows, strict=True):
                m = run_export(url, seeded.account_key, entity_id, fmt)
                assert m["rows"] == expected, (m, expected)
                print(
                    f"{n:>10,} {fmt:>6} {m['rows']:>9,.0f} {m['seconds']:>9.2f} {m['worker_seconds']:>9.2f} "
                    f"{m['idle_mb']:>9.0f} {m['peak_mb']:>9.0f} {m['file_mb']:>9.1f}",
                    flush=True,
                )
    finally:
        _sql(PG, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
