"""The embedding door's requests and answers (the user and entity in a session are the API's own,
:mod:`contract.schemas`)."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, Struct

from bff import DEFAULT_TOKEN_TTL, MAX_TOKEN_TTL
from contract.schemas import EntityOut, EntityUserOut, Role

EntityId = Annotated[str, Meta(pattern=r"^ent_[A-Za-z0-9]{1,60}$", description="The entity the user works in (ent_…)")]
UserId = Annotated[str, Meta(pattern=r"^usr_[A-Za-z0-9]{1,60}$", description="Folio's id of the entity user (usr_…)")]
ExternalId = Annotated[str, Meta(min_length=1, max_length=200, description="The platform's own id of the user")]
Origin = Annotated[
    str,
    Meta(
        max_length=300,
        pattern=r"^https?://[^/\s?#]+/?$",
        description="The host page's origin, one of the account's embed_allowed_origins",
    ),
]


class EmbedTokenCreate(Struct, forbid_unknown_fields=True):
    entity_id: EntityId
    user_id: UserId | None = None
    """Either ``user_id`` or ``external_id`` names the user."""
    external_id: ExternalId | None = None
    ttl_seconds: Annotated[int, Meta(ge=1, le=MAX_TOKEN_TTL)] = DEFAULT_TOKEN_TTL
    """How long the token may wait to be exchanged (at most 300 s); it works once."""
    origin: Origin | None = None
    """The origin the iframe will live in; the dashboard talks to that origin only. Defaults to the
    account's single embed origin when it has exactly one."""


class EmbedTokenOut(Struct):
    token: str
    """``<entity_id>.<signed part>``: goes in the iframe URL's fragment, never in a query string."""
    expires_at: str
    url: str
    """The iframe's URL: ``<folio>/embed?entity=<entity_id>#token=<token>``."""


class EmbedSessionCreate(Struct, forbid_unknown_fields=True):
    token: Annotated[str, Meta(min_length=1, max_length=4096)]


class EmbedSessionOut(Struct):
    session_token: str
    """Send as ``Authorization: Bearer <session_token>`` to ``/embed/api/v1/…``; keep it in memory only."""
    expires_at: str
    user: EntityUserOut
    entity: EntityOut
    role: Role
    permissions: list[str]
    origin: str | None
    """The host page's origin: the dashboard posts its messages to it (and to nothing else)."""
