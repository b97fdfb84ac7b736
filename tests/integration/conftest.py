"""Helpers and fixtures for integration tests: accounts created through the real CLI code path, entities
via HTTP, problem+json assertions, embed users and tokens (``embed``), a built dashboard bundle and a
server serving it (``shell_server``), a loopback SMTP server and a Folio process delivering to it
(``smtp``, ``mailer``), and the recorded invitation and sign-in e-mails."""

from __future__ import annotations

import asyncio
import copy
import email
import email.policy
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field

import httpx
import pytest
from aiosmtpd.controller import Controller

from bff.config import BffSettings
from folio.server import create_server_app
from invoicing.accounts.service import create_account
from invoicing.db import Database
from invoicing.emails.delivery import EmailWorker
from tests.conftest import (
    _free_port,
    drop_postgres_database,
    postgres_database,
    running,
    server_settings,
    skip_unless_ci,
    start_server,
)

_counter = itertools.count()


@dataclass
class Tenant:
    account_id: str
    sandbox_key: str
    live_key: str
    entity_id: str
    api: httpx.Client  # account key + X-Entity-Id of the entity
    account: httpx.Client  # account key, no entity


def make_account(server, name: str = "Platform") -> tuple[str, dict[str, str]]:
    async def run():
        db = Database(server.database_url)
        try:
            async with db.transaction() as session:
                acc, keys = await create_account(session, name)
                return acc.id, keys
        finally:
            await db.dispose()

    return asyncio.run(run())


def make_entity(client: httpx.Client, **overrides) -> dict:
    body = {
        "name": f"Seller {next(_counter)} d.o.o.",
        "country": "SI",
        "address": "Slovenska 1",
        "city": "Ljubljana",
        "post_code": "1000",
        **overrides,
    }
    r = client.post("/v1/entities", json=body)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
def tenant(server) -> Tenant:
    account_id, keys = make_account(server)
    account = server.client(keys["sandbox"])
    entity = make_entity(account)
    return Tenant(
        account_id, keys["sandbox"], keys["live"], entity["id"], server.client(keys["sandbox"], entity["id"]), account
    )


INVOICE = {
    "customer": {"name": "Buyer Ltd", "email": "buyer@example.com", "country": "SI"},
    "items": [{"name": "Monthly subscription", "quantity": 1, "price": "99.00", "taxes": [{"rate": 22}]}],
}


# -- problem+json ----------------------------------------------------------------------------------


def assert_problem(r: httpx.Response, status: int, *, code: str | None = None, words: str | None = None) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status
    if code:
        assert body.get("code") == code, body
    if words:
        assert words.lower() in body["detail"].lower(), body
    return body


# -- embedded dashboard users and tokens -----------------------------------------------------------


HOST = "http://localhost:8001"


@dataclass
class Embed:
    server: object
    tenant: Tenant
    users: dict[str, dict] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    def mint(self, role: str = "admin", *, client: httpx.Client | None = None, **body) -> httpx.Response:
        body = {"entity_id": self.tenant.entity_id, "user_id": self.users[role]["id"], **body}
        return (client or self.tenant.account).post("/embed/tokens", json=body)

    def token(self, role: str = "admin", **body) -> str:
        r = self.mint(role, **body)
        assert r.status_code == 201, r.text
        return r.json()["token"]

    def session(self, role: str = "admin", *, base_url: str | None = None) -> dict:
        r = httpx.post(f"{base_url or self.url}/embed/session", json={"token": self.token(role)})
        assert r.status_code == 201, r.text
        return r.json()

    def dashboard(self, session: dict, base_url: str | None = None) -> httpx.Client:
        """What the dashboard in the iframe does: the session token as a header, nothing else."""
        return httpx.Client(
            base_url=f"{base_url or self.url}/embed/api/v1",
            timeout=30,
            headers={"Authorization": f"Bearer {session['session_token']}"},
        )


def add_users(tenant: Tenant, entity_id: str | None = None) -> dict[str, dict]:
    users = {}
    headers = {"X-Entity-Id": entity_id or tenant.entity_id}
    for role in ("admin", "editor", "viewer"):
        r = tenant.account.post(
            "/v1/entity-users",
            headers=headers,
            json={
                "email": f"{role}-{time.monotonic_ns()}@tenant.example",
                "name": f"The {role}",
                "role": role,
                "external_id": f"platform-{role}-{time.monotonic_ns()}",
            },
        )
        assert r.status_code == 201, r.text
        users[role] = r.json()
    return users


@pytest.fixture
def embed(server, tenant) -> Embed:
    r = tenant.account.patch("/v1/account", json={"embed_allowed_origins": [HOST]})
    assert r.status_code == 200, r.text
    return Embed(server, tenant, add_users(tenant))


# -- the dashboard shell ---------------------------------------------------------------------------


CONFIG = re.compile(r'<script id="folio-config" type="application/json" nonce="([^"]+)">(.*?)</script>', re.S)


@pytest.fixture
def bundle(tmp_path):
    """A built dashboard as Vite leaves it: hashed assets and .vite/manifest.json."""
    (tmp_path / ".vite").mkdir()
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "index-4f2a9c.js").write_text("import './vendor-77aa01.js';\n")
    (tmp_path / "assets" / "vendor-77aa01.js").write_text("export {};\n")
    (tmp_path / "assets" / "index-b81d3e.css").write_text(":root { --folio-primary: #000; }\n")
    (tmp_path / ".vite" / "manifest.json").write_text(
        json.dumps(
            {
                "index.html": {
                    "file": "assets/index-4f2a9c.js",
                    "src": "index.html",
                    "isEntry": True,
                    "imports": ["_vendor-77aa01.js"],
                    "css": ["assets/index-b81d3e.css"],
                },
                "_vendor-77aa01.js": {"file": "assets/vendor-77aa01.js"},
            }
        )
    )
    return tmp_path


@pytest.fixture
def shell_server(server, bundle):
    with running(
        lambda s: create_server_app(s, bff_settings=BffSettings(dashboard_dir=bundle)), server_settings(server)
    ) as url:
        yield url


def csp(r: httpx.Response) -> dict[str, str]:
    return {
        d.split(" ", 1)[0]: d.split(" ", 1)[1] if " " in d else ""
        for d in (p.strip() for p in r.headers["content-security-policy"].split(";"))
    }


# -- e-mail delivery -------------------------------------------------------------------------------


@dataclass
class Inbox:
    messages: list = field(default_factory=list)
    received: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=email.policy.default))
        )
        self.received.set()
        return "250 OK"


@pytest.fixture(scope="module")
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@dataclass
class Mailer:
    url: str
    settings: object

    def run_worker(self, smtp_url: str | None = None, **overrides) -> int:
        """One delivery pass, as the worker in the app's lifespan would run it."""
        settings = copy.deepcopy(self.settings.email)
        if smtp_url:
            settings.smtp_url = smtp_url
        for key, value in overrides.items():
            setattr(settings, key, value)

        async def run():
            db = Database(self.settings.database.url)
            try:
                return await EmailWorker(db, settings).run_once()
            finally:
                await db.dispose()

        return asyncio.run(run())


@pytest.fixture(scope="module")
def mailer(server, smtp):
    """A second Folio process on the same database, with SMTP configured and its worker switched off."""
    controller, _ = smtp
    settings = copy.deepcopy(server.settings)
    settings.email.smtp_url = f"smtp://{controller.hostname}:{controller.port}"
    settings.email.worker = False
    settings.email.retry_seconds = 0
    settings.email.max_attempts = 3
    port = _free_port()
    settings.public_url = f"http://127.0.0.1:{port}"
    srv, thread = start_server(create_server_app(settings), port)
    yield Mailer(f"http://127.0.0.1:{port}", settings)
    srv.should_exit = True
    thread.join(timeout=10)


def _tenant(server, url: str | None = None, **entity):
    _, keys = make_account(server)
    body = {
        "locale": "en",
        "email": "billing@seller.example",
        "settings": {"email": {"sender_name": "Seller Billing", "reply_to": "accounts@seller.example"}},
        **entity,
    }
    ent = make_entity(server.client(keys["sandbox"]), **body)
    client = server.client(keys["sandbox"], ent["id"])
    if url:
        client.base_url = url
    return client, ent


# -- invitations and sign-in links -----------------------------------------------------------------


LINK = re.compile(r"(https?://\S+/app/sign-in\?entity=(ent_\w+)#token=(\S+))")


def address(role: str = "member") -> str:
    return f"{role}-{time.monotonic_ns()}@team.example"


def invite(tenant: Tenant, role: str = "viewer", *, client: httpx.Client | None = None, **body) -> dict:
    r = (client or tenant.api).post(
        "/v1/entity-users", json={"email": address(role), "role": role, "send_invite": True, **body}
    )
    assert r.status_code == 201, r.text
    return r.json()


def emails_to(tenant: Tenant, email: str) -> list[dict]:
    """The entity's recorded messages to this address, newest first."""
    data = tenant.api.get("/v1/emails", params={"limit": 100}).json()["data"]
    return [e for e in data if email in e["to"]]


def link_of(message: dict) -> tuple[str, str, str]:
    """``(url, entity id, token)`` of the sign-in link in a recorded e-mail."""
    match = LINK.search(message["text"])
    assert match, message["text"]
    return match.group(1), match.group(2), match.group(3)


def latest_link(tenant: Tenant, email: str) -> str:
    return link_of(emails_to(tenant, email)[0])[2]


def wait_for_emails(tenant: Tenant, email: str, count: int) -> list[dict]:
    """Sign-in e-mails are looked up and written after the 202 goes out (so the answer takes as long for an
    unknown address): ask until ``count`` are recorded; each ask is a round trip the server finishes the work in."""
    for _ in range(500):
        sent = emails_to(tenant, email)
        if len(sent) >= count:
            return sent
    raise AssertionError(f"{len(sent)} e-mails to {email}, expected {count}")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """An empty database (no migrations run) on each engine, dropped after the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'folio.db'}"
        return
    url = postgres_database()
    if url is None:
        skip_unless_ci("PostgreSQL is not reachable")
    yield url
    drop_postgres_database(url)
