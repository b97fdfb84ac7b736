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

import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, cast

from litestar import Litestar
from sqlalchemy import CursorResult, delete

from invoicing.core.periodic import periodic
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


def purge_hooks(interval: float) -> tuple[Callable[[Litestar], Awaitable[None]], Callable[[Litestar], Awaitable[None]]]:
    """``on_startup`` / ``on_shutdown`` hooks: purge once at start (before the first request), then every
    ``interval`` seconds in a background task; ``interval`` 0 turns both off."""
    running = contextlib.AsyncExitStack()

    async def startup(app: Litestar) -> None:
        db: Database = app.state.db

        async def purge() -> None:
            purged = await purge_spent_tokens(db)
            if purged:
                log.info("purged %d spent embed tokens and sign-in links", purged)

        chore = periodic(
            purge, interval, name="folio-token-purge", what="purging spent embed tokens", log=log, start="before"
        )
        await running.enter_async_context(chore)

    async def shutdown(app: Litestar) -> None:
        await running.aclose()

    return startup, shutdown
