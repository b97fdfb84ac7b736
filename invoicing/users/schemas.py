from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from invoicing.core.schemas import Email, ShortText

Role = Literal["admin", "editor", "viewer"]
ExternalId = Annotated[str, Meta(min_length=1, max_length=200)]


class EntityUserCreate(Struct):
    email: Email
    role: Role
    name: ShortText | None = None
    external_id: ExternalId | None = None
    """The platform's own id for this user; embed tokens can be minted for it."""
    send_invite: bool = False
    """E-mail a single-use sign-in link to the standalone dashboard."""


class EntityUserUpdate(Struct):
    role: Role | UnsetType = UNSET
    name: ShortText | None | UnsetType = UNSET
    external_id: ExternalId | None | UnsetType = UNSET
    email: Email | UnsetType = UNSET


class EntityUserOut(Struct):
    id: str
    object: Literal["entity_user"]
    entity_id: str
    email: str
    name: str | None
    role: Role
    external_id: str | None
    status: str
    created_at: datetime


class EntityUserList(Struct):
    data: list[EntityUserOut]
    next_cursor: str | None
