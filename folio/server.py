"""The one-process server: the API of record, the BFF and the dashboard.

::

    create_app(settings)                        the API (/v1), from invoicing.app
      + invoicing.embed, invoicing.signin       the endpoints the BFF calls; the BFF's credential kinds
                                                registered with the guard (register_resolvers)
      + bff.app.BFF_ROUTE_HANDLERS              /embed…, /app…, /static/…
      + lifespan: the spent-token purge (invoicing.embed.purge), the BFF's shared client, the render
                  worker pool (invoicing.rendering.pool: workers start with the first render, or at once
                  under serve_app, and are killed at shutdown; serve_app kills them on SIGTERM already)

The BFF gets the API's signing secrets, environment and public URL (one process, one set of
settings); its client reaches ``/v1`` through the streaming ASGI transport into this same app, or
over HTTP when ``FOLIO_API_URL`` is set.
"""

from __future__ import annotations

import dataclasses
import gc
import socket
from types import FrameType
from typing import Any

import httpx
import uvicorn
from litestar import Litestar
from litestar.types import LifespanHook

import invoicing.embed
import invoicing.signin
from bff.app import BFF_ROUTE_HANDLERS, lifespan_hooks
from bff.config import BffSettings
from invoicing.app import create_app
from invoicing.config import Settings
from invoicing.db.rate_limits import database_counts
from invoicing.embed.purge import purge_hooks
from invoicing.rendering.pool import RenderPool, attach, close_all_soon


def render_pool_hooks() -> tuple[LifespanHook, LifespanHook]:
    """Make the app's render worker pool (``app.state.render_pool``, used for its database; its workers start
    with the first render, or at once under :func:`serve_app`); close it at shutdown: its workers are killed
    and renders still pending answer 503."""

    def startup(app: Litestar) -> None:
        pool = RenderPool.from_settings(app.state.settings.rendering)
        app.state.render_pool = pool
        attach(app.state.db, pool)

    def shutdown(app: Litestar) -> None:
        pool = getattr(app.state, "render_pool", None)
        if pool is not None:
            pool.close()

    return startup, shutdown


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
    pool_startup, pool_shutdown = render_pool_hooks()
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
            "on_startup": [*kwargs.get("on_startup", ()), pool_startup, purge_startup, startup],
            "on_shutdown": [shutdown, purge_shutdown, pool_shutdown, *kwargs.get("on_shutdown", ())],
        },
    )


class _Server(uvicorn.Server):
    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """SIGTERM / Ctrl+C: besides uvicorn's stop, kill the render workers at once, so a request waiting
        for a render answers 503 now instead of holding the shutdown until the render ends."""
        super().handle_exit(sig, frame)
        close_all_soon()


def serve_app(app: Litestar, host: str, port: int, sock: socket.socket | None = None) -> None:
    """Serve ``app`` until SIGTERM or Ctrl+C (``folio serve``); requests still running after a few seconds
    are cancelled. ``sock``: the already bound socket to serve on (``folio serve`` binds it first)."""
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False, timeout_graceful_shutdown=5
    )
    app.on_startup.extend((_start_render_workers, settle_garbage_collector))
    _Server(config).run(sockets=[sock] if sock is not None else None)


GC_YOUNG_THRESHOLD = 5_000
"""Allocations (less deallocations) between two collections of the youngest generation in a serving process
(Python's default: 700)."""


def settle_garbage_collector(app: Litestar | None = None) -> None:
    """Once the app has started: everything it loaded so far frozen (never scanned again), and young
    collections ~7 times rarer.

    A serving process holds hundreds of thousands of objects loaded at start (modules, the app's routes and
    models, SQLAlchemy's compiled statements, Babel's locale data), and its requests make objects that live
    for a few milliseconds. With Python's default thresholds a collection of the youngest generation runs
    every 700 allocations, so the objects of the requests in flight at that moment survive it, climb to the
    oldest generation and die there; it fills up fast and is collected whole (every object the process
    holds, ~0.17 s each, every request waiting meanwhile) every couple of seconds of CPU. Frozen objects are
    never scanned, and with collections rarer far fewer short-lived objects are still alive when one runs.
    ``bench/issue_invoices.py`` (32 connections, a collector hook timing every collection): over a server's
    run, the collector's time 1.0–1.3 s → 0.58–0.71 s of 12–14 s of CPU, full collections 7–8 → 5, issuing's
    p99 on SQLite ~210 → ~125 ms; the throughput moved less than the machine's noise. Garbage in reference
    cycles is still collected; it only waits a few thousand allocations longer."""
    gc.collect()
    gc.freeze()
    _young, middle, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, oldest)


def _start_render_workers(app: Litestar) -> None:
    """Workers warm before the first request asks for a PDF."""
    app.state.render_pool.start()
