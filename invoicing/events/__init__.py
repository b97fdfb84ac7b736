"""Events: every state change records one, in the transaction that makes the change (transactional outbox).

:func:`emit` queues the row on the session; :meth:`invoicing.db.Database.transaction` inserts the queued
rows just before it commits, so an event exists exactly when the change it describes does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.auth.context import Scope
from invoicing.core.ids import new_id
from invoicing.db.engine import OUTBOX
from invoicing.db.types import utcnow


def emit(session: AsyncSession, scope: Scope, type_: str, object_id: str, data: dict[str, Any] | None = None) -> None:
    """Record a state change in the outbox, inside the caller's transaction (written just before it
    commits, see :meth:`invoicing.db.Database.transaction`)."""
    principal = scope.principal
    session.info.setdefault(OUTBOX, []).append({
        "id": new_id("event"), "account_id": principal.account_id, "environment": principal.environment,
        "entity_id": scope.entity.id if scope.entity else principal.entity_id, "type": type_,
        "object_id": object_id, "actor": principal.actor, "data": data or {}, "created_at": utcnow(),
        "processed_at": None,
    })
