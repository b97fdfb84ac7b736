"""The one-process server: the API of record, the BFF and the dashboard.

::

    create_app(settings)                        the API (/v1), from invoicing.app
      + invoicing.embed, invoicing.signin       the endpoints the BFF calls; the BFF's credential kinds
                                                registered with the guard (register_resolvers)
      + bff.app.BFF_ROUTE_HANDLERS              /embed…, /app…, /static/…
      + lifespan: the spent-token purge (invoicing.embed.purge), the BFF's shared client

The BFF gets the API's signing secrets, environment and public URL (one process, one set of
settings); its client reaches ``/v1`` through the streaming ASGI transport into this same app, or
over HTTP when ``FOLIO_API_URL`` is set.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
from litestar import Litestar

import invoicing.embed
import invoicing.signin
from bff.app import BFF_ROUTE_HANDLERS, lifespan_hooks
from bff.config import BffSettings
from invoicing.app import create_app
from invoicing.config import Settings
from invoicing.db.rate_limits import database_counts
from invoicing.embed.purge import purge_hooks


def bff_settings_for(settings: Settings, bff_settings: BffSettings | None = None) -> BffSettings:
    """The BFF's settings with what it shares with the API taken from the API's."""
    return dataclasses.replace(
        bff_settings or BffSettings(),
        secret_keys=settings.security.signing_keys(),
        environment=settings.security.environment,
        public_url=settings.public_url,
    )


def create_server_app(
    settings: Settings | None = None,
    *,
    bff_settings: BffSettings | None = None,
    bff_transport: httpx.AsyncBaseTransport | None = None,
    **kwargs: Any,
) -> Litestar:
    if settings is None:  # read from the environment, as uvicorn's --factory calls it: the address is unknown
        settings = Settings()
        settings.security.refuse_development_secret(None)
    invoicing.embed.register_resolvers()
    startup, shutdown = lifespan_hooks(
        bff_settings_for(settings, bff_settings),
        transport=bff_transport,
        shared_counts=lambda app: database_counts(app.state.db),  # the abuse limits: in PostgreSQL, shared
    )
    purge_startup, purge_shutdown = purge_hooks(settings.security.token_purge_seconds)
    return create_app(
        settings,
        **{
            **kwargs,
            "extra_route_handlers": [
                *invoicing.embed.ROUTE_HANDLERS,
                *invoicing.signin.ROUTE_HANDLERS,
                *BFF_ROUTE_HANDLERS,
                *kwargs.get("extra_route_handlers", ()),
            ],
            "on_startup": [*kwargs.get("on_startup", ()), purge_startup, startup],
            "on_shutdown": [shutdown, purge_shutdown, *kwargs.get("on_shutdown", ())],
        },
    )
