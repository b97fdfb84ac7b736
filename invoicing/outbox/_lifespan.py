"""What the app's lifespan starts for rendering and delivery: the shared logo fetcher and, with
``FOLIO_SMTP_URL``, the e-mail worker task."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from litestar import Litestar

from invoicing.outbox._email import EmailWorker
from invoicing.rendering import LogoFetcher


@contextlib.asynccontextmanager
async def outbox_lifespan(app: Litestar) -> AsyncIterator[None]:
    settings = app.state.settings
    fetcher = LogoFetcher(timeout=settings.rendering.logo_timeout, max_bytes=settings.rendering.logo_max_bytes,
                          allow_private=settings.rendering.logo_allow_private_hosts)
    app.state.logo_fetcher = fetcher
    worker = task = None
    if settings.email.smtp_url and settings.email.worker:
        worker = EmailWorker(app.state.db, settings.email)
        task = asyncio.create_task(worker.run(), name="folio-email-worker")
        app.state.email_worker = worker
    try:
        yield
    finally:
        if worker is not None and task is not None:
            worker.stop()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await fetcher.close()
