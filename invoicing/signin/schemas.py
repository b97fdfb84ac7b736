from __future__ import annotations

from typing import Annotated

from msgspec import Meta, Struct

from invoicing.entities.schemas import EntityOut
from invoicing.signin.links import MAX_LINK_LENGTH
from invoicing.users.schemas import EntityUserOut, Role


class LinkUseIn(Struct, forbid_unknown_fields=True):
    token: Annotated[str, Meta(min_length=1, max_length=MAX_LINK_LENGTH)]
    """The sign-in link's token, as it came in the e-mailed URL's fragment."""


class SignInOut(Struct):
    """Who the redeemed link signs in: the BFF keeps the first two in its session cookie."""

    account_id: str
    environment: str
    user: EntityUserOut
    entity: EntityOut
    role: Role
    permissions: list[str]


class SignInRequestOut(Struct):
    sent: bool
