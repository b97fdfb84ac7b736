from __future__ import annotations

from typing import Annotated

from msgspec import UNSET, Meta, Struct, UnsetType

from contract.schemas import EntityUserOut, Role
from invoicing.core.schemas import Email, ShortText

ExternalId = Annotated[str, Meta(min_length=1, max_length=200)]


class EntityUserCreate(Struct, forbid_unknown_fields=True):
    email: Email
    role: Role
    name: ShortText | None = None
    external_id: ExternalId | None = None
    """The platform's own id for this user; embed tokens can be minted for it."""
    send_invite: bool = False
    """E-mail an invitation with a single-use sign-in link (valid 72 hours) to the standalone dashboard
    (``/app``); the user is ``invited`` until they open it, then ``active``. Without it the user is
    ``active`` at once (for users the platform maps with ``external_id`` and embeds)."""


class EntityUserUpdate(Struct, forbid_unknown_fields=True):
    role: Role | UnsetType = UNSET
    name: ShortText | UnsetType | None = UNSET
    external_id: ExternalId | UnsetType | None = UNSET
    email: Email | UnsetType = UNSET


class EntityUserList(Struct):
    data: list[EntityUserOut]
    next_cursor: str | None
