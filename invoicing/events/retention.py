"""Events are kept ``FOLIO_EVENT_RETENTION_DAYS`` (default and minimum 30) days, then deleted.

The purge is one ``DELETE … WHERE created_at < now − retention`` (batched, so a backlog never holds a long
lock): idempotent, so any number of processes may run it at the same time. Each process runs it when it
starts and every ``FOLIO_EVENT_PURGE_SECONDS`` (default 3600) after that.

An event that some webhook delivery still needs (pending or being retried) must never go, however old:
:func:`still_needed` is the one place that says which events those are; the delivery worker's tables
say which (not yet fanned out, or a delivery pending).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

from litestar import Litestar
from sqlalchemy import ColumnElement, delete, or_, select

from invoicing.config import Settings
from invoicing.core.periodic import periodic
from invoicing.db import Database
from invoicing.db.models import Event, WebhookDelivery
from invoicing.db.types import utcnow

MIN_RETENTION_DAYS = 30
BATCH = 1000

log = logging.getLogger("folio.events")


def still_needed() -> ColumnElement[bool]:
    """Events kept past their retention because webhooks still need them: not yet fanned out to the
    endpoints (``processed_at`` unset), or with a delivery still pending (the worker signs the stored event),
    so a receiver that is down for longer than the retention still gets everything once it is back."""
    pending = select(WebhookDelivery.event_id).where(WebhookDelivery.status == "pending")
    return or_(Event.processed_at.is_(None), Event.id.in_(pending))


def retention(days: int) -> timedelta:
    return timedelta(days=max(days, MIN_RETENTION_DAYS))


async def purge_events(db: Database, days: int, now: datetime | None = None) -> int:
    """Delete events older than the retention (never fewer than 30 days) and not :func:`still_needed`;
    how many went."""
    cutoff = (now or utcnow()) - retention(days)
    total = 0
    while True:
        async with db.transaction() as session:
            ids = (
                (
                    await session.execute(
                        select(Event.id)
                        .where(Event.created_at < cutoff, ~still_needed())
                        .order_by(Event.id)
                        .limit(BATCH)
                    )
                )
                .scalars()
                .all()
            )
            if ids:
                await session.execute(delete(Event).where(Event.id.in_(ids)))
        total += len(ids)
        if len(ids) < BATCH:
            return total


@contextlib.asynccontextmanager
async def retention_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Purge at start and every ``FOLIO_EVENT_PURGE_SECONDS`` in a background task (``0``: never)."""
    settings: Settings = app.state.settings
    db: Database = app.state.db
    days = settings.events.retention_days

    async def purge() -> None:
        purged = await purge_events(db, days)
        if purged:
            log.info("purged %d events older than %d days", purged, max(days, MIN_RETENTION_DAYS))

    async with periodic(
        purge, settings.events.purge_seconds, name="folio-event-purge", what="purging old events", log=log, start="now"
    ):
        yield
