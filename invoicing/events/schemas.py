"""The event as the events API returns it: the same body a webhook delivers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from msgspec import Struct

EVENT_TYPES: dict[str, str | None] = {
    # the contract's types (API.md, "Webhooks and events"): data.object is what the object's GET answers
    "entity.created": "entity",
    "entity.updated": "entity",
    "invoice.created": "invoice",
    "invoice.issued": "invoice",
    "invoice.partially_paid": "invoice",
    "invoice.paid": "invoice",
    "invoice.voided": "invoice",
    "invoice.credited": "invoice",
    "credit_note.issued": "credit note",
    "payment.created": "payment",
    "email.sent": "e-mail",
    "email.failed": "e-mail",
    "entity_user.created": "entity user",
    "entity_user.accepted": "entity user",
    "entity_user.removed": "entity user",
    "webhook.test": "test",
    # more state changes, with their object
    "invoice.updated": "invoice",
    "invoice.payments_changed": "invoice",
    "payment.deleted": "payment",
    "refund.created": "refund",
    "customer.created": "customer",
    "customer.updated": "customer",
    "customer.deleted": "customer",
    "customer.vat_number_invalid": None,
    "item.created": "item",
    "item.updated": "item",
    "item.deleted": "item",
    "invoice.deleted": None,
    "invoice.peppol_submitted": None,
    "credit_note.peppol_submitted": None,
    "email.queued": "e-mail",
    "email.captured": "e-mail",
    "entity_user.invited": "entity user",
    "entity_user.updated": "entity user",
    "entity_user.invitation_revoked": None,
    "entity_user.signed_in": None,
    "webhook_endpoint.disabled": "webhook endpoint",
    "api_key.created": None,
    "account.updated": None,
    "export.created": "export",
    "export.completed": "export",
    "export.failed": "export",
    # estimates
    "estimate.created": "estimate",
    "estimate.updated": "estimate",
    "estimate.deleted": None,
    "estimate.issued": "estimate",
    "estimate.accepted": "estimate",
    "estimate.declined": "estimate",
    "estimate.converted": "estimate",
    # advance invoices
    "advance_invoice.issued": "advance invoice",
    "advance_invoice.voided": "advance invoice",
    # recurring invoices
    "recurring_invoice.run": "recurring invoice",
    "recurring_invoice.failed": "recurring invoice",
    "recurring_invoice.created": "recurring invoice",
    "recurring_invoice.updated": "recurring invoice",
    "recurring_invoice.paused": "recurring invoice",
    "recurring_invoice.resumed": "recurring invoice",
    "recurring_invoice.deleted": None,
    # reminders
    "invoice.reminder_sent": "invoice",
}
"""Every event type Folio records, and the object its ``data.object`` holds (``None``: none, the event's
data is for the audit log). The first sixteen are the contract's (``API.md``, "Webhooks and events"). One
list: :func:`invoicing.events.emit` refuses a type not in it, an endpoint may subscribe to any of them (or
``*``), and the README lists them all (a test checks)."""
CONTRACT_EVENT_TYPES = tuple(EVENT_TYPES)[:16]


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
