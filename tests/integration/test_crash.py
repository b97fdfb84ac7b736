"""Load and crashes against real servers, on SQLite (a file database) and PostgreSQL.

* 50 clients issue at once, then replay their Idempotency-Keys at once (the session's uvicorn server):
  numbers 1…50, no hole, no duplicate, and every replay is the first answer byte for byte.
* Concurrent clients issue a few hundred invoices and the server is killed with SIGKILL in the middle
  (at a random point after ~100 answers). After a restart on the same database: numbering is gapless
  and unique, every invoice whose 201 arrived exists with that number and those bytes (its key replays
  it), nothing is half-written (every document has its lines and totals, the counter equals the count),
  and retrying the requests lost in the crash fills the sequence on without a hole.

The crash test starts its own ``folio serve`` process (``kill -9`` must hit a real process, not a thread)
on a database of its own, as a deployment runs it.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from invoicing.accounts.service import create_account
from invoicing.db import Database
from invoicing.db.migrate import upgrade
from invoicing.db.models import Document, NumberCounter
from tests.conftest import PG_URL, _free_port, drop_postgres_database, postgres_database, skip_unless_ci
from tests.integration.conftest import INVOICE

PREFIX = "K-"
LOAD = 300
CLIENTS = 12


@dataclass
class Folio:
    """A ``folio serve`` process on ``database_url``; ``start`` again after a kill to restart it."""

    database_url: str
    log: Path
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.port = _free_port()
        env = {
            **os.environ,
            "FOLIO_EMAIL_WORKER": "0",
            "FOLIO_VIES_URL": "http://127.0.0.1:9",
            "FOLIO_TOKEN_PURGE_SECONDS": "0",
            "FOLIO_VIES_RECHECK_SECONDS": "0",
        }
        env.pop("FOLIO_PUBLIC_URL", None)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "folio.cli", "serve", "--port", str(self.port), "--database", self.database_url],
                stdout=log,
                stderr=log,
                env=env,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60  # a stop for a hang, not a speed requirement
        while True:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                if httpx.get(f"{self.url}/v1/invoices", timeout=5).status_code == 401:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("folio serve did not start:\n" + self.log.read_text()[-3000:])
            time.sleep(0.1)

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        assert self.process.returncode == -signal.SIGKILL

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)


@contextmanager
def database(engine: str, tmp_path: Path) -> Iterator[str]:
    if engine == "sqlite":
        yield f"sqlite:///{tmp_path / 'crash.db'}"
        return
    url = postgres_database()
    if url is None:
        skip_unless_ci(f"PostgreSQL at {PG_URL} is not reachable")
    try:
        yield url
    finally:
        drop_postgres_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def folio(request, tmp_path) -> Iterator[Folio]:
    with database(request.param, tmp_path) as url:
        upgrade(url)
        process = Folio(url, tmp_path / "folio.log")
        process.start()
        try:
            yield process
        finally:
            process.stop()


@dataclass
class Seller:
    key: str
    entity_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}", "X-Entity-Id": self.entity_id}


def seller(folio: Folio) -> Seller:
    async def account():
        db = Database(folio.database_url)
        try:
            async with db.transaction() as session:
                _, keys = await create_account(session, "Crash platform")
                return keys["sandbox"]
        finally:
            await db.dispose()

    key = asyncio.run(account())
    with httpx.Client(base_url=folio.url, headers={"Authorization": f"Bearer {key}"}, timeout=60) as client:
        r = client.post(
            "/v1/entities",
            json={"name": "Crash d.o.o.", "country": "SI", "address": "Slovenska 1", "city": "Ljubljana",
                  "post_code": "1000", "settings": {"number_formats": {"invoice": PREFIX + "{n}"}}},
        )  # fmt: skip
        assert r.status_code == 201, r.text
        return Seller(key, r.json()["id"])


def body(key: str) -> dict:
    return {**INVOICE, "metadata": {"load_key": key}}


def seq(number: str) -> int:
    assert number.startswith(PREFIX), number
    return int(number[len(PREFIX) :])


def all_invoices(folio: Folio, s: Seller) -> list[dict]:
    out, cursor = [], None
    with httpx.Client(base_url=folio.url, headers=s.headers, timeout=60) as client:
        while True:
            params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            r = client.get("/v1/invoices", params=params)
            assert r.status_code == 200, r.text
            out += r.json()["data"]
            cursor = r.json()["next_cursor"]
            if not cursor:
                return out


def stored(folio: Folio, entity_id: str) -> tuple[list[Document], int]:
    """The entity's document rows and its invoice counter, read from the database itself."""

    async def run():
        db = Database(folio.database_url)
        try:
            async with db.transaction(write=False) as session:
                docs = list((await session.execute(select(Document).where(Document.entity_id == entity_id))).scalars())
                counter = await session.scalar(
                    select(func.coalesce(func.sum(NumberCounter.value), 0)).where(
                        NumberCounter.entity_id == entity_id, NumberCounter.doc_type == "invoice"
                    )
                )
                return docs, int(counter or 0)
        finally:
            await db.dispose()

    return asyncio.run(run())


def assert_whole_and_gapless(folio: Folio, s: Seller) -> list[dict]:
    invoices = all_invoices(folio, s)
    numbers = sorted(seq(i["number"]) for i in invoices)
    assert numbers == list(range(1, len(invoices) + 1)), "holes or duplicates in the numbering"
    docs, counter = stored(folio, s.entity_id)
    assert counter == len(docs) == len(invoices), "a number was taken without its document, or the reverse"
    for doc in docs:  # nothing half-written: every row is a whole issued invoice
        assert doc.status == "issued" and doc.number and doc.issued_at is not None, doc.id
        assert len(doc.items) == 1 and doc.items[0].name == INVOICE["items"][0]["name"], doc.id
        assert doc.total == Decimal("99.00") and doc.total_with_tax == Decimal("120.78"), doc.id
        assert doc.taxes and doc.metadata_.get("load_key"), doc.id
    keys = [i["metadata"]["load_key"] for i in invoices]
    assert len(keys) == len(set(keys)), "one Idempotency-Key made two invoices"
    return invoices


# -- 50-way concurrency ------------------------------------------------------------------------------------


def test_fifty_concurrent_issues_are_gapless_and_their_replays_byte_for_byte(server, tenant):
    """On the session's real uvicorn server (no process of its own needed)."""
    r = tenant.account.patch(
        f"/v1/entities/{tenant.entity_id}", json={"settings": {"number_formats": {"invoice": PREFIX + "{n}"}}}
    )
    assert r.status_code == 200, r.text
    s = Seller(tenant.sandbox_key, tenant.entity_id)
    here = Folio(server.database_url, Path(), port=int(server.url.rsplit(":", 1)[1]))

    async def burst(keys: list[str]) -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=50)
        async with httpx.AsyncClient(base_url=server.url, headers=s.headers, timeout=120, limits=limits) as client:
            return await asyncio.gather(
                *(client.post("/v1/invoices", json=body(k), headers={"Idempotency-Key": k}) for k in keys)
            )

    keys = [f"burst-{tenant.entity_id}-{n}" for n in range(50)]
    first = asyncio.run(burst(keys))
    assert [r.status_code for r in first] == [201] * 50, [r.text for r in first if r.status_code != 201][:3]
    assert sorted(seq(r.json()["number"]) for r in first) == list(range(1, 51))
    assert not any("idempotent-replayed" in r.headers for r in first)

    # every key twice more, all 100 at once, in another order: the stored bytes come back, nothing new is made
    again_keys = keys[::-1] + keys
    again = asyncio.run(burst(again_keys))
    by_key = dict(zip(keys, first, strict=True))
    for key, r in zip(again_keys, again, strict=True):
        assert r.status_code == 201 and r.headers["idempotent-replayed"] == "true"
        assert r.content == by_key[key].content, key
    invoices = assert_whole_and_gapless(here, s)
    assert len(invoices) == 50


# -- kill -9 in the middle of a load -------------------------------------------------------------------------


@dataclass
class Load:
    answered: dict[str, httpx.Response]
    lost: list[str]  # sent, and the connection died before an answer
    unsent: list[str]


def issue_until_killed(folio: Folio, s: Seller, kill_after: int) -> Load:
    keys = [f"load-{n}" for n in range(LOAD)]
    queue = list(reversed(keys))
    answered: dict[str, httpx.Response] = {}
    lost: list[str] = []
    killed = asyncio.Event()

    async def worker(client: httpx.AsyncClient) -> None:
        while queue and not killed.is_set():
            key = queue.pop()
            try:
                r = await client.post("/v1/invoices", json=body(key), headers={"Idempotency-Key": key})
            except httpx.TransportError:
                lost.append(key)
                return
            assert r.status_code == 201, r.text
            answered[key] = r
            if len(answered) >= kill_after and not killed.is_set():
                killed.set()
                await asyncio.to_thread(folio.kill)  # the other clients' requests are in flight right now

    async def run() -> None:
        limits = httpx.Limits(max_connections=CLIENTS)
        async with httpx.AsyncClient(base_url=folio.url, headers=s.headers, timeout=120, limits=limits) as client:
            await asyncio.gather(*(worker(client) for _ in range(CLIENTS)))

    asyncio.run(run())
    assert killed.is_set(), "the load finished before the kill"
    return Load(answered, lost, list(reversed(queue)))


def test_kill_9_in_the_middle_of_a_load_leaves_gapless_whole_invoices(folio):
    s = seller(folio)
    kill_after = random.randint(100, 150)
    load = issue_until_killed(folio, s, kill_after)
    assert len(load.answered) >= kill_after

    folio.start()  # the same database, a new process
    invoices = assert_whole_and_gapless(folio, s)
    by_id = {i["id"]: i for i in invoices}
    # every 201 that arrived is there with its number; those committed but unanswered are the only others
    for key, r in load.answered.items():
        sent = r.json()
        assert sent["id"] in by_id, key
        assert by_id[sent["id"]]["number"] == sent["number"]
        assert by_id[sent["id"]]["metadata"]["load_key"] == key
    extra = {i["metadata"]["load_key"] for i in invoices} - set(load.answered)
    assert extra <= set(load.lost), "an invoice exists for a request that was never sent"

    with httpx.Client(base_url=folio.url, headers=s.headers, timeout=60) as client:
        # answered keys replay their first answer byte for byte after the restart
        for key in random.sample(sorted(load.answered), 20):
            r = client.post("/v1/invoices", json=body(key), headers={"Idempotency-Key": key})
            assert r.status_code == 201 and r.headers["idempotent-replayed"] == "true"
            assert r.content == load.answered[key].content
        # the client retries what the crash lost: committed ones replay, the others are issued now
        for key in load.lost:
            r = client.post("/v1/invoices", json=body(key), headers={"Idempotency-Key": key})
            assert r.status_code == 201, r.text
            assert (r.headers.get("idempotent-replayed") == "true") == (key in extra), key
        # and the sequence carries on from where it stood, without a hole
        for key in load.unsent[:5]:
            assert client.post("/v1/invoices", json=body(key), headers={"Idempotency-Key": key}).status_code == 201
    after = assert_whole_and_gapless(folio, s)
    assert len(after) == len(load.answered) + len(load.lost) + min(5, len(load.unsent))
