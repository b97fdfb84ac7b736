"""Reading events: the account's environment for an account key, one entity for entity credentials."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import NotFound, ValidationFailed
from invoicing.auth.context import Scope
from invoicing.core.paging import page
from invoicing.db.models import Event
from invoicing.events.schemas import EventData, EventList, EventOut

_TYPE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.")


def event_out(event: Event) -> EventOut:
    """The event as the API and a webhook show it: ``data`` holds the object only."""
    return EventOut(
        id=event.id,
        type=event.type,
        created_at=event.created_at,
        entity_id=event.entity_id,
        data=EventData(object=(event.data or {}).get("object")),
    )


def visible(scope: Scope) -> Select[Event]:
    """The events a credential may see: its account and environment; an entity credential, its entity's."""
    principal = scope.principal
    stmt = select(Event).where(Event.account_id == principal.account_id, Event.environment == principal.environment)
    if principal.entity_id is not None:
        stmt = stmt.where(Event.entity_id == principal.entity_id)
    return stmt


def _type_filter(stmt: Select[Event], type_: str) -> Select[Event]:
    """``invoice.issued`` exactly, or every type under a prefix: ``invoice.*``."""
    prefix = type_[:-1] if type_.endswith(".*") else None
    name = prefix if prefix is not None else type_
    if not name or len(type_) > 60 or not set(name) <= _TYPE_CHARS:
        raise ValidationFailed.field(
            "type", "is an event type such as invoice.issued, or a prefix ending in .* such as invoice.*"
        )
    return stmt.where(Event.type.startswith(prefix, autoescape=True) if prefix is not None else Event.type == name)


class EventService:
    """The events of the caller's account and environment, for one request."""

    def __init__(self, session: AsyncSession, ctx: Scope) -> None:
        self.session, self.scope = session, ctx

    async def list(
        self,
        limit: int,
        cursor: str | None,
        *,
        type_: str | None,
        entity_id: str | None,
        created_after: datetime | None,
    ) -> EventList:
        stmt = visible(self.scope)
        if type_ is not None:
            stmt = _type_filter(stmt, type_)
        if entity_id is not None:
            stmt = stmt.where(Event.entity_id == entity_id)
        if created_after is not None:
            if created_after.tzinfo is None:
                raise ValidationFailed.field("created_after", "needs a time zone, e.g. 2026-01-31T12:00:00Z")
            stmt = stmt.where(Event.created_at > created_after)
        data, next_cursor = await page(self.session, stmt, Event.id, limit, cursor, event_out)
        return EventList(data=data, next_cursor=next_cursor)

    async def get(self, event_id: str) -> EventOut:
        event = (await self.session.execute(visible(self.scope).where(Event.id == event_id))).scalar_one_or_none()
        if event is None:
            raise NotFound(f"Event {event_id} was not found.")
        return event_out(event)
