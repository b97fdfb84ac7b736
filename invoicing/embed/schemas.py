from __future__ import annotations

from datetime import datetime
from typing import Annotated

from msgspec import Meta, Struct

from invoicing.entities.schemas import EntityOut
from invoicing.users.schemas import EntityUserOut, Role


class TokenUseIn(Struct):
    jti: Annotated[str, Meta(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
    """The embed token's unique id."""
    expires_at: datetime
    """When the token would expire anyway."""


class MeOut(Struct):
    """The entity user behind the calling credential, as the dashboard needs it."""

    user: EntityUserOut
    entity: EntityOut
    role: Role
    permissions: list[str]


class ShellBranding(Struct):
    primary_color: str | None
    logo_url: str | None


class ShellEntity(Struct):
    id: str
    name: str
    locale: str
    branding: ShellBranding


class ShellOut(Struct):
    entity: ShellEntity
    frame_ancestors: list[str]
    """The account's ``embed_allowed_origins``: who may frame the dashboard."""
