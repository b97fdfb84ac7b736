"""Dashboard figures for the README.

1. The gzipped size of the dashboard's initial JavaScript: the manifest's entry chunk (``index.html``)
   plus every chunk it imports statically (lazy screens, the UI languages and the Home chart are not counted).
   Aim: under 100 KB.
2. The time from minting an embed token to the first screen (Home) rendered with its data (the largest open
   invoices) in the iframe, in Debian's
   Chromium driven by Playwright, on a host page of another site: first load (cold cache) and the
   median of warm loads. Aim: under 1 s.

Run ``make frontend`` first, then ``.venv/bin/python bench/dashboard.py``.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DIST = ROOT / "frontend" / "dist"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WARM_RUNS = 10
MOUNT = """url => {
  const f = document.createElement('iframe');
  f.src = url;
  f.title = 'Folio';
  document.getElementById('folio').replaceChildren(f);
}"""


def initial_js_gzip() -> tuple[int, list[str]]:
    manifest = json.loads((DIST / ".vite" / "manifest.json").read_text())
    seen: list[str] = []

    def visit(key: str) -> None:
        if key in seen:
            return
        seen.append(key)
        for child in manifest[key].get("imports", []):
            visit(child)

    visit("index.html")
    files = [manifest[key]["file"] for key in seen]
    size = sum(len(gzip.compress((DIST / f).read_bytes(), compresslevel=9)) for f in files)
    return size, files


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _setup(tmp: Path):
    from bff.config import BffSettings
    from folio.server import create_server_app
    from invoicing.accounts.service import create_account
    from invoicing.config import Settings
    from invoicing.db import Database
    from invoicing.db.migrate import upgrade
    from tests.conftest import start_server

    database_url = f"sqlite:///{tmp / 'bench.db'}"
    upgrade(database_url)
    port = _free_port()
    settings = Settings()
    settings.database.url = database_url
    settings.public_url = f"http://127.0.0.1:{port}"
    server, thread = start_server(create_server_app(settings, bff_settings=BffSettings()), port)
    folio = f"http://127.0.0.1:{port}"

    async def account():
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                return (await create_account(session, "Bench"))[1]["sandbox"]
        finally:
            await db.dispose()

    key = asyncio.run(account())
    host_port = _free_port()
    host = f"http://localhost:{host_port}"
    api = httpx.Client(base_url=folio, headers={"Authorization": f"Bearer {key}"}, timeout=30)
    api.patch("/v1/account", json={"embed_allowed_origins": [host]}).raise_for_status()
    entity = api.post("/v1/entities", json={"name": "Bench GmbH", "country": "DE", "locale": "en"}).json()
    scoped = httpx.Client(
        base_url=folio, headers={"Authorization": f"Bearer {key}", "X-Entity-Id": entity["id"]}, timeout=30
    )
    user = scoped.post("/v1/entity-users", json={"email": "bench@example.com", "role": "admin"}).json()
    for i in range(20):
        scoped.post(
            "/v1/invoices",
            json={
                "customer": {"name": f"Customer {i}"},
                "items": [{"name": "Service", "quantity": 1 + i, "price": "99.90", "taxes": [{"rate": 19}]}],
            },
        ).raise_for_status()

    page = (
        b"<!doctype html><html><head><title>Host</title></head><body><h1>Host</h1><div id='folio'></div></body></html>"
    )

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

    host_server = ThreadingHTTPServer(("127.0.0.1", host_port), Handler)
    threading.Thread(target=host_server.serve_forever, daemon=True).start()

    def mint() -> str:
        r = api.post("/embed/tokens", json={"entity_id": entity["id"], "user_id": user["id"], "origin": host})
        r.raise_for_status()
        return r.json()["url"]

    def stop():
        host_server.shutdown()
        server.should_exit = True
        thread.join(timeout=10)

    return host, mint, stop


def time_to_list(host: str, mint) -> tuple[float, list[float]]:
    from playwright.sync_api import expect, sync_playwright

    runs: list[float] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context()
        page = context.new_page()
        for _ in range(WARM_RUNS + 1):
            page.goto(host)
            start = time.perf_counter()
            url = mint()
            page.evaluate(MOUNT, url)
            largest = page.frame_locator("#folio iframe").get_by_role("table", name="Largest open invoices")
            expect(largest).to_be_visible(timeout=30_000)
            runs.append(time.perf_counter() - start)
        browser.close()
    return runs[0], runs[1:]


def main() -> None:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpx").propagate = False
    size, files = initial_js_gzip()
    print(
        f"dashboard initial JavaScript: {size / 1024:.1f} KB gzipped ({len(files)} files: {', '.join(files)})"
        " — aim < 100 KB"
    )
    with tempfile.TemporaryDirectory() as tmp:
        host, mint, stop = _setup(Path(tmp))
        try:
            cold, warm = time_to_list(host, mint)
        finally:
            stop()
    print(
        f"token minted → Home rendered in the iframe: first load {cold * 1000:.0f} ms, "
        f"warm median {statistics.median(warm) * 1000:.0f} ms (min {min(warm) * 1000:.0f}, max {max(warm) * 1000:.0f}, "
        f"{len(warm)} runs) — aim < 1000 ms"
    )


if __name__ == "__main__":
    main()
