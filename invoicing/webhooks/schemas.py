from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from invoicing.core.schemas import Ident

Url = Annotated[str, Meta(min_length=1, max_length=2048, description="An absolute http(s) URL")]
EventType = Annotated[str, Meta(min_length=1, max_length=60)]
Events = Annotated[list[EventType], Meta(min_length=1, max_length=100, description='Event types, or ["*"]: all')]
EntityIds = Annotated[list[Ident], Meta(max_length=1000, description="Only these entities' events; null: all")]
Description = Annotated[str, Meta(max_length=500)]


class WebhookEndpointCreate(Struct, forbid_unknown_fields=True):
    url: Url
    events: Events
    entity_ids: EntityIds | None = None
    description: Description | None = None


class WebhookEndpointUpdate(Struct, forbid_unknown_fields=True):
    url: Url | UnsetType = UNSET
    events: Events | UnsetType = UNSET
    entity_ids: EntityIds | UnsetType | None = UNSET
    enabled: bool | UnsetType = UNSET
    description: Description | UnsetType | None = UNSET


class WebhookEndpointOut(Struct):
    id: str
    object: Literal["webhook_endpoint"]
    url: str
    description: str | None
    events: list[str]
    entity_ids: list[str] | None
    enabled: bool
    disabled_reason: str | None
    previous_secret_expires_at: datetime | None
    """While set and in the future, deliveries carry a signature with the previous secret too."""
    last_success_at: datetime | None
    failing_since: datetime | None
    created_at: datetime
    updated_at: datetime


class WebhookEndpointWithSecret(WebhookEndpointOut):
    secret: str
    """The signing secret; shown only when the endpoint is created and when its secret is rotated."""


class WebhookEndpointList(Struct):
    data: list[WebhookEndpointOut]
    next_cursor: str | None


class WebhookTestOut(Struct):
    object: Literal["webhook_test"]
    event_id: str
    delivery_id: str
