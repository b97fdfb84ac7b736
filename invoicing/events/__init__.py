"""Events: every state change records one, in the transaction that makes the change (transactional outbox).

:func:`emit` queues the row on the session; just before the commit the queued rows are inserted in one
``executemany`` on the session's connection, run by the driver (a :class:`~invoicing.db.engine.Prepared`
statement, in a :data:`~invoicing.db.engine.BEFORE_COMMIT` hook of :meth:`Database.transaction`; a
``before_commit`` listener does the same through SQLAlchemy for sessions committed otherwise), so an event
exists exactly when the change it describes does. This module owns the ``events`` table
(:class:`invoicing.db.models.Event`); the database layer knows nothing of it.

**The object.** An event's ``data.object`` is what the matching ``GET`` answers for its object at that
moment, so a receiver never has to call back. The service that made the change hands its answer (the
struct its route returns, built once anyway) to :func:`publish` just before it returns; every event
queued in the transaction for that object that has no object yet gets the answer, encoded once to
JSON-compatible builtins. Because the answer is built after the last change of the request and the
rows are written in ``before_commit``, the object is the committed state, never re-read later.

**Waking consumers.** :func:`on_events_committed` registers a callback run after every commit in this
process that wrote events to a database (by :func:`emit` or by adding :class:`Event` rows to the session):
the webhook worker is woken that way instead of waiting for its next poll. Events written by other
processes are found by polling.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import msgspec
from sqlalchemy import Connection, Table, event, insert
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper, Session, object_session

from invoicing.auth.context import Scope
from invoicing.core.ids import new_id
from invoicing.db.engine import BEFORE_COMMIT, Prepared
from invoicing.db.models import Event
from invoicing.db.types import utcnow
from invoicing.events.schemas import EVENT_TYPES

T = TypeVar("T")
_QUEUED = "folio.events"
_INSERT = insert(cast(Table, Event.__table__))  # declared as FromClause; a declarative class maps a Table
# what emit() queues: every column but processed_at (NULL until the webhook worker fans the event out)
_PREPARED_INSERT = Prepared(_INSERT, [c.name for c in Event.__table__.columns if c.name != "processed_at"])
_WROTE = "folio.events.wrote"
_on_commit: dict[URL, list[Callable[[], None]]] = {}


def emit(session: AsyncSession, scope: Scope, type_: str, object_id: str, data: dict[str, Any] | None = None) -> str:
    """Record a state change in the outbox, inside the caller's transaction (written just before it commits);
    the new event's id. ``type_`` must be one of :data:`~invoicing.events.schemas.EVENT_TYPES`."""
    if type_ not in EVENT_TYPES:
        raise ValueError(f"{type_!r} is not in invoicing.events.schemas.EVENT_TYPES")
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
        }
    )
    return event_id


def publish(session: AsyncSession, out: T, object_id: str | None = None) -> T:
    """Attach ``out`` (what the object's ``GET`` answers now) as ``data.object`` of every event queued in
    this transaction for ``object_id`` (default ``out.id``) that has none yet; returns ``out`` unchanged."""
    object_id = object_id or cast(str, getattr(out, "id"))  # noqa: B009  # every answer struct has an id
    encoded: dict[str, Any] | None = None
    for row in session.info.get(_QUEUED, ()):
        if row["object_id"] == object_id and "object" not in row["data"]:
            if encoded is None:
                encoded = msgspec.to_builtins(out)
            row["data"] = {"object": encoded, **row["data"]}
    return out


def on_events_committed(url: URL, callback: Callable[[], None]) -> Callable[[], None]:
    """Run ``callback`` after every commit in this process that wrote events to the database at ``url`` (an
    engine's ``url``), in the committing thread (make it thread-safe and quick). Returns the function that
    stops it."""
    _on_commit.setdefault(url, []).append(callback)

    def stop() -> None:
        callbacks = _on_commit.get(url, [])
        if callback in callbacks:
            callbacks.remove(callback)
        if not callbacks:
            _on_commit.pop(url, None)

    return stop


async def _insert_queued_now(session: AsyncSession) -> None:
    queued = session.info.pop(_QUEUED, None)
    if queued:
        # by the driver on the session's connection, one executemany: no ORM or Core statement machinery
        await _PREPARED_INSERT.execute_many(session, queued)
        session.info[_WROTE] = True


BEFORE_COMMIT.append(_insert_queued_now)


@event.listens_for(Session, "before_commit")
def _insert_queued(session: Session) -> None:
    queued = session.info.pop(_QUEUED, None)
    if queued:
        session.execute(_INSERT, queued)
        session.info[_WROTE] = True


@event.listens_for(Event, "after_insert")
def _inserted(_mapper: Mapper[Event], _connection: Connection, target: Event) -> None:
    session = object_session(target)
    if session is not None:
        session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
def _wake(session: Session) -> None:
    if session.info.pop(_WROTE, False) and _on_commit and session.bind is not None:
        for callback in list(_on_commit.get(session.bind.engine.url, ())):
            callback()


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_WROTE, None)
