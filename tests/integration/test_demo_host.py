"""The demo platform's backend (bff/demo/host.py) against a real Folio seeded as `folio demo` seeds it, on SQLite and
PostgreSQL: at start it registers its webhook endpoint (a re-run replaces it, never piles up), Folio's worker delivers
every event to it over HTTP, and it keeps what verifies, once per webhook-id; anything else is 400 and not kept."""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from standardwebhooks import Webhook

from bff.demo.host import HostConfig, create_host_app
from folio.server import create_server_app
from invoicing.config import Settings
from invoicing.db.migrate import upgrade
from invoicing.demo.seed import DemoSetup, allow_demo_webhooks, seed
from tests.conftest import VIES_TIMEOUT, _free_port, drop_postgres_database, postgres_database, skip_unless_ci
from tests.conftest import start_server as start
from tests.integration.conftest import assert_problem


@dataclass
class DemoFolio:
    url: str
    setup: DemoSetup
    host_origin: str

    def api(self, entity_id: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.setup.account_key}"}
        if entity_id:
            headers["X-Entity-Id"] = entity_id
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def endpoints(self) -> list[dict[str, Any]]:
        with self.api() as client:
            return client.get("/v1/webhook-endpoints", params={"limit": 100}).json()["data"]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo_folio(request, tmp_path_factory, vies) -> Iterator[DemoFolio]:
    if request.param == "sqlite":
        database_url = f"sqlite:///{tmp_path_factory.mktemp('demo-host') / 'folio.db'}"
    else:
        found = postgres_database()
        if found is None:
            skip_unless_ci("PostgreSQL is not reachable")
        database_url = found
    upgrade(database_url)
    settings = Settings()
    settings.database.url = database_url
    settings.vies.url, settings.vies.timeout = vies.url, VIES_TIMEOUT
    port = _free_port()
    settings.public_url = f"http://127.0.0.1:{port}"
    settings.webhooks.allow_private = False  # as production has it: the demo turns it on for itself
    allow_demo_webhooks(settings)
    host_origin = f"http://localhost:{_free_port()}"
    setup = asyncio.run(seed(settings, host_origin))
    server, thread = start(create_server_app(settings), port)
    yield DemoFolio(url=f"http://127.0.0.1:{port}", setup=setup, host_origin=host_origin)
    server.should_exit = True
    thread.join(timeout=10)
    if request.param == "postgresql":
        drop_postgres_database(database_url)


@dataclass
class Backend:
    url: str
    stop: Callable[[], None]

    def feed(self, **params: Any) -> dict[str, Any]:
        response = httpx.get(f"{self.url}/folio-webhooks/feed", params=params, timeout=30)
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        return response.json()


def wait_for(what: str, check: Callable[[], Any]) -> Any:
    """Poll ``check`` until it returns something truthy (a generous bound so a broken build fails, not hangs)."""
    deadline = time.monotonic() + 60
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.1)


@pytest.fixture
def backend(demo_folio: DemoFolio) -> Iterator[Callable[[], Backend]]:
    """Start the demo platform's backend (as `folio demo` does); each call is another run of it."""
    started: list[Backend] = []

    def run() -> Backend:
        port = _free_port()
        app = create_host_app(
            HostConfig(
                folio_url=demo_folio.url,
                origin=demo_folio.host_origin,
                account_key=demo_folio.setup.account_key,
                tenants=demo_folio.setup.tenants,
                backend_url=f"http://127.0.0.1:{port}",
            )
        )
        server, thread = start(app, port)

        def stop() -> None:
            server.should_exit = True
            thread.join(timeout=10)

        b = Backend(url=f"http://127.0.0.1:{port}", stop=stop)
        started.append(b)
        wait_for("the backend registered its endpoint", lambda: b.feed()["registered"])
        return b

    yield run
    for b in started:
        b.stop()


def test_the_backend_registers_its_endpoint_and_a_rerun_replaces_it(demo_folio: DemoFolio, backend):
    with demo_folio.api() as client:
        other = client.post(
            "/v1/webhook-endpoints",
            json={"url": "https://erp.example.com/folio", "events": ["*"], "description": "ERP"},
        )
        assert other.status_code == 201, other.text
    first = backend()
    mine = [e for e in demo_folio.endpoints() if e["description"] == "Marketly demo"]
    assert [(e["url"], e["events"], e["enabled"]) for e in mine] == [(f"{first.url}/folio-webhooks", ["*"], True)]
    assert "secret" not in mine[0]

    first.stop()  # `make run` again, here on another port: the old endpoint goes, its secret went with its run
    second = backend()
    endpoints = demo_folio.endpoints()
    assert sorted((e["url"], e["description"]) for e in endpoints) == [
        (f"{second.url}/folio-webhooks", "Marketly demo"),
        ("https://erp.example.com/folio", "ERP"),
    ]
    with demo_folio.api() as client:
        assert client.delete(f"/v1/webhook-endpoints/{other.json()['id']}").status_code == 204


def test_folio_delivers_each_event_once_verified_to_the_feed(demo_folio: DemoFolio, backend):
    b = backend()
    lipa = next(t for t in demo_folio.setup.tenants if t.slug == "lipa")
    with demo_folio.api(lipa.entity_id) as client:
        created = client.post(
            "/v1/invoices",
            json={
                "customer": {"name": "Hotel Bled d.d."},
                "items": [{"name": "Kava", "quantity": 3, "price": "18.90"}],
            },
        )
        assert created.status_code == 201, created.text
    invoice = created.json()

    def issued() -> dict[str, Any] | None:
        events = b.feed()["events"]
        return next((e for e in events if e["type"] == "invoice.issued" and e["number"] == invoice["number"]), None)

    event = wait_for("invoice.issued in the feed", issued)
    assert (event["entity_id"], event["entity_name"], event["status"], event["verified"]) == (
        lipa.entity_id,
        lipa.name,
        "issued",
        True,
    )
    assert (event["amount"], event["currency"]) == (invoice["total_with_tax"], invoice["currency_code"])

    # Folio sends it again (a redelivery: the same webhook-id, signed anew): delivered, and still shown once
    endpoint = next(e for e in demo_folio.endpoints() if e["description"] == "Marketly demo")
    with demo_folio.api() as client:
        again = client.post(f"/v1/events/{event['id']}/redeliver", json={"endpoint_id": endpoint["id"]})
        assert again.status_code == 202, again.text

        def delivered_twice() -> bool:
            log = client.get(
                f"/v1/webhook-endpoints/{endpoint['id']}/deliveries", params={"event_id": event["id"]}
            ).json()["data"]
            return [d["status"] for d in log] == ["succeeded", "succeeded"]

        wait_for("the redelivery succeeded", delivered_twice)
    events = b.feed()["events"]
    assert [e["id"] for e in events].count(event["id"]) == 1
    # newest first; a page that has seen up to the newest gets nothing more
    assert [e["seq"] for e in events] == sorted((e["seq"] for e in events), reverse=True)
    state = b.feed()
    assert b.feed(after=events[0]["seq"], run=state["run"])["events"] == []


def test_a_wrong_or_missing_signature_is_400_and_nothing_is_kept(demo_folio: DemoFolio, backend):
    b = backend()
    before = b.feed()["events"]
    event_id = f"evt_forged{secrets.token_hex(6)}"
    body = json.dumps({"id": event_id, "type": "invoice.paid", "entity_id": None, "data": {"object": {}}})
    now = datetime.now(UTC)
    wrong = Webhook("whsec_" + base64.b64encode(secrets.token_bytes(32)).decode())
    headers = {
        "content-type": "application/json",
        "webhook-id": event_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": wrong.sign(event_id, now, body),
    }
    with httpx.Client(base_url=b.url, timeout=30) as client:
        assert_problem(client.post("/folio-webhooks", content=body, headers=headers), 400, words="does not verify")
        unsigned = {k: v for k, v in headers.items() if k != "webhook-signature"}
        assert_problem(client.post("/folio-webhooks", content=body, headers=unsigned), 400, words="does not verify")
        assert_problem(client.post("/folio-webhooks", content=b"", headers=unsigned), 400, words="does not verify")
    assert b.feed()["events"] == before
