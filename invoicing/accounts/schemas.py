from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from contract.errors import pattern
from invoicing.core.schemas import Name

Origin = Annotated[
    str,
    Meta(
        max_length=300,
        pattern=pattern(
            r"^https?://[^/\s?#]+/?$", "an origin: scheme, host and port, without a path (https://example.com)"
        ),
        description="An origin: scheme, host and optional port, no path",
    ),
]


class AccountOut(Struct):
    id: str
    object: Literal["account"]
    name: str
    environment: str
    embed_allowed_origins: list[str]
    created_at: datetime


class AccountUpdate(Struct, forbid_unknown_fields=True):
    name: Name | UnsetType = UNSET
    embed_allowed_origins: Annotated[list[Origin], Meta(max_length=50)] | UnsetType = UNSET
