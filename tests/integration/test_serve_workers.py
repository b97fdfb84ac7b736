"""``folio serve --workers N``: N server processes on one port (SO_REUSEPORT), PostgreSQL only.

Invoices issued concurrently over many connections, which the kernel spreads over both processes, all
succeed and take gapless, unique numbers; SIGTERM stops every process; when one process dies, the others
are stopped and ``folio serve`` exits non-zero; the processes share ``FOLIO_DATABASE_CONNECTIONS``. On
SQLite (one process per file) the option is refused before the database is touched."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from pathlib import Path

import asyncpg
import httpx

from tests.conftest import _free_port, drop_postgres_database, postgres_database, skip_unless_ci
from tests.integration.conftest import INVOICE
from tests.integration.test_cli_urls import _account_key, _answers, _env, _process, _wait_for, cli, serve_refused

ISSUES = 60


def _server_processes(pid: int) -> list[int]:
    """The ``folio serve`` worker processes among ``pid``'s children (not multiprocessing's helpers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


async def _issue_concurrently(url: str, key: str, entity: str, database_url: str) -> tuple[list[httpx.Response], int]:
    """``ISSUES`` invoices from 12 clients, each on connections of its own; and the most connections the
    database had from the server meanwhile (sampled every 20 ms)."""
    headers = {"Authorization": f"Bearer {key}", "X-Entity-Id": entity}
    queue = iter(range(ISSUES))
    responses: list[httpx.Response] = []
    done = asyncio.Event()
    peak = 0

    async def client() -> None:
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as api:
            for _ in queue:
                responses.append(await api.post("/v1/invoices", json=INVOICE))

    async def sample() -> None:
        nonlocal peak
        conn = await asyncpg.connect(database_url.replace("postgresql://", "postgres://", 1))
        try:
            while not done.is_set():
                count = await conn.fetchval(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                peak = max(peak, count)
                await asyncio.sleep(0.02)
        finally:
            await conn.close()

    sampler = asyncio.create_task(sample())
    await asyncio.gather(*(client() for _ in range(12)))
    done.set()
    await sampler
    return responses, peak


def test_workers_on_sqlite_are_refused(tmp_path):
    done = cli(_env(tmp_path), "serve", "--port", str(_free_port()), "--workers", "2")
    assert done.returncode != 0
    message = " ".join(done.stderr.split())
    assert "--workers" in message and "use PostgreSQL" in message, done.stderr
    assert not (tmp_path / "folio.db").exists()


def test_two_workers_issue_gapless_unique_numbers_and_stop_together(tmp_path):
    database_url = postgres_database()
    if database_url is None:
        skip_unless_ci("PostgreSQL is not reachable")
    try:
        # 10 connections for the deployment: 5 for each process, whatever the load
        env = {**_env(tmp_path), "FOLIO_DATABASE_URL": database_url, "FOLIO_DATABASE_CONNECTIONS": "10"}
        key = _account_key(env, "Workers")
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        log = tmp_path / "serve.log"
        with _process(["serve", "--port", str(port), "--workers", "2"], env, log) as process:
            _wait_for(process, log, lambda: _answers(url))
            workers = _server_processes(process.pid)
            assert len(workers) == 2, log.read_text()
            with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as api:
                entity = api.post("/v1/entities", json={"name": "Workers d.o.o.", "country": "SI"}).json()["id"]

            responses, connections = asyncio.run(_issue_concurrently(url, key, entity, database_url))

            assert [r.status_code for r in responses] == [201] * ISSUES, [r.text for r in responses[:3]]
            numbers = [r.json()["number"] for r in responses]
            assert len(set(numbers)) == ISSUES
            assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, ISSUES + 1))
            assert _server_processes(process.pid) == workers  # both still serving
            assert 2 <= connections <= 10

            process.terminate()
            assert process.wait(timeout=60) == 0, log.read_text()
            assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    finally:
        drop_postgres_database(database_url)


def test_when_one_worker_dies_the_others_stop_and_serve_exits_non_zero(tmp_path):
    database_url = postgres_database()
    if database_url is None:
        skip_unless_ci("PostgreSQL is not reachable")
    try:
        env = {**_env(tmp_path), "FOLIO_DATABASE_URL": database_url}
        port = _free_port()
        log = tmp_path / "serve.log"
        with _process(["serve", "--port", str(port), "--workers", "2"], env, log) as process:
            _wait_for(process, log, lambda: _answers(f"http://127.0.0.1:{port}"))
            first, second = _server_processes(process.pid)

            os.kill(first, signal.SIGKILL)

            assert process.wait(timeout=60) != 0
            assert "ended (exit code -9); stopped the others" in " ".join(log.read_text().split())
            assert not Path(f"/proc/{second}").exists()
    finally:
        drop_postgres_database(database_url)


def test_workers_on_a_port_another_folio_serve_shares_are_refused(tmp_path):
    """N processes bind with ``SO_REUSEPORT``, which a second ``folio serve --workers`` on the same port would
    share with the first: the kernel would split the traffic between two deployments. The port is checked
    first without it."""
    database_url = postgres_database()
    if database_url is None:
        skip_unless_ci("PostgreSQL is not reachable")
    try:
        with socket.socket() as running:  # as a process of a `folio serve --workers` running there binds it
            running.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            running.bind(("127.0.0.1", 0))
            running.listen()
            serve_refused(
                running.getsockname()[1], {**_env(tmp_path), "FOLIO_DATABASE_URL": database_url}, "--workers", "2"
            )
    finally:
        drop_postgres_database(database_url)
