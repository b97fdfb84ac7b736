"""Spent tokens are forgotten once they could never be replayed.

``embed_token_uses`` gains one row per embed token exchanged for a session and per sign-in link
redeemed, carrying the moment the token itself stops working (``expires_at``)::

    token minted ── exchanged (row written: a replay answers "used") ── expires_at ── + GRACE ── row deleted
                                                                         │
                                  from here its signature's age refuses it ("expired"), row or no row

The purge is one ``DELETE … WHERE expires_at < now − GRACE``: idempotent, so any number of processes may
run it at the same time. Each process runs it when it starts and every ``FOLIO_TOKEN_PURGE_SECONDS``
(default 600) after that. ``GRACE`` covers clock skew between processes and the whole second a
token's own expiry check rounds to, so a row never goes while some process would still accept its token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, cast

from litestar import Litestar
from sqlalchemy import CursorResult, delete

from invoicing.db import Database
from invoicing.db.models import EmbedTokenUse
from invoicing.db.types import utcnow

GRACE = timedelta(seconds=300)

log = logging.getLogger("folio.embed")


async def purge_spent_tokens(db: Database, now: datetime | None = None) -> int:
    """Delete the rows of tokens that expired more than :data:`GRACE` ago; how many went."""
    cutoff = (now or utcnow()) - GRACE
    async with db.transaction() as session:
        result = await session.execute(delete(EmbedTokenUse).where(EmbedTokenUse.expires_at < cutoff))
    return int(cast(CursorResult[Any], result).rowcount or 0)  # a DELETE's result is a CursorResult; typed as Result


async def run_periodically(
    job: Callable[[], Awaitable[object]], interval: float, *, wait: Callable[[float], Awaitable[object]] = asyncio.sleep
) -> None:
    """``job`` every ``interval`` seconds until cancelled; a failed run is logged and the next one tried."""
    while True:
        await wait(interval)
        try:
            await job()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("purging spent embed tokens failed; trying again in %s s", interval)


def purge_hooks(interval: float) -> tuple[Callable[[Litestar], Awaitable[None]], Callable[[Litestar], Awaitable[None]]]:
    """``on_startup`` / ``on_shutdown`` hooks: purge once at start (before the first request), then every
    ``interval`` seconds in a background task; ``interval`` 0 turns both off."""

    async def purge(db: Database) -> None:
        purged = await purge_spent_tokens(db)
        if purged:
            log.info("purged %d spent embed tokens and sign-in links", purged)

    async def startup(app: Litestar) -> None:
        if interval <= 0:
            return
        db: Database = app.state.db
        try:
            await purge(db)
        except Exception:
            log.exception("purging spent embed tokens failed; trying again in %s s", interval)
        app.state.token_purge = asyncio.create_task(
            run_periodically(lambda: purge(db), interval), name="folio-token-purge"
        )

    async def shutdown(app: Litestar) -> None:
        task: asyncio.Task | None = getattr(app.state, "token_purge", None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return startup, shutdown
