"""The webhook delivery worker against a real local HTTP receiver, on SQLite and PostgreSQL.

Each engine gets a database of its own and an API server whose worker is off, so the worker under test
(:class:`WebhookWorker`, driven from the test with an injectable clock) is the only one delivering. The
receiver is a plain ``http.server`` that records every request; every signature is verified with
``standardwebhooks.Webhook(secret).verify``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text, update
from standardwebhooks import Webhook

from folio.server import create_server_app
from invoicing.config import Settings
from invoicing.core.ids import new_id
from invoicing.db import Database
from invoicing.db.migrate import upgrade
from invoicing.db.models import Event, WebhookDelivery, WebhookEndpoint
from invoicing.db.types import utcnow
from invoicing.events import on_events_committed
from invoicing.webhooks.delivery import (
    DISABLE_AFTER,
    KEEP,
    MAX_ATTEMPTS,
    MAX_PASS_SPACING,
    PASS_SPACING,
    RETRY_SCHEDULE,
    Outcome,
    WebhookWorker,
    _Pending,
    next_spacing,
)
from tests.conftest import Server, _free_port, drop_postgres_database, postgres_database, running, start_server
from tests.integration.conftest import INVOICE, assert_problem, make_account, make_entity

# -- the receiver ------------------------------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    fail_first: dict[str, int] = field(default_factory=dict)
    """path → how many requests to answer 500 before answering 200"""
    gate: threading.Event = field(default_factory=threading.Event)
    """``/slow`` requests wait for it"""
    seen: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)
    active: int = 0
    """``/busy`` requests being answered now"""
    most_active: int = 0

    def at(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.path == path]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet
            pass

        def do_POST(self):
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            if len(body) < length:  # the sender died mid-request (the crash test): no request, as for any server
                return
            path = self.path.split("?")[0]
            with receiver.lock:
                receiver.requests.append(Received(path, {k.lower(): v for k, v in self.headers.items()}, body))
                receiver.seen[path] += 1
                n = receiver.seen[path]
            if path.startswith("/slow"):
                receiver.gate.wait(60)
            if path.startswith("/busy"):  # held a moment, so that requests sent together overlap here
                with receiver.lock:
                    receiver.active += 1
                    receiver.most_active = max(receiver.most_active, receiver.active)
                time.sleep(0.05)
                with receiver.lock:
                    receiver.active -= 1
            if path.startswith("/huge"):  # a 200 whose body never ends
                self.send_response(200)
                self.send_header("content-type", "text/plain")
                self.end_headers()
                try:
                    while True:
                        self.wfile.write(b"x" * 65536)
                except OSError:
                    return
            if path.startswith("/hang"):  # a 200 that sends a little and never closes
                self.send_response(200)
                self.send_header("content-length", "1000000")
                self.end_headers()
                self.wfile.write(b"partial")
                self.wfile.flush()
                receiver.gate.wait(60)
                return
            status = 500 if n <= receiver.fail_first.get(path, 0) else 200
            answer = f"attempt {n}: {status}".encode()
            self.send_response(status)
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    return Handler


@pytest.fixture
def receiver():
    port = _free_port()
    rec = Receiver(f"http://127.0.0.1:{port}")
    httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(rec))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield rec
    rec.gate.set()
    httpd.shutdown()
    httpd.server_close()


# -- a database and API server of this module's own ---------------------------------------------------


@pytest.fixture(scope="module")
def hooks(server, tmp_path_factory):
    """A database of its own on ``server``'s engine and an API server on it with its webhook worker off."""
    if server.engine == "sqlite":
        database_url = f"sqlite:///{tmp_path_factory.mktemp('hooks') / 'folio.db'}"
    else:
        database_url = postgres_database()
        assert database_url is not None
    upgrade(database_url)
    settings = copy.deepcopy(server.settings)
    settings.database.url = database_url
    settings.webhook_delivery.worker = False
    port = _free_port()
    settings.public_url = f"http://127.0.0.1:{port}"
    srv, thread = start_server(create_server_app(settings), port)
    yield Server(url=settings.public_url, database_url=database_url, engine=server.engine, settings=settings)
    srv.should_exit = True
    thread.join(timeout=10)
    if server.engine == "postgresql":
        drop_postgres_database(database_url)


@dataclass
class Platform:
    account_id: str
    key: str
    entity_id: str
    other_entity_id: str
    server: Server

    def account(self):
        return self.server.client(self.key)

    def api(self, entity_id: str | None = None):
        return self.server.client(self.key, entity_id or self.entity_id)


@pytest.fixture
def platform(hooks) -> Platform:
    account_id, keys = make_account(hooks)
    account = hooks.client(keys["sandbox"])
    one, two = make_entity(account), make_entity(account)
    return Platform(account_id, keys["sandbox"], one["id"], two["id"], hooks)


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def run(coro):
    return asyncio.run(coro)


def add_endpoint(platform: Platform, url: str, *, events=("*",), entity_ids=None) -> WebhookEndpoint:
    """An endpoint row as the endpoints API writes it (its API is tested in test_webhook_endpoints.py)."""
    endpoint = WebhookEndpoint(
        id=new_id("webhook"),
        account_id=platform.account_id,
        environment="sandbox",
        url=url,
        description=None,
        events=list(events),
        entity_ids=entity_ids,
        enabled=True,
        secret="whsec_" + base64.b64encode(os.urandom(24)).decode(),
    )

    async def go():
        db = Database(platform.server.database_url)
        try:
            async with db.transaction() as session:
                session.add(endpoint)
        finally:
            await db.dispose()

    run(go())
    return endpoint


async def _with_worker(database_url: str, job, **kw):
    db = Database(database_url)
    worker = WebhookWorker(db, Settings().webhook_delivery, allow_private=kw.pop("allow_private", True), **kw)
    try:
        return await job(worker)
    finally:
        await worker.close()
        await db.dispose()


def drain(platform: Platform, clock: Clock | None = None, **kw) -> None:
    """Passes of a worker until nothing is due (at ``clock``'s time)."""
    if clock is not None:
        kw["clock"] = clock
    run(_with_worker(platform.server.database_url, lambda w: w.drain(), **kw))


def issue(platform: Platform, entity_id: str | None = None) -> dict:
    r = platform.api(entity_id).post("/v1/invoices", json=INVOICE)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "issued"
    return r.json()


def verify(endpoint: WebhookEndpoint, request: Received) -> dict:
    """The body, after ``standardwebhooks`` has verified the request's signature."""
    return Webhook(endpoint.secret).verify(request.body, request.headers)


def deliveries(platform: Platform, endpoint: WebhookEndpoint, **params) -> list[dict]:
    r = platform.account().get(f"/v1/webhook-endpoints/{endpoint.id}/deliveries", params=params)
    assert r.status_code == 200, r.text
    return r.json()["data"]


# -- tests -------------------------------------------------------------------------------------------


def test_an_issued_invoice_arrives_signed(platform, receiver):
    endpoint = add_endpoint(platform, f"{receiver.url}/ok")
    invoice = issue(platform)
    drain(platform)
    issued = [r for r in receiver.at("/ok") if json.loads(r.body)["type"] == "invoice.issued"]
    assert len(issued) == 1
    request = issued[0]
    body = verify(endpoint, request)
    assert request.headers["webhook-id"] == body["id"] and body["id"].startswith("evt_")
    assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 300
    assert request.headers["content-type"] == "application/json"
    assert body["entity_id"] == platform.entity_id
    assert body["data"]["object"] == invoice  # the invoice as the API answered it, whatever the engine's JSON text
    assert list(json.loads(request.body)) == ["created_at", "data", "entity_id", "id", "type"]
    log = deliveries(platform, endpoint, event_id=body["id"])
    assert [(d["attempt"], d["status"], d["response_status"], d["event_type"]) for d in log] == [
        (1, "succeeded", 200, "invoice.issued")
    ]
    assert log[0]["response_body"] == "attempt 1: 200" or log[0]["response_body"].endswith(": 200")
    assert log[0]["duration_ms"] >= 0 and log[0]["attempted_at"] and log[0]["next_attempt_at"] is None


def test_failures_are_retried_with_the_same_body_and_id(platform, receiver):
    endpoint = add_endpoint(platform, f"{receiver.url}/flaky", events=["invoice.issued"])
    receiver.fail_first["/flaky"] = 2
    issue(platform)
    clock = Clock()
    drain(platform, clock)
    assert len(receiver.at("/flaky")) == 1  # the retry is not due yet
    for delay in RETRY_SCHEDULE[:2]:
        clock.advance(delay * 1.2)  # past the delay, whatever the jitter
        drain(platform, clock)
    attempts = receiver.at("/flaky")
    assert len(attempts) == 3
    assert len({a.body for a in attempts}) == 1 and len({a.headers["webhook-id"] for a in attempts}) == 1
    for a in attempts:
        verify(endpoint, a)
    log = deliveries(platform, endpoint)
    assert [(d["attempt"], d["status"], d["response_status"]) for d in log] == [
        (3, "succeeded", 200),
        (2, "failed", 500),
        (1, "failed", 500),
    ]
    first, second = log[2], log[1]
    assert first["response_body"] == "attempt 1: 500" and first["error"] == "HTTP 500"
    gap = datetime.fromisoformat(first["next_attempt_at"]) - datetime.fromisoformat(first["attempted_at"])
    assert RETRY_SCHEDULE[0] * 0.9 <= gap <= RETRY_SCHEDULE[0] * 1.1
    assert datetime.fromisoformat(second["next_attempt_at"]) > datetime.fromisoformat(second["attempted_at"])
    assert sum((d.total_seconds() for d in RETRY_SCHEDULE[:2]), 0.0) * 1.1 < 60  # three attempts within a minute
    assert sum(d.total_seconds() for d in RETRY_SCHEDULE) * 0.9 >= 24 * 3600  # retried for at least 24 hours


def test_the_last_attempt_failing_fails_the_delivery_and_three_days_disable_the_endpoint(platform, receiver):
    endpoint = add_endpoint(platform, f"{receiver.url}/down", events=["invoice.issued"])
    receiver.fail_first["/down"] = 10**6
    issue(platform)
    clock = Clock()
    drain(platform, clock)
    for delay in RETRY_SCHEDULE:
        clock.advance(delay * 1.2)
        drain(platform, clock)
    log = deliveries(platform, endpoint, limit=100)
    assert [d["attempt"] for d in log] == list(range(MAX_ATTEMPTS, 0, -1))
    assert all(d["status"] == "failed" for d in log) and log[0]["next_attempt_at"] is None
    assert len(receiver.at("/down")) == MAX_ATTEMPTS
    assert clock.now - utcnow() < DISABLE_AFTER  # failing ~1.5 days: still enabled

    issue(platform)
    clock.advance(DISABLE_AFTER)
    drain(platform, clock)  # a failure more than 3 days after the first one without a success

    async def read():
        db = Database(platform.server.database_url)
        try:
            async with db.transaction(write=False) as session:
                found = await session.execute(
                    select(Event.type).where(Event.object_id == endpoint.id, Event.type == "webhook_endpoint.disabled")
                )
                return await session.get(WebhookEndpoint, endpoint.id), found.scalars().all()
        finally:
            await db.dispose()

    row, recorded = run(read())
    assert row is not None and row.enabled is False and "no successful delivery" in (row.disabled_reason or "")
    assert recorded == ["webhook_endpoint.disabled"]
    before = len(receiver.at("/down"))
    issue(platform)
    clock.advance(timedelta(days=1))
    drain(platform, clock)
    assert len(receiver.at("/down")) == before  # a disabled endpoint is sent nothing


def test_a_success_resets_the_failing_clock(platform, receiver):
    endpoint = add_endpoint(platform, f"{receiver.url}/blink", events=["invoice.issued"])
    receiver.fail_first["/blink"] = 1
    issue(platform)
    clock = Clock()
    drain(platform, clock)
    clock.advance(RETRY_SCHEDULE[0] * 1.2)
    drain(platform, clock)
    clock.advance(DISABLE_AFTER * 2)
    receiver.fail_first["/blink"] = 10**6
    issue(platform)
    drain(platform, clock)  # a failure, but the last success was recent in the endpoint's terms: failing_since now

    async def read():
        db = Database(platform.server.database_url)
        try:
            async with db.transaction(write=False) as session:
                return await session.get(WebhookEndpoint, endpoint.id)
        finally:
            await db.dispose()

    row = run(read())
    assert row is not None and row.enabled and row.failing_since == clock.now and row.last_success_at is not None


def test_outcomes_written_together_each_get_their_row(platform, receiver):
    """Many attempts in flight at once (their outcomes written in batches, one statement per batch): every
    attempt has its own row, the failures their retries, and each endpoint its state."""
    ok = add_endpoint(platform, f"{receiver.url}/many-ok", events=["invoice.issued"])
    down = add_endpoint(platform, f"{receiver.url}/many-down", events=["invoice.issued"])
    receiver.fail_first["/many-down"] = 10**6
    for _ in range(12):
        issue(platform)
    clock = Clock()
    drain(platform, clock)
    good = deliveries(platform, ok, limit=100)
    assert len(good) == 12 and len({d["event_id"] for d in good}) == 12
    assert all((d["attempt"], d["status"], d["response_status"]) == (1, "succeeded", 200) for d in good)
    assert all(d["attempted_at"] and d["response_body"].endswith(": 200") for d in good)
    bad = deliveries(platform, down, limit=100)
    firsts = [d for d in bad if d["attempt"] == 1]
    retries = [d for d in bad if d["attempt"] == 2]
    assert len(firsts) == 12 and len(retries) == 12 and len(bad) == 24
    assert all((d["status"], d["response_status"], d["error"]) == ("failed", 500, "HTTP 500") for d in firsts)
    assert all(d["status"] == "pending" and d["attempted_at"] is None for d in retries)
    assert {d["event_id"] for d in retries} == {d["event_id"] for d in firsts} == {d["event_id"] for d in good}
    assert len(receiver.at("/many-ok")) == 12 and len(receiver.at("/many-down")) == 12

    async def read():
        db = Database(platform.server.database_url)
        try:
            async with db.transaction(write=False) as session:
                return await session.get(WebhookEndpoint, ok.id), await session.get(WebhookEndpoint, down.id)
        finally:
            await db.dispose()

    fine, failing = run(read())
    assert fine.last_success_at == clock.now and fine.failing_since is None
    assert failing.failing_since == clock.now and failing.last_success_at is None and failing.enabled


def test_entity_ids_and_event_types_filter(platform, receiver):
    only_first = add_endpoint(platform, f"{receiver.url}/first", entity_ids=[platform.entity_id])
    paid_only = add_endpoint(platform, f"{receiver.url}/paid", events=["invoice.paid"])
    mine = issue(platform)
    other = issue(platform, platform.other_entity_id)
    drain(platform)
    bodies = [verify(only_first, r) for r in receiver.at("/first")]
    assert bodies and {b["entity_id"] for b in bodies} == {platform.entity_id}
    assert mine["number"] in b"".join(r.body for r in receiver.at("/first")).decode()
    assert other["id"] not in b"".join(r.body for r in receiver.at("/first")).decode()
    assert receiver.at("/paid") == [] and deliveries(platform, paid_only) == []


def test_a_dead_endpoint_does_not_delay_a_healthy_one(platform, receiver):
    add_endpoint(platform, f"{receiver.url}/slow", events=["invoice.issued"])
    healthy = add_endpoint(platform, f"{receiver.url}/ok", events=["invoice.issued"])
    for _ in range(6):
        issue(platform)

    async def job(worker: WebhookWorker):
        task = asyncio.create_task(worker.run())
        try:
            for _ in range(600):  # stops a hang (60 s); no speed is asserted
                # the slow endpoint's first request may reach the receiver after the healthy ones are done
                if len(receiver.at("/ok")) >= 6 and receiver.at("/slow"):
                    break
                await asyncio.sleep(0.1)
            # every healthy delivery made it while the slow receiver still holds its requests
            assert len(receiver.at("/ok")) == 6
            assert not receiver.gate.is_set()
            assert 1 <= len(receiver.at("/slow")) <= worker.settings.concurrency
        finally:
            receiver.gate.set()
            task.cancel()

    settings = copy.deepcopy(Settings().webhook_delivery)
    settings.poll_seconds, settings.timeout = 0.05, 30
    run(_with_worker_settings(platform.server.database_url, settings, job))
    for request in receiver.at("/ok"):
        verify(healthy, request)


async def _with_worker_settings(database_url: str, settings, job):
    db = Database(database_url)
    worker = WebhookWorker(db, settings, allow_private=True)
    try:
        return await job(worker)
    finally:
        await worker.close()
        await db.dispose()


def test_one_pass_takes_an_endpoints_backlog_and_keeps_its_bound(platform, receiver):
    """One pass takes every new attempt of an endpoint, beyond its ``concurrency``: the attempts past its free
    slots wait in this process and go as slots free (no pass per slot), never more than ``concurrency`` at a
    time."""
    endpoint = add_endpoint(platform, f"{receiver.url}/busy", events=["invoice.issued"])
    for _ in range(7):
        issue(platform)
    settings = copy.deepcopy(Settings().webhook_delivery)
    settings.concurrency = 2

    async def one_pass(worker: WebhookWorker):
        counted = utcnow()
        async with worker.db.transaction(write=False) as session:
            waiting = await session.scalar(select(func.count()).where(Event.processed_at.is_(None)))
        started = utcnow()
        found = await worker.run_once()  # and waits for every attempt it started, the queued ones too
        assert worker.in_flight == {} and worker.queued == {}
        async with worker.db.transaction(write=False) as session:  # earlier tests' retries that were due
            claimed = await session.scalar(
                select(func.count()).where(
                    WebhookDelivery.created_at < started, WebhookDelivery.attempted_at >= started
                )
            )
            # and events the server's own jobs wrote meanwhile (an earlier test's recurring invoice)
            arrived = await session.scalar(select(func.count()).where(Event.created_at >= counted))
        # each event counted once, though its attempt started with it (the figure the pass spacing grows by),
        # and each attempt claimed: counted twice, the 7 attempts started with their events would add 7 more
        # (a bound, not an equality: in the full suite, earlier tests' retries come due and the server's jobs
        # write events on this database while the pass runs, so the exact count is not predictable here)
        assert 7 <= found <= waiting + claimed + arrived, (found, waiting, claimed, arrived)
        assert arrived < 7  # else the bound would not catch the double count

    run(_with_worker_settings(platform.server.database_url, settings, one_pass))
    assert 1 <= receiver.most_active <= 2
    log = deliveries(platform, endpoint)
    assert len(log) == 7 and all(d["status"] == "succeeded" for d in log)
    assert len({verify(endpoint, r)["id"] for r in receiver.at("/busy")}) == 7


def test_passes_are_spaced_more_the_more_they_find():
    assert next_spacing(0) == PASS_SPACING
    assert PASS_SPACING < next_spacing(5) < next_spacing(20) < MAX_PASS_SPACING
    assert next_spacing(10_000) == MAX_PASS_SPACING <= 0.2  # the most a delivery waits for its pass


def test_huge_and_never_ending_answers_are_bounded(platform, receiver):
    huge = add_endpoint(platform, f"{receiver.url}/huge", events=["invoice.issued"])
    hang = add_endpoint(platform, f"{receiver.url}/hang", events=["invoice.issued"])
    issue(platform)
    settings = copy.deepcopy(Settings().webhook_delivery)
    settings.timeout = 1
    run(_with_worker_settings(platform.server.database_url, settings, lambda w: w.drain()))
    [big] = deliveries(platform, huge)
    assert big["status"] == "succeeded" and big["response_status"] == 200
    assert big["response_body"] == "x" * KEEP
    [slow] = deliveries(platform, hang)
    assert slow["response_status"] == 200 and slow["response_body"] == ""
    assert "not read" in slow["error"]


def test_private_addresses_are_refused_at_delivery_unless_allowed(platform, receiver):
    endpoint = add_endpoint(platform, f"{receiver.url}/ok", events=["invoice.issued"])
    issue(platform)
    drain(platform, allow_private=False)
    retry, attempt = deliveries(platform, endpoint)
    assert (retry["attempt"], retry["status"]) == (2, "pending")  # DNS may change: retried like any failure
    assert attempt["status"] == "failed" and attempt["response_status"] is None
    assert "public address" in attempt["error"] and receiver.at("/ok") == []


def test_redeliver(platform, receiver):
    one = add_endpoint(platform, f"{receiver.url}/one", events=["invoice.issued"])
    two = add_endpoint(platform, f"{receiver.url}/two", events=["*"])
    issue(platform)
    drain(platform)
    [request] = receiver.at("/one")
    event_id = request.headers["webhook-id"]
    account = platform.account()
    r = account.post(f"/v1/events/{event_id}/redeliver", json={"endpoint_id": one.id})
    assert r.status_code == 202, r.text
    [created] = r.json()["data"]
    assert (created["endpoint_id"], created["event_id"], created["status"]) == (one.id, event_id, "pending")
    r = account.post(f"/v1/events/{event_id}/redeliver")
    assert r.status_code == 202, r.text
    assert sorted(d["endpoint_id"] for d in r.json()["data"]) == sorted([one.id, two.id])
    drain(platform)
    again = receiver.at("/one")
    assert len(again) == 3 and len({a.body for a in again}) == 1
    assert all(verify(one, a)["id"] == event_id for a in again)
    assert len([a for a in receiver.at("/two") if a.headers["webhook-id"] == event_id]) == 2

    assert_problem(account.post("/v1/events/evt_nothing/redeliver"), 404)
    body = assert_problem(account.post(f"/v1/events/{event_id}/redeliver", json={"endpoint_id": "whk_x"}), 422)
    assert body["errors"][0]["field"] == "endpoint_id"
    stranger = make_account(platform.server)[1]["sandbox"]
    with platform.server.client(stranger) as other:
        assert_problem(other.post(f"/v1/events/{event_id}/redeliver"), 404)
        assert_problem(other.get(f"/v1/webhook-endpoints/{one.id}/deliveries"), 404)


def test_the_delivery_log_pages_newest_first(platform, receiver):
    endpoint = add_endpoint(platform, f"{receiver.url}/ok", events=["invoice.issued"])
    for _ in range(3):
        issue(platform)
    drain(platform)
    account = platform.account()
    first = account.get(f"/v1/webhook-endpoints/{endpoint.id}/deliveries", params={"limit": 2}).json()
    assert len(first["data"]) == 2 and first["next_cursor"]
    rest = account.get(
        f"/v1/webhook-endpoints/{endpoint.id}/deliveries", params={"limit": 2, "cursor": first["next_cursor"]}
    ).json()
    ids = [d["id"] for d in first["data"] + rest["data"]]
    assert len(ids) == 3 and ids == sorted(ids, reverse=True) and rest["next_cursor"] is None
    bad = account.get(f"/v1/webhook-endpoints/{endpoint.id}/deliveries", params={"cursor": "nope"})
    assert assert_problem(bad, 422)["errors"][0]["field"] == "cursor"
    assert_problem(account.get("/v1/webhook-endpoints/whk_none/deliveries"), 404)


def test_a_claimed_attempt_whose_worker_died_is_due_again_after_its_lease(platform, receiver):
    endpoint = add_endpoint(platform, f"{receiver.url}/ok", events=["invoice.issued"])
    issue(platform)
    clock = Clock()

    async def claim_and_die(worker: WebhookWorker):
        await worker.run_once(wait=False)  # fan out, claim, start the attempt ...
        for task in list(worker.tasks):
            task.cancel()  # ... and die before it is recorded

    run(_with_worker(platform.server.database_url, claim_and_die, clock=clock))
    pending = [d for d in deliveries(platform, endpoint) if d["status"] == "pending"]
    assert len(pending) == 1  # claimed, not recorded
    drain(platform, clock)  # the lease has not run out: nobody takes it
    assert [d["status"] for d in deliveries(platform, endpoint)] == ["pending"]
    clock.advance(timedelta(minutes=2))
    drain(platform, clock)
    assert [d["status"] for d in deliveries(platform, endpoint)] == ["succeeded"]
    assert receiver.at("/ok")


def test_outcomes_that_cannot_be_written_leave_their_attempts_due_after_the_lease(platform, receiver, caplog):
    """An attempt does not wait for its outcome to be written; when the recorder's batch fails (the database
    away for a moment), the failure is logged and the attempt, still claimed, is sent again once its lease
    ends: at least once, nothing lost."""
    endpoint = add_endpoint(platform, f"{receiver.url}/ok", events=["invoice.issued"])
    issue(platform)
    clock = Clock()

    async def database_away_at_recording(worker: WebhookWorker):
        async def fail(batch):
            raise ConnectionError("the database went away")

        worker._write = fail  # type: ignore[method-assign]
        await worker.run_once()  # sent, and waited for the recorder

    with caplog.at_level("ERROR", logger="folio.webhooks"):
        run(_with_worker(platform.server.database_url, database_away_at_recording, clock=clock))
    assert len(receiver.at("/ok")) == 1
    assert "writing the outcomes of 1 webhook attempts failed" in caplog.text
    assert [(d["status"], d["attempted_at"]) for d in deliveries(platform, endpoint)] == [("pending", None)]
    drain(platform, clock)  # the lease has not run out: nobody takes it
    assert len(receiver.at("/ok")) == 1
    clock.advance(timedelta(minutes=2))
    drain(platform, clock)
    assert [d["status"] for d in deliveries(platform, endpoint)] == ["succeeded"]
    sent = receiver.at("/ok")
    assert len(sent) == 2 and sent[0].headers["webhook-id"] == sent[1].headers["webhook-id"]
    assert sent[0].body == sent[1].body


def test_a_late_outcome_of_an_attempt_recorded_already_changes_nothing(platform, receiver):
    """Two workers may both send an attempt whose lease ran out; the outcome recorded first stands: a later
    success does not overwrite it, a later failure neither overwrites it nor schedules a retry."""
    endpoint = add_endpoint(platform, f"{receiver.url}/ok", events=["invoice.issued"])
    issue(platform)
    drain(platform)
    [first] = deliveries(platform, endpoint)
    assert (first["status"], first["response_status"]) == ("succeeded", 200)

    async def late(worker: WebhookWorker):
        late_success = _Pending(first["id"], endpoint.id, Outcome(204, "late", None, 7), False)
        late_failure = _Pending(first["id"], endpoint.id, Outcome(500, "late", "HTTP 500", 7), False)
        await worker._write([late_success])
        await worker._write([late_failure])

    run(_with_worker(platform.server.database_url, late))
    assert deliveries(platform, endpoint) == [first]


def test_two_outcomes_of_one_attempt_in_one_batch_record_the_first(platform, receiver):
    """An attempt sent twice (its lease ran out while it was in flight) may have both outcomes in one batch: the
    first stands, and a failure after a success schedules no retry (the batch's rows are read before it writes,
    so the recorder drops an attempt's later outcomes itself)."""
    endpoint = add_endpoint(platform, f"{receiver.url}/ok", events=["invoice.issued"])
    issue(platform)
    clock = Clock()

    async def claim_and_die(worker: WebhookWorker):
        await worker.run_once(wait=False)
        for task in list(worker.tasks):
            task.cancel()

    run(_with_worker(platform.server.database_url, claim_and_die, clock=clock))
    [pending] = deliveries(platform, endpoint)

    async def twice(worker: WebhookWorker):
        failure = _Pending(pending["id"], endpoint.id, Outcome(503, "busy", "HTTP 503", 9), False)
        success = _Pending(pending["id"], endpoint.id, Outcome(200, "fine", None, 4), False)
        await worker._write([success, failure])

    run(_with_worker(platform.server.database_url, twice, clock=clock))
    rows = deliveries(platform, endpoint)  # no retry either
    assert [(d["attempt"], d["status"], d["response_status"], d["response_body"]) for d in rows] == [
        (1, "succeeded", 200, "fine")
    ]


def test_fan_out_never_doubles_with_several_workers(platform, receiver):
    endpoint = add_endpoint(platform, f"{receiver.url}/ok", events=["invoice.issued"])
    for _ in range(10):
        issue(platform)

    async def many(_: WebhookWorker):
        dbs = [Database(platform.server.database_url) for _ in range(3)]
        workers = [WebhookWorker(db, Settings().webhook_delivery, allow_private=True) for db in dbs]
        try:
            await asyncio.gather(*(w.drain() for w in workers))
        finally:
            for w, db in zip(workers, dbs, strict=True):
                await w.close()
                await db.dispose()

    run(_with_worker(platform.server.database_url, many))
    log = deliveries(platform, endpoint, limit=100)
    assert len(log) == 10 and len({d["event_id"] for d in log}) == 10
    assert all(d["status"] == "succeeded" for d in log)
    assert len({r.headers["webhook-id"] for r in receiver.at("/ok")}) == 10


def test_every_server_process_runs_the_worker(server, receiver):
    """The shared test server runs the worker in its lifespan: an endpoint made through the API gets its test
    event and an issued invoice, both signed with the secret the API showed once."""
    _, keys = make_account(server)
    account = server.client(keys["sandbox"])
    entity = make_entity(account)
    r = account.post("/v1/webhook-endpoints", json={"url": f"{receiver.url}/live", "events": ["invoice.issued"]})
    assert r.status_code == 201, r.text
    endpoint, secret = r.json()["id"], r.json()["secret"]
    assert account.post(f"/v1/webhook-endpoints/{endpoint}/test").status_code in (200, 201, 202)
    invoice = server.client(keys["sandbox"], entity["id"]).post("/v1/invoices", json=INVOICE).json()
    for _ in range(300):  # stops a hang (30 s); no speed is asserted
        if len(receiver.at("/live")) >= 2:
            break
        time.sleep(0.1)
    bodies = [Webhook(secret).verify(r.body, r.headers) for r in receiver.at("/live")]
    assert sorted(b["type"] for b in bodies) == ["invoice.issued", "webhook.test"]
    assert invoice["number"] in json.dumps(bodies)
    for _ in range(300):  # an outcome is written after its answer (a busy worker's, a pass spacing later)
        log = account.get(f"/v1/webhook-endpoints/{endpoint}/deliveries").json()["data"]
        if all(d["status"] != "pending" for d in log):
            break
        time.sleep(0.1)
    assert sorted((d["event_type"], d["status"]) for d in log) == [
        ("invoice.issued", "succeeded"),
        ("webhook.test", "succeeded"),
    ]


def _serve(database_url: str, port: int, log_path) -> subprocess.Popen:
    """``folio serve`` on ``database_url`` in a process of its own (not waited for)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLIO_")}
    env.update(
        FOLIO_DATABASE_URL=database_url,
        FOLIO_ENV="development",
        FOLIO_WEBHOOK_TIMEOUT="1",
        FOLIO_WEBHOOK_LEASE_SECONDS="5",
        FOLIO_WEBHOOK_POLL_SECONDS="0.2",
        FOLIO_RENDER_WORKERS="1",
    )
    with open(log_path, "a") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "folio.cli", "serve", "--port", str(port)],
            cwd=Path(__file__).resolve().parents[2],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _up(process: subprocess.Popen, port: int, log_path) -> None:
    for _ in range(1200):  # stops a hang (120 s)
        assert process.poll() is None, Path(log_path).read_text()
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise AssertionError(f"folio serve did not start:\n{Path(log_path).read_text()}")


def _kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def test_nothing_is_lost_when_the_delivering_server_is_killed(platform, receiver, tmp_path):
    """A few hundred invoices are issued while the process delivering them (``folio serve``) is killed with
    SIGKILL twice and started again: every ``invoice.issued`` of the subscribed entity arrives at least once,
    signed, with the same body on every retry of a ``webhook-id``, and nothing of the other entity arrives.
    On PostgreSQL (where several processes share the work) only: three ``folio serve`` starts cost a minute
    or two, and the claiming code is the same on SQLite (one process), where the other tests run it."""
    if platform.server.engine != "postgresql":
        pytest.skip("the crash test runs on PostgreSQL")
    endpoint = add_endpoint(
        platform, f"{receiver.url}/crash", events=["invoice.issued"], entity_ids=[platform.entity_id]
    )
    receiver.fail_first["/crash"] = 3  # a few retries in the mix too
    port, log = _free_port(), tmp_path / "serve.log"
    process = _serve(platform.server.database_url, port, log)
    _up(process, port, log)
    numbers: set[str] = set()

    def arrived() -> set[str]:
        found = set()
        for request in receiver.at("/crash"):
            data = json.loads(request.body)["data"]
            found.add((data.get("object") or data)["number"])
        return found

    try:
        with platform.api() as mine, platform.api(platform.other_entity_id) as other:
            for i in range(200):
                client = other if i % 4 == 3 else mine
                r = client.post("/v1/invoices", json=INVOICE)
                assert r.status_code == 201, r.text
                if client is mine:
                    numbers.add(r.json()["number"])
                if i == 70:  # killed mid-delivery; issuing goes on while it starts again
                    _kill(process)
                    process = _serve(platform.server.database_url, port, log)
        _up(process, port, log)
        for _ in range(300):  # stops a hang (30 s): the restarted process delivers some before it dies too
            if len(arrived()) > 100:
                break
            time.sleep(0.1)
        _kill(process)
        process = _serve(platform.server.database_url, port, log)
        _up(process, port, log)
        for _ in range(1200):  # stops a hang (120 s); no speed is asserted
            if numbers <= arrived():
                break
            time.sleep(0.1)
    finally:
        _kill(process)
    assert numbers <= arrived(), sorted(numbers - arrived())[:10]
    by_id: dict[str, set[bytes]] = defaultdict(set)
    for request in receiver.at("/crash"):
        body = verify(endpoint, request)
        assert body["entity_id"] == platform.entity_id and body["type"] == "invoice.issued"
        by_id[request.headers["webhook-id"]].add(request.body)
    assert all(len(bodies) == 1 for bodies in by_id.values())
    assert len(by_id) == len(numbers)


def test_a_commit_that_wrote_events_calls_its_databases_listeners(platform):
    """:func:`on_events_committed`: called after a commit that wrote events (by ``emit`` in a request, in the
    server's thread, or as ORM rows), not after one without events, a rollback, or a commit to another database."""
    calls: list[str] = []
    url = Database(platform.server.database_url).writer.url
    stop = on_events_committed(url, lambda: calls.append(threading.current_thread().name))
    other = on_events_committed(url.set(database=f"{url.database}-other"), lambda: calls.append("other database"))
    try:
        issue(platform)  # the API server commits in a thread of its own
        assert len(calls) == 1 and calls[0] != threading.current_thread().name

        def row() -> Event:
            return Event(
                id=new_id("event"),
                account_id=platform.account_id,
                environment="sandbox",
                entity_id=None,
                type="entity.updated",
                object_id=platform.entity_id,
                actor=None,
                data={},
            )

        async def writes():
            db = Database(platform.server.database_url)
            try:
                async with db.transaction() as session:
                    session.add(row())
                assert len(calls) == 2
                async with db.transaction() as session:
                    await session.get(WebhookEndpoint, "whk_none")
                with contextlib.suppress(RuntimeError):
                    async with db.transaction() as session:
                        session.add(row())
                        await session.flush()
                        raise RuntimeError("rolled back")
                assert len(calls) == 2
            finally:
                await db.dispose()

        run(writes())
        stop()
        issue(platform)
        assert len(calls) == 2 and "other database" not in calls
    finally:
        stop()
        other()


def test_an_event_written_in_this_process_is_delivered_without_waiting_for_the_poll(platform, receiver):
    """A server whose worker polls once an hour still delivers an issued invoice: the commit that wrote the event
    woke the worker. (Without the wake the invoice would wait for the hour: the loop below would give up.)"""
    settings = copy.deepcopy(platform.server.settings)
    settings.webhook_delivery.worker = True
    settings.webhook_delivery.poll_seconds = 3600
    settings.webhook_delivery.allow_private = True
    endpoint = add_endpoint(platform, f"{receiver.url}/prompt", events=["invoice.issued"])
    with running(create_server_app, settings) as url:
        numbers = []
        with httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {platform.key}", "X-Entity-Id": platform.entity_id}
        ) as api:
            for _ in range(3):  # one at a time: each waits for its own wake-up, none for a poll
                r = api.post("/v1/invoices", json=INVOICE)
                assert r.status_code == 201, r.text
                numbers.append(r.json()["number"])
                for _ in range(600):  # stops a hang (60 s); no speed is asserted
                    if len(receiver.at("/prompt")) == len(numbers):
                        break
                    time.sleep(0.1)
                assert len(receiver.at("/prompt")) == len(numbers)
    bodies = [verify(endpoint, r) for r in receiver.at("/prompt")]
    assert [b["data"]["object"]["number"] for b in bodies] == numbers


def test_the_workers_transactions_do_not_wait_for_their_flush(platform, receiver):
    """The worker's bookkeeping commits without waiting for PostgreSQL to flush it (an undone fan-out or
    outcome is only delivered again): ``synchronous_commit`` is off inside such a transaction only, and what it
    wrote is committed."""
    endpoint = add_endpoint(platform, f"{receiver.url}/ok")

    async def check():
        db = Database(platform.server.database_url)
        try:
            async with db.transaction(wait_for_flush=False) as session:
                inside = None if db.is_sqlite else await session.scalar(text("SHOW synchronous_commit"))
                await session.execute(
                    update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint.id).values(enabled=False)
                )
            async with db.transaction() as session:
                after = None if db.is_sqlite else await session.scalar(text("SHOW synchronous_commit"))
                enabled = await session.scalar(select(WebhookEndpoint.enabled).where(WebhookEndpoint.id == endpoint.id))
            return inside, after, enabled
        finally:
            await db.dispose()

    inside, after, enabled = run(check())
    assert enabled is False
    if platform.server.engine == "postgresql":
        assert (inside, after) == ("off", "on")
