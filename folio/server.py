"""The one-process server: the API of record, the embed BFF and the dashboard.

The BFF's routes (``/embed…``, the standalone dashboard's ``/app…``, ``/static/…``) join the API's app;
its shared httpx client reaches ``/v1`` through the ASGI transport into this same app, or over HTTP when
``FOLIO_API_URL`` is set. The spent-token purge (:mod:`invoicing.embed.purge`) runs in its lifespan.
"""

from __future__ import annotations

from typing import Any

import httpx
from litestar import Litestar

import invoicing.embed
import invoicing.signin
from bff.app import lifespan_hooks
from bff.app._factory import ROUTE_HANDLERS as BFF_ROUTES
from bff.config import BffSettings
from invoicing.app import create_app
from invoicing.config import Settings
from invoicing.embed.purge import purge_hooks


def create_server_app(settings: Settings | None = None, *, bff_settings: BffSettings | None = None,
                      bff_transport: httpx.AsyncBaseTransport | None = None, **kwargs: Any) -> Litestar:
    settings = settings or Settings()
    startup, shutdown = lifespan_hooks(settings, bff_settings, transport=bff_transport)
    purge_startup, purge_shutdown = purge_hooks(settings.security.token_purge_seconds)
    return create_app(
        settings,
        **{**kwargs,
           "extra_route_handlers": [*invoicing.embed.ROUTE_HANDLERS, *invoicing.signin.ROUTE_HANDLERS, *BFF_ROUTES,
                                    *kwargs.get("extra_route_handlers", ())],
           "on_startup": [*kwargs.get("on_startup", ()), purge_startup, startup],
           "on_shutdown": [shutdown, purge_shutdown, *kwargs.get("on_shutdown", ())]},
    )
