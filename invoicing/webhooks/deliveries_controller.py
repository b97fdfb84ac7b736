"""Routes: the delivery log of an endpoint and redelivering an event on demand.

- ``GET /v1/webhook-endpoints/{id}/deliveries``: every attempt, newest first (cursor paging); optional
  ``event_id`` and ``status`` filters.
- ``POST /v1/events/{id}/redeliver``: ``{"endpoint_id"}`` (optional) → 202 with the deliveries created: one
  pending attempt to that endpoint, or to every endpoint subscribed to the event now.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from litestar import Controller, Request, get, post
from litestar.di import Provide
from msgspec import Struct
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import NotFound, ValidationFailed
from invoicing.auth import Perm
from invoicing.auth.context import Scope
from invoicing.core.deps import after_commit
from invoicing.core.paging import page
from invoicing.core.params import Limit
from invoicing.db.models import Event, WebhookDelivery, WebhookEndpoint
from invoicing.db.types import utcnow
from invoicing.webhooks.delivery import new_delivery, subscribers

ACCOUNT = {"permission": Perm.WEBHOOKS_MANAGE}
DeliveryStatus = Literal["pending", "succeeded", "failed"]


class DeliveryOut(Struct):
    id: str
    object: Literal["webhook_delivery"]
    endpoint_id: str
    event_id: str
    event_type: str | None
    attempt: int
    status: DeliveryStatus
    created_at: datetime
    attempted_at: datetime | None
    response_status: int | None
    duration_ms: int | None
    response_body: str | None
    error: str | None
    next_attempt_at: datetime | None
    """Pending: when it is due. Failed: when the next attempt is due, or null when none follows."""


class DeliveryList(Struct):
    data: list[DeliveryOut]
    next_cursor: str | None


class RedeliverIn(Struct, forbid_unknown_fields=True):
    endpoint_id: str | None = None


def delivery_out(row: WebhookDelivery, event_type: str | None = None) -> DeliveryOut:
    if row.status == "pending":
        next_at: datetime | None = row.next_attempt_at
    elif row.status == "failed" and row.attempted_at is not None and row.next_attempt_at > row.attempted_at:
        next_at = row.next_attempt_at
    else:
        next_at = None
    return DeliveryOut(
        id=row.id,
        object="webhook_delivery",
        endpoint_id=row.endpoint_id,
        event_id=row.event_id,
        event_type=event_type,
        attempt=row.attempt,
        status=row.status,
        created_at=row.created_at,
        attempted_at=row.attempted_at,
        response_status=row.response_status,
        duration_ms=row.duration_ms,
        response_body=row.response_body,
        error=row.error,
        next_attempt_at=next_at,
    )


class DeliveryService:
    def __init__(self, session: AsyncSession, ctx: Scope) -> None:
        self.session, self.scope = session, ctx

    def _mine(self, account_id: str, environment: str) -> bool:
        principal = self.scope.principal
        return account_id == principal.account_id and environment == principal.environment

    async def endpoint(self, endpoint_id: str, field: str | None = None) -> WebhookEndpoint:
        endpoint = await self.session.get(WebhookEndpoint, endpoint_id)
        if endpoint is None or not self._mine(endpoint.account_id, endpoint.environment):
            if field:
                raise ValidationFailed.field(field, "is not a webhook endpoint of this account and environment")
            raise NotFound(f"No webhook endpoint {endpoint_id}")
        return endpoint

    async def list(
        self, endpoint_id: str, limit: int, cursor: str | None, event_id: str | None, status: DeliveryStatus | None
    ) -> DeliveryList:
        await self.endpoint(endpoint_id)
        stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
        if event_id is not None:
            stmt = stmt.where(WebhookDelivery.event_id == event_id)
        if status is not None:
            stmt = stmt.where(WebhookDelivery.status == status)
        rows, next_cursor = await page(self.session, stmt, WebhookDelivery.id, limit, cursor, lambda r: r)
        ids = {r.event_id for r in rows}
        types = dict((await self.session.execute(select(Event.id, Event.type).where(Event.id.in_(ids)))).tuples().all())
        return DeliveryList([delivery_out(r, types.get(r.event_id)) for r in rows], next_cursor)

    async def redeliver(self, event_id: str, data: RedeliverIn) -> DeliveryList:
        event = await self.session.get(Event, event_id)
        if event is None or not self._mine(event.account_id, event.environment):
            raise NotFound(f"No event {event_id}")
        if data.endpoint_id is not None:
            endpoints = [await self.endpoint(data.endpoint_id, "endpoint_id")]
        else:
            endpoints = await subscribers(self.session, event)
        now = utcnow()
        rows = [new_delivery(e.id, event.id, now) for e in endpoints]
        self.session.add_all(rows)
        await self.session.flush()
        return DeliveryList([delivery_out(r, event.type) for r in rows], None)


class DeliveryController(Controller):
    tags = ["Webhooks"]
    dependencies = {"deliveries": Provide(DeliveryService, sync_to_thread=False)}

    @get(
        "/v1/webhook-endpoints/{endpoint_id:str}/deliveries",
        operation_id="listWebhookDeliveries",
        opt=ACCOUNT,
        summary="The endpoint's delivery log, newest first: one row per attempt",
    )
    async def list_deliveries(
        self,
        endpoint_id: str,
        deliveries: DeliveryService,
        limit: Limit = 20,
        cursor: str | None = None,
        event_id: str | None = None,
        status: DeliveryStatus | None = None,
    ) -> DeliveryList:
        return await deliveries.list(endpoint_id, limit, cursor, event_id, status)

    @post(
        "/v1/events/{event_id:str}/redeliver",
        operation_id="redeliverEvent",
        opt=ACCOUNT,
        status_code=202,
        summary="Deliver the event again: to `endpoint_id`, or to every endpoint subscribed to it now",
    )
    async def redeliver(
        self, event_id: str, deliveries: DeliveryService, request: Request, data: RedeliverIn | None = None
    ) -> DeliveryList:
        answer = await deliveries.redeliver(event_id, data or RedeliverIn())
        worker = getattr(request.app.state, "webhook_worker", None)
        if worker is not None:
            after_commit(deliveries.session, worker.wake)
        return answer
