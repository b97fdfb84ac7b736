"""The render worker pool (:mod:`invoicing.rendering.pool`): renders in worker processes, served fairly per
entity, stopped on a time limit, dropped or killed when the requester goes, closed without leftovers; and
through the API: the time limit's 422, a client disconnect stopping its render, drafts cached by content,
``folio serve`` stopping promptly on SIGTERM while a render runs.

The pool-level tests hold a worker busy with :func:`~tests.integration.render_jobs.gate` (it returns
once the test creates a file), so their outcomes depend on order, never on how fast anything is. The
API tests make a render long with a real 1000-line draft."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from folio.server import create_server_app
from invoicing.rendering.pool import RenderPool, RenderTooLong, RenderUnavailable
from tests.conftest import _free_port, server_settings, start_server
from tests.integration.conftest import assert_problem, make_account, make_entity
from tests.integration.render_jobs import collector, cycles, echo, gate, pid

HANG = 60.0
"""Stops a test that would hang; never an assertion about speed."""


# -- helpers ---------------------------------------------------------------------------------------


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def wait_until(condition, what: str, hang: float = HANG) -> None:
    deadline = time.monotonic() + hang
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


@pytest.fixture
def pool() -> Iterator[RenderPool]:
    pool = RenderPool(1, timeout=HANG).start()
    wait_until(lambda: pool.pids(), "the worker")
    try:
        yield pool
    finally:
        workers = pool.pids()
        pool.close()
        assert pool.pids() == [] and not any(alive(p) for p in workers), "a worker outlived its pool"


def _done_in_order(pool: RenderPool, jobs: list[tuple[str, str]], opens: Path) -> list[str]:
    """Submit ``gate(opens, "first")`` for entity A, then ``jobs`` (entity, value) while it runs; open the
    gate and answer the values in the order their renders finished."""
    order: list[str] = []
    lock = threading.Lock()

    def record(future):
        with lock:
            order.append(future.result())

    first = pool.submit("ent_A", gate, str(opens), "first")
    first.future.add_done_callback(record)
    wait_until(lambda: pool.busy() == 1, "the first render to run")
    futures = [first.future]
    for entity, value in jobs:
        job = pool.submit(entity, echo, value)
        job.future.add_done_callback(record)
        futures.append(job.future)
    assert pool.queued() == len(jobs)
    opens.touch()
    for future in futures:
        future.result(timeout=HANG)
    return order


# -- the pool --------------------------------------------------------------------------------------


def test_render_runs_in_a_reused_worker_process(pool):
    worker = pool.pids()[0]
    assert worker != os.getpid()
    assert asyncio.run(pool.run("ent_A", pid)) == worker
    assert asyncio.run(pool.run("ent_B", pid)) == worker
    assert pool.stats.rendered == 2 and pool.stats.replaced == 0


def test_a_worker_collects_garbage_after_each_job_not_during_it(pool):
    """The collector never interrupts a render: it is off in a worker, what the worker loaded at its start is
    frozen out of collections, and the garbage a job leaves is collected once its answer is sent."""
    enabled, frozen, tracked = asyncio.run(pool.run("ent_A", collector))
    assert not enabled
    assert frozen > 10_000  # WeasyPrint, the templates, the fonts: never walked again
    assert asyncio.run(pool.run("ent_A", cycles, 50_000)) == 50_000
    assert asyncio.run(pool.run("ent_A", collector))[2] < tracked + 5_000  # the 50,000 cycles were collected


def test_another_entity_is_served_at_the_next_free_slot(pool, tmp_path):
    """Entity A has a render running and three queued when entity B asks for one: B's is next."""
    jobs = [("ent_A", "a2"), ("ent_A", "a3"), ("ent_A", "a4"), ("ent_B", "b1")]
    assert _done_in_order(pool, jobs, tmp_path / "gate") == ["first", "b1", "a2", "a3", "a4"]


def test_entities_with_queues_take_turns(pool, tmp_path):
    jobs = [("ent_A", "a2"), ("ent_A", "a3"), ("ent_B", "b1"), ("ent_B", "b2"), ("ent_C", "c1"), ("ent_B", "b3")]
    assert _done_in_order(pool, jobs, tmp_path / "gate") == ["first", "b1", "c1", "a2", "b2", "a3", "b3"]


def test_a_render_over_the_time_limit_is_killed_with_its_worker(tmp_path):
    pool = RenderPool(1, timeout=0.2).start()
    try:
        wait_until(lambda: pool.pids(), "the worker")
        worker = pool.pids()[0]
        with pytest.raises(RenderTooLong) as raised:
            asyncio.run(pool.run("ent_A", gate, str(tmp_path / "never"), "x"))
        assert raised.value.status == 422 and raised.value.errors[0]["field"] == "items"
        assert "shorten" in raised.value.detail
        assert pool.stats.timed_out == 1
        wait_until(lambda: pool.pids() and pool.pids()[0] != worker, "a new worker")
        assert not alive(worker)
        assert pool.stats.replaced == 1
        assert asyncio.run(pool.run("ent_A", echo, "after")) == "after"  # the new worker renders
    finally:
        pool.close()


def test_cancelled_renders_are_dropped_when_queued_and_killed_when_running(pool, tmp_path):
    worker = pool.pids()[0]

    async def scenario() -> None:
        running = asyncio.ensure_future(pool.run("ent_A", gate, str(tmp_path / "never"), "x"))
        await asyncio.to_thread(wait_until, lambda: pool.busy() == 1, "the render to run")
        queued = asyncio.ensure_future(pool.run("ent_B", echo, "y"))
        await asyncio.to_thread(wait_until, lambda: pool.queued() == 1, "the render to queue")
        queued.cancel()
        with pytest.raises(asyncio.CancelledError):
            await queued
        assert pool.queued() == 0 and pool.stats.dropped == 1
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        assert pool.stats.killed == 1

    asyncio.run(scenario())
    wait_until(lambda: pool.pids() and pool.pids()[0] != worker, "a new worker")
    assert not alive(worker)
    assert pool.stats.replaced == 1
    assert asyncio.run(pool.run("ent_B", echo, "z")) == "z"
    assert pool.stats.rendered == 1  # neither cancelled render finished


def test_close_answers_pending_renders_and_leaves_no_worker(tmp_path):
    pool = RenderPool(2, timeout=HANG).start()
    wait_until(lambda: len(pool.pids()) == 2, "the workers")
    workers = pool.pids()
    jobs = [pool.submit("ent_A", gate, str(tmp_path / "never"), str(i)) for i in range(3)]
    wait_until(lambda: pool.busy() == 2 and pool.queued() == 1, "two renders running, one queued")
    pool.close()
    for job in jobs:
        with pytest.raises(RenderUnavailable):
            job.future.result(timeout=HANG)
    assert not any(alive(pid) for pid in workers)
    with pytest.raises(RenderUnavailable):
        asyncio.run(pool.run("ent_A", echo, "late"))


# -- through the API -------------------------------------------------------------------------------


@contextmanager
def folio(server, **rendering) -> Iterator[tuple[str, RenderPool]]:
    """A server of its own on ``server``'s database, with these rendering settings; its pool."""
    settings = server_settings(server)
    for name, value in rendering.items():
        setattr(settings.rendering, name, value)
    port = _free_port()
    settings.public_url = f"http://127.0.0.1:{port}"
    app = create_server_app(settings)
    srv, thread = start_server(app, port)
    pool: RenderPool = app.state.render_pool
    assert pool.pids() == []  # workers start with the first render: servers that render nothing pay nothing
    pool.start()
    wait_until(lambda: len(pool.pids()) == pool.workers, "the workers")
    try:
        yield settings.public_url, pool
    finally:
        workers = pool.pids()
        srv.should_exit = True
        thread.join(timeout=10)
        assert pool.closed and not any(alive(pid) for pid in workers), "workers outlived the server"


def _seller(server) -> tuple[str, str]:
    _, keys = make_account(server)
    entity = make_entity(server.client(keys["sandbox"]))
    return keys["sandbox"], entity["id"]


def _draft(api: httpx.Client, lines: int = 1) -> dict:
    items = [
        {
            "name": f"Line {n} of a long draft, with a description",
            "quantity": 1,
            "price": "1.00",
            "taxes": [{"rate": 22}],
        }
        for n in range(lines)
    ]
    r = api.post("/v1/invoices", json={"customer": {"name": "Buyer"}, "items": items, "is_draft": True})
    assert r.status_code == 201, r.text
    return r.json()


def test_an_unchanged_draft_is_not_rendered_again(server):
    key, entity = _seller(server)
    with folio(server) as (url, pool):
        api = httpx.Client(
            base_url=url, timeout=HANG, headers={"Authorization": f"Bearer {key}", "X-Entity-Id": entity}
        )
        draft = _draft(api)
        first = api.get(f"/v1/invoices/{draft['id']}/pdf")
        assert first.status_code == 200 and first.content.startswith(b"%PDF")
        assert pool.stats.rendered == 1
        again = api.get(f"/v1/invoices/{draft['id']}/pdf")
        assert again.content == first.content and pool.stats.rendered == 1
        html = api.get(f"/v1/invoices/{draft['id']}/html")
        assert html.status_code == 200 and "Buyer" in html.text and pool.stats.rendered == 2
        assert api.get(f"/v1/invoices/{draft['id']}/html").text == html.text and pool.stats.rendered == 2

        r = api.patch(f"/v1/invoices/{draft['id']}", json={"customer": {"name": "Another Buyer"}})
        assert r.status_code == 200, r.text
        changed = api.get(f"/v1/invoices/{draft['id']}/pdf")
        assert changed.status_code == 200 and changed.content != first.content
        assert pool.stats.rendered == 3


def test_a_render_over_the_time_limit_answers_422_naming_what_to_shorten(server):
    key, entity = _seller(server)
    with folio(server, workers=1, timeout=0.05) as (url, pool):
        api = httpx.Client(
            base_url=url, timeout=HANG, headers={"Authorization": f"Bearer {key}", "X-Entity-Id": entity}
        )
        draft = _draft(api, lines=300)
        worker = pool.pids()[0]
        body = assert_problem(api.get(f"/v1/invoices/{draft['id']}/pdf"), 422, code="render_timeout", words="shorten")
        assert body["errors"][0]["field"] == "items"
        assert pool.stats.timed_out == 1
        wait_until(lambda: pool.pids() and pool.pids()[0] != worker, "a new worker")
        assert not alive(worker)


def _request(url: str, path: str, key: str, entity: str) -> socket.socket:
    """A GET sent over a raw connection, left unanswered for the test to close."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)))
    sock.sendall(
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\nX-Entity-Id: {entity}\r\n\r\n".encode()
    )
    return sock


def test_a_client_disconnect_stops_its_render(server):
    """uvicorn does not cancel a handler whose client went away: the render endpoints watch for it. The
    queued render is dropped, the running one killed with its worker."""
    key, entity = _seller(server)
    with folio(server, workers=1, timeout=HANG * 5) as (url, pool):
        api = httpx.Client(
            base_url=url, timeout=HANG, headers={"Authorization": f"Bearer {key}", "X-Entity-Id": entity}
        )
        long, other = _draft(api, lines=1000), _draft(api)
        worker = pool.pids()[0]
        running = _request(url, f"/v1/invoices/{long['id']}/pdf", key, entity)
        wait_until(lambda: pool.busy() == 1, "the long render to run")
        queued = _request(url, f"/v1/invoices/{other['id']}/html", key, entity)
        wait_until(lambda: pool.queued() == 1, "the second render to queue")

        queued.close()
        wait_until(lambda: pool.stats.dropped == 1, "the queued render to be dropped")
        assert pool.queued() == 0 and pool.busy() == 1
        running.close()
        wait_until(lambda: pool.stats.killed == 1, "the running render to be killed")
        wait_until(lambda: pool.pids() and pool.pids()[0] != worker, "a new worker")
        assert not alive(worker)
        assert pool.stats.rendered == 0
        assert api.get(f"/v1/invoices/{other['id']}/html").status_code == 200  # the new worker serves
        assert pool.stats.rendered == 1


# -- folio serve -----------------------------------------------------------------------------------


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def test_folio_serve_stops_on_sigterm_while_rendering(tmp_path):
    """A running render is killed and answered 503, the process exits, no worker is left behind."""
    port = _free_port()
    database_url = f"sqlite:///{tmp_path / 'folio.db'}"
    env = {**os.environ, "FOLIO_RENDER_WORKERS": "1", "FOLIO_RENDER_TIMEOUT_SECONDS": "600", "FOLIO_EMAIL_WORKER": "0"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "folio.cli", "serve", "--port", str(port), "--database", database_url],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:

        def up() -> bool:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            try:
                return httpx.get(f"{url}/healthz", timeout=5).status_code == 200
            except httpx.TransportError:
                return False

        wait_until(up, "folio serve to start", hang=HANG * 5)  # a loaded machine takes its time to import
        _, keys = make_account(SimpleNamespace(database_url=database_url))
        entity = make_entity(httpx.Client(base_url=url, headers={"Authorization": f"Bearer {keys['sandbox']}"}))
        api = httpx.Client(
            base_url=url,
            timeout=HANG,
            headers={"Authorization": f"Bearer {keys['sandbox']}", "X-Entity-Id": entity["id"]},
        )
        small, long = _draft(api), _draft(api, lines=1000)
        assert api.get(f"/v1/invoices/{small['id']}/pdf").status_code == 200  # the worker is up and idle again
        workers = [p for p in _descendants(proc.pid) if _descendants(p) == [] and alive(p)]
        before = {pid: _cpu_ticks(pid) for pid in workers}
        answers: list[httpx.Response] = []
        thread = threading.Thread(target=lambda: answers.append(api.get(f"/v1/invoices/{long['id']}/pdf")))
        thread.start()
        wait_until(lambda: any(_cpu_ticks(p) > before[p] + 50 for p in workers), "a worker to be rendering")
        everything = _descendants(proc.pid)

        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=HANG)
        thread.join(timeout=HANG)
        assert_problem(answers[0], 503, words="shutting down")
        wait_until(lambda: not any(alive(p) for p in everything), "the server's child processes to end")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_the_render_cache_is_bounded_in_entries_and_bytes():
    from invoicing.rendering.service import _Copies

    copies = _Copies(3, max_bytes=100)
    for n in range(4):
        copies.put(f"k{n}", b"x" * 10)
    assert copies.get("k0") is None and copies.get("k3") == b"x" * 10  # the oldest went
    copies.get("k1")  # used: the newest now
    copies.put("big", "y" * 85)
    assert copies.get("k1") == b"x" * 10 and copies.get("big") == "y" * 85
    assert copies.get("k2") is None and copies.get("k3") is None
    assert copies.bytes <= 100
    copies.put("huge", b"z" * 101)  # bigger than the whole cache: not kept, nothing evicted for it
    assert copies.get("huge") is None and copies.get("big") is not None
