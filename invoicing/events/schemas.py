"""The event as the events API returns it: the same body a webhook delivers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from msgspec import Struct

EVENT_TYPES = (
    "entity.created",
    "entity.updated",
    "invoice.created",
    "invoice.issued",
    "invoice.partially_paid",
    "invoice.paid",
    "invoice.voided",
    "invoice.credited",
    "credit_note.issued",
    "payment.created",
    "email.sent",
    "email.failed",
    "entity_user.created",
    "entity_user.accepted",
    "entity_user.removed",
    "webhook.test",
)
"""The event types of the contract (``API.md``, "Webhooks and events"); every one carries ``data.object``.
Folio records more (``customer.created``, ``entity_user.signed_in``, …) for its audit log; the events API
lists those too, with the object when one was recorded."""


class EventData(Struct):
    object: dict[str, Any] | None
    """What the object's ``GET`` answered when the event happened (taken in the transaction that made it)."""


class EventOut(Struct):
    id: str
    type: str
    created_at: datetime
    entity_id: str | None
    data: EventData


class EventList(Struct):
    data: list[EventOut]
    next_cursor: str | None
