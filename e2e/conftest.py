"""E2E fixtures: a real Folio server on ``127.0.0.1:<port>`` and a platform's host page on another
*site*, ``localhost:<port2>``, whose tiny backend mints embed tokens with the account key.

The host page loads ``http://127.0.0.1:<port>/embed/sdk.js`` and calls ``Folio.mount(...)`` with a
``fetchToken`` that asks the host's own backend (``GET /token?entity=…&user=…``), which calls
``POST /embed/tokens``. What the page receives from the SDK (``onEvent``) is listed in ``#events``;
every token it fetched is counted in ``#tokens``.

Browser: Debian's Chromium, traces kept for failed tests under ``e2e/test-results/``. ``open_dashboard``
opens the host page and waits for the embedded dashboard; ``create_invoice`` makes one through the API.

``demo`` (per module) is ``folio demo`` itself: the seeded sandbox and the Marketly page and backend
(``bff/demo/host.py``), which registers its webhook endpoint with Folio at start.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from playwright.sync_api import FrameLocator, Page, expect

from invoicing.accounts.service import create_account
from invoicing.config import Settings
from invoicing.db import Database
from invoicing.db.migrate import upgrade
from tests.conftest import _free_port, start_server

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "test-results"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# the session lifetime of the servers that test renewal: short, so a session expires while in use
SHORT_SESSION_TTL = 4
# how long the server waits for VIES (the stand-in's slow number takes three times as long)
VIES_TIMEOUT = 2.0

HOST_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Acme Platform</title></head>
<body>
  <h1>Acme Platform</h1>
  <p>Tokens fetched: <output id="tokens">0</output></p>
  <ul id="events" aria-label="Folio events"></ul>
  <div id="folio"></div>
  <script src="__FOLIO__/embed/sdk.js"></script>
  <script>
    const params = new URLSearchParams(location.search);
    const events = document.getElementById("events");
    let fetched = 0;
    const log = (text) => { const li = document.createElement("li"); li.textContent = text; events.appendChild(li); };
    const options = {
      fetchToken: async () => {
        const response = await fetch("/token?" + params.toString());
        if (!response.ok) throw new Error("token endpoint answered " + response.status);
        const body = await response.json();
        fetched += 1;
        document.getElementById("tokens").textContent = String(fetched);
        return body.token;
      },
      onEvent: (event) => {
        if (event.type === "ready") window.lastReady = event.expires_at;
        const fields = [event.type, event.name, event.number, event.view, event.height];
        log(fields.filter((x) => x !== undefined && x !== null).join(" "));
      },
    };
    if (params.get("view")) options.view = params.get("view");
    if (params.get("locale")) options.locale = params.get("locale");
    window.folio = Folio.mount(document.getElementById("folio"), options);
  </script>
</body>
</html>
"""


@dataclass
class Folio:
    url: str
    database_url: str
    account_key: str
    signing_keys: list[str] = field(default_factory=list)
    """The server's signing secrets (to mint a sign-in link that is already expired)."""
    entities: dict[str, dict] = field(default_factory=dict)
    users: dict[str, dict] = field(default_factory=dict)

    def api(self, entity: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.account_key}"}
        if entity:
            headers["X-Entity-Id"] = self.entities[entity]["id"]
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def mint(self, entity: str, user: str, origin: str | None = None) -> dict:
        body = {"entity_id": self.entities[entity]["id"], "user_id": self.users[user]["id"]}
        if origin:
            body["origin"] = origin
        with self.api() as client:
            response = client.post("/embed/tokens", json=body)
        assert response.status_code == 201, response.text
        return response.json()


@dataclass
class Host:
    url: str
    folio: Folio
    gate: threading.Event = field(default_factory=threading.Event)
    """With ``gate=1`` in the page's query, every token after the first waits until this is set."""

    def page_url(self, entity: str = "A", user: str = "admin", **extra: str) -> str:
        query = "&".join(f"{k}={v}" for k, v in {"entity": entity, "user": user, **extra}.items())
        return f"{self.url}/?{query}"


def _make_account(database_url: str) -> dict[str, str]:
    async def run():
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                _, keys = await create_account(session, "Acme Platform")
                return keys
        finally:
            await db.dispose()

    return asyncio.run(run())


def _start_folio(tmp_path_factory, *, session_ttl: int | None = None):
    from bff.config import BffSettings
    from folio.server import create_server_app
    from invoicing.demo.vies import ViesStandIn

    database_url = f"sqlite:///{tmp_path_factory.mktemp('e2e-db') / 'folio.db'}"
    upgrade(database_url)
    # the VIES stand-in (its numbers: invoicing/demo/vies.py), as tests/conftest.py's `vies` fixture
    vies = ViesStandIn(slow_seconds=VIES_TIMEOUT * 3)
    vies_port = _free_port()
    vies_server, vies_thread = start_server(vies.app, vies_port)
    port = _free_port()
    settings = Settings()
    settings.database.url = database_url
    settings.vies.url, settings.vies.timeout = f"http://127.0.0.1:{vies_port}", VIES_TIMEOUT
    settings.public_url = f"http://127.0.0.1:{port}"
    bff = BffSettings()
    if session_ttl is not None:
        bff.session_ttl_seconds = session_ttl
    server, thread = start_server(create_server_app(settings, bff_settings=bff), port)
    servers = (server, thread, vies_server, vies_thread)
    return f"http://127.0.0.1:{port}", database_url, servers, settings.security.signing_keys()


def _seed(folio: Folio, host_origin: str) -> None:
    with folio.api() as client:
        r = client.patch("/v1/account", json={"embed_allowed_origins": [host_origin]})
        assert r.status_code == 200, r.text
        for key, body in {
            "A": {"name": "Alpha Werkstatt GmbH", "country": "DE", "city": "Berlin", "locale": "en"},
            "B": {"name": "Beta Studio d.o.o.", "country": "SI", "city": "Ljubljana", "locale": "en"},
            "DE": {"name": "Gamma Handel GmbH", "country": "DE", "city": "München", "locale": "de"},
        }.items():
            r = client.post("/v1/entities", json=body)
            assert r.status_code == 201, r.text
            folio.entities[key] = r.json()
    for entity, role in [("A", "admin"), ("A", "editor"), ("A", "viewer"), ("B", "admin"), ("DE", "admin")]:
        name = role if entity == "A" else f"{entity.lower()}-{role}"
        with folio.api(entity) as client:
            r = client.post(
                "/v1/entity-users",
                json={"email": f"{name}@example.com", "role": role, "name": name.title(), "external_id": f"ext-{name}"},
            )
            assert r.status_code == 201, r.text
            folio.users[name] = r.json()


def _start_host(folio: Folio, gate: threading.Event) -> tuple[ThreadingHTTPServer, str]:
    port = _free_port()
    served: dict[str, int] = {}
    page = HOST_PAGE.replace("__FOLIO__", folio.url).encode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            url = urlparse(self.path)
            if url.path == "/":
                self._send(200, page, "text/html; charset=utf-8")
            elif url.path == "/token":
                # the platform's own backend: it knows its user and asks Folio for a token with the account key
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                key = url.query
                served[key] = served.get(key, 0) + 1
                if q.get("gate") == "1" and served[key] > 1:
                    gate.wait(timeout=60)
                token = folio.mint(q.get("entity", "A"), q.get("user", "admin"), origin=f"http://localhost:{port}")
                self._send(200, json.dumps({"token": token["token"]}).encode(), "application/json")
            else:
                self._send(404, b"not found", "text/plain")

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://localhost:{port}"


def _environment(tmp_path_factory, session_ttl: int | None = None):
    # off the main thread: Playwright's sync API may already run an event loop there
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(_build_environment, tmp_path_factory, session_ttl).result()


def _build_environment(tmp_path_factory, session_ttl: int | None):
    url, database_url, servers, signing_keys = _start_folio(tmp_path_factory, session_ttl=session_ttl)
    keys = _make_account(database_url)
    folio = Folio(url=url, database_url=database_url, account_key=keys["sandbox"], signing_keys=signing_keys)
    gate = threading.Event()
    host_server, host_url = _start_host(folio, gate)
    _seed(folio, host_url)
    return folio, Host(url=host_url, folio=folio, gate=gate), (servers, host_server)


def _stop(handles) -> None:
    (server, thread, vies_server, vies_thread), host_server = handles
    host_server.shutdown()
    for srv, th in ((server, thread), (vies_server, vies_thread)):
        srv.should_exit = True
        th.join(timeout=10)


@dataclass
class Demo:
    """``folio demo`` as ``make run`` starts it (seeded by ``invoicing.demo.seed``), on its own database."""

    url: str
    """The demo platform page (another site than Folio)."""
    tenants: list
    folio_url: str
    account_key: str
    backend_url: str
    """Where Folio's webhook worker reaches the demo platform's backend."""


def _start_demo(tmp_path_factory):
    from bff.demo.host import HostConfig, create_host_app
    from folio.server import create_server_app
    from invoicing.demo.seed import allow_demo_webhooks, seed
    from invoicing.demo.vies import ViesStandIn

    database_url = f"sqlite:///{tmp_path_factory.mktemp('demo-db') / 'folio.db'}"
    upgrade(database_url)
    vies_port, port, host_port = _free_port(), _free_port(), _free_port()
    vies_server, vies_thread = start_server(ViesStandIn(slow_seconds=VIES_TIMEOUT * 3).app, vies_port)
    settings = Settings()
    settings.database.url = database_url
    settings.vies.url, settings.vies.timeout = f"http://127.0.0.1:{vies_port}", VIES_TIMEOUT
    folio_url, host_origin = f"http://127.0.0.1:{port}", f"http://localhost:{host_port}"
    backend_url = f"http://127.0.0.1:{host_port}"
    settings.public_url = folio_url
    allow_demo_webhooks(settings)
    setup = asyncio.run(seed(settings, host_origin))
    folio_server, folio_thread = start_server(create_server_app(settings), port)
    host = create_host_app(
        HostConfig(
            folio_url=folio_url,
            origin=host_origin,
            account_key=setup.account_key,
            tenants=setup.tenants,
            backend_url=backend_url,
        )
    )
    host_server, host_thread = start_server(host, host_port)
    servers = [(vies_server, vies_thread), (folio_server, folio_thread), (host_server, host_thread)]
    demo = Demo(
        url=host_origin,
        tenants=setup.tenants,
        folio_url=folio_url,
        account_key=setup.account_key,
        backend_url=backend_url,
    )
    return demo, servers


@pytest.fixture(scope="module")
def demo(tmp_path_factory, dashboard_built) -> Iterator[Demo]:
    """The demo (Folio, the demo platform's page and backend, the VIES stand-in), one per test module."""
    # off the main thread: Playwright's sync API may already run an event loop there
    with ThreadPoolExecutor(1) as pool:
        started, servers = pool.submit(_start_demo, tmp_path_factory).result()
    yield started
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)


FRAME = "#folio iframe"


def open_dashboard(page: Page, host: Host, **query: str):
    page.goto(host.page_url(**query))
    frame = page.frame_locator(FRAME)
    expect(frame.get_by_role("navigation").first).to_be_visible()
    return frame


def open_section(frame: FrameLocator, name: str) -> None:
    """Click the main navigation's ``name`` link and wait until the dashboard shows that section.

    A click that lands while the frame is being laid out again (the host page resizes the iframe as the
    screen fills in) can be lost; the link's ``aria-current`` says whether it took, and one more click
    is made if it did not. What the section then shows is for the test to check.
    """
    link = frame.get_by_role("navigation").first.get_by_role("link", name=name, exact=True)
    link.click()
    try:
        expect(link).to_have_attribute("aria-current", "page", timeout=5_000)
    except AssertionError:
        link.click()
        expect(link).to_have_attribute("aria-current", "page")


def create_invoice(folio: Folio, entity: str, **body) -> dict:
    payload = {
        "customer": {"name": "Kunde AG"},
        "items": [{"name": "Beratung", "quantity": 1, "price": "1234.56"}],
        **body,
    }
    with folio.api(entity) as client:
        response = client.post("/v1/invoices", json=payload)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture(scope="session")
def dashboard_built() -> None:
    manifest = ROOT / "frontend" / "dist" / ".vite" / "manifest.json"
    if not manifest.exists():
        pytest.fail("the dashboard is not built: run `make frontend` (npm ci, typecheck, build) first")


@pytest.fixture(scope="session")
def env(tmp_path_factory, dashboard_built):
    folio, host, handles = _environment(tmp_path_factory)
    yield folio, host
    _stop(handles)


@pytest.fixture(scope="session")
def folio(env) -> Folio:
    return env[0]


@pytest.fixture(scope="session")
def host(env) -> Host:
    return env[1]


@pytest.fixture(scope="session")
def short_env(tmp_path_factory, dashboard_built):
    """A second server whose dashboard sessions live only SHORT_SESSION_TTL seconds."""
    folio, host, handles = _environment(tmp_path_factory, session_ttl=SHORT_SESSION_TTL)
    yield folio, host
    host.gate.set()
    _stop(handles)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser, request):
    """A fresh context (no cookies, no storage) with tracing; the trace is kept when the test fails."""
    context = browser.new_context()
    context.tracing.start(screenshots=True, snapshots=True, sources=False)
    yield context
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        RESULTS.mkdir(exist_ok=True)
        context.tracing.stop(path=str(RESULTS / f"{request.node.name}.trace.zip"))
    else:
        context.tracing.stop()
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session", autouse=True)
def _expect_timeout():
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)
