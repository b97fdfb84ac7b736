"""The BFF as a Litestar app of its own, or as routes and lifespan hooks added to the API's app.

::

    folio serve         one process: folio.server.create_server_app() = the API app + these routes (/embed…,
                        /app…); the shared client reaches /v1 through the streaming ASGI transport (no socket)
    FOLIO_API_URL=…     the same BFF talking to a separate API deployment over HTTP, inside `folio serve`
                        or alone: ``uvicorn --factory bff.app:create_bff_app`` (same FOLIO_SECRET_KEYS as the API)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import httpx
from litestar import Litestar

from bff import Bundle, FolioApi, Limits, SharedCounts, TokenSigner, make_client
from bff.app.controller import ROUTE_HANDLERS as APP_ROUTES
from bff.app.service import AppService
from bff.config import BffSettings
from bff.embed import ROUTE_HANDLERS as EMBED_ROUTES
from bff.embed import EmbedService
from contract.errors import EXCEPTION_HANDLERS
from contract.strict import StrictRequest

BFF_ROUTE_HANDLERS = [*EMBED_ROUTES, *APP_ROUTES]
"""Every route of the BFF: the embedding door's and the standalone dashboard's."""


def lifespan_hooks(
    settings: BffSettings | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    shared_counts: Callable[[Litestar], SharedCounts | None] | None = None,
) -> tuple[Callable, Callable]:
    """``on_startup`` / ``on_shutdown`` hooks that open and close the one shared API client; without an
    API URL or a transport, the client reaches the app it starts in (the API's, in ``folio serve``).
    ``shared_counts`` gives the store the abuse limits count in across processes (None: this process)."""
    settings = settings or BffSettings()
    keys = settings.signing_keys()  # refuses to start in production without a secret

    async def startup(app: Litestar) -> None:
        logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per proxied call is noise
        client = make_client(settings, transport, app)
        api, signer, bundle = FolioApi(client, keys), TokenSigner(keys), Bundle(settings.dashboard_dir)
        limits = Limits.of(settings, shared_counts(app) if shared_counts else None)
        app.state.embed = EmbedService(api=api, signer=signer, settings=settings, bundle=bundle, limits=limits)
        app.state.standalone = AppService(
            api=api, signer=signer, public_url=settings.public_url, bundle=bundle, limits=limits
        )

    async def shutdown(app: Litestar) -> None:
        service: EmbedService | None = getattr(app.state, "embed", None)
        if service is not None:
            await service.api.client.aclose()

    return startup, shutdown


def create_bff_app(
    settings: BffSettings | None = None, *, transport: httpx.AsyncBaseTransport | None = None, **kwargs: Any
) -> Litestar:
    """The BFF alone, for an API deployed elsewhere (``FOLIO_API_URL``) or reached through ``transport``."""
    settings = settings or BffSettings()
    if not settings.api_url and transport is None:
        raise RuntimeError("a standalone BFF needs FOLIO_API_URL (or a transport to the API)")
    startup, shutdown = lifespan_hooks(settings, transport=transport)
    return Litestar(
        route_handlers=BFF_ROUTE_HANDLERS,
        exception_handlers=EXCEPTION_HANDLERS,
        on_startup=[startup],
        on_shutdown=[shutdown],
        request_max_body_size=2 * 1024 * 1024,
        request_class=StrictRequest,  # bodies as strict as in one process (contract.strict)
        openapi_config=None,
        debug=False,
        **kwargs,
    )
