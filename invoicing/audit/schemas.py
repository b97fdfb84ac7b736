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


class AuditLog(Struct):
    data: list[AuditEntry]
    next_cursor: str | None
