"""What the BFF sends to spend an embed token, and the entity's branding it reads for the shell
(:class:`~contract.schemas.MeOut`, the answer to both ``/v1/me`` and a spent token, is the contract's)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from msgspec import Meta, Struct

from contract.errors import pattern
from contract.schemas import MeOut as MeOut

_JTI = pattern(r"^[A-Za-z0-9_\-]+$", "made of letters, digits, _ and -")


class TokenUseIn(Struct, forbid_unknown_fields=True):
    jti: Annotated[str, Meta(min_length=8, max_length=64, pattern=_JTI)]
    """The embed token's unique id."""
    expires_at: datetime
    """When the token would expire anyway."""


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
