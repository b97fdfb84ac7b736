"""Events: every state change records one, in the transaction that makes the change (transactional outbox).

:func:`emit` queues the row on the session; a ``before_commit`` listener on every session inserts the
queued rows in one multi-row statement just before the commit, so an event exists exactly when the
change it describes does. This module owns the ``events`` table (:class:`invoicing.db.models.Event`);
the database layer knows nothing of it.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, event, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from invoicing.auth.context import Scope
from invoicing.core.ids import new_id
from invoicing.db.models import Event
from invoicing.db.types import utcnow

_QUEUED = "folio.events"
_INSERT = insert(cast(Table, Event.__table__))  # declared as FromClause; a declarative class maps a Table


def emit(session: AsyncSession, scope: Scope, type_: str, object_id: str, data: dict[str, Any] | None = None) -> str:
    """Record a state change in the outbox, inside the caller's transaction (written just before it commits);
    the new event's id."""
    principal = scope.principal
    event_id = new_id("event")
    session.info.setdefault(_QUEUED, []).append(
        {
            "id": event_id,
            "account_id": principal.account_id,
            "environment": principal.environment,
            "entity_id": scope.entity.id if scope.entity else principal.entity_id,
            "type": type_,
            "object_id": object_id,
            "actor": principal.actor,
            "data": data or {},
            "created_at": utcnow(),
            "processed_at": None,
        }
    )
    return event_id


@event.listens_for(Session, "before_commit")
def _insert_queued(session: Session) -> None:
    queued = session.info.pop(_QUEUED, None)
    if queued:
        session.execute(_INSERT, queued)
