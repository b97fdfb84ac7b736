"""Routes: the events of the account's environment (the webhook bodies, for polling and reconciling)."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, get
from litestar.di import Provide
from litestar.params import Parameter

from invoicing.auth import Perm
from invoicing.core.params import Limit
from invoicing.events.schemas import EventList, EventOut
from invoicing.events.service import EventService


class EventController(Controller):
    path = "/v1/events"
    tags = ["Events"]
    dependencies = {"events": Provide(EventService, sync_to_thread=False)}

    @get(
        operation_id="listEvents",
        opt={"permission": Perm.EVENTS_READ},
        summary="Every event of the account's environment, newest first",
        description="An account key sees every entity's events (filter with `entity_id`); an entity key or "
        "user only its entity's. Filter by `type` (exact, or a prefix such as `invoice.*`) and `created_after`. "
        "Events are kept at least 30 days. Each is the body a webhook delivers: `data.object` is what the "
        "object's `GET` answered when the event happened.",
    )
    async def list_events(
        self,
        events: EventService,
        limit: Limit = 20,
        cursor: str | None = None,
        event_type: str | None = Parameter(query="type", default=None),
        entity_id: str | None = Parameter(default=None, max_length=40),
        created_after: datetime | None = None,
    ) -> EventList:
        return await events.list(limit, cursor, type_=event_type, entity_id=entity_id, created_after=created_after)

    @get("/{event_id:str}", operation_id="getEvent", opt={"permission": Perm.EVENTS_READ}, summary="One event")
    async def get_event(self, event_id: str, events: EventService) -> EventOut:
        return await events.get(event_id)
