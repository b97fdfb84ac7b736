"""A tiny platform on another site, the way an integrator would build it.

::

    browser @ http://localhost:8001 (the platform)          Folio @ http://127.0.0.1:8000
    ───────────────────────────────────────────             ─────────────────────────────
    GET /                 page with <script src=Folio/embed/sdk.js>, tenant and user switcher
    POST /folio-token     ── this backend, account key server-side ──▶ POST /embed/tokens
                          ◀── {"token"} (the key never reaches the browser)
    Folio.mount(el, {fetchToken}) ──iframe──▶ /embed?entity=…#token=…
                          at start: POST /v1/webhook-endpoints {"url": <this backend>/folio-webhooks}
    POST /folio-webhooks  ◀── Folio's delivery worker (signed; verified, kept: bff/demo/feed.py)
    GET /folio-webhooks/feed  the page's live feed polls it
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any

import httpx
from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Litestar, Request, Response, get, post
from msgspec import Struct

from bff.config import ROOT
from bff.demo.feed import PATH, Feed, Unverified, keep_registering
from contract.errors import EXCEPTION_HANDLERS, BadRequest, NotFound, UpstreamError

templates = Environment(
    loader=FileSystemLoader(ROOT / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass
class HostConfig:
    folio_url: str
    """Where browsers reach Folio (the SDK and the iframe come from there)."""
    origin: str
    """This host page's own origin, as the browser sees it."""
    account_key: str
    tenants: list[Any]
    """``invoicing.demo.seed.DemoTenant`` records: entity id, name, users with roles."""
    folio_api_url: str | None = None
    """Where this backend reaches Folio (defaults to ``folio_url``)."""
    backend_url: str | None = None
    """Where Folio's webhook worker reaches this backend (defaults to ``origin``); its endpoint is
    ``{backend_url}/folio-webhooks``."""


class TokenRequest(Struct):
    entity_id: str
    user_id: str


LOGO = """<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">
<rect width="96" height="96" rx="20" fill="{color}"/><text x="48" y="62" font-family="Georgia, serif" font-size="44"
text-anchor="middle" fill="#fff">{letter}</text></svg>"""
LOGOS = {"lipa": ("#0f766e", "L"), "sonne": ("#b45309", "S")}


def create_host_app(config: HostConfig) -> Litestar:
    client: dict[str, httpx.AsyncClient] = {}
    feed = Feed(entity_names={t.entity_id: t.name for t in config.tenants})
    webhook_url = (config.backend_url or config.origin).rstrip("/") + PATH
    tasks: set[asyncio.Task[None]] = set()

    async def startup() -> None:
        client["folio"] = httpx.AsyncClient(
            base_url=config.folio_api_url or config.folio_url,
            timeout=httpx.Timeout(10, connect=5),
            trust_env=False,
            headers={"Authorization": f"Bearer {config.account_key}"},
        )
        # in the background: `folio demo` starts Folio beside this backend, maybe not listening yet
        tasks.add(asyncio.create_task(keep_registering(client["folio"], webhook_url, feed), name="demo-webhooks"))

    async def shutdown() -> None:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if "folio" in client:  # the endpoint stays at Folio: the next run replaces it
            await client["folio"].aclose()

    def users() -> dict[tuple[str, str], Any]:
        return {(t.entity_id, u.id): u for t in config.tenants for u in t.users}

    @get("/", media_type="text/html", sync_to_thread=False)
    def page() -> str:
        tenants = [
            {
                "entity_id": t.entity_id,
                "name": t.name,
                "locale": t.locale,
                "slug": t.slug,
                "users": [{"id": u.id, "name": u.name, "role": u.role} for u in t.users],
            }
            for t in config.tenants
        ]
        return templates.get_template("demo/host.html").render(
            folio_url=config.folio_url, tenants=tenants, webhook_url=webhook_url
        )

    @post("/folio-token")
    async def folio_token(data: TokenRequest) -> dict[str, str]:
        """The platform's own endpoint: its session would say who the user is; the demo lets you pick."""
        if (data.entity_id, data.user_id) not in users():
            raise NotFound("No such demo tenant and user.")
        body = {"entity_id": data.entity_id, "user_id": data.user_id, "origin": config.origin, "ttl_seconds": 60}
        try:
            try:
                response = await client["folio"].post("/embed/tokens", json=body)
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
                # a kept-alive connection Folio closed just as it was reused (its idle timeout): once more on a
                # new one; at worst a second unused token, which expires in a minute
                response = await client["folio"].post("/embed/tokens", json=body)
        except httpx.HTTPError as exc:
            raise UpstreamError(f"Folio could not be reached at {config.folio_url} ({type(exc).__name__}).") from exc
        if response.status_code != 201:
            raise UpstreamError(f"Folio refused the token: {response.status_code} {response.text}")
        return {"token": response.json()["token"]}

    @post(PATH, status_code=200)
    async def folio_webhook(request: Request) -> dict[str, bool]:
        """Folio's delivery worker posts every event here: verified with the endpoint's secret (Standard
        Webhooks), de-duplicated by ``webhook-id``; a bad or missing signature is 400 and nothing is kept."""
        try:
            new = feed.receive(await request.body(), request.headers)
        except Unverified as exc:
            raise BadRequest(f"Webhook refused: {exc}.") from None
        return {"received": True, "duplicate": not new}

    @get(f"{PATH}/feed", sync_to_thread=False)
    def webhook_feed(after: int = 0, run: str | None = None) -> Response[dict[str, Any]]:
        """The page's live feed: the events kept since ``after`` (of backend run ``run``), newest first."""
        return Response(feed.state(after, run), headers={"Cache-Control": "no-store"})

    @get("/logos/{name:str}", sync_to_thread=False)
    def logo(name: str) -> Response:
        slug = name.removesuffix(".svg")
        if slug not in LOGOS or not name.endswith(".svg"):
            raise NotFound("No such logo.")
        color, letter = LOGOS[slug]
        return Response(
            LOGO.format(color=color, letter=letter),
            media_type="image/svg+xml",
            headers={"Cache-Control": "public, max-age=3600", "Cross-Origin-Resource-Policy": "cross-origin"},
        )

    @get("/healthz", sync_to_thread=False)
    def health(request: Request) -> dict[str, str]:
        return {"status": "ok"}

    return Litestar(
        route_handlers=[page, folio_token, folio_webhook, webhook_feed, logo, health],
        on_startup=[startup],
        on_shutdown=[shutdown],
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=None,
        debug=False,
    )
