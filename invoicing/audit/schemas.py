from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from msgspec import Struct


class Actor(Struct):
    type: Literal["user", "key", "system"]
    id: str | None
    email: str | None = None
    """The user's e-mail when the actor is an entity user (kept even after the user is removed)."""


class AuditEntry(Struct):
    id: str
    object: Literal["audit_entry"]
    entity_id: str | None
    action: str
    """What happened, e.g. ``invoice.issued``, ``entity_user.updated``."""
    object_id: str
    object_type: str
    actor: Actor
    data: dict[str, Any]
    created_at: datetime
    label: str | None = None
    """What a person calls the object: a document's number (a draft's customer name), a customer's or item's
    name, a member's e-mail, the number of the invoice a payment was for, an e-mail's recipients; ``null`` once
    the object is gone and nothing recorded names it."""
    currency: str | None = None
    """The currency of the document or payment, for amounts in ``data`` (``payment.created``'s ``amount``)."""


class AuditLog(Struct):
    data: list[AuditEntry]
    next_cursor: str | None
